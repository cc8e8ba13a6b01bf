// GlobalStage machinery (stages/engine/global_stage.h): record files merge in order
// key order across shards, decisions route back to the shard of their key,
// damaged files are errors; every registered global stage resolves the same
// across a sharded resolve as in one process.
#include "stages/engine/global_stage.h"

#include <catch2/catch.hpp>

#include <cstdio>

#include "test_util.h"

namespace sluice {
namespace {

using testing::TempDir;

TEST_CASE("global records: merged by order key across files - truncation is an error", "[global_stage]") {
  TempDir dir;
  const std::vector<std::vector<uint64_t>> keys = {{1, 5, 9}, {2, 3, 10}, {}, {4}};
  std::vector<std::string> files;
  for (size_t f = 0; f < keys.size(); ++f) {
    files.push_back(dir / ("k" + std::to_string(f)));
    GlobalRecordWriter w;
    REQUIRE(w.Open(files.back()).ok());
    for (uint64_t k : keys[f]) REQUIRE(w.Append(k, "p" + std::to_string(k)).ok());
    if (!keys[f].empty()) CHECK_FALSE(w.Append(0, "x").ok());  // order keys must not decrease
    REQUIRE(w.Finish().ok());
  }
  std::vector<std::pair<size_t, uint64_t>> seen;
  REQUIRE(MergeGlobalRecordFiles(files, [&](size_t file, uint64_t key, std::string_view payload) {
            CHECK(payload == "p" + std::to_string(key));
            seen.emplace_back(file, key);
            return Status::Ok();
          }).ok());
  CHECK(seen == std::vector<std::pair<size_t, uint64_t>>{{0, 1}, {1, 2}, {1, 3}, {3, 4}, {0, 5}, {0, 9}, {1, 10}});
  // Cut the last record short.
  std::FILE* f = std::fopen(files[0].c_str(), "r+b");
  REQUIRE(f);
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fclose(f);
  REQUIRE(truncate(files[0].c_str(), size - 1) == 0);
  Status st = MergeGlobalRecordFiles(files, [](size_t, uint64_t, std::string_view) { return Status::Ok(); });
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("truncated") != std::string::npos);
  GlobalDecisions d;
  CHECK_FALSE(d.Load(dir / "missing").ok());
  REQUIRE(d.Load(files[1]).ok());
  CHECK(d.Find(3) == "p3");
  CHECK(d.Find(4).empty());
}

// Builds `type` with `options`, decides `texts` in one process (one resolver,
// input order) and across `shards` key files (the resolve task), and checks
// that every document gets the same decision and the reports match.
void CheckShardedResolveEqualsInProcess(const std::string& type, const std::string& options,
                                        const std::vector<std::string>& texts, int shards) {
  INFO(type);
  auto built = BuildStage(type, options);
  REQUIRE(built.ok());
  REQUIRE((*built)->is_global());
  const auto& stage = static_cast<const GlobalStage&>(**built);
  std::vector<std::string> keys(texts.size()), in_process(texts.size());
  Stats key_stats, one_stats;
  auto resolver = stage.NewResolver();
  REQUIRE(resolver.ok());
  for (size_t i = 0; i < texts.size(); ++i) {
    Document d;
    d.id = "doc-" + std::to_string(i);
    d.text = texts[i];
    StageContext ctx(&key_stats);
    stage.Key(d, ctx, &keys[i]);
    (*resolver)->Add(OrderKeyOf(0, i + 1), keys[i], &in_process[i], one_stats);
  }
  FinishContext one_fin;
  one_fin.stats = &one_stats;
  REQUIRE((*resolver)->Finish(one_fin).ok());

  TempDir dir;
  std::vector<std::string> key_files, decision_files;
  for (int s = 0; s < shards; ++s) {
    key_files.push_back(dir / ("keys-" + std::to_string(s)));
    decision_files.push_back(dir / ("decisions-" + std::to_string(s)));
  }
  // Contiguous shares, as the plan deals them out.
  for (int s = 0; s < shards; ++s) {
    GlobalRecordWriter w;
    REQUIRE(w.Open(key_files[s]).ok());
    for (size_t i = texts.size() * s / shards; i < texts.size() * (s + 1) / shards; ++i) {
      REQUIRE(w.Append(OrderKeyOf(0, i + 1), keys[i]).ok());
    }
    REQUIRE(w.Finish().ok());
  }
  Stats sharded_stats;
  std::string report;
  REQUIRE(ResolveGlobalStage(stage, key_files, decision_files, dir.path(), &sharded_stats, &report).ok());
  CHECK(report == one_fin.report_json);
  CHECK(sharded_stats.counters() == one_stats.counters());
  size_t decided = 0;
  for (int s = 0; s < shards; ++s) {
    GlobalDecisions d;
    REQUIRE(d.Load(decision_files[s]).ok());
    for (size_t i = texts.size() * s / shards; i < texts.size() * (s + 1) / shards; ++i) {
      CHECK(d.Find(OrderKeyOf(0, i + 1)) == in_process[i]);
    }
    decided += d.size();
  }
  CHECK(decided > 0);  // the corpus has duplicates across shards
}

TEST_CASE("global stages: a sharded resolve decides exactly what one process decides", "[global_stage]") {
  std::vector<std::string> texts;
  const std::vector<std::string> base = {
      "Wikipedia is a free online encyclopedia written and maintained by a community of volunteers.\n"
      "Copyright 2024 the authors. All rights reserved here.",
      "Википедия — общедоступная многоязычная универсальная интернет-энциклопедия со свободным контентом.\n"
      "Copyright 2024 the authors. All rights reserved here.",
      "维基百科是一个自由内容、公开编辑且多语言的网络百科全书协作计划，通过维基模式让用户共同编写。",
      "विकिपीडिया एक मुक्त ज्ञानकोश है जिसे स्वयंसेवकों का एक समुदाय लिखता और संभालता है।",
      "ويكيبيديا موسوعة حرة متعددة اللغات يكتبها متطوعون من حول العالم ويحررها أي شخص.\n"
      "Copyright 2024 the authors. All rights reserved here.",
  };
  for (int round = 0; round < 6; ++round) {
    for (size_t b = 0; b < base.size(); ++b) {
      texts.push_back(base[b] + (round % 2 ? " " + std::to_string(round) : ""));
    }
  }
  for (int shards : {1, 3}) {
    CheckShardedResolveEqualsInProcess("exact_dedup", "{}", texts, shards);
    CheckShardedResolveEqualsInProcess("line_dedup", "{min_line_chars: 10}", texts, shards);
    CheckShardedResolveEqualsInProcess("minhash_dedup", "{threshold: 0.5}", texts, shards);
  }
  // Every registered global stage is built as one (the registry's flag is checked).
  for (const StageInfo* info : StageRegistry::Global().All()) {
    if (info->global) CHECK(IsGlobalStageType(info->type));
  }
}

}  // namespace
}  // namespace sluice
