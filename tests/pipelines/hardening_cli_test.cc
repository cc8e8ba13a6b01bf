// Hostile command lines, recipes and files end with a clear message and a
// non-zero exit, never a hang, a crash or a silent skip (issue 19): range
// checks, train-tokenizer with nothing to learn, encode staying in step with its
// input, recipe edge cases, a directory where a file belongs, Ctrl-C, a
// truncated fastText model, numbers beyond a double, and messages (OS reasons,
// compressed data that is not, stdin's magic bytes, mostly malformed inputs,
// escape codes in file names).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "stages/text/fasttext_model.h"
#include "pipelines/recipe.h"
#include "stages/io/record_writer.h"
#include "stages/io/show_path.h"
#include "test_util.h"

using namespace sluice::testing;

namespace {

std::string Q(const std::string& s) { return "'" + s + "'"; }

// A small tokenizer trained through the CLI.
std::string TrainTokenizer(const TempDir& dir) {
  std::string docs;
  for (int i = 0; i < 30; ++i) docs += "{\"text\":\"rivers and lakes and seas " + std::to_string(i) + "\"}\n";
  WriteText(dir / "tok_in.jsonl", docs);
  auto r = RunSluice("train-tokenizer -q -i " + Q(dir / "tok_in.jsonl") + " -o " + Q(dir / "tok") + " --vocab-size 300");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  return dir / "tok/tokenizer.json";
}

// `sluice ARGS` killed after 60 s: a hang (the old truncated-model loop) fails
// the test instead of blocking the suite.
// With `stdout_path`, stdout goes there and only stderr is captured.
CommandResult RunWithTimeout(const std::string& args, const std::string& stdout_path = "") {
  CommandResult r;
  const std::string redirect = stdout_path.empty() ? " 2>&1" : " 2>&1 > " + Q(stdout_path);
  FILE* p = popen(("timeout -s KILL 60 " + std::string(SLUICE_BINARY) + " " + args + redirect).c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace

TEST_CASE("run: --max-record-bytes and --threads are range-checked with clear messages", "[cli][hardening]") {
  TempDir dir;
  WriteText(dir / "in.jsonl", "{\"text\":\"hello\"}\n");
  WriteText(dir / "r.yaml", "stages: []\n");
  const std::string base = "run " + Q(dir / "r.yaml") + " -i " + Q(dir / "in.jsonl") + " -o " + Q(dir / "out") + " ";
  for (const char* bad : {"0", "-5", "100", "5000000000", "1k"}) {
    auto r = RunSluice(base + "--max-record-bytes " + bad);
    INFO(bad << ": " << r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("--max-record-bytes") != std::string::npos);
    CHECK(r.out.find("1024") != std::string::npos);
  }
  auto ok = RunSluice(base + "--max-record-bytes 1024 -q");
  INFO(ok.out);
  CHECK(ok.exit_code == 0);
  CHECK(ReadText(dir / "out/recipe.resolved.yaml").find("max_record_bytes: 1024") != std::string::npos);

  auto abc = RunSluice(base + "--threads abc");
  INFO(abc.out);
  CHECK(abc.exit_code == 1);
  CHECK(abc.out.find("'abc' is not a whole number") != std::string::npos);
  CHECK(abc.out.find("not in range") == std::string::npos);
  auto zero = RunSluice(base + "--threads 0");
  CHECK(zero.exit_code == 1);
  CHECK(zero.out.find("0 is not in [1, 1024]") != std::string::npos);
}

TEST_CASE("train-tokenizer refuses empty or all-malformed input and bad options", "[cli][hardening]") {
  TempDir dir;
  WriteText(dir / "empty.jsonl", "");
  WriteText(dir / "bad.jsonl", "{oops\n[1,2]\n{\"txt\":\"wrong key\"}\n");
  for (const char* input : {"empty.jsonl", "bad.jsonl"}) {
    auto r = RunSluice("train-tokenizer -q -i " + Q(dir / input) + " -o " + Q(dir / "tok") + " --vocab-size 300");
    INFO(input << ": " << r.out);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("no text to train on") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "tok/tokenizer.json"));
  }
  WriteText(dir / "in.jsonl", "{\"text\":\"hello world, hello rivers\"}\n");
  const std::string base = "train-tokenizer -i " + Q(dir / "in.jsonl") + " -o " + Q(dir / "tok") + " ";

  auto negative = RunSluice(base + "--vocab-size -5");
  INFO(negative.out);
  CHECK(negative.exit_code == 1);
  CHECK(negative.out.find("-5 is not in [1, ") != std::string::npos);
  CHECK(negative.out.find("too large") == std::string::npos);

  auto pattern = RunSluice(base + "--vocab-size 300 --pattern ''");
  INFO(pattern.out);
  CHECK(pattern.exit_code == 1);
  CHECK(pattern.out.find("--pattern") != std::string::npos);

  // `-q` after --special-tokens is the quiet flag, never a token.
  auto special = RunSluice(base + "--vocab-size 300 --special-tokens '<|end|>' -q");
  INFO(special.out);
  REQUIRE(special.exit_code == 0);
  CHECK(special.out.empty());
  const std::string json = ReadText(dir / "tok/tokenizer.json");
  CHECK(json.find("<|end|>") != std::string::npos);
  CHECK(json.find("\"-q\"") == std::string::npos);
  auto comma = RunSluice(base + "--vocab-size 300 --special-tokens ',' -q");
  INFO(comma.out);
  CHECK(comma.exit_code == 1);
  CHECK(comma.out.find("empty token") != std::string::npos);
}

TEST_CASE("encode writes null for a malformed record: line N stays record N", "[cli][hardening]") {
  TempDir dir;
  const std::string tok = TrainTokenizer(dir);
  WriteText(dir / "in.jsonl", "{\"text\":\"rivers\"}\n{broken\n{\"text\":\"lakes\"}\n{\"no_text\":1}\n{\"text\":\"seas\"}\n");
  auto run = RunWithTimeout("encode --tokenizer " + Q(tok) + " " + Q(dir / "in.jsonl"), dir / "ids.txt");
  INFO(run.out);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("2 malformed record(s) written as null") != std::string::npos);
  const std::string ids = ReadText(dir / "ids.txt");
  REQUIRE(CountLines(ids) == 5);
  std::vector<std::string> lines;
  std::istringstream in(ids);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  CHECK(lines[0].rfind("[", 0) == 0);
  CHECK(lines[1] == "null");
  CHECK(lines[2].rfind("[", 0) == 0);
  CHECK(lines[3] == "null");
  CHECK(lines[4].rfind("[", 0) == 0);
  REQUIRE(RunWithTimeout("encode --count --tokenizer " + Q(tok) + " " + Q(dir / "in.jsonl"), dir / "n.txt").exit_code == 0);
  const std::string counts = ReadText(dir / "n.txt");
  CHECK(counts.find("\nnull\n") != std::string::npos);
  CHECK(CountLines(counts) == 5);
  auto help = RunSluice("encode --help");
  CHECK(help.out.find("null") != std::string::npos);
}

