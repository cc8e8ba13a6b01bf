#include "filters/bias_audit.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pipelines/report_stats.h"
#include "stages/io/json_writer.h"
#include "stages/engine/run_state.h"
#include "stages/engine/stage.h"

using sluice::BiasAuditRow;
using sluice::BuildStage;
using sluice::ComputeBiasAudit;
using sluice::Document;
using sluice::StageContext;
using sluice::Stats;
using sluice::TagFunnel;

namespace {

const BiasAuditRow* Find(const sluice::BiasAuditTable& t, std::string_view stage, std::string_view group) {
  for (const auto& r : t.rows) {
    if (r.stage == stage && r.group == group) return &r;
  }
  return nullptr;
}

// Runs `docs` through bias_audit and then `filters` in order, counting per stage
// and per tag what entered and what was dropped, the way the engine does.
TagFunnel RunChain(std::vector<std::string> texts, const std::vector<std::pair<std::string, std::string>>& filters) {
  auto audit = BuildStage("bias_audit", "{}");
  REQUIRE(audit.ok());
  std::vector<std::unique_ptr<sluice::Stage>> stages;
  TagFunnel funnel;
  for (const auto& [type, yaml] : filters) {
    auto s = BuildStage(type, yaml);
    INFO(s.status().message());
    REQUIRE(s.ok());
    stages.push_back(std::move(s).value());
    funnel.stages.push_back({type + "#" + std::to_string(stages.size()), 0, 0, {}});
  }
  Stats stats;
  StageContext ctx(&stats);
  for (auto& text : texts) {
    Document doc;
    doc.text = std::move(text);
    REQUIRE((*audit)->Process(doc, ctx).keep());
    for (size_t i = 0; i < stages.size(); ++i) {
      auto& f = funnel.stages[i];
      const bool keep = stages[i]->Process(doc, ctx).keep();
      ++f.docs_in;
      f.dropped += keep ? 0 : 1;
      for (const auto& tag : doc.tags) {
        ++f.tags[tag].in;
        f.tags[tag].dropped += keep ? 0 : 1;
      }
      if (!keep) break;
    }
  }
  return funnel;
}

std::vector<std::string> Corpus() {
  // 40 documents: 10 mention Muslims (religion), 5 neutral ones contain "crap",
  // 25 are neutral and clean; 6 of the clean ones mention women (gender).
  std::vector<std::string> docs;
  for (int i = 0; i < 10; ++i) docs.push_back("Muslim families gathered for the festival number " + std::to_string(i) + ".");
  for (int i = 0; i < 5; ++i) docs.push_back("This product is crap, total crap " + std::to_string(i) + ".");
  for (int i = 0; i < 6; ++i) docs.push_back("Women engineers met to share results " + std::to_string(i) + ".");
  for (int i = 0; i < 19; ++i) docs.push_back("The weather was mild and the river calm " + std::to_string(i) + ".");
  return docs;
}

}  // namespace

TEST_CASE("bias audit: a biased blocklist shows up as disparity", "[bias_audit]") {
  // An unprotected user blocklist that contains an identity term.
  auto funnel = RunChain(Corpus(), {{"lexicon_filter", "{languages: [], lists: [muslim, crap], threshold: 0.0, protect: false}"}});
  sluice::BiasAuditOptions opt;
  opt.min_docs = 5;
  auto table = ComputeBiasAudit(funnel, opt);
  const BiasAuditRow* rel = Find(table, "lexicon_filter#1", "religion");
  REQUIRE(rel);
  CHECK(rel->group_in == 10);
  CHECK(rel->group_dropped == 10);
  CHECK(rel->group_rate == Approx(1.0));
  CHECK(rel->all_in == 40);
  CHECK(rel->all_dropped == 15);
  CHECK(rel->all_rate == Approx(15.0 / 40));
  CHECK(rel->other_rate == Approx(5.0 / 30));
  CHECK(rel->disparity == Approx(40.0 / 15));
  CHECK(rel->alert);
  const BiasAuditRow* gen = Find(table, "lexicon_filter#1", "gender");
  REQUIRE(gen);
  CHECK(gen->group_in == 6);
  CHECK(gen->group_dropped == 0);
  CHECK(gen->disparity == Approx(0.0));
  CHECK_FALSE(gen->alert);
  CHECK(Find(table, "lexicon_filter#1", "disability") == nullptr);  // nobody mentions it
}

