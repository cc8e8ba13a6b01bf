// The report renders the bias audit stats.json holds, so both flag the same rows.
#include "pipelines/report_audit.h"

#include <catch2/catch.hpp>

#include <string>

#include "pipelines/report.h"
#include "tests/pipelines/report_test_util.h"

namespace sluice {

namespace {

// A minimal run: one filtering stage that saw 1000 documents and removed 200
// (20%), with the given identity tag counts; stats.json as a run writes it.
std::string StatsWithTags(const std::string& tags) {
  return report_test::StatsJsonWithAudits({{"quality", "gopher_quality", 1000, 200, tags}}, 800);
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
  auto stats = ParseReportStats(json);
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
  auto stats = ParseReportStats(json);
  REQUIRE(stats.ok());
  CHECK_FALSE(stats->bias_audit.has_value());
  const std::string html = RenderRunReport(*stats);
  CHECK(html.find("No document carried an identity tag") != std::string::npos);
  CHECK(html.find("audit-table") == std::string::npos);
}

TEST_CASE("bias audit in the report: a damaged audit section is refused with its JSON path", "[report]") {
  const std::string json =
      StatsWithTags(R"({"identity.a":{"in":100,"dropped":25},"identity.c":{"in":100,"dropped":19}})");
  REQUIRE(ParseReportStats(json).ok());
  const std::string key = "\"group_in\":";
  const size_t at = json.find(key);
  REQUIRE(at != std::string::npos);
  std::string damaged = json;
  damaged.insert(at + key.size(), "\"");
  damaged.insert(damaged.find_first_of(",}", at + key.size() + 1), "\"");
  auto stats = ParseReportStats(damaged);
  REQUIRE_FALSE(stats.ok());
  CHECK(stats.status().message() == "stats.json: bias_audit.rows[0].group_in: expected an integer");
  // The rest of the file is what ParseRunStats reads: still fine.
  CHECK(ParseRunStats(damaged).ok());
}

}  // namespace sluice
