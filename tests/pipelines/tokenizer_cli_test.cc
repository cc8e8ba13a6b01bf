// `sluice train-tokenizer`, `sluice encode`, `sluice decode` end to end, and the
// train_tokenizer / token_count stages.
#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "pipelines/tokenizer_stages.h"
#include "stages/engine/stage.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/hf_json.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

int Run(const std::string& cmd, std::string* out) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  const int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("sluice_tok_cli_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const char* kDocs[] = {
    "The GNU General Public License is a free, copyleft license for software and other kinds of works.",
    "When we speak of free software, we are referring to freedom, not price.\nOur General Public Licenses are designed",
    "列出指定文件（默认为当前目录）的信息。\n如果既没有指定任何一个，也没有指定排序，则按字母排序项目。",
    "To protect your rights, we need to prevent others from denying you these rights or asking you to surrender "
    "the rights.",
};

void WriteJsonl(const fs::path& p, int copies) {
  std::ofstream out(p);
  for (int c = 0; c < copies; ++c) {
    for (const char* d : kDocs) {
      std::string esc;
      for (const char* q = d; *q; ++q) {
        if (*q == '\n') esc += "\\n";
        else if (*q == '"') esc += "\\\"";
        else esc += *q;
      }
      out << "{\"id\":\"d" << c << "\",\"text\":\"" << esc << "\"}\n";
    }
  }
}

TEST_CASE("train-tokenizer writes HF files, identical for 1 and 2 threads", "[pipelines][tokenizer_cli]") {
  TempDir dir;
  WriteJsonl(dir.path / "in.jsonl", 50);
  std::string out;
  const std::string base = std::string(SLUICE_BINARY) + " train-tokenizer -q -i " + (dir.path / "in.jsonl").string() +
                           " --vocab-size 400 --special-tokens '<|endoftext|>,<pad>'";
  REQUIRE(Run(base + " -o " + (dir.path / "t1").string() + " --threads 1", &out) == 0);
  REQUIRE(Run(base + " -o " + (dir.path / "t2").string() + " --threads 2", &out) == 0);
  for (const char* f : {"tokenizer.json", "vocab.json", "merges.txt", "tokenizer.tiktoken"}) {
    INFO(f);
    REQUIRE(fs::exists(dir.path / "t1" / f));
    CHECK(Slurp(dir.path / "t1" / f) == Slurp(dir.path / "t2" / f));
  }
  tokenizer::BpeModel m;
  REQUIRE(tokenizer::LoadTokenizerJson((dir.path / "t1" / "tokenizer.json").string(), &m).ok());
  CHECK(m.token(0) == "<|endoftext|>");
  CHECK(m.special_ids().size() == 2);
  CHECK(m.has_full_byte_alphabet());
  CHECK(m.vocab_size() <= 400);
}

TEST_CASE("encode, count and decode round trip", "[pipelines][tokenizer_cli]") {
  TempDir dir;
  WriteJsonl(dir.path / "in.jsonl", 20);
  std::string out;
  REQUIRE(Run(std::string(SLUICE_BINARY) + " train-tokenizer -q -i " + (dir.path / "in.jsonl").string() + " -o " +
                  (dir.path / "tok").string() + " --vocab-size 350 --preset cl100k",
              &out) == 0);
  const std::string tok = (dir.path / "tok" / "tokenizer.json").string();
  out.clear();
  REQUIRE(Run(std::string(SLUICE_BINARY) + " encode --tokenizer " + tok + " " + (dir.path / "in.jsonl").string() +
                  " > " + (dir.path / "ids.txt").string(),
              &out) == 0);
  const std::string ids = Slurp(dir.path / "ids.txt");
  CHECK(ids.rfind("[", 0) == 0);
  size_t lines = 0;
  for (char c : ids) lines += c == '\n';
  CHECK(lines == 80);
  out.clear();
  REQUIRE(Run(std::string(SLUICE_BINARY) + " decode --tokenizer " + tok + " " + (dir.path / "ids.txt").string(),
              &out) == 0);
  std::string expected;
  for (int c = 0; c < 20; ++c) {
    for (const char* d : kDocs) expected += std::string(d) + "\n";
  }
  CHECK(out == expected);
  out.clear();
  REQUIRE(Run(std::string(SLUICE_BINARY) + " encode --count --tokenizer " + tok + " " +
                  (dir.path / "in.jsonl").string() + " | head -1",
              &out) == 0);
  CHECK(std::stoi(out) > 5);
}