TEST_CASE("a tokenizer path that is a directory says so", "[cli][hardening]") {
  TempDir dir;
  WriteText(dir / "in.jsonl", "{\"text\":\"x\"}\n");
  auto r = RunSluice("encode --tokenizer " + Q(dir.path()) + " " + Q(dir / "in.jsonl"));
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("is a directory") != std::string::npos);
  CHECK(r.out.find("unexpected end of input") == std::string::npos);
}

TEST_CASE("recipes: duplicate keys, a directory, an unkeepable max_file_bytes", "[cli][hardening]") {
  TempDir dir;
  WriteText(dir / "dup.yaml", "stages:\n  - {type: normalize}\nstages:\n  - {type: exact_dedup}\n");
  auto dup = RunSluice("validate " + Q(dir / "dup.yaml"));
  INFO(dup.out);
  CHECK(dup.exit_code == 1);
  CHECK(dup.out.find("duplicate key 'stages'") != std::string::npos);
  CHECK(dup.out.find("dup.yaml:3") != std::string::npos);
  // Anywhere in the recipe: a stage's option, a section's key.
  auto nested = sluice::ParseRecipe("stages:\n  - {type: normalize, form: nfc, form: nfkc}\n", "n.yaml");
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.status().message().find("duplicate key 'form'") != std::string::npos);
  auto section = sluice::ParseRecipe("input: {text_key: a, text_key: b}\nstages: []\n", "s.yaml");
  REQUIRE_FALSE(section.ok());
  CHECK(section.status().message().find("duplicate key 'text_key'") != std::string::npos);
  CHECK(sluice::ParseRecipe("stages:\n  - {type: normalize}\n  - {type: normalize, name: second}\n", "ok.yaml").ok());

  auto d = RunSluice("validate " + Q(dir.path()));
  INFO(d.out);
  CHECK(d.exit_code == 1);
  CHECK(d.out.find("is a directory") != std::string::npos);
  CHECK(d.out.find("empty") == std::string::npos);

  WriteText(dir / "small.yaml", "output: {max_file_bytes: 4096}\nstages: []\n");
  auto small = RunSluice("validate " + Q(dir / "small.yaml"));
  INFO(small.out);
  CHECK(small.exit_code == 1);
  CHECK(small.out.find("max_file_bytes") != std::string::npos);
  CHECK(small.out.find("batch") != std::string::npos);
  WriteText(dir / "big.yaml", "output: {max_file_bytes: 2097152}\nstages: []\n");
  CHECK(RunSluice("validate -q " + Q(dir / "big.yaml")).exit_code == 0);
}

