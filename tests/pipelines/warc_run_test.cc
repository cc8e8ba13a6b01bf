// `sluice run` on WARC input, end to end: one process and the sharded plan.
#include <catch2/catch.hpp>

#include "test_util.h"
#include "warc_test_util.h"

using sluice::testing::ReadAllRecords;
using sluice::testing::ReadText;
using sluice::testing::RunSluice;
using sluice::testing::TempDir;
using sluice::testing::WriteText;

namespace {

std::string Q(const std::string& s) { return "'" + s + "'"; }

std::string WithoutTiming(const std::string& stats) { return stats.substr(0, stats.find(",\"timing\":")); }

}  // namespace

TEST_CASE("sluice run over a .warc.gz with an empty recipe: HTML documents, skipped kinds, malformed with offsets",
          "[warc][cli]") {
  TempDir dir;
  const auto crawl = sluice::testing::MakeTestCrawl();
  WriteText(dir / "in/crawl.warc.gz", crawl.Gzip());
  WriteText(dir / "r.yaml", "stages: []\n");
  auto r = RunSluice("run " + Q(dir / "r.yaml") + " -i " + Q(dir / "in") + " -o " + Q(dir / "out") +
                     " --threads 2 --format jsonl");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("in = kept + dropped + malformed: 8 = 6 + 0 + 2") != std::string::npos);
  CHECK(r.out.find("not documents, not in `in` (WARC records of other kinds): 6 (1 metadata, 1 request, "
                   "1 response_not_200, 1 response_not_html, 1 response_redirect, 1 warcinfo)") != std::string::npos);
  const std::string kept = ReadAllRecords(dir / "out/kept");
  CHECK(sluice::testing::CountLines(kept) == 6);
  CHECK(kept.find("\"url\":\"http://example.ru/\"") != std::string::npos);
  CHECK(kept.find("Привет, мир!") != std::string::npos);
  CHECK(kept.find("你好，世界") != std::string::npos);
  const std::string malformed = ReadAllRecords(dir / "out/malformed");
  CHECK(malformed.find("byte offset " + std::to_string(crawl.Offset(crawl.damaged))) != std::string::npos);
  const std::string stats = ReadText(dir / "out/stats.json");
  CHECK(stats.find("\"skipped_records\":{\"metadata\":1,") != std::string::npos);
}

TEST_CASE("sluice run --executor local --shards 2 on WARC inputs equals one process", "[warc][cli][plan]") {
  TempDir dir;
  const auto crawl = sluice::testing::MakeTestCrawl();
  WriteText(dir / "in/a.warc.gz", crawl.Gzip());
  WriteText(dir / "in/b.warc", crawl.Plain());
  WriteText(dir / "in/c.warc.zst", crawl.Zstd());
  WriteText(dir / "r.yaml", "stages: []\n");
  const std::string base = "run " + Q(dir / "r.yaml") + " -i " + Q(dir / "in") + " -q --format jsonl ";
  auto one = RunSluice(base + "-o " + Q(dir / "one"));
  INFO(one.out);
  REQUIRE(one.exit_code == 0);
  auto two = RunSluice(base + "-o " + Q(dir / "two") + " --executor local --shards 2");
  INFO(two.out);
  REQUIRE(two.exit_code == 0);
  CHECK(ReadAllRecords(dir / "one/kept") == ReadAllRecords(dir / "two/kept"));
  CHECK(ReadAllRecords(dir / "one/malformed") == ReadAllRecords(dir / "two/malformed"));
  const std::string s1 = WithoutTiming(ReadText(dir / "one/stats.json"));
  const std::string s2 = WithoutTiming(ReadText(dir / "two/stats.json"));
  CHECK(s1.find("\"totals\":{\"in\":24,\"kept\":18,\"dropped\":0,\"malformed\":6,") != std::string::npos);
  CHECK(s1.find("\"warcinfo\":3}") != std::string::npos);
  CHECK(s2.find("\"warcinfo\":3}") != std::string::npos);
  CHECK(s1.find("\"totals\"") != std::string::npos);
  CHECK(s1.substr(s1.find("\"totals\"")) == s2.substr(s2.find("\"totals\"")));
}
