// RunState (stages/engine/run_state.h): the binary form is exact, shards append into
// the state one process has, and stats.json renders from it.
#include "stages/engine/run_state.h"

#include "stages/engine/run_stats.h"

#include <catch2/catch.hpp>

#include "stages/engine/byte_codec.h"

namespace sluice {
namespace {

RunState MakeState(const std::string& path, int64_t records, const std::string& sample_id) {
  RunState s;
  s.Resize(2);
  s.engine.Add("blank_lines", 3);
  s.engine.Observe(HistogramSpec::Log("input_chars"), 1234.5);
  s.stages[0].Add("docs_in", records);
  s.stages[0].Add("dropped:x.y", 1);
  s.stages[1].Observe(HistogramSpec::Linear("signal:s", 0, 1, 20), 0.25);
  s.stages[1].Observe(HistogramSpec::Linear("signal:s", 0, 1, 20), -1);  // underflow bucket
  s.stage_nanos = {5, 7};
  s.reports = {"", "{\"a\":1}"};
  InputAccount a;
  a.path = path;
  a.records = records;
  a.kept = records - 1;
  a.dropped = 1;
  a.bytes_in = 100;
  s.inputs.push_back(a);
  s.samples["st\tx.y"].push_back(RunSample{"st", "x.y", sample_id, "текст", 0, 7});
  return s;
}

TEST_CASE("run state: Encode/Decode is exact - Stats binary form round-trips", "[run_state]") {
  RunState s = MakeState("in/a.jsonl", 10, "d1");
  RunState back;
  REQUIRE(back.Decode(s.Encode()).ok());
  StatsJsonInfo info;
  info.stage_names = {"one", "two"};
  info.stage_types = {"t1", "t2"};
  CHECK(RunStatsOf(back, info) == RunStatsOf(s, info));
  CHECK(back.Encode() == s.Encode());
  // Damaged or foreign data is an error, not a crash.
  std::string bytes = s.Encode();
  CHECK_FALSE(back.Decode(bytes.substr(0, bytes.size() - 3)).ok());
  CHECK_FALSE(back.Decode("not a state").ok());
  CHECK_FALSE(back.Decode(bytes + "x").ok());
  Stats patch;
  patch.Add("c", 2);
  std::string report;
  Stats decoded;
  REQUIRE(DecodeStatsPatch(EncodeStatsPatch(patch, "{\"r\":2}"), &decoded, &report).ok());
  CHECK(decoded.Get("c") == 2);
  CHECK(report == "{\"r\":2}");
}

TEST_CASE("run state: shards append into one state - a cut input's parts join - samples keep the first",
          "[run_state]") {
  RunState total;
  total.Append(MakeState("a.jsonl", 10, "first"), 1);
  total.Append(MakeState("a.jsonl", 5, "second"), 1);  // the next part of the same input
  total.Append(MakeState("b.jsonl", 4, "third"), 1);
  REQUIRE(total.inputs.size() == 2);
  CHECK(total.inputs[0].records == 15);
  CHECK(total.inputs[0].kept == 13);
  CHECK(total.inputs[1].records == 4);
  CHECK(total.stages[0].Get("docs_in") == 19);
  CHECK(total.engine.Get("blank_lines") == 9);
  CHECK(total.stages[1].histograms().at("signal:s").total() == 6);
  REQUIRE(total.samples["st\tx.y"].size() == 1);
  CHECK(total.samples["st\tx.y"][0].id == "first");
  StatsJsonInfo info;
  info.stage_names = {"one", "two"};
  info.stage_types = {"t1", "t2"};
  const std::string json = StatsJson(RunStatsOf(total, info));
  CHECK(json.find("\"totals\":{\"in\":19,\"kept\":16,\"dropped\":3") != std::string::npos);
}

}  // namespace
}  // namespace sluice
