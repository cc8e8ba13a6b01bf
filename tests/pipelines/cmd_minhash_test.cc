// End to end: `sluice minhash signatures | buckets | clusters | filter` on
// JSONL files gives the same decisions as the in-process minhash_dedup stage.
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "stages/json_writer.h"
#include "stages/stage.h"

namespace fs = std::filesystem;
using namespace sluice;

namespace {

int Sluice(const std::string& args) {
  std::string cmd = std::string(SLUICE_BINARY) + " " + args + " >/dev/null 2>&1";
  return std::system(cmd.c_str());
}

std::vector<std::string> Lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("sluice minhash phases agree with the in-process stage", "[cmd_minhash]") {
  // Real text: GPL-3 paragraphs, each followed (in another input file) by an edited copy.
  std::ifstream gpl("/usr/share/common-licenses/GPL-3");
  REQUIRE(gpl.good());
  std::stringstream ss;
  ss << gpl.rdbuf();
  std::string all = ss.str();
  std::vector<std::string> paras;
  for (size_t pos = 0; pos < all.size();) {
    size_t end = std::min(all.find("\n\n", pos), all.size());
    std::string p = all.substr(pos, end - pos);
    if (std::count(p.begin(), p.end(), ' ') >= 60) paras.push_back(p);
    pos = end + 2;
  }
  REQUIRE(paras.size() >= 10);
  fs::path dir = fs::temp_directory_path() / ("cmd_minhash_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "in");
  std::vector<std::pair<std::string, std::string>> docs;  // (id, text) in input order
  {
    std::ofstream a(dir / "in" / "a.jsonl"), b(dir / "in" / "b.jsonl");
    for (size_t i = 0; i < paras.size(); ++i) {
      std::string id = "a" + std::to_string(i);
      a << "{\"id\":" << JsonString(id) << ",\"text\":" << JsonString(paras[i]) << "}\n";
      docs.emplace_back(id, paras[i]);
    }
    a << "not json\n";  // unusable line: never dropped, passed through
    for (size_t i = 0; i < paras.size(); i += 2) {
      std::string edited = paras[i];
      edited.replace(edited.find(' '), 1, " extra ");
      std::string id = "b" + std::to_string(i);
      b << "{\"id\":" << JsonString(id) << ",\"text\":" << JsonString(edited) << "}\n";
      docs.emplace_back(id, edited);
    }
  }
  std::string inputs = (dir / "in" / "a.jsonl").string() + " " + (dir / "in" / "b.jsonl").string();
  std::string work = (dir / "work").string();
  REQUIRE(Sluice("minhash signatures " + inputs + " --shard 0/2 -o " + work) == 0);
  REQUIRE(Sluice("minhash signatures " + inputs + " --shard 1/2 -o " + work) == 0);
  REQUIRE(Sluice("minhash buckets -o " + work) == 0);
  REQUIRE(Sluice("minhash clusters -o " + work) == 0);
  REQUIRE(Sluice("minhash filter " + inputs + " -o " + work) == 0);

  // In process, same order.
  auto stage = BuildStage("minhash_dedup", "{}");
  REQUIRE(stage.ok());
  Stats stats;
  StageContext ctx(&stats);
  std::set<std::string> dropped_in_process;
  for (const auto& [id, text] : docs) {
    Document d;
    d.id = id;
    d.text = text;
    (void)(*stage)->Process(d, ctx);
    if (!(*stage)->ProcessSerial(d, ctx).keep()) dropped_in_process.insert(id);
  }
  std::set<std::string> dropped_cli;
  for (const auto& line : Lines(fs::path(work) / "rejected" / "0-a.jsonl")) dropped_cli.insert(line.substr(7, line.find('"', 7) - 7));
  for (const auto& line : Lines(fs::path(work) / "rejected" / "1-b.jsonl")) dropped_cli.insert(line.substr(7, line.find('"', 7) - 7));
  CHECK(dropped_cli == dropped_in_process);
  CHECK(dropped_cli.size() == (paras.size() + 1) / 2);
  // Nothing lost: kept + rejected = input lines.
  size_t in_lines = Lines(dir / "in" / "a.jsonl").size() + Lines(dir / "in" / "b.jsonl").size();
  size_t out_lines = Lines(fs::path(work) / "kept" / "0-a.jsonl").size() + Lines(fs::path(work) / "kept" / "1-b.jsonl").size() +
                     dropped_cli.size();
  CHECK(in_lines == out_lines);
  // Inside `sluice run`: the minhash_filter stage applying the duplicates list and
  // the in-process minhash_dedup stage write byte-identical outputs.
  {
    std::ofstream(dir / "dedup.yaml") << "stages:\n  - type: minhash_dedup\n";
    std::ofstream(dir / "filter.yaml") << "stages:\n  - type: minhash_filter\n    name: minhash_dedup\n"
                                       << "    duplicates: " << (fs::path(work) / "duplicates.tsv").string() << "\n";
    std::string common = inputs + " --format jsonl -q --no-report --threads 2";
    REQUIRE(Sluice("run " + (dir / "dedup.yaml").string() + " " + common + " -o " + (dir / "run1").string()) == 0);
    REQUIRE(Sluice("run " + (dir / "filter.yaml").string() + " " + common + " -o " + (dir / "run2").string()) == 0);
    for (const char* sub : {"kept", "rejected"}) {
      std::vector<std::string> a, b;
      for (const auto& e : fs::directory_iterator(dir / "run1" / sub)) {
        auto l = Lines(e.path());
        a.insert(a.end(), l.begin(), l.end());
      }
      for (const auto& e : fs::directory_iterator(dir / "run2" / sub)) {
        auto l = Lines(e.path());
        b.insert(b.end(), l.begin(), l.end());
      }
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      INFO(sub);
      CHECK(!a.empty());
      CHECK(a == b);
    }
  }
  // Bad usage is a configuration error (exit code 1).
  CHECK(WEXITSTATUS(Sluice("minhash signatures " + inputs + " --shard 2/2 -o " + work)) == 1);
  CHECK(WEXITSTATUS(Sluice("minhash buckets -o " + work + " --options '{bands: 0}'")) == 1);
  fs::remove_all(dir);
}
