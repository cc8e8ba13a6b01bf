// End-to-end tests of the `sluice` binary: the command-line contract, exit
// codes, accounting, stdin, and resume after a real kill.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "stages/io/record_writer.h"
#include "test_util.h"

using namespace sluice::testing;

namespace {

std::string Corpus(int n, int seed) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    int k = (i * 7919 + seed * 31) % 1009;
    if (k % 17 == 0) {
      out += "{\"text\": oops}\n";
      continue;
    }
    out += "{\"id\":\"s" + std::to_string(seed) + "-" + std::to_string(i) + "\",\"text\":\"Line " +
           std::to_string(k) + " of a document about rivers and 河流.\",\"source\":\"test\"}\n";
  }
  return out;
}

// Writes a pass-through recipe (no stages) into `dir` and returns its path: the
// engine's contract tests must not depend on what the default recipe filters.
std::string PassThrough(const TempDir& dir) {
  WriteText(dir / "passthrough.yaml", "stages: []\n");
  return dir / "passthrough.yaml";
}

std::string StatsWithoutTiming(const std::string& dir) {
  std::string s = ReadText(dir + "/stats.json");
  return s.substr(0, s.find(",\"timing\":"));
}

}  // namespace

TEST_CASE("sluice --version and stages answer", "[cli]") {
  auto r = RunSluice("--version");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("sluice ") == 0);
  r = RunSluice("stages");
  CHECK(r.exit_code == 0);
  r = RunSluice("no-such-command");
  CHECK(r.exit_code == 1);
}

TEST_CASE("sluice run writes the output contract and prints the accounting", "[cli]") {
  TempDir dir;
  WriteText(dir / "in.jsonl", Corpus(500, 1));
  auto r = RunSluice("run " + PassThrough(dir) + " " + (dir / "in.jsonl") + " -o " + (dir / "out") + " --threads 2 -q");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("total: in = kept + dropped + malformed: 500 = ") != std::string::npos);
  auto files = ListFiles(dir / "out");
  auto has = [&](const std::string& f) { return std::find(files.begin(), files.end(), f) != files.end(); };
  CHECK(has("stats.json"));
  CHECK(has("recipe.resolved.yaml"));
  CHECK(has("report.html"));
  CHECK(has("kept/part-00000-0000.jsonl.zst"));
  CHECK(has("malformed/part-00000-0000.jsonl"));
  std::string kept = ReadAllRecords(dir / "out/kept");
  std::string malformed = ReadAllRecords(dir / "out/malformed");
  CHECK(CountLines(kept) + CountLines(malformed) == 500);
  CHECK(kept.find("\"source\":\"test\"") != std::string::npos);
  CHECK(malformed.find("\"error\":\"invalid_json\"") != std::string::npos);
}

TEST_CASE("sluice run reads stdin and writes the format asked for", "[cli]") {
  TempDir dir;
  WriteText(dir / "in.jsonl", Corpus(50, 2));
  auto r = RunSluice("run " + PassThrough(dir) + " - -o " + (dir / "out") + " --format jsonl -q < " +
                     (dir / "in.jsonl"));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(ListFiles(dir / "out/kept") == std::vector<std::string>{"part-00000-0000.jsonl"});
}

TEST_CASE("exit codes: 1 for usage and recipe errors, 2 for input failures", "[cli]") {
  TempDir dir;
  WriteText(dir / "in.jsonl", Corpus(10, 3));
  CHECK(RunSluice("run " + (dir / "in.jsonl")).exit_code == 1);  // no -o
  auto r = RunSluice("run " + (dir / "missing.jsonl") + " -o " + (dir / "o1"));
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("missing.jsonl") != std::string::npos);
  WriteText(dir / "bad.yaml", "input: {text_kye: body}\nstages: []\n");
  r = RunSluice("run " + (dir / "bad.yaml") + " " + (dir / "in.jsonl") + " -o " + (dir / "o2"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("text_kye") != std::string::npos);
  WriteText(dir / "bad2.yaml", "stages:\n  - {type: no_such_stage}\n");
  r = RunSluice("validate " + (dir / "bad2.yaml"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("no_such_stage") != std::string::npos);
  CHECK(r.out.find("stage #1") != std::string::npos);
  CHECK(RunSluice("run " + (dir / "in.jsonl") + " -o " + (dir / "o3") + " --shard 4/4").exit_code == 1);
}

TEST_CASE("a truncated .zst input is counted, reported and exits 2", "[cli]") {
  TempDir dir;
  std::string big;
  for (int i = 0; i < 3; ++i) big += Corpus(3000, i);
  {
    auto f = sluice::OutputFile::Create(dir / "t.jsonl.zst", sluice::OutputFormat::kJsonlZst);
    REQUIRE(f.ok());
    REQUIRE((*f)->Write(big).ok());
    REQUIRE((*f)->Commit().ok());
  }
  std::string bytes = ReadText(dir / "t.jsonl.zst");
  WriteText(dir / "t.jsonl.zst", bytes.substr(0, bytes.size() * 2 / 3));
  auto r = RunSluice("run " + (dir / "t.jsonl.zst") + " -o " + (dir / "out") + " -q");
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("truncated zstd") != std::string::npos);
  CHECK(r.out.find("in = kept + dropped + malformed") != std::string::npos);
  CHECK(ReadText(dir / "out/stats.json").find("\"input_errors\":1") != std::string::npos);
}

