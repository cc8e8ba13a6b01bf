// The bias audit computed from stage tag counts.
#include "pipelines/report_audit.h"

#include <catch2/catch.hpp>

#include <cmath>

namespace sluice {

namespace {
StageData MakeStage(const char* name, int64_t in, int64_t dropped, Named<TagCounts> tags) {
  StageData s;
  s.name = name;
  s.docs_in = in;
  s.docs_dropped = dropped;
  s.docs_out = in - dropped;
  s.tags = std::move(tags);
  return s;
}
}  // namespace

TEST_CASE("tag audit: rates, ratio and the 1.25 flag on both sides of the threshold", "[report]") {
  RunStats s;
  // Overall 20% removed. 26/100 tagged removed -> 1.30 (flagged); 25/100 -> 1.25 (not flagged: strictly above).
  s.stages.push_back(MakeStage("f", 1000, 200, {{"a", {100, 26}}, {"b", {100, 25}}, {"c", {10, 0}}, {"d", {0, 0}}}));
  s.stages.push_back(MakeStage("g", 800, 0, {{"a", {74, 0}}}));
  s.totals.kept = 800;
  auto rows = ComputeTagAudit(s);
  REQUIRE(rows.size() == 5 + 3);
  CHECK(rows[0].stage == "f");
  CHECK(rows[0].tag == "a");
  CHECK(rows[0].tagged_rate == Approx(0.26));
  CHECK(rows[0].stage_rate == Approx(0.2));
  CHECK(rows[0].ratio == Approx(1.3));
  CHECK(rows[0].flagged);
  CHECK(!rows[0].small_sample);
  CHECK(rows[1].ratio == Approx(1.25));
  CHECK(!rows[1].flagged);
  CHECK(rows[2].ratio == 0);
  CHECK(rows[2].small_sample);
  CHECK(std::isnan(rows[3].ratio));
  CHECK(!rows[3].flagged);
  // Stage g removes nothing: ratio undefined, not flagged.
  CHECK(rows[4].stage == "g");
  CHECK(std::isnan(rows[4].ratio));
  CHECK(!rows[4].flagged);
  // Pipeline rows for tags seen entering a stage (a, b, c; d never had documents).
  CHECK(rows[5].stage == "pipeline");
  CHECK(rows[5].tag == "a");
  CHECK(rows[5].tagged_in == 100);
  CHECK(rows[5].tagged_dropped == 26);
  CHECK(rows[5].stage_dropped == 200);  // 1000 reached f, 800 kept
  CHECK(rows[5].flagged);
  CHECK(rows[6].tag == "b");
  CHECK(rows[7].tag == "c");
}

TEST_CASE("tag audit: a stage that removes only tagged documents has an infinite ratio", "[report]") {
  RunStats s;
  s.stages.push_back(MakeStage("f", 100, 0, {{"a", {10, 0}}}));
  auto rows = ComputeTagAudit(s);
  REQUIRE(rows.size() == 2);
  CHECK(std::isnan(rows[0].ratio));  // 0 / 0
  RunStats t;
  // Only possible when the stage itself tagged documents and dropped them.
  t.stages.push_back(MakeStage("f", 100, 0, {{"a", {10, 2}}}));
  rows = ComputeTagAudit(t);
  CHECK(std::isinf(rows[0].ratio));
  CHECK(rows[0].flagged);
}

}  // namespace sluice
