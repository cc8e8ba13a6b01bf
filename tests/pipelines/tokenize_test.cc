// `sluice tokenize` and the write_tokens stage end to end on real text (the
// UDHR in 42 languages from tests/data, fortunes when installed):
//  * a Python reader written from Megatron's published layout
//    (megatron_reader.py) reads the .idx/.bin back: one sequence per record, in
//    order, equal to `sluice encode`'s ids plus the end-of-text id, uint16;
//  * the same against Hugging Face tokenizers' ids (node + npm `tokenizers`;
//    skipped without them, a failure under CI=true);
//  * the nanoGPT stream holds the same ids; byte-identical for 1 and 2 threads;
//  * write_tokens in a recipe writes the same bytes as `sluice tokenize` on kept/, for 1 and 2
//    threads and in a 2-shard plan.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "test_util.h"

using namespace sluice::testing;
namespace fs = std::filesystem;

namespace {

std::string Esc(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20) out += ' ';
    else out += static_cast<char>(c);
  }
  return out;
}

// One record per UDHR paragraph (every language), then fortunes when installed.
size_t WriteCorpus(const std::string& path) {
  std::string jsonl;
  size_t n = 0;
  std::vector<std::string> files;
  for (auto& e : fs::directory_iterator(SourcePath("tests/data/udhr"))) {
    if (e.path().extension() == ".txt") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string text = ReadText(f);
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find("\n\n", pos);
      if (end == std::string::npos) end = text.size();
      const std::string para = text.substr(pos, end - pos);
      pos = end + 2;
      if (para.find_first_not_of(" \n") == std::string::npos) continue;
      jsonl += "{\"id\":\"u" + std::to_string(n) + "\",\"text\":\"" + Esc(para) + "\"}\n";
      ++n;
    }
  }
  const std::string fortunes = ReadText("/usr/share/games/fortunes/fortunes");
  for (size_t pos = 0, k = 0; pos < fortunes.size() && k < 2000; ++k) {
    size_t end = fortunes.find("\n%\n", pos);
    if (end == std::string::npos) end = fortunes.size();
    jsonl += "{\"text\":\"" + Esc(fortunes.substr(pos, end - pos)) + "\",\"source\":\"fortunes\"}\n";
    ++n;
    pos = end + 3;
  }
  jsonl += "{\"text\":\"\"}\n";  // an empty record is still one (empty) sequence
  ++n;
  WriteText(path, jsonl);
  return n;
}

bool Ci() { return std::getenv("CI") && std::string(std::getenv("CI")) == "true"; }

}  // namespace

