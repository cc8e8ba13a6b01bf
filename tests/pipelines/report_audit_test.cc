// The report renders the bias audit stats.json holds, so both flag the same rows.
#include "pipelines/report_audit.h"

#include <catch2/catch.hpp>

#include <string>

#include "filters/language_audit.h"
#include "pipelines/report.h"

namespace sluice {

namespace {

// A minimal run: one filtering stage that saw 1000 documents and removed 200
// (20%), with the given identity tag counts.
std::string StatsWithTags(const std::string& tags) {
  std::string json = R"JSON({"schema":"sluice.stats/1","sluice_version":"0.1.0",
"totals":{"in":1000,"kept":800,"dropped":200,"malformed":0,"bytes_in":1000000,"bytes_kept":800000},
"inputs":[{"path":"a.jsonl","in":1000,"kept":800,"dropped":200,"malformed":0,"bytes_in":1000000,"bytes_kept":800000}],
"engine":{"counters":{},"histograms":{}},
"stages":[{"name":"quality","type":"gopher_quality","docs_in":1000,"docs_out":800,"docs_dropped":200,
  "bytes_in":1000000,"bytes_out":800000,"dropped":{"gopher.stop_words":200},"failed_rules":{"gopher.stop_words":200},
  "counters":{},"tags":TAGS,"signals":{},"histograms":{}}],
"kept_signals":{},"samples":[],
"timing":{"threads":1,"wall_seconds":1.0,"stages":{"quality":{"cpu_seconds":1.0,"mb_per_cpu_second":1.0}}}})JSON";
  json.replace(json.find("TAGS"), 4, tags);
  {
    Status audits = AddAuditsToStatsJson(&json);
    INFO(audits.message());
    REQUIRE(audits.ok());
  }
  return json;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("bias audit in the report: the rows and flags of stats.json, one each side of the threshold",
          "[report]") {
  // a: 25% vs 20% -> 1.25, flagged (at the threshold, with support);
  // b: 50% of 20 documents -> 2.50 but low support, never flagged;
  // c: 19% -> 0.95, not flagged.
  const std::string json = StatsWithTags(
      R"({"identity.a":{"in":100,"dropped":25},"identity.b":{"in":20,"dropped":10},"identity.c":{"in":100,"dropped":19}})");
  auto stats = ParseRunStats(json);
  REQUIRE(stats.ok());
  REQUIRE(stats->bias_audit.has_value());
  int alerts = 0, low_support = 0;
  for (const BiasAuditRow& r : stats->bias_audit->rows) {
    INFO(r.stage << " " << r.group << " " << r.disparity);
    alerts += r.alert ? 1 : 0;
    low_support += r.low_support ? 1 : 0;
    if (r.group == "a") CHECK(r.alert);
    if (r.group == "b") CHECK((r.low_support && !r.alert));
    if (r.group == "c") CHECK(!r.alert);
  }
  CHECK(alerts == 2);       // a at the stage and over all stages
  CHECK(low_support == 2);  // b, both rows
  const std::string html = RenderRunReport(*stats);
  const size_t table = html.find("<table id=\"audit-table\">");
  REQUIRE(table != std::string::npos);
  const std::string audit = html.substr(table, html.find("</table>", table) - table);
  CHECK(Count(audit, "<tr class=\"flag\">") == static_cast<size_t>(alerts));
  CHECK(Count(audit, "low support") == static_cast<size_t>(low_support));
  CHECK(audit.find("identity.a") != std::string::npos);
  CHECK(audit.find("1.25×") != std::string::npos);
  CHECK(audit.find("2.50×") != std::string::npos);
  CHECK(html.find("<span class=\"badge\">2 flagged</span>") != std::string::npos);
}

TEST_CASE("bias audit in the report: none without identity tags", "[report]") {
  const std::string json = StatsWithTags("{}");
  auto stats = ParseRunStats(json);
  REQUIRE(stats.ok());
  CHECK_FALSE(stats->bias_audit.has_value());
  const std::string html = RenderRunReport(*stats);
  CHECK(html.find("No document carried an identity tag") != std::string::npos);
  CHECK(html.find("audit-table") == std::string::npos);
}

}  // namespace sluice