TEST_CASE("CLI exit codes: usage/config 1, I/O 2", "[pipelines][tokenizer_cli]") {
  TempDir dir;
  WriteJsonl(dir.path / "in.jsonl", 1);
  std::string out;
  const std::string bin = SLUICE_BINARY;
  CHECK(Run(bin + " train-tokenizer -i " + (dir.path / "in.jsonl").string() + " -o " + dir.path.string() +
                "/o --vocab-size 10",
            &out) == 1);
  CHECK(out.find("vocab_size") != std::string::npos);
  CHECK(Run(bin + " train-tokenizer -i " + (dir.path / "in.jsonl").string() + " -o " + dir.path.string() +
                "/o --vocab-size 300 --pattern '('",
            &out) == 1);
  CHECK(Run(bin + " train-tokenizer -i /nonexistent/x.jsonl -o " + dir.path.string() + "/o --vocab-size 300", &out) ==
        2);
  CHECK(Run(bin + " encode --tokenizer /nonexistent/tokenizer.json " + (dir.path / "in.jsonl").string(), &out) == 2);
  CHECK(Run(bin + " train-tokenizer --vocab-size 300", &out) == 1);  // missing -i/-o
  std::ofstream(dir.path / "bad.json") << "{\"model\":1}";
  CHECK(Run(bin + " encode --tokenizer " + (dir.path / "bad.json").string() + " " + (dir.path / "in.jsonl").string(),
            &out) == 1);
}

TEST_CASE("train_tokenizer stage trains in Finish - token_count counts", "[pipelines][tokenizer_cli]") {
  TempDir dir;
  auto built = BuildStage("train_tokenizer", "{vocab_size: 300, special_tokens: ['<|endoftext|>']}");
  REQUIRE(built.ok());
  std::unique_ptr<Stage> stage = std::move(built).value();
  Stats stats;
  StageContext ctx(&stats);
  for (int c = 0; c < 10; ++c) {
    for (const char* d : kDocs) {
      Document doc;
      doc.text = d;
      CHECK(stage->Process(doc, ctx).keep());
    }
  }
  CHECK(stats.Get(kStatTrainDocs) == 40);
  Stats finish_stats;
  FinishContext fin;
  fin.output_dir = dir.path.string();
  fin.stats = &finish_stats;
  REQUIRE(stage->Finish(fin).ok());
  CHECK(finish_stats.Get(kStatTrainVocab) == 300);
  CHECK(fin.report_json.find("\"vocab_size\":300") != std::string::npos);
  const fs::path tok = dir.path / "tokenizer" / "tokenizer.json";
  REQUIRE(fs::exists(tok));

  auto counter = BuildStage("token_count", "{tokenizer: '" + tok.string() + "'}");
  REQUIRE(counter.ok());
  Document doc;
  doc.text = kDocs[0];
  Stats s2;
  StageContext ctx2(&s2);
  CHECK((*counter)->Process(doc, ctx2).keep());
  const double n = doc.Signal(kSignalTokenCount, -1);
  CHECK(n > 3);
  CHECK(s2.Get(kStatTokenCountTokens) == static_cast<int64_t>(n));

  CHECK_FALSE(BuildStage("train_tokenizer", "{vocab_size: 10}").ok());
  CHECK_FALSE(BuildStage("train_tokenizer", "{preset: gpt5}").ok());
  CHECK_FALSE(BuildStage("train_tokenizer", "{pattern: '('}").ok());
  CHECK_FALSE(BuildStage("token_count", "{tokenizer: /nonexistent.json}").ok());
}

}  // namespace
}  // namespace sluice