TEST_CASE("Ctrl-C during sluice run says how to resume and exits 130", "[cli][hardening]") {
  TempDir dir;
  WriteText(dir / "r.yaml", "stages: []\n");
  int in_pipe[2], out_pipe[2];
  REQUIRE(pipe(in_pipe) == 0);
  REQUIRE(pipe(out_pipe) == 0);
  const std::string recipe = dir / "r.yaml", out = dir / "out";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child reads stdin, which the parent keeps open: the run waits for data.
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(out_pipe[1], STDERR_FILENO);
    close(in_pipe[1]);
    close(out_pipe[0]);
    signal(SIGINT, SIG_DFL);
    execl(SLUICE_BINARY, SLUICE_BINARY, "run", recipe.c_str(), "-", "-o", out.c_str(), "-q", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  const std::string line = "{\"text\":\"a record\"}\n";
  CHECK(write(in_pipe[1], line.data(), line.size()) == static_cast<ssize_t>(line.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  close(in_pipe[1]);
  std::string output;
  char buf[4096];
  for (ssize_t n; (n = read(out_pipe[0], buf, sizeof buf)) > 0;) output.append(buf, static_cast<size_t>(n));
  close(out_pipe[0]);
  INFO(output);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(output.find("sluice: interrupted; rerun the same command to resume") != std::string::npos);
}

TEST_CASE("validate and run refuse a truncated fastText model quickly", "[cli][hardening]") {
  TempDir dir;
  std::string train;
  for (int i = 0; i < 40; ++i) {
    train += "__label__hq clean formal prose about rivers " + std::to_string(i % 3) + "\n";
    train += "__label__lq buy now cheap casino bonus " + std::to_string(i % 4) + "\n";
  }
  WriteText(dir / "train.txt", train);
  sluice::FastTextTrainOptions o;
  o.dim = 4;
  o.epoch = 1;
  REQUIRE(sluice::TrainFastTextModel(dir / "train.txt", dir / "good.bin", o).ok());
  const std::string model = ReadText(dir / "good.bin");
  WriteText(dir / "short.bin", model.substr(0, 200));
  WriteText(dir / "half.bin", model.substr(0, model.size() / 2));
  WriteText(dir / "in.jsonl", "{\"text\":\"clean formal prose about rivers\"}\n");
  for (const char* name : {"good", "short", "half"}) {
    WriteText(dir / (std::string(name) + ".yaml"),
              std::string("stages:\n  - {type: classifier, model: ") + name + ".bin, keep_labels: [hq], threshold: 0}\n");
  }
  CHECK(RunSluice("validate -q " + Q(dir / "good.yaml")).exit_code == 0);
  for (const char* name : {"short", "half"}) {
    const auto start = std::chrono::steady_clock::now();
    auto r = RunWithTimeout("validate -q " + Q(dir / (std::string(name) + ".yaml")));
    INFO(name << ": " << r.out);
    CHECK((r.exit_code == 1 || r.exit_code == 2));
    CHECK(r.out.find("truncated or corrupt") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
    auto run = RunWithTimeout("run -q " + Q(dir / (std::string(name) + ".yaml")) + " -i " + Q(dir / "in.jsonl") + " -o " +
                         Q(dir / (std::string("out-") + name)));
    INFO(run.out);
    CHECK((run.exit_code == 1 || run.exit_code == 2));
    CHECK(run.out.find("truncated or corrupt") != std::string::npos);
  }
}

// Issue 19, item 7 end to end: a record with numbers no double or 64-bit
// integer holds is kept, and kept/ holds its numbers' text byte for byte.
TEST_CASE("run keeps records with huge numbers and writes the numbers unchanged", "[cli][hardening][numbers]") {
  TempDir dir;
  const std::string records =
      "{\"id\":\"a\",\"text\":\"one\",\"n\":18446744073709551616}\n"
      "{\"id\":\"b\",\"text\":\"two\",\"n\":1e400,\"m\":-1e400}\n"
      "{\"id\":\"c\",\"text\":\"three\",\"n\":0.1e-400}\n"
      "{\"id\":\"d\",\"text\":\"four\",\"meta\":{\"sizes\":[1,99999999999999999999999,3],\"x\":\"y\"}}\n";
  WriteText(dir / "in.jsonl", records);
  WriteText(dir / "r.yaml", "stages: []\n");
  for (const char* threads : {"1", "3"}) {
    const std::string out = dir / (std::string("out") + threads);
    auto r = RunSluice("run -q " + Q(dir / "r.yaml") + " -i " + Q(dir / "in.jsonl") + " -o " + Q(out) +
                       " --format jsonl --threads " + threads);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("4 = 4 + 0 + 0") != std::string::npos);
    CHECK(ReadAllRecords(out + "/kept") == records);
  }
}

TEST_CASE("cannot open messages give the OS reason", "[cli][hardening][messages]") {
  TempDir dir;
  WriteText(dir / "in.jsonl", "{\"text\":\"x\"}\n");
  WriteText(dir / "lex.yaml", "stages:\n  - {type: lexicon_filter, words_file: missing-words.txt}\n");
  struct Case {
    std::string args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"run " + Q(dir / "missing.yaml") + " -i " + Q(dir / "in.jsonl") + " -o " + Q(dir / "o1"),
       "cannot open recipe '" + (dir / "missing.yaml") + "': No such file or directory"},
      {"encode --tokenizer " + Q(dir / "missing.json") + " " + Q(dir / "in.jsonl"),
       "cannot open " + (dir / "missing.json") + ": No such file or directory"},
      {"validate " + Q(dir / "lex.yaml"), "'" + (dir / "missing-words.txt") + "': No such file or directory"},
  };
  for (const auto& c : cases) {
    auto r = RunSluice(c.args);
    INFO(c.args << "\n" << r.out);
    CHECK(r.exit_code != 0);
    CHECK(r.out.find(c.expected) != std::string::npos);
  }
}

TEST_CASE("a plain file named .gz or .zst says it is not gzip or zstd data", "[cli][hardening][messages]") {
  TempDir dir;
  WriteText(dir / "r.yaml", "stages: []\n");
  const std::string plain = "{\"text\":\"plain text, not compressed\"}\n";
  struct Case {
    std::string name, expected, not_expected;
  };
  const std::vector<Case> cases = {
      {"a.jsonl.gz", "not gzip data", "incorrect header check"},
      {"b.jsonl.zst", "not zstd data", "Unknown frame descriptor"},
      {"c.txt.gz", "not gzip data", "incorrect header check"},
  };
  for (const auto& c : cases) {
    WriteText(dir / c.name, plain);
    auto r = RunSluice("run -q " + Q(dir / "r.yaml") + " -i " + Q(dir / c.name) + " -o " + Q(dir / ("out-" + c.name)));
    INFO(c.name << "\n" << r.out);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(c.expected) != std::string::npos);
    CHECK(r.out.find(c.not_expected) == std::string::npos);
  }
}

TEST_CASE("gzip and zstd data on stdin are known by their magic bytes", "[cli][hardening][messages]") {
  TempDir dir;
  WriteText(dir / "r.yaml", "stages: []\n");
  const std::string records = "{\"id\":\"1\",\"text\":\"first\"}\n{\"id\":\"2\",\"text\":\"second\"}\n";
  const std::vector<std::pair<std::string, sluice::OutputFormat>> cases = {
      {"in.jsonl.gz", sluice::OutputFormat::kJsonlGz},
      {"in.jsonl.zst", sluice::OutputFormat::kJsonlZst},
      {"in.jsonl", sluice::OutputFormat::kJsonl},
  };
  for (const auto& [name, format] : cases) {
    const std::string path = dir / name;
    auto f = sluice::OutputFile::Create(path, format);
    REQUIRE(f.ok());
    REQUIRE((*f)->Write(records).ok());
    REQUIRE((*f)->Commit().ok());
    const std::string out = dir / ("out-" + name);
    auto r = RunSluice("run -q " + Q(dir / "r.yaml") + " - -o " + Q(out) + " --format jsonl < " + Q(path));
    INFO(name << "\n" << r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("2 = 2 + 0 + 0") != std::string::npos);
    CHECK(ReadAllRecords(out + "/kept") == records);
  }
}

TEST_CASE("mostly malformed inputs get one loud warning: JSONL expected, or a wrong --text-key",
          "[cli][hardening][messages]") {
  TempDir dir;
  WriteText(dir / "r.yaml", "stages: []\n");
  std::string good;
  for (int i = 0; i < 20; ++i) good += "{\"text\":\"record " + std::to_string(i) + "\"}\n";
  WriteText(dir / "pretty.json", "[\n  {\n    \"text\": \"a\"\n  },\n  {\n    \"text\": \"b\"\n  }\n]\n");
  WriteText(dir / "array.json", "[{\"text\":\"a\"},{\"text\":\"b\"}]\n");
  WriteText(dir / "good.jsonl", good);
  WriteText(dir / "one_bad.jsonl", good + "{broken\n");
  // UTF-16LE without a byte order mark (with one, it is read: record_reader_test).
  std::string wide;
  for (char c : good) wide += std::string{c, '\0'};
  WriteText(dir / "wide.jsonl", wide);
  struct Case {
    std::string input, options;
    std::vector<std::string> expected;  // empty: no warning at all
  };
  const std::vector<Case> cases = {
      {"pretty.json", "", {"100% of records in " + (dir / "pretty.json") + " were malformed (8 of 8;",
                           "starts with '['", "sluice reads JSONL, one JSON object per line"}},
      {"array.json", "", {"100% of records in", "not_an_object", "starts with '['", "one JSON object per line"}},
      {"good.jsonl", "--text-key body",
       {"100% of records in " + (dir / "good.jsonl") + " were malformed (20 of 20; 20 missing_text: no 'body' field)",
        "is --text-key right?"}},
      {"good.jsonl", "", {}},
      {"one_bad.jsonl", "", {}},
      {"wide.jsonl", "", {"100% of records in", "full of NUL bytes", "UTF-16", "iconv -f UTF-16LE -t UTF-8"}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    auto r = RunSluice("run -q " + Q(dir / "r.yaml") + " -i " + Q(dir / c.input) + " -o " +
                       Q(dir / ("out" + std::to_string(i))) + " " + c.options);
    INFO(c.input << " " << c.options << "\n" << r.out);
    CHECK(r.exit_code == 0);  // the records are accounted for (malformed/); the warning is the signal
    for (const auto& e : c.expected) CHECK(r.out.find(e) != std::string::npos);
    if (c.expected.empty()) CHECK(r.out.find("warning") == std::string::npos);
    if (c.input == "wide.jsonl") CHECK(r.out.find("JSON array") == std::string::npos);  // not that advice
    CHECK(r.out.find("warning") == r.out.rfind("warning"));  // once
  }
}

TEST_CASE("control characters in file names are printed escaped", "[cli][hardening][messages]") {
  TempDir dir;
  WriteText(dir / "r.yaml", "stages: []\n");
  const std::string name = "evil\x1b[2J\x07name.jsonl";
  WriteText(dir / name, "{\"text\":\"x\"}\n");
  const std::string shown = dir / "evil\\x1b[2J\\x07name.jsonl";
  struct Case {
    std::string args, expected;
  };
  const std::vector<Case> cases = {
      {"run -q " + Q(dir / "r.yaml") + " -i " + Q(dir / name) + " -o " + Q(dir / "out"), shown + ": in = kept"},
      {"run -q " + Q(dir / "r.yaml") + " -i " + Q(dir / ("missing" + name)) + " -o " + Q(dir / "out2"),
       dir / "missing" + std::string("evil\\x1b[2J\\x07name.jsonl")},
      {"run " + Q(dir / "r.yaml") + " -i " + Q(dir / name) + " -i " + Q(dir / name) + " -o " + Q(dir / "out3"),
       "'" + shown + "' (given twice)"},
  };
  for (const auto& c : cases) {
    auto r = RunSluice(c.args);
    INFO(sluice::ShowPath(r.out));
    CHECK(r.out.find(c.expected) != std::string::npos);
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(r.out.find('\x07') == std::string::npos);
  }
}