TEST_CASE("bias audit: protecting identity terms removes the disparity", "[bias_audit]") {
  auto funnel = RunChain(Corpus(), {{"lexicon_filter", "{languages: [], lists: [muslim, crap], threshold: 0.0}"}});
  sluice::BiasAuditOptions opt;
  opt.min_docs = 5;
  auto table = ComputeBiasAudit(funnel, opt);
  const BiasAuditRow* rel = Find(table, "lexicon_filter#1", "religion");
  REQUIRE(rel);
  CHECK(rel->group_dropped == 0);
  CHECK(rel->all_dropped == 5);
  CHECK(rel->disparity == Approx(0.0));
  CHECK_FALSE(rel->alert);
}

TEST_CASE("bias audit: all-stages rows, low support and JSON", "[bias_audit]") {
  TagFunnel f;
  f.stages.push_back({"a", 100, 10, {{"identity.x", {20, 6}}, {"other.tag", {50, 50}}}});
  f.stages.push_back({"b", 90, 9, {{"identity.x", {14, 0}}, {"identity.y", {3, 3}}}});
  auto t = ComputeBiasAudit(f);  // min_docs 30: everything is low support
  const BiasAuditRow* ax = Find(t, "a", "x");
  REQUIRE(ax);
  CHECK(ax->disparity == Approx(0.3 / 0.1));
  CHECK(ax->low_support);
  CHECK_FALSE(ax->alert);
  CHECK(Find(t, "a", "tag") == nullptr);  // not an identity tag
  const BiasAuditRow* all_x = Find(t, "all_stages", "x");
  REQUIRE(all_x);
  CHECK(all_x->group_in == 20);
  CHECK(all_x->group_dropped == 6);
  CHECK(all_x->all_in == 100);
  CHECK(all_x->all_dropped == 19);
  CHECK(all_x->disparity == Approx(0.3 / 0.19));
  const BiasAuditRow* all_y = Find(t, "all_stages", "y");
  REQUIRE(all_y);
  CHECK(all_y->group_in == 3);
  CHECK(all_y->group_rate == Approx(1.0));
  CHECK(t.rows.back().stage == "all_stages");
  const std::string json = t.ToJson();
  CHECK(json.find(R"("stage":"a","group":"x","group_in":20,"group_dropped":6,"group_rate":0.3,)") != std::string::npos);
  // A stage that removes nothing treats every group alike; its rows appear on request.
  TagFunnel none;
  none.stages.push_back({"c", 10, 0, {{"identity.x", {4, 0}}}});
  CHECK(Find(ComputeBiasAudit(none), "c", "x") == nullptr);
  sluice::BiasAuditOptions all;
  all.include_stages_without_drops = true;
  CHECK(ComputeBiasAudit(none, all).rows.at(0).disparity == 1.0);
  CHECK(ComputeBiasAudit(none).rows.at(0).stage == "all_stages");
}

TEST_CASE("bias_audit stage tags English and Chinese documents and reports shares", "[bias_audit]") {
  auto stage = BuildStage("bias_audit", "{}");
  REQUIRE(stage.ok());
  Stats stats;
  StageContext ctx(&stats);
  Document en;
  en.text = "A deaf Jewish woman wrote this.";
  CHECK((*stage)->Process(en, ctx).keep());
  CHECK(en.tags == std::vector<std::string>{"identity.gender", "identity.religion", "identity.disability"});
  Document zh;
  zh.text = "这篇文章讨论了少数民族和跨性别群体。";
  CHECK((*stage)->Process(zh, ctx).keep());
  CHECK(zh.tags == std::vector<std::string>{"identity.ethnicity_nationality", "identity.sexual_orientation"});
  Document none;
  none.text = "今天天气很好。 The sky is blue.";
  CHECK((*stage)->Process(none, ctx).keep());
  CHECK(none.tags.empty());
  CHECK(stats.Get(sluice::kBiasAuditStatDocs) == 3);
  CHECK(stats.Get(sluice::kBiasAuditStatTagged) == 2);
  CHECK(stats.Get("bias_audit.identity.gender") == 1);
  sluice::FinishContext fin;
  fin.stats = &stats;
  REQUIRE((*stage)->Finish(fin).ok());
  CHECK(fin.report_json.find(R"("docs":3)") != std::string::npos);
  CHECK(fin.report_json.find(R"("religion":{"docs":1,)") != std::string::npos);
  // Options are validated.
  CHECK_FALSE(BuildStage("bias_audit", "{groups: [nope]}").ok());
  CHECK_FALSE(BuildStage("bias_audit", "{builtin_groups: false}").ok());
  auto only = BuildStage("bias_audit", "{groups: [religion]}");
  REQUIRE(only.ok());
  Document d;
  d.text = en.text;
  (void)(*only)->Process(d, ctx);
  CHECK(d.tags == std::vector<std::string>{"identity.religion"});
}

