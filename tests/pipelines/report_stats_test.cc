// Parsing stats.json: errors name the JSON path of the problem.
#include "pipelines/report_stats.h"

#include <catch2/catch.hpp>

#include <string>

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

TEST_CASE("the minimal stats.json parses - optional sections default to empty", "[report]") {
  auto r = ParseRunStats(kMinimal);
  REQUIRE(r.ok());
  CHECK(r->totals.in == 1);
  CHECK(r->inputs.at(0).path == "x");
  CHECK(r->timing.empty());
  CHECK(r->samples.empty());
  CHECK(r->shard.empty());
}

TEST_CASE("invalid stats.json is rejected with the path of the problem", "[report]") {
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

TEST_CASE("histogram buckets keep open ends as absent edges", "[report]") {
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

}  // namespace sluice
