// RunStats (stages/engine/run_stats.h), the one statistics model: a run's
// state finishes into it, stats.json is written from it and read back into the
// same values (and the same bytes); errors name the JSON path of the problem.
#include "stages/engine/run_stats.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "stages/engine/run_state.h"

namespace sluice {

namespace {
const char* kMinimal = R"({"schema":"sluice.stats/1","totals":{"in":1,"kept":1,"dropped":0,"malformed":0,
  "bytes_in":5,"bytes_kept":5},"inputs":[{"path":"x","in":1,"kept":1,"dropped":0,"malformed":0,"bytes_in":5,
  "bytes_kept":5}],"stages":[]})";

std::string ErrorOf(const std::string& json) {
  auto r = ParseRunStats(json);
  REQUIRE(!r.ok());
  CHECK(r.status().code() == StatusCode::kIo);
  return r.status().message();
}

std::string With(const std::string& from, const std::string& to) {
  std::string s = kMinimal;
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}
}  // namespace

TEST_CASE("the minimal stats.json parses - optional sections default to empty", "[run_stats]") {
  auto r = ParseRunStats(kMinimal);
  REQUIRE(r.ok());
  CHECK(r->totals.in == 1);
  CHECK(r->inputs.at(0).path == "x");
  CHECK(r->timing.empty());
  CHECK(r->samples.empty());
  CHECK(r->shard.empty());
}

TEST_CASE("invalid stats.json is rejected with the path of the problem", "[run_stats]") {
  CHECK(ErrorOf("nope").find("not valid JSON") != std::string::npos);
  CHECK(ErrorOf("[]").find("(root): expected an object") != std::string::npos);
  CHECK(ErrorOf("{}").find("missing key \"schema\"") != std::string::npos);
  CHECK(ErrorOf(With("sluice.stats/1", "sluice.stats/2")).find("unsupported schema \"sluice.stats/2\"") !=
        std::string::npos);
  CHECK(ErrorOf(With("\"in\":1,\"kept\":1", "\"in\":\"1\",\"kept\":1")) == "stats.json: totals.in: expected an integer");
  CHECK(ErrorOf(With("\"path\":\"x\",", "")) == "stats.json: inputs[0]: missing key \"path\"");
  CHECK(ErrorOf(With("\"stages\":[]", "\"stages\":[{\"name\":\"a\"}]")) ==
        "stats.json: stages[0]: missing key \"type\"");
  CHECK(ErrorOf(With("\"stages\":[]", "\"stages\":{}")) == "stats.json: stages: expected an array");
  std::string bad_hist = With("\"stages\":[]",
                              "\"stages\":[],\"kept_signals\":{\"x\":{\"kind\":\"log\",\"total\":1,\"buckets\":[[1,2]]}}");
  CHECK(ErrorOf(bad_hist) == "stats.json: kept_signals.x.buckets[0]: expected [lo, hi, count]");
  std::string bad_kind = With("\"stages\":[]",
                              "\"stages\":[],\"kept_signals\":{\"x\":{\"kind\":\"sqrt\",\"total\":0,\"buckets\":[]}}");
  CHECK(ErrorOf(bad_kind).find("expected \"log\" or \"linear\"") != std::string::npos);
}

TEST_CASE("histogram buckets keep open ends as absent edges", "[run_stats]") {
  std::string json = With("\"stages\":[]",
                          "\"stages\":[],\"kept_signals\":{\"s\":{\"kind\":\"linear\",\"total\":3,"
                          "\"buckets\":[[null,0,1],[0,0.5,1],[1,null,1]]}}");
  auto r = ParseRunStats(json);
  REQUIRE(r.ok());
  REQUIRE(r->kept_signals.size() == 1);
  const auto& b = r->kept_signals[0].second.buckets;
  REQUIRE(b.size() == 3);
  CHECK(!b[0].lo.has_value());
  CHECK(*b[0].hi == 0);
  CHECK(*b[1].hi == 0.5);
  CHECK(!b[2].hi.has_value());
}

