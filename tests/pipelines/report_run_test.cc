// stats.json schema checks on real runs: the built `sluice` binary on a small
// JSONL, and the rich run (test-only stages below) through `sluice run`'s code
// path. Also `sluice report` exit codes and byte-identical output.
#include <simdjson.h>

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "filters/bias_audit.h"
#include "filters/language_audit.h"
#include "pipelines/report.h"
#include "pipelines/report_stats.h"
#include "pipelines/run_command.h"
#include "stages/engine/global_stage.h"
#include "stages/io/json_writer.h"
#include "stages/engine/run_state.h"
#include "stages/engine/stage.h"
#include "tests/pipelines/report_test_util.h"

namespace sluice {
namespace {

using namespace report_test;

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Test-only rule stage: scores, tags, counts languages, and drops spam and
// very short documents (a document can fail both rules).
class ProbeStage : public Stage {
 public:
  Verdict Process(Document& doc, StageContext& ctx) const override {
    size_t chars = CodePoints(doc.text);
    size_t letters = 0;
    bool cjk = false;
    for (unsigned char c : doc.text) {
      letters += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      cjk = cjk || (c >= 0xE4 && c <= 0xE9);
    }
    ctx.stats().Add(cjk ? "probe.lang.zh" : "probe.lang.en");
    doc.AddSignal("probe.chars", static_cast<double>(chars));
    doc.AddSignal("probe.letter_ratio", chars ? static_cast<double>(letters) / static_cast<double>(chars) : 0.0);
    std::vector<std::string> failing;
    if (doc.text.find("spam") != std::string::npos) {
      failing.push_back("probe.spam");
      ctx.stats().Add("probe.spam_hits");
    }
    if (chars < 10) {
      failing.push_back("probe.too_short");
      ctx.stats().Add("probe.short_hits");
    }
    if (failing.empty()) return Verdict::Keep();
    doc.all_reasons = failing;
    return Verdict::Drop(failing.front());
  }
  std::vector<HistogramSpec> signal_histograms() const override {
    return {HistogramSpec::Linear("probe.letter_ratio", 0, 1, 10)};
  }
  Status Finish(FinishContext& ctx) override {
    JsonBuilder b;
    b.BeginObject().Key("rules").BeginArray();
    b.BeginObject().Key("rule").String("probe.spam").Key("documents").Int(ctx.stats->Get("probe.spam_hits"));
    b.Key("flagged").Bool(true).EndObject();
    b.BeginObject().Key("rule").String("probe.too_short").Key("documents").Int(ctx.stats->Get("probe.short_hits"));
    b.Key("flagged").Bool(false).EndObject();
    b.EndArray();
    b.Key("settings").BeginObject().Key("min_chars").Int(10).Key("note").String("</script><img src=x onerror=alert(3)>");
    b.EndObject().EndObject();
    ctx.report_json = b.Take();
    return Status::Ok();
  }
};

// Test-only tagger: groups documents for the bias audit.
class TaggerStage : public Stage {
 public:
  Verdict Process(Document& doc, StageContext&) const override {
    if (doc.text.find("group_a") != std::string::npos) doc.AddTag("identity.group_a");
    for (unsigned char c : doc.text) {
      if (c >= 0xE4 && c <= 0xE9) {
        doc.AddTag("script.han");
        break;
      }
    }
    return Verdict::Keep();
  }
};

// Test-only exact dedup (a global stage) with a cluster-size histogram.
class DedupProbeResolver : public GlobalResolver {
 public:
  void Add(uint64_t, std::string_view key, std::string* decision, Stats&) override {
    if (++clusters_[std::string(key)] > 1) *decision = "D";
  }
  Status Finish(FinishContext& ctx) override {
    int64_t duplicates = 0;
    for (const auto& [text, n] : clusters_) {
      ctx.stats->Observe(HistogramSpec::Log("dedup_probe.cluster_size"), n);
      duplicates += n - 1;
    }
    JsonBuilder b;
    b.BeginObject().Key("clusters").Int(static_cast<int64_t>(clusters_.size())).Key("duplicates").Int(duplicates);
    b.EndObject();
    ctx.report_json = b.Take();
    return Status::Ok();
  }

