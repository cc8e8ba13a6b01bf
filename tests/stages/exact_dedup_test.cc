#include "stages/dedup/exact_dedup.h"
#include "stages/engine/global_stage.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "stages/engine/stage.h"

using sluice::BuildStage;
using sluice::DedupKeyOf;
using sluice::Document;
using sluice::StageContext;
using sluice::Stats;

namespace {

struct Outcome {
  std::string id;
  bool keep;
  std::string reason;
  std::string detail;
  std::string duplicate_of;  // annotation JSON
};

// Runs the global stage's three parts in input order (as the engine does) and,
// when `fin` is given, finishes its resolver.
std::vector<Outcome> RunSerial(sluice::Stage& stage, const std::vector<std::pair<std::string, std::string>>& docs,
                               Stats* stats, sluice::FinishContext* fin = nullptr) {
  REQUIRE(stage.is_global());
  auto runner = sluice::GlobalStageRunner::Create(static_cast<const sluice::GlobalStage*>(&stage));
  REQUIRE(runner.ok());
  std::vector<Outcome> out;
  for (const auto& [id, text] : docs) {
    Document d;
    d.id = id;
    d.text = text;
    d.line = out.size() + 1;
    StageContext ctx(stats);
    auto v = runner->Run(d, ctx);
    Outcome o{id, v.keep(), v.reason(), v.detail(), ""};
    for (const auto& f : d.annotations) {
      if (f.key == "duplicate_of") o.duplicate_of = f.json;
    }
    out.push_back(o);
  }
  if (fin) REQUIRE(runner->Finish(*fin).ok());
  return out;
}

}  // namespace

TEST_CASE("exact_dedup: XXH3-128 known answer and folding", "[exact_dedup]") {
  // Published XXH3-128 of the empty input (xxHash sanity vectors), seed 0.
  auto empty = DedupKeyOf("", false, false);
  CHECK(empty.high == 0x99AA06D3014798D8ULL);
  CHECK(empty.low == 0x6001C324468D497FULL);
  CHECK(DedupKeyOf("Hello  World\n", true, true) == DedupKeyOf("hello world", false, false));
  CHECK(DedupKeyOf("ÉTÉ", true, false) == DedupKeyOf("été", false, false));
  CHECK(DedupKeyOf("中文\u3000测试 ", false, true) == DedupKeyOf("中文 测试", false, false));
  CHECK_FALSE(DedupKeyOf("Hello", false, false) == DedupKeyOf("hello", false, false));
}

TEST_CASE("exact_dedup: the first occurrence in input order survives", "[exact_dedup]") {
  auto stage = BuildStage("exact_dedup", "{}");
  REQUIRE(stage.ok());
  REQUIRE((*stage)->is_global());
  Stats s;
  auto out = RunSerial(**stage, {{"a", "same text"}, {"b", "other"}, {"c", "same text"}, {"d", "Same text"},
                                 {"e", "我们在北京"}, {"f", "我们在北京"}, {"g", ""}, {"h", ""}},
                       &s);
  CHECK(out[0].keep);
  CHECK(out[1].keep);
  CHECK_FALSE(out[2].keep);
  CHECK(out[2].reason == "exact_dedup.duplicate");
  CHECK(out[2].detail == "duplicate of a");
  CHECK(out[2].duplicate_of == "\"a\"");
  CHECK(out[3].keep);  // case differs and fold_case is off
  CHECK(out[4].keep);
  CHECK_FALSE(out[5].keep);
  CHECK(out[5].detail == "duplicate of e");
  CHECK(out[6].keep);
  CHECK_FALSE(out[7].keep);
  CHECK(s.Get("exact_dedup.distinct") == 5);
  CHECK(s.Get("exact_dedup.duplicates") == 3);
}

TEST_CASE("exact_dedup: fold options", "[exact_dedup]") {
  auto stage = BuildStage("exact_dedup", "{fold_case: true, fold_whitespace: true}");
  REQUIRE(stage.ok());
  Stats s;
  auto out = RunSerial(**stage, {{"a", "Hello World"}, {"b", "  hello\n\nworld "}, {"c", "hello worlds"}}, &s);
  CHECK(out[0].keep);
  CHECK_FALSE(out[1].keep);
  CHECK(out[1].detail == "duplicate of a");
  CHECK(out[2].keep);
}

TEST_CASE("exact_dedup: index grows and saves/loads", "[exact_dedup]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("sluice_exact_dedup_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    auto stage = BuildStage("exact_dedup", "{index_out: index.bin}");
    REQUIRE(stage.ok());
    Stats s;
    std::vector<std::pair<std::string, std::string>> docs;
    for (int i = 0; i < 5000; ++i) docs.emplace_back("doc-" + std::to_string(i), "text number " + std::to_string(i));
    sluice::FinishContext fc;
    fc.output_dir = dir.string();
    fc.stats = &s;
    auto out = RunSerial(**stage, docs, &s, &fc);
    CHECK(s.Get("exact_dedup.distinct") == 5000);
    CHECK(fc.report_json.find("\"distinct_keys\":5000") != std::string::npos);
  }
  REQUIRE(fs::exists(dir / "index.bin"));
  {
    auto stage = BuildStage("exact_dedup", "{index_in: " + (dir / "index.bin").string() + "}");
    REQUIRE(stage.ok());
    Stats s;
    auto out = RunSerial(**stage, {{"new-1", "text number 4321"}, {"new-2", "a new text"}}, &s);
    CHECK_FALSE(out[0].keep);
    CHECK(out[0].detail == "duplicate of doc-4321");
    CHECK(out[1].keep);
  }
  auto bad = BuildStage("exact_dedup", "{index_in: " + (dir / "missing.bin").string() + "}");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("index_in") != std::string::npos);
  fs::remove_all(dir);
}
