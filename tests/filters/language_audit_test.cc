#include "filters/language_audit.h"

#include <catch2/catch.hpp>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "filters/bias_audit.h"
#include "stages/engine/run_state.h"

using sluice::AuditSections;
using sluice::ComputeLanguageAudit;
using sluice::LanguageAuditOptions;
using sluice::LanguageAuditRow;
using sluice::LanguageAuditTable;
using sluice::LanguageStageRow;
using sluice::StageFunnel;
using sluice::TagFunnel;

namespace {

StageFunnel Stage(std::string name, std::string type, int64_t in, int64_t dropped,
                  std::map<std::string, sluice::TagCounts> tags = {}) {
  StageFunnel s;
  s.stage = std::move(name);
  s.type = std::move(type);
  s.docs_in = in;
  s.dropped = dropped;
  s.tags = std::move(tags);
  return s;
}

// 1100 documents; a filter before language ID removes 100; 1000 reach it:
// a 400, b 400, und 180, d 20. Then exact_dedup removes 100 (a 80, b 10, und 10),
// two filters remove 250 (a 125, b 115, d 10), pii removes nothing.
// Run by filters: 250 / 1000 = 0.25; a: 125/400 = 0.3125 (exactly 1.25x),
// b: 115/400 = 0.2875 (1.15x), und: 0, d: 10/20 = 0.5 (2x, but 20 documents).
TagFunnel MixedFunnel() {
  TagFunnel f;
  f.stages.push_back(Stage("bias_audit", "bias_audit", 1100, 0, {{"identity.gender", {50, 0}}}));
  f.stages.push_back(Stage("pre", "c4", 1100, 100, {{"identity.gender", {50, 5}}}));
  f.stages.push_back(Stage("language_id", "language_id", 1000, 0,
                           {{"identity.gender", {45, 0}},
                            {"language.a", {400, 0}},
                            {"language.b", {400, 0}},
                            {"language.und", {180, 0}},
                            {"language.d", {20, 0}}}));
  f.stages.push_back(Stage("exact_dedup", "exact_dedup", 1000, 100,
                           {{"language.a", {400, 80}},
                            {"language.b", {400, 10}},
                            {"language.und", {180, 10}},
                            {"language.d", {20, 0}}}));
  f.stages.push_back(Stage("quality", "c4", 900, 150,
                           {{"language.a", {320, 75}},
                            {"language.b", {390, 65}},
                            {"language.und", {170, 0}},
                            {"language.d", {20, 10}}}));
  f.stages.push_back(Stage("gopher", "gopher_quality", 750, 100,
                           {{"language.a", {245, 50}},
                            {"language.b", {325, 50}},
                            {"language.und", {170, 0}},
                            {"language.d", {10, 0}}}));
  f.stages.push_back(Stage("pii", "pii", 650, 0,
                           {{"language.a", {195, 0}},
                            {"language.b", {275, 0}},
                            {"language.und", {170, 0}},
                            {"language.d", {10, 0}}}));
  return f;
}

const LanguageAuditRow* Lang(const LanguageAuditTable& t, std::string_view code) {
  for (const auto& r : t.languages) {
    if (r.language == code) return &r;
  }
  return nullptr;
}

const LanguageStageRow* StageRow(const LanguageAuditRow& r, std::string_view stage) {
  for (const auto& s : r.stages) {
    if (s.stage == stage) return &s;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("language audit: counts, rates and the run over the chain from language ID on", "[language_audit]") {
  LanguageAuditTable t;
  REQUIRE(ComputeLanguageAudit(MixedFunnel(), LanguageAuditOptions{}, &t));
  CHECK(t.language_stage == "language_id");
  CHECK(t.docs_first_stage == 1100);
  CHECK(t.removed_before_language == 100);
  // The run: every document that reached language_id.
  CHECK(t.run.in == 1000);
  CHECK(t.run.dropped == 350);
  CHECK(t.run.dropped_filters == 250);
  CHECK(t.run.dropped_dedup == 100);
  CHECK(t.run.kept == 650);
  CHECK(t.run.rate == Approx(0.35));
  CHECK(t.run.rate_filters == Approx(0.25));
  // Stages from language_id on, dedup marked.
  REQUIRE(t.stages.size() == 5);
  CHECK(t.stages[0].name == "language_id");
  CHECK(t.stages[1].dedup);
  CHECK_FALSE(t.stages[2].dedup);
  CHECK(t.stages[4].name == "pii");
  CHECK(t.stages[4].rate == 0);

  // Languages sorted by code; identity tags are not languages.
  REQUIRE(t.languages.size() == 4);
  CHECK(t.languages[0].language == "a");
  CHECK(t.languages[1].language == "b");
  CHECK(t.languages[2].language == "d");
  CHECK(t.languages[3].language == "und");
  int64_t in = 0, kept = 0;
  for (const auto& r : t.languages) {
    INFO(r.language);
    CHECK(r.in == r.kept + r.dropped);
    CHECK(r.dropped == r.dropped_filters + r.dropped_dedup);
    in += r.in;
    kept += r.kept;
  }
  CHECK(in == t.run.in);
  CHECK(kept == t.run.kept);

  const LanguageAuditRow* a = Lang(t, "a");
  REQUIRE(a);
  CHECK(a->in == 400);
  CHECK(a->dropped_filters == 125);
  CHECK(a->dropped_dedup == 80);
  CHECK(a->kept == 195);
  CHECK(a->rate_filters == Approx(0.3125));
  CHECK(a->rate == Approx(0.5125));
  CHECK(a->disparity == Approx(1.25));
  CHECK(a->disparity_any == Approx(0.5125 / 0.35));
  CHECK(a->alert);  // exactly at the threshold
  CHECK_FALSE(a->low_support);
}

TEST_CASE("language audit: the 1.25x threshold, low support and und", "[language_audit]") {
  LanguageAuditTable t;
  REQUIRE(ComputeLanguageAudit(MixedFunnel(), LanguageAuditOptions{}, &t));
  const LanguageAuditRow* b = Lang(t, "b");
  REQUIRE(b);
  CHECK(b->disparity == Approx(1.15));
  CHECK_FALSE(b->alert);  // below
  const LanguageAuditRow* d = Lang(t, "d");
  REQUIRE(d);
  CHECK(d->disparity == Approx(2.0));
  CHECK(d->low_support);  // 20 < 30 documents
  CHECK_FALSE(d->alert);  // low support never alerts
  const LanguageAuditRow* und = Lang(t, "und");
  REQUIRE(und);  // "und" (language not determined) is a row like any other
  CHECK(und->dropped_filters == 0);
  CHECK(und->dropped_dedup == 10);
  CHECK(und->disparity == 0);
  CHECK_FALSE(und->alert);

  // Just below and at the threshold, on a second funnel (run rate 0.2).
  TagFunnel f;
  f.stages.push_back(Stage("language_id", "language_id", 1000, 0,
                           {{"language.x", {500, 0}}, {"language.y", {500, 0}}}));
  f.stages.push_back(Stage("filter", "c4", 1000, 200, {{"language.x", {500, 124}}, {"language.y", {500, 76}}}));
  REQUIRE(ComputeLanguageAudit(f, LanguageAuditOptions{}, &t));
  CHECK(Lang(t, "x")->disparity == Approx(1.24));
  CHECK_FALSE(Lang(t, "x")->alert);
  f.stages[1].tags["language.x"].dropped = 125;
  f.stages[1].tags["language.y"].dropped = 75;
  REQUIRE(ComputeLanguageAudit(f, LanguageAuditOptions{}, &t));
  CHECK(Lang(t, "x")->disparity == Approx(1.25));
  CHECK(Lang(t, "x")->alert);
  // min_docs is an option: with 501 both languages are low support.
  LanguageAuditOptions strict;
  strict.min_docs = 501;
  REQUIRE(ComputeLanguageAudit(f, strict, &t));
  CHECK(Lang(t, "x")->low_support);
  CHECK_FALSE(Lang(t, "x")->alert);
}

TEST_CASE("language audit: per-stage rows, zero-removal stages, dedup not in the disparity", "[language_audit]") {
  LanguageAuditTable t;
  REQUIRE(ComputeLanguageAudit(MixedFunnel(), LanguageAuditOptions{}, &t));
  const LanguageAuditRow* a = Lang(t, "a");
  REQUIRE(a);
  // language_id and pii removed nothing: no per-language rows, but they are in `stages`.
  CHECK(StageRow(*a, "language_id") == nullptr);
  CHECK(StageRow(*a, "pii") == nullptr);
  REQUIRE(a->stages.size() == 3);
  const LanguageStageRow* dedup = StageRow(*a, "exact_dedup");
  REQUIRE(dedup);
  CHECK(dedup->in == 400);
  CHECK(dedup->dropped == 80);
  CHECK(dedup->disparity == Approx(2.0));  // 0.2 vs the stage's 0.1
  CHECK(dedup->alert);
  const LanguageStageRow* q = StageRow(*a, "quality");
  REQUIRE(q);
  CHECK(q->rate == Approx(75.0 / 320));
  CHECK(q->disparity == Approx((75.0 / 320) / (150.0 / 900)));
  // The run's own per-stage rows: the stages that removed something.
  REQUIRE(t.run.stages.size() == 3);
  CHECK(t.run.stages[0].stage == "exact_dedup");
  CHECK(t.run.stages[0].rate == Approx(0.1));

  // Heavy dedup alone does not flag a language: a is 2x at exact_dedup but its
  // filters-only disparity is what alerts. Move all of a's filter removals to dedup:
  TagFunnel f = MixedFunnel();
  f.stages[3].tags["language.a"].dropped = 205;
  f.stages[3].dropped = 225;
  f.stages[4].tags["language.a"] = {195, 0};
  f.stages[4].dropped = 75;
  f.stages[5].tags["language.a"] = {195, 0};
  f.stages[5].dropped = 50;
  REQUIRE(ComputeLanguageAudit(f, LanguageAuditOptions{}, &t));
  a = Lang(t, "a");
  CHECK(a->dropped == 205);
  CHECK(a->dropped_filters == 0);
  CHECK(a->disparity == 0);
  CHECK(a->disparity_any > 1.25);
  CHECK_FALSE(a->alert);

  // A run where nothing was removed: disparity 1.0, no alert.
  TagFunnel quiet;
  quiet.stages.push_back(Stage("language_id", "language_id", 50, 0, {{"language.en", {50, 0}}}));
  quiet.stages.push_back(Stage("c4", "c4", 50, 0, {{"language.en", {50, 0}}}));
  REQUIRE(ComputeLanguageAudit(quiet, LanguageAuditOptions{}, &t));
  CHECK(t.languages.at(0).disparity == 1.0);
  CHECK(t.languages.at(0).kept == 50);
  CHECK(t.languages.at(0).stages.empty());
  CHECK_FALSE(t.languages.at(0).alert);

  // No language tags: no audit.
  TagFunnel none;
  none.stages.push_back(Stage("c4", "c4", 50, 3, {{"identity.gender", {5, 1}}}));
  CHECK_FALSE(ComputeLanguageAudit(none, LanguageAuditOptions{}, &t));
}

TEST_CASE("language audit: JSON shape (golden)", "[language_audit]") {
  TagFunnel f;
  f.stages.push_back(Stage("pre", "c4", 12, 2));
  f.stages.push_back(Stage("language_id", "language_id", 10, 0, {{"language.en", {6, 0}}, {"language.zh", {4, 0}}}));
  f.stages.push_back(Stage("minhash_dedup", "minhash_dedup", 10, 1, {{"language.en", {6, 1}}, {"language.zh", {4, 0}}}));
  f.stages.push_back(Stage("fineweb", "fineweb", 9, 3, {{"language.en", {5, 1}}, {"language.zh", {4, 2}}}));
  LanguageAuditTable t;
  REQUIRE(ComputeLanguageAudit(f, LanguageAuditOptions{}, &t));
  const std::string golden =
      R"({"tag_prefix":"language.","min_docs":30,"alert_disparity":1.25,"language_stage":"language_id",)"
      R"("docs_first_stage":12,"removed_before_language":2,"stages":[)"
      R"({"name":"language_id","type":"language_id","dedup":false,"docs_in":10,"dropped":0,"rate":0},)"
      R"({"name":"minhash_dedup","type":"minhash_dedup","dedup":true,"docs_in":10,"dropped":1,"rate":0.1},)"
      R"({"name":"fineweb","type":"fineweb","dedup":false,"docs_in":9,"dropped":3,"rate":0.3333333333333333}],)"
      R"("run":{"in":10,"kept":6,"dropped":4,"dropped_filters":3,"dropped_dedup":1,"rate":0.4,"rate_filters":0.3,)"
      R"("stages":[{"stage":"minhash_dedup","in":10,"dropped":1,"rate":0.1},)"
      R"({"stage":"fineweb","in":9,"dropped":3,"rate":0.3333333333333333}]},)"
      R"("languages":[)"
      R"({"language":"en","in":6,"kept":4,"dropped":2,"dropped_filters":1,"dropped_dedup":1,)"
      R"("rate":0.3333333333333333,"rate_filters":0.16666666666666666,"disparity":0.5555555555555556,)"
      R"("disparity_any":0.8333333333333333,"low_support":true,"alert":false,"stages":[)"
      R"({"stage":"minhash_dedup","in":6,"dropped":1,"rate":0.16666666666666666,"disparity":1.6666666666666665,)"
      R"("low_support":true,"alert":false},)"
      R"({"stage":"fineweb","in":5,"dropped":1,"rate":0.2,"disparity":0.6000000000000001,"low_support":true,)"
      R"("alert":false}]},)"
      R"({"language":"zh","in":4,"kept":2,"dropped":2,"dropped_filters":2,"dropped_dedup":0,"rate":0.5,)"
      R"("rate_filters":0.5,"disparity":1.6666666666666667,"disparity_any":1.25,"low_support":true,"alert":false,)"
      R"("stages":[{"stage":"minhash_dedup","in":4,"dropped":0,"rate":0,"disparity":0,"low_support":true,)"
      R"("alert":false},{"stage":"fineweb","in":4,"dropped":2,"rate":0.5,"disparity":1.5,"low_support":true,)"
      R"("alert":false}]}]})";
  CHECK(t.ToJson() == golden);
}

namespace {
struct StageCounts {
  std::string name, type;
  int64_t in = 0, dropped = 0;
  std::vector<std::tuple<std::string, int64_t, int64_t>> tags;  // tag, in, dropped
};
// The statistics of a run whose stages saw these counts (made, as a run makes
// them, from a state holding the engine's per-stage counters).
sluice::RunStats StatsOf(const std::vector<StageCounts>& stages) {
  sluice::RunState state;
  sluice::StatsJsonInfo info;
  state.Resize(stages.size());
  for (size_t i = 0; i < stages.size(); ++i) {
    info.stage_names.push_back(stages[i].name);
    info.stage_types.push_back(stages[i].type);
    state.stages[i].Add(std::string(sluice::kDocsIn), stages[i].in);
    state.stages[i].Add(std::string(sluice::kDocsDropped), stages[i].dropped);
    for (const auto& [tag, in, dropped] : stages[i].tags) {
      state.stages[i].Add(std::string(sluice::kTagInPrefix) + tag, in);
      if (dropped) state.stages[i].Add(std::string(sluice::kTagDroppedPrefix) + tag, dropped);
    }
  }
  return sluice::RunStatsOf(state, info);
}

std::string TextOf(const sluice::JsonValue& v) { return sluice::JsonText(v); }
}  // namespace

TEST_CASE("both audits are computed from the run's statistics once and written before timing", "[language_audit]") {
  sluice::RunStats stats = StatsOf({
      {"bias_audit", "bias_audit", 40, 0, {{"identity.religion", 10, 0}}},
      {"language_id", "language_id", 40, 0, {{"identity.religion", 10, 0}, {"language.en", 30, 0}, {"language.zh", 10, 0}}},
      {"c4", "c4", 40, 8, {{"identity.religion", 10, 4}, {"language.en", 30, 3}, {"language.zh", 10, 5}}},
  });
  stats.sections = AuditSections(stats);
  REQUIRE(stats.sections.size() == 2);
  CHECK(stats.sections[0].first == "bias_audit");
  CHECK(stats.sections[1].first == "language_audit");
  // The language audit is the computed table, verbatim.
  const TagFunnel funnel = sluice::TagFunnelOf(stats);
  CHECK(funnel.stages[2].type == "c4");
  LanguageAuditTable t;
  REQUIRE(ComputeLanguageAudit(funnel, LanguageAuditOptions{}, &t));
  CHECK(TextOf(stats.sections[1].second) == t.ToJson());
  CHECK(TextOf(stats.sections[0].second) == sluice::ComputeBiasAudit(funnel).ToJson());
  // Read back, the tables are the computed ones.
  sluice::JsonReader reader("test");
  CHECK(LanguageAuditTable::Read(stats.sections[1].second, reader, "language_audit").ToJson() == t.ToJson());
  CHECK(sluice::BiasAuditTable::Read(stats.sections[0].second, reader, "bias_audit").ToJson() ==
        sluice::ComputeBiasAudit(funnel).ToJson());
  CHECK(reader.status().ok());
  CHECK(Lang(t, "zh")->disparity == Approx(2.5));
  CHECK_FALSE(Lang(t, "zh")->alert);  // 10 documents: low support
  CHECK_FALSE(Lang(t, "en")->alert);
  // stats.json: after "samples", before "timing", each once.
  const std::string json = sluice::StatsJson(stats);
  const size_t samples = json.find("\"samples\":");
  const size_t bias = json.find("\"bias_audit\":" + TextOf(stats.sections[0].second));
  const size_t lang = json.find("\"language_audit\":" + t.ToJson());
  const size_t timing = json.find("\"timing\":");
  REQUIRE(bias != std::string::npos);
  REQUIRE(lang != std::string::npos);
  CHECK(samples < bias);
  CHECK(bias < lang);
  CHECK(lang < timing);
  CHECK(json.find("\"bias_audit\":" + TextOf(stats.sections[0].second), bias + 1) == std::string::npos);
  CHECK(json.find("\"language_audit\":", lang + 1) == std::string::npos);

  // Only identity tags: bias audit only. Only language tags: language audit only. No tags: none.
  auto identity_only = AuditSections(StatsOf({{"c4", "c4", 4, 1, {{"identity.x", 2, 1}}}}));
  REQUIRE(identity_only.size() == 1);
  CHECK(identity_only[0].first == "bias_audit");
  auto language_only = AuditSections(StatsOf({{"l", "language_id", 4, 0, {{"language.en", 4, 0}}}}));
  REQUIRE(language_only.size() == 1);
  CHECK(language_only[0].first == "language_audit");
  const sluice::RunStats untagged = StatsOf({{"c4", "c4", 4, 1, {}}});
  CHECK(AuditSections(untagged).empty());
  CHECK(sluice::StatsJson(untagged).find("_audit") == std::string::npos);
}