TEST_CASE("sharding with I/N splits the inputs without overlap", "[cli]") {
  TempDir dir;
  for (int i = 0; i < 5; ++i) WriteText(dir / ("in/" + std::to_string(i) + ".jsonl"), Corpus(20, i));
  size_t total = 0;
  for (int s = 0; s < 2; ++s) {
    auto r = RunSluice("run " + PassThrough(dir) + " -i " + (dir / "in") + " -o " + (dir / "out") + " --shard " +
                       std::to_string(s) + "/2 -q");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
  }
  auto files = ListFiles(dir / "out/kept");
  for (int i = 0; i < 5; ++i) {
    std::string part = "part-0000" + std::to_string(i) + "-0000.jsonl.zst";
    CHECK(std::count(files.begin(), files.end(), part) == 1);
  }
  for (const auto& f : files) total += CountLines(ReadDecompressed(dir / ("out/kept/" + f)));
  CHECK(total > 80);
  CHECK(ListFiles(dir / "out/stats") ==
        std::vector<std::string>{"shard-0-of-2.json", "shard-1-of-2.json"});
}

TEST_CASE("killing a run and rerunning it gives the uninterrupted result", "[cli][resume][slow]") {
  TempDir dir;
  for (int i = 0; i < 8; ++i) WriteText(dir / ("in/" + std::to_string(i) + ".jsonl"), Corpus(40000, i));
  std::string recipe = PassThrough(dir);
  auto full = RunSluice("run " + recipe + " " + (dir / "in") + " -o " + (dir / "full") + " --threads 2 -q");
  REQUIRE(full.exit_code == 0);

  // Start the same run, SIGKILL it once some (not all) inputs are finished.
  pid_t pid = fork();
  if (pid == 0) {
    std::string out = dir / "killed";
    std::string in = dir / "in";
    freopen("/dev/null", "w", stderr);
    freopen("/dev/null", "w", stdout);
    execl(SLUICE_BINARY, SLUICE_BINARY, "run", recipe.c_str(), in.c_str(), "-o", out.c_str(), "--threads", "1", "-q",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  bool killed_mid_run = false;
  for (int waited = 0; waited < 60000; waited += 5) {
    auto done = ListFiles(dir / "killed/.sluice/done");
    if (done.size() >= 2) {
      killed_mid_run = done.size() < 8;
      kill(pid, SIGKILL);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(killed_mid_run);
  CHECK_FALSE(std::filesystem::exists(dir / "killed/stats.json"));

  auto resumed = RunSluice("run " + recipe + " " + (dir / "in") + " -o " + (dir / "killed") + " --threads 2 -q");
  INFO(resumed.out);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.out.find("(finished earlier)") != std::string::npos);
  CHECK(ListFiles(dir / "killed/kept") == ListFiles(dir / "full/kept"));
  CHECK(ReadAllRecords(dir / "killed/kept") == ReadAllRecords(dir / "full/kept"));
  CHECK(ReadAllRecords(dir / "killed/malformed") == ReadAllRecords(dir / "full/malformed"));
  CHECK(StatsWithoutTiming(dir / "killed") == StatsWithoutTiming(dir / "full"));
}

TEST_CASE("a rerun with a different recipe into the same directory is refused", "[cli][resume]") {
  TempDir dir;
  WriteText(dir / "in.jsonl", Corpus(10, 1));
  REQUIRE(RunSluice("run " + (dir / "in.jsonl") + " -o " + (dir / "out") + " -q").exit_code == 0);
  auto r = RunSluice("run " + (dir / "in.jsonl") + " -o " + (dir / "out") + " --format jsonl -q");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("--overwrite") != std::string::npos);
  CHECK(RunSluice("run " + (dir / "in.jsonl") + " -o " + (dir / "out") + " --format jsonl --overwrite -q")
            .exit_code == 0);
}

TEST_CASE("the default recipe keeps the article of a dirty web page and removes the junk", "[cli][golden]") {
  // tests/data/web/page_{en,zh}.jsonl: an article page (title, spam keyword lines,
  // article, bot comment section) and a pure spam page, in English and Chinese.
  for (std::string lang : {"en", "zh"}) {
    TempDir dir;
    std::string page = SourcePath("tests/data/web/page_" + lang + ".jsonl");
    auto r = RunSluice("run " + page + " -o " + (dir / "out") + " --format jsonl -q");
    INFO(lang << ": " << r.out);
    REQUIRE(r.exit_code == 0);
    std::string kept = ReadAllRecords(dir / "out/kept");
    CHECK(CountLines(kept) == 1);  // the spam page is rejected
    std::string expected = ReadText(SourcePath("tests/data/web/page_" + lang + ".expected.txt"));
    // Every expected article line survives, in order; no junk line does.
    simdjson::dom::parser parser;
    simdjson::dom::element record;
    REQUIRE(parser.parse(kept).get(record) == simdjson::SUCCESS);
    std::string_view text_view;
    REQUIRE(record["text"].get(text_view) == simdjson::SUCCESS);
    std::string text(text_view);
    std::istringstream lines(expected);
    std::string line;
    size_t at = 0;
    while (std::getline(lines, line)) {
      if (line.size() < 12) continue;
      std::string probe = line.substr(0, 12);
      auto found = text.find(probe, at);
      CHECK(found != std::string::npos);
      if (found != std::string::npos) at = found;
    }
    for (const char* junk : {"Share on", "cookies", "hours ago", "分享到", "秒前", "【"}) {
      CHECK(text.find(junk) == std::string::npos);
    }
  }
}