TEST_CASE("tokenize: Megatron and nanoGPT shards read back from the published layout", "[pipelines][tokenize]") {
  TempDir dir;
  const size_t records = WriteCorpus(dir / "in.jsonl");
  REQUIRE(records > 300);
  // A small tokenizer with an end-of-text token, trained on the same text.
  auto r = RunSluice("train-tokenizer -q -i " + (dir / "in.jsonl") + " -o " + (dir / "tok") +
                     " --vocab-size 3000 --special-tokens '<|endoftext|>'");
  REQUIRE(r.exit_code == 0);
  const std::string tok = dir / "tok/tokenizer.json";
  // A pass-through run, so the input is a kept/ folder of .jsonl.zst parts.
  WriteText(dir / "pass.yaml", "stages: []\n");
  r = RunSluice("run " + (dir / "pass.yaml") + " " + (dir / "in.jsonl") + " -o " + (dir / "run") + " -q");
  REQUIRE(r.exit_code == 0);

  r = RunSluice("encode --tokenizer " + tok + " " + (dir / "in.jsonl") + " > " + (dir / "encode.jsonl"));
  REQUIRE(r.exit_code == 0);
  REQUIRE(CountLines(ReadText(dir / "encode.jsonl")) == records);

  for (int threads : {1, 2}) {
    const std::string t = std::to_string(threads);
    r = RunSluice("tokenize --tokenizer " + tok + " -i " + (dir / "run/kept") + " -o " + (dir / ("meg" + t)) +
                  " --format megatron --append-eod --threads " + t);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    r = RunSluice("tokenize -q --tokenizer " + tok + " -i " + (dir / "in.jsonl") + " -o " + (dir / ("nano" + t)) +
                  " --format nanogpt --threads " + t);
    REQUIRE(r.exit_code == 0);
  }
  for (const char* f : {"tokens.bin", "tokens.idx", "tokens.json"}) {
    INFO(f);
    CHECK(ReadText(dir / ("meg1/" + std::string(f))) == ReadText(dir / ("meg2/" + std::string(f))));
  }
  CHECK(ReadText(dir / "nano1/tokens.bin") == ReadText(dir / "nano2/tokens.bin"));

  // The Python reader: megatron (uint16) and nanogpt against `sluice encode` + end-of-text (id 0).
  std::string out;
  const std::string reader = "python3 " + SourcePath("tests/pipelines/megatron_reader.py");
  auto py = [&](const std::string& args) {
    FILE* p = popen((reader + " " + args + " 2>&1").c_str(), "r");
    out.clear();
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    return WEXITSTATUS(pclose(p));
  };
  {
    const int rc = py("--dir " + (dir / "meg1") + " --expect " + (dir / "encode.jsonl") + " --eod 0 --tokenizer " +
                      tok + " --expect-dtype uint16");
    INFO(out);
    CHECK(rc == 0);
    CHECK(out.find("PASS sequences equal the expected ids, in order") != std::string::npos);
  }
  {
    const int rc = py("--dir " + (dir / "nano1") + " --format nanogpt --expect " + (dir / "encode.jsonl") + " --eod 0");
    INFO(out);
    CHECK(rc == 0);
  }

  // Hugging Face tokenizers' ids.
  const char* env_npm = std::getenv("SLUICE_NPM_DIR");
  const std::string npm = env_npm ? env_npm : SourcePath("build/npm");
  if (std::system("node --version > /dev/null 2>&1") != 0 || !fs::exists(npm + "/node_modules/tokenizers")) {
    if (Ci()) FAIL("node or the npm package tokenizers is missing (scripts/setup.d/tokenizer.sh)");
    WARN("SKIPPED the HF comparison: node or npm tokenizers missing (scripts/setup.d/tokenizer.sh)");
    return;
  }
  REQUIRE(std::system(("node " + SourcePath("tests/pipelines/hf_encode.js") + " " + npm + " " + tok + " " +
                       (dir / "in.jsonl") + " " + (dir / "hf.jsonl"))
                          .c_str()) == 0);
  const int rc = py("--dir " + (dir / "meg2") + " --expect " + (dir / "hf.jsonl") + " --eod 0");
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("PASS sequences equal the expected ids, in order") != std::string::npos);
}

TEST_CASE("tokenize: shards split at documents, refusals are clear", "[pipelines][tokenize]") {
  TempDir dir;
  WriteCorpus(dir / "in.jsonl");
  REQUIRE(RunSluice("train-tokenizer -q -i " + (dir / "in.jsonl") + " -o " + (dir / "tok") +
                    " --vocab-size 600 --special-tokens '<|endoftext|>'")
              .exit_code == 0);
  REQUIRE(RunSluice("train-tokenizer -q -i " + (dir / "in.jsonl") + " -o " + (dir / "plain") + " --vocab-size 600")
              .exit_code == 0);
  auto r = RunSluice("tokenize --tokenizer " + (dir / "tok/tokenizer.json") + " -i " + (dir / "in.jsonl") + " -o " +
                     (dir / "split") + " --max-shard-tokens 20000");
  REQUIRE(r.exit_code == 0);
  CHECK(fs::exists(dir / "split/tokens_00000.idx"));
  CHECK(fs::exists(dir / "split/tokens_00001.bin"));
  const std::string side = ReadText(dir / "split/tokens.json");
  CHECK(side.find("\"name\":\"tokens_00001\"") != std::string::npos);

  r = RunSluice("tokenize --tokenizer " + (dir / "plain/tokenizer.json") + " -i " + (dir / "in.jsonl") + " -o " +
                (dir / "x") + " --append-eod");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("has no end-of-text token") != std::string::npos);
  r = RunSluice("tokenize --tokenizer " + (dir / "plain/tokenizer.json") + " -i " + (dir / "in.jsonl") + " -o " +
                (dir / "y") + " --format nanogpt");
  CHECK(r.exit_code == 1);
  CHECK_FALSE(fs::exists(dir / "y/tokens.bin"));
  // Without --append-eod a tokenizer without one is fine.
  CHECK(RunSluice("tokenize -q --tokenizer " + (dir / "plain/tokenizer.json") + " -i " + (dir / "in.jsonl") + " -o " +
                  (dir / "z"))
            .exit_code == 0);
}