 private:
  std::map<std::string, int64_t> clusters_;
};

class DedupProbeStage : public GlobalStage {
 public:
  void Key(const Document& doc, StageContext&, std::string* key) const override { *key = doc.text; }
  StatusOr<std::unique_ptr<GlobalResolver>> NewResolver() const override {
    return std::unique_ptr<GlobalResolver>(new DedupProbeResolver());
  }
  Verdict Apply(Document&, std::string_view decision, StageContext&) const override {
    if (decision.empty()) return Verdict::Keep();
    return Verdict::Drop("dedup_probe.duplicate", "exact duplicate");
  }
};

template <typename T>
StageInfo TestStageInfo(const char* type) {
  StageInfo info;
  info.type = type;
  info.folder = "stages";
  info.summary = "test only (tests/pipelines/report_run_test.cc)";
  info.factory = [](const Options&, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
    return std::unique_ptr<Stage>(new T());
  };
  info.global = std::is_base_of_v<GlobalStage, T>;
  return info;
}

SLUICE_REGISTER_STAGE(ReportTestTagger, [] { return TestStageInfo<TaggerStage>("report_test_tagger"); });
SLUICE_REGISTER_STAGE(ReportTestProbe, [] { return TestStageInfo<ProbeStage>("report_test_probe"); });
SLUICE_REGISTER_STAGE(ReportTestDedup, [] { return TestStageInfo<DedupProbeStage>("report_test_dedup"); });

std::set<std::string> Keys(simdjson::dom::object obj) {
  std::set<std::string> keys;
  for (auto field : obj) keys.insert(std::string(field.key));
  return keys;
}

simdjson::dom::object Obj(simdjson::dom::element e) {
  simdjson::dom::object o;
  REQUIRE(e.get(o) == simdjson::SUCCESS);
  return o;
}

int64_t IntAt(simdjson::dom::element e, std::string_view pointer) {
  int64_t v = -1;
  REQUIRE(e.at_pointer(pointer).get(v) == simdjson::SUCCESS);
  return v;
}

}  // namespace

namespace report_test {

std::string StatsJsonWithAudits(const std::vector<AuditStage>& stages, int64_t kept) {
  RunState state;
  StatsJsonInfo info;
  state.Resize(stages.size());
  for (size_t i = 0; i < stages.size(); ++i) {
    const AuditStage& s = stages[i];
    info.stage_names.push_back(s.name);
    info.stage_types.push_back(s.type);
    Stats& st = state.stages[i];
    st.Add(std::string(kDocsIn), s.in);
    st.Add(std::string(kDocsOut), s.in - s.dropped);
    st.Add(std::string(kDocsDropped), s.dropped);
    if (s.tags.empty()) continue;
    simdjson::dom::parser parser;
    simdjson::padded_string padded(s.tags);
    simdjson::dom::object tags;
    REQUIRE(parser.parse(padded).get(tags) == simdjson::SUCCESS);
    for (auto [tag, counts] : tags) {
      int64_t in = 0, dropped = 0;
      REQUIRE(counts["in"].get_int64().get(in) == simdjson::SUCCESS);
      REQUIRE(counts["dropped"].get_int64().get(dropped) == simdjson::SUCCESS);
      st.Add(std::string(kTagInPrefix) + std::string(tag), in);
      if (dropped) st.Add(std::string(kTagDroppedPrefix) + std::string(tag), dropped);
    }
  }
  InputAccount input;
  input.path = "a.jsonl";
  input.records = stages.empty() ? 0 : stages[0].in;
  input.kept = kept;
  input.dropped = input.records - kept;
  state.inputs.push_back(input);
  RunStats stats = RunStatsOf(state, info);
  stats.sections = AuditSections(stats);
  return StatsJson(stats);
}

void SetAuditsAsRunDoes(ReportStats* stats) {
  RunStats run = *stats;
  run.sections = AuditSections(run);
  auto typed = ReportStatsOf(std::move(run));
  REQUIRE(typed.ok());
  *stats = std::move(typed).value();
}

int RunRichPipeline(const std::string& dir, int threads) {
  WriteTextFile(dir + "/corpus.jsonl", RichCorpus());
  WriteTextFile(dir + "/recipe.yaml",
                "stages:\n  - {type: report_test_tagger, name: tagger}\n  - {type: report_test_probe, name: probe}\n"
                "  - {type: report_test_dedup, name: dedup}\n");
  RunArgs args;
  args.positional = {dir + "/recipe.yaml", dir + "/corpus.jsonl"};
  args.output_dir = dir + "/out";
  args.threads = threads;
  args.quiet = true;
  args.format = "jsonl";
  return RunMain(args);
}
}  // namespace report_test

TEST_CASE("the sluice binary writes stats.json in the documented schema and a report", "[report]") {
  std::string dir = MakeTempDir("bin");
  REQUIRE(!dir.empty());
  WriteTextFile(dir + "/in.jsonl",
                "{\"id\":\"a\",\"text\":\"hello world\"}\n"
                "{\"id\":\"b\",\"text\":\"你好，世界\"}\n"
                "not json at all\n"
                "{\"id\":\"c\",\"text\":\"third document here\"}\n");
  // A pass-through recipe: this test is about the schema, not the default stages.
  WriteTextFile(dir + "/passthrough.yaml", "stages: []\n");
  std::string cmd = std::string(Quote(SLUICE_BINARY)) + " run " + Quote(dir + "/passthrough.yaml") + " " +
                    Quote(dir + "/in.jsonl") + " -o " +
                    Quote(dir + "/out") + " -q --threads 2 > /dev/null 2>&1";
  REQUIRE(RunShell(cmd) == 0);
  std::string json = ReadTextFile(dir + "/out/stats.json");
  REQUIRE(!json.empty());

  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  REQUIRE(parser.parse(padded).get(root) == simdjson::SUCCESS);
  // Top-level keys exactly as docs/stats-schema.md lists them (shard only when sharded).
  CHECK(Keys(Obj(root)) == std::set<std::string>{"schema", "sluice_version", "totals", "inputs", "skipped_records",
                                                 "engine", "stages", "kept_signals", "samples", "timing"});
  std::string_view schema;
  REQUIRE(root["schema"].get(schema) == simdjson::SUCCESS);
  CHECK(schema == kStatsSchema);
  CHECK(Keys(Obj(root["totals"].value())) ==
        std::set<std::string>{"in", "kept", "dropped", "malformed", "bytes_in", "bytes_kept"});
  CHECK(IntAt(root, "/totals/in") == 4);
  CHECK(IntAt(root, "/totals/kept") == 3);
  CHECK(IntAt(root, "/totals/dropped") == 0);
  CHECK(IntAt(root, "/totals/malformed") == 1);
  CHECK(IntAt(root, "/totals/bytes_in") == 11 + 15 + 19);
  CHECK(IntAt(root, "/inputs/0/in") == 4);
  CHECK(Keys(Obj(root["engine"].value())) == std::set<std::string>{"counters", "histograms"});
  CHECK(IntAt(root, "/engine/histograms/input_chars/total") == 3);
  CHECK(IntAt(root, "/engine/histograms/kept_chars/total") == 3);
  CHECK(Keys(Obj(root["timing"].value())) == std::set<std::string>{"threads", "wall_seconds", "stages"});
  CHECK(IntAt(root, "/timing/threads") == 2);

  auto stats = ParseReportStats(json);
  REQUIRE(stats.ok());
  CHECK(stats->totals.in == 4);
  CHECK(stats->stages.empty());
  REQUIRE(stats->inputs.size() == 1);
  CHECK(stats->inputs[0].path.find("in.jsonl") != std::string::npos);
  // Histogram buckets: [lo, hi, count] with counts summing to the total.
  const HistogramData* chars = nullptr;
  for (const auto& [k, h] : stats->engine_histograms) {
    if (k == "input_chars") chars = &h;
  }
  REQUIRE(chars != nullptr);
  CHECK(chars->kind == "log");
  int64_t sum = 0;
  for (const auto& b : chars->buckets) {
    sum += b.count;
    REQUIRE(b.lo.has_value());
    REQUIRE(b.hi.has_value());
    CHECK(*b.lo < *b.hi);
  }
  // Shortest document 5 characters, longest 19.
  REQUIRE(!chars->buckets.empty());
  CHECK(*chars->buckets.front().lo <= 5);
  CHECK(*chars->buckets.front().hi > 5);
  CHECK(*chars->buckets.back().lo <= 19);
  CHECK(*chars->buckets.back().hi > 19);
  CHECK(sum == 3);

  // report.html from the run, and `sluice report` gives the same bytes.
  std::string html = ReadTextFile(dir + "/out/report.html");
  CHECK(html.find("id=\"accounting\"") != std::string::npos);
  CHECK(html.find("<b>4</b> = 3 + 0 + 1") != std::string::npos);
  REQUIRE(RunShell(Quote(SLUICE_BINARY) + " report " + Quote(dir + "/out/stats.json") + " -o " +
                   Quote(dir + "/again.html") + " > /dev/null 2>&1") == 0);
  CHECK(ReadTextFile(dir + "/again.html") == html);
  // Relative paths, and the default output next to the stats.
  REQUIRE(RunShell("cd " + Quote(dir + "/out") + " && " + Quote(SLUICE_BINARY) +
                   " report stats.json -o rel.html > /dev/null 2>&1 && " + Quote(SLUICE_BINARY) +
                   " report stats.json > /dev/null 2>&1") == 0);
  CHECK(ReadTextFile(dir + "/out/rel.html") == html);
  std::filesystem::remove(dir + "/out/report.html");
  REQUIRE(RunShell(Quote(SLUICE_BINARY) + " report " + Quote(dir + "/out/stats.json") + " > /dev/null 2>&1") == 0);
  CHECK(ReadTextFile(dir + "/out/report.html") == html);
  std::filesystem::remove_all(dir);
}

TEST_CASE("sluice report exits 2 on unreadable or invalid stats", "[report]") {
  std::string dir = MakeTempDir("cli");
  REQUIRE(!dir.empty());
  auto report = [&](const std::string& stats) {
    return RunShell(Quote(SLUICE_BINARY) + " report " + Quote(stats) + " -o " + Quote(dir + "/r.html") +
                    " > /dev/null 2>&1");
  };
  CHECK(report(dir + "/missing.json") == 2);
  WriteTextFile(dir + "/garbage.json", "{\"schema\": ");
  CHECK(report(dir + "/garbage.json") == 2);
  WriteTextFile(dir + "/future.json", "{\"schema\":\"sluice.stats/99\"}");
  CHECK(report(dir + "/future.json") == 2);
  WriteTextFile(dir + "/partial.json", "{\"schema\":\"sluice.stats/1\",\"totals\":{\"in\":1}}");
  CHECK(report(dir + "/partial.json") == 2);
  CHECK(!std::filesystem::exists(dir + "/r.html"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a rich run: stage stats, tags, signals, reports and samples in stats.json", "[report]") {
  std::string dir = MakeTempDir("rich");
  REQUIRE(!dir.empty());
  REQUIRE(RunRichPipeline(dir) == 0);
  auto stats = LoadReportStats(dir + "/out/stats.json");
  REQUIRE(stats.ok());
  const ReportStats& s = *stats;
  // One model: the file a run wrote, read back and written again, is the same bytes.
  CHECK(StatsJson(s) == ReadTextFile(dir + "/out/stats.json"));
  REQUIRE(s.bias_audit.has_value());
  CHECK(JsonText(*s.Section("bias_audit")) == s.bias_audit->ToJson());
  CHECK(s.totals.in == kRichRecords);
  CHECK(s.totals.kept == kRichKept);
  CHECK(s.totals.dropped == kRichDropped);
  CHECK(s.totals.malformed == kRichMalformed);
  REQUIRE(s.stages.size() == 3);
  const StageData& tagger = s.stages[0];
  const StageData& probe = s.stages[1];
  const StageData& dedup = s.stages[2];
  CHECK(tagger.name == "tagger");
  CHECK(probe.name == "probe");
  CHECK(probe.type == "report_test_probe");
  CHECK(tagger.docs_in == kRichRecords - kRichMalformed);
  CHECK(tagger.docs_out == tagger.docs_in);
  CHECK(probe.docs_in == tagger.docs_out);
  CHECK(probe.docs_dropped == 7);
  CHECK(probe.docs_out == probe.docs_in - probe.docs_dropped);
  CHECK(dedup.docs_in == probe.docs_out);
  CHECK(dedup.docs_dropped == 2);
  CHECK(dedup.docs_out == kRichKept);
  CHECK(probe.bytes_in == s.totals.bytes_in);
  CHECK(dedup.bytes_out == s.totals.bytes_kept);
  CHECK(probe.dropped == Named<int64_t>{{"probe.spam", 5}, {"probe.too_short", 2}});
  CHECK(probe.failed_rules == Named<int64_t>{{"probe.spam", 5}, {"probe.too_short", 3}});
  REQUIRE(probe.tags.size() == 2);
  // Tags a stage adds count as entering that stage, so the tagger reports every
  // tagged document as in (and none dropped): in >= dropped holds everywhere.
  REQUIRE(tagger.tags.size() == 2);
  CHECK(tagger.tags[0].first == "identity.group_a");
  CHECK(tagger.tags[0].second.in == probe.tags[0].second.in);
  CHECK(tagger.tags[0].second.dropped == 0);
  CHECK(probe.tags[0].first == "identity.group_a");
  CHECK(probe.tags[0].second.in == 7);
  CHECK(probe.tags[0].second.dropped == 3);
  CHECK(probe.tags[1].first == "script.han");
  CHECK(probe.tags[1].second.in == 6);
  CHECK(probe.tags[1].second.dropped == 0);
  REQUIRE(dedup.tags.size() == 2);
  CHECK(dedup.tags[0].second.in == 4);
  // Signals: the declared linear histogram and the default log one.
  REQUIRE(probe.signals.size() == 2);
  CHECK(probe.signals[0].first == "probe.chars");
  CHECK(probe.signals[0].second.kind == "log");
  CHECK(probe.signals[1].first == "probe.letter_ratio");
  CHECK(probe.signals[1].second.kind == "linear");
  CHECK(probe.signals[1].second.total == probe.docs_in);
  REQUIRE(s.kept_signals.size() == 2);
  CHECK(s.kept_signals[0].second.total == kRichKept);
  // Languages as counters, cluster sizes as a stage histogram, stage reports.
  CHECK(probe.counters == Named<int64_t>{{"probe.lang.en", 25}, {"probe.lang.zh", 6}, {"probe.short_hits", 3},
                                         {"probe.spam_hits", 5}});
  REQUIRE(dedup.histograms.size() == 1);
  CHECK(dedup.histograms[0].first == "dedup_probe.cluster_size");
  CHECK(dedup.histograms[0].second.total == kRichKept);
  REQUIRE(probe.report.has_value());
  REQUIRE(probe.report->Find("rules") != nullptr);
  CHECK(probe.report->Find("rules")->items.size() == 2);
  REQUIRE(dedup.report.has_value());
  CHECK(dedup.report->Find("duplicates")->integer == 2);
  // Samples: up to 3 per (stage, reason), the hostile document among them.
  CHECK(s.samples.size() == 3 + 2 + 2);
  bool hostile = false;
  for (const auto& sm : s.samples) hostile = hostile || sm.text.find("</script><script>") != std::string::npos;
  CHECK(hostile);
  REQUIRE(s.timing.size() == 3);
  CHECK(s.timing[1].name == "probe");
  std::filesystem::remove_all(dir);
}

TEST_CASE("the rich run's report is deterministic across thread counts", "[report]") {
  std::string a = MakeTempDir("det1"), b = MakeTempDir("det2");
  REQUIRE(RunRichPipeline(a, 1) == 0);
  REQUIRE(RunRichPipeline(b, 2) == 0);
  auto sa = LoadReportStats(a + "/out/stats.json");
  auto sb = LoadReportStats(b + "/out/stats.json");
  REQUIRE(sa.ok());
  REQUIRE(sb.ok());
  // Only timing differs between runs; equalize it, then the pages must match.
  sa->timing = sb->timing;
  sa->threads = sb->threads;
  sa->wall_seconds = sb->wall_seconds;
  // Input paths differ (two temp dirs).
  sa->inputs = sb->inputs;
  CHECK(RenderRunReport(*sa) == RenderRunReport(*sb));
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}

}  // namespace sluice