TEST_CASE("bias audit: the funnel of a run's statistics", "[bias_audit]") {
  // The engine's per-stage counters, as a run leaves them in its RunState.
  sluice::RunState state;
  state.Resize(2);
  state.stages[0].Add(std::string(sluice::kDocsIn), 40);
  state.stages[1].Add(std::string(sluice::kDocsIn), 40);
  state.stages[1].Add(std::string(sluice::kDocsDropped), 15);
  state.stages[1].Add(std::string(sluice::kTagInPrefix) + "identity.religion", 10);
  state.stages[1].Add(std::string(sluice::kTagDroppedPrefix) + "identity.religion", 10);
  state.stages[1].Add(std::string(sluice::kTagInPrefix) + "identity.gender", 6);
  state.stages[1].Add("lexicon_filter.hits", 99);  // not a tag
  sluice::StatsJsonInfo info;
  info.stage_names = {"bias_audit", "lex"};
  info.stage_types = {"bias_audit", "lexicon_filter"};
  const TagFunnel f = sluice::TagFunnelOf(sluice::RunStatsOf(state, info));
  REQUIRE(f.stages.size() == 2);
  CHECK(f.stages[0].tags.empty());
  CHECK(f.stages[1].stage == "lex");
  CHECK(f.stages[1].type == "lexicon_filter");
  CHECK(f.stages[1].docs_in == 40);
  CHECK(f.stages[1].dropped == 15);
  REQUIRE(f.stages[1].tags.size() == 2);
  CHECK(f.stages[1].tags.at("identity.religion").dropped == 10);
  CHECK(f.stages[1].tags.at("identity.gender").in == 6);
  CHECK(f.stages[1].tags.at("identity.gender").dropped == 0);
  auto t = ComputeBiasAudit(f);
  const BiasAuditRow* rel = Find(t, "lex", "religion");
  REQUIRE(rel);
  CHECK(rel->disparity == Approx(40.0 / 15));
}

TEST_CASE("bias audit end to end: sluice run, stats.json, audit table", "[bias_audit]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("sluice_bias_audit_e2e_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream in(dir / "in.jsonl");
    int i = 0;
    for (const auto& text : Corpus()) in << "{\"id\":\"d" << i++ << "\",\"text\":" << sluice::JsonString(text) << "}\n";
    std::ofstream recipe(dir / "recipe.yaml");
    recipe << "stages:\n  - {type: bias_audit}\n"
              "  - {type: lexicon_filter, languages: [], lists: [muslim, crap], threshold: 0.0, protect: false}\n";
  }
  const std::string cmd = std::string(SLUICE_BINARY) + " run " + (dir / "recipe.yaml").string() + " " +
                          (dir / "in.jsonl").string() + " -o " + (dir / "out").string() +
                          " --threads 2 -q --no-report > " + (dir / "log.txt").string() + " 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  // The audit stats.json carries, computed once by the run (default options:
  // 10 tagged documents are below min_docs, so low support and no alert).
  auto stats = sluice::LoadReportStats((dir / "out" / "stats.json").string());
  INFO(stats.status().message());
  REQUIRE(stats.ok());
  REQUIRE(stats->bias_audit.has_value());
  const sluice::BiasAuditTable& table = *stats->bias_audit;
  const BiasAuditRow* rel = Find(table, "lexicon_filter", "religion");
  REQUIRE(rel);
  CHECK(rel->group_in == 10);
  CHECK(rel->group_dropped == 10);
  CHECK(rel->all_in == 40);
  CHECK(rel->all_dropped == 15);
  CHECK(rel->disparity == Approx(40.0 / 15));
  CHECK(rel->low_support);
  CHECK_FALSE(rel->alert);
  CHECK(Find(table, "bias_audit", "religion") == nullptr);  // dropped nothing
  const BiasAuditRow* total = Find(table, "all_stages", "gender");
  REQUIRE(total);
  CHECK(total->group_in == 6);
  CHECK(total->group_dropped == 0);
  fs::remove_all(dir);
}