namespace {

// A state with everything stats.json can hold: several inputs (one with a read
// error), engine and stage counters of every group, tags, histograms with open
// ends, stage reports with every kind of JSON value, samples in several scripts.
RunState RichState() {
  RunState s;
  s.Resize(3);
  s.engine.Add("blank_lines", 3);
  s.engine.Add(std::string(kSkippedRecordPrefix) + "warcinfo", 2);
  s.engine.Observe(HistogramSpec::Log("input_chars"), 1234.5);
  s.engine.Observe(HistogramSpec::Log("input_chars"), 0);
  s.engine.Observe(HistogramSpec::Linear("kept_signal:quality.score", 0, 1, 20), 0.35);
  for (int i = 0; i < 3; ++i) {
    Stats& st = s.stages[i];
    st.Add(kDocsIn, 10 - i);
    st.Add(kDocsOut, 9 - i);
    st.Add(kDocsDropped, 1);
    st.Add(kBytesIn, 1000 - i);
    st.Add(kBytesOut, 900 - i);
    st.Add(std::string(kDroppedPrefix) + "rule.a", 1);
    st.Add(std::string(kFailedPrefix) + "rule.a", 1);
    st.Add(std::string(kFailedPrefix) + "rule.b", 2);
    st.Add("hits", 7 + i);
    st.Add(std::string(kTagInPrefix) + "language.hi", 4);
    st.Add(std::string(kTagDroppedPrefix) + "language.hi", i);
    st.Observe(HistogramSpec::Linear("signal:ratio", 0, 1, 20), -0.5);  // underflow: open low end
    st.Observe(HistogramSpec::Linear("signal:ratio", 0, 1, 20), 0.1 * i);
    st.Observe(HistogramSpec::Linear("signal:ratio", 0, 1, 20), 7);  // overflow: open high end
    st.Observe(HistogramSpec::Log("cluster_size"), 3.0 + i);
  }
  s.stage_nanos = {5'000'000, 0, 123'456'789};
  s.reports = {"",
               R"({"n":3,"big":18446744073709551615,"neg":-4,"x":0.1,"e":1e+21,"t":true,"z":null,)"
               R"("s":"Kiswahili \"na\" हिन्दी\n","a":[1,[2,{"k":[]}],{}],"o":{"b":{"c":2.5}}})",
               R"({"only":"文本"})"};
  for (const char* path : {"in/a.jsonl", "in/b.jsonl.zst"}) {
    InputAccount a;
    a.path = path;
    a.records = 6;
    a.kept = 4;
    a.dropped = 1;
    a.malformed = 1;
    a.bytes_in = 500;
    a.bytes_kept = 300;
    s.inputs.push_back(a);
  }
  s.inputs[1].read_error = "truncated zstd frame";
  s.samples["one\trule.a"].push_back(RunSample{"one", "rule.a", "d1", "Привет, мир", 0, 7});
  s.samples["two\trule.a"].push_back(RunSample{"two", "rule.a", "", "مرحبا\tبالعالم", 1, 12});
  return s;
}

StatsJsonInfo RichInfo() {
  StatsJsonInfo info;
  info.stage_names = {"one", "two", "three"};
  info.stage_types = {"c4", "exact_dedup", "gopher_quality"};
  info.shard_label = "2/4";
  info.threads = 2;
  info.wall_seconds = 1.25;
  return info;
}

}  // namespace