TEST_CASE("write_tokens stage writes what sluice tokenize writes from kept/", "[pipelines][tokenize][write_tokens]") {
  TempDir dir;
  WriteCorpus(dir / "in.jsonl");
  REQUIRE(RunSluice("train-tokenizer -q -i " + (dir / "in.jsonl") + " -o " + (dir / "tok") +
                    " --vocab-size 2000 --special-tokens '<|endoftext|>'")
              .exit_code == 0);
  // Drop some documents first, so write_tokens sees the kept stream only.
  WriteText(dir / "recipe.yaml",
            "stages:\n"
            "  - {type: exact_dedup}\n"
            "  - {type: gopher_quality, min_words: 20}\n"
            "  - {type: write_tokens, tokenizer: tok/tokenizer.json, append_eod: true}\n");
  for (int threads : {1, 2}) {
    const std::string t = std::to_string(threads);
    auto r = RunSluice("run " + (dir / "recipe.yaml") + " " + (dir / "in.jsonl") + " -o " + (dir / ("run" + t)) +
                       " -q --threads " + t);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
  }
  // A sharded plan (2 shards, local executor) writes the same shards: the resolve task appends in input order.
  auto sh = RunSluice("run " + (dir / "recipe.yaml") + " -i " + (dir / "in.jsonl") + " -o " + (dir / "sharded") +
                      " -q --executor local --shards 2");
  INFO(sh.out);
  REQUIRE(sh.exit_code == 0);
  auto r = RunSluice("tokenize -q --tokenizer " + (dir / "tok/tokenizer.json") + " -i " + (dir / "run1/kept") +
                     " -o " + (dir / "cli") + " --append-eod");
  REQUIRE(r.exit_code == 0);
  for (const char* f : {"tokens.bin", "tokens.idx"}) {
    INFO(f);
    const std::string cli = ReadText(dir / ("cli/" + std::string(f)));
    CHECK(cli.size() > 1000);
    CHECK(ReadText(dir / ("run1/tokens/" + std::string(f))) == cli);
    CHECK(ReadText(dir / ("run2/tokens/" + std::string(f))) == cli);
    CHECK(ReadText(dir / ("sharded/tokens/" + std::string(f))) == cli);
  }
  const std::string stats = ReadText(dir / "run1/stats.json");
  CHECK(stats.find("write_tokens.tokens") != std::string::npos);
}

TEST_CASE("samples: raw corpus to Megatron .bin/.idx with one recipe plus one command", "[pipelines][tokenize][slow]") {
  TempDir dir;
  std::string out;
  const std::string build = "python3 " + SourcePath("samples/build_sample.py") + " " + (dir / "raw") + " > /dev/null 2>&1";
  if (std::system(build.c_str()) != 0 || !fs::exists(dir / "raw/web-sample.jsonl")) {
    if (Ci()) FAIL("samples/build_sample.py failed (Debian text packages from scripts/setup.sh)");
    WARN("SKIPPED: samples/build_sample.py failed (run scripts/setup.sh)");
    return;
  }
  auto r = RunSluice("run " + SourcePath("samples/recipes/train_ready.yaml") + " -i " + (dir / "raw/web-sample.jsonl") +
                     " -o " + (dir / "ready") + " -q --threads 2");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const std::string stats = ReadText(dir / "ready/stats.json");
  CHECK(stats.find("decontaminate.task.dref_quiz_en") != std::string::npos);
  r = RunSluice("tokenize --tokenizer " + (dir / "ready/tokenizer/tokenizer.json") + " -i " + (dir / "ready/kept") +
                " -o " + (dir / "ready/megatron") + " --format megatron --append-eod");
  REQUIRE(r.exit_code == 0);
  CHECK(fs::file_size(dir / "ready/megatron/tokens.bin") > 100000);
  // The ids are `sluice encode`'s plus the end-of-text id (0), read back by the Python reader.
  REQUIRE(RunSluice("encode --tokenizer " + (dir / "ready/tokenizer/tokenizer.json") + " " + (dir / "ready/kept") +
                    " > " + (dir / "ids.jsonl"))
              .exit_code == 0);
  const std::string cmd = "python3 " + SourcePath("tests/pipelines/megatron_reader.py") + " --dir " +
                          (dir / "ready/megatron") + " --expect " + (dir / "ids.jsonl") +
                          " --eod 0 --expect-dtype uint16 > /dev/null 2>&1";
  CHECK(std::system(cmd.c_str()) == 0);
}