TEST_CASE("run stats: a finished state holds every group of stats.json", "[run_stats]") {
  const RunStats r = RunStatsOf(RichState(), RichInfo());
  CHECK(r.schema == kStatsSchema);
  CHECK(r.shard == "2/4");
  CHECK(r.totals.path == "total");
  CHECK(r.totals.in == 12);
  CHECK(r.totals.kept == 8);
  CHECK(r.totals.malformed == 2);
  CHECK(r.totals.read_error.empty());
  REQUIRE(r.inputs.size() == 2);
  CHECK(r.inputs[1].read_error == "truncated zstd frame");
  CHECK(r.skipped_records == Named<int64_t>{{"warcinfo", 2}});
  REQUIRE(r.stages.size() == 3);
  const StageData& two = r.stages[1];
  CHECK(two.name == "two");
  CHECK(two.type == "exact_dedup");
  CHECK(two.docs_in == 9);
  CHECK(two.bytes_out == 899);
  CHECK(two.dropped == Named<int64_t>{{"rule.a", 1}});
  CHECK(two.failed_rules == Named<int64_t>{{"rule.a", 1}, {"rule.b", 2}});
  CHECK(two.counters == Named<int64_t>{{"hits", 8}});
  CHECK(two.tags == Named<TagCounts>{{"language.hi", TagCounts{4, 1}}});
  REQUIRE(two.signals.size() == 1);
  const HistogramData& ratio = two.signals[0].second;
  CHECK(ratio.kind == "linear");
  CHECK(ratio.total == 3);
  REQUIRE(ratio.buckets.size() == 3);
  CHECK_FALSE(ratio.buckets.front().lo.has_value());
  CHECK_FALSE(ratio.buckets.back().hi.has_value());
  REQUIRE(two.histograms.size() == 1);
  CHECK(two.histograms[0].first == "cluster_size");
  REQUIRE(two.report.has_value());
  CHECK(two.report->Find("big")->kind == JsonValue::Kind::kUint);
  CHECK(!r.stages[0].report.has_value());
  REQUIRE(r.kept_signals.size() == 1);
  CHECK(r.kept_signals[0].first == "quality.score");
  REQUIRE(r.engine_histograms.size() == 1);
  CHECK(r.engine_histograms[0].first == "input_chars");
  REQUIRE(r.samples.size() == 2);
  CHECK(r.samples[1].input == 1);
  CHECK(r.samples[1].line == 12);
  REQUIRE(r.timing.size() == 3);
  CHECK(r.timing[0].cpu_seconds == Approx(0.005));
  CHECK(r.timing[0].mb_per_cpu_second == Approx(1000 / 1e6 / 0.005));
  CHECK(r.timing[1].mb_per_cpu_second == 0);
}

TEST_CASE("run stats: written and read back, the values and the bytes are the same", "[run_stats]") {
  RunStats r = RunStatsOf(RichState(), RichInfo());
  auto section = ParseJsonValue(R"({"rows":[{"rate":0.3333333333333333,"alert":false}],"min_docs":30})");
  REQUIRE(section.ok());
  r.sections.emplace_back("an_audit", *section);
  const std::string json = StatsJson(r);
  CHECK(json.back() == '\n');
  auto back = ParseRunStats(json);
  REQUIRE(back.ok());
  CHECK(RunStatsDifferences(r, *back, true).empty());
  CHECK(*back == r);
  CHECK(StatsJson(*back) == json);
  // The stage report keeps its text exactly (every number form, escapes, scripts).
  CHECK(json.find(R"("report":{"n":3,"big":18446744073709551615,"neg":-4,"x":0.1,"e":1e+21,"t":true,"z":null,)") !=
        std::string::npos);
  CHECK(json.find(R"("an_audit":{"rows":[{"rate":0.3333333333333333,"alert":false}],"min_docs":30},"timing":)") !=
        std::string::npos);
  // A state round trip through its binary form gives the same statistics.
  RunState decoded;
  REQUIRE(decoded.Decode(RichState().Encode()).ok());
  CHECK(RunStatsOf(decoded, RichInfo()) == RunStatsOf(RichState(), RichInfo()));
}

TEST_CASE("run stats: differences are named field by field", "[run_stats]") {
  const RunStats a = RunStatsOf(RichState(), RichInfo());
  RunStats b = a;
  CHECK(RunStatsDifferences(a, b).empty());
  b.wall_seconds = 9;
  b.timing[2].cpu_seconds = 1;
  CHECK(RunStatsDifferences(a, b).empty());  // timing only when asked
  CHECK(RunStatsDifferences(a, b, true).size() == 2);
  b.stages[1].counters[0].second = 99;
  b.inputs[0].kept = 5;
  b.samples.pop_back();
  const auto diff = RunStatsDifferences(a, b);
  REQUIRE(diff.size() == 3);
  CHECK(diff[0] == "inputs[0].kept: 4 != 5");
  CHECK(diff[1] == "stages[1].counters.hits: 8 != 99");
  CHECK(diff[2].rfind("samples: ", 0) == 0);
  CHECK(RunStatsDifferences(a, b, false, 1).size() == 1);
}

}  // namespace sluice
