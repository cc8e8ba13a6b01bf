// report.html rendering from stats.json documents built here: every section,
// escaping of hostile text, generic stage reports, determinism.
#include "pipelines/report.h"

#include <catch2/catch.hpp>

#include <string>

#include "pipelines/report_hook.h"
#include "pipelines/report_stats.h"
#include "tests/pipelines/report_test_util.h"

namespace sluice {
namespace {

using namespace report_test;

// A stats.json with two stages, tags, signals, languages, cluster sizes, a
// bias-audit report and a tokenizer-like report, and hostile samples.
std::string ConstructedStats() {
  return R"JSON({"schema":"sluice.stats/1","sluice_version":"0.1.0",
"totals":{"in":1000,"kept":700,"dropped":250,"malformed":50,"bytes_in":123456789,"bytes_kept":98765432},
"inputs":[{"path":"web/<b>part</b>-0.jsonl","in":600,"kept":420,"dropped":150,"malformed":30,"bytes_in":70000000,"bytes_kept":60000000},
          {"path":"web/part-1.jsonl.zst","in":400,"kept":280,"dropped":100,"malformed":20,"bytes_in":53456789,"bytes_kept":38765432,"read_error":"truncated zstd frame"}],
"engine":{"counters":{"malformed:invalid_json":50},
  "histograms":{"input_chars":{"kind":"log","total":950,"buckets":[[0,0,5],[16,19.027,100],[32,38.05,400],[64,76.1,445]]},
                "kept_chars":{"kind":"log","total":700,"buckets":[[32,38.05,300],[64,76.1,400]]}}},
"stages":[
 {"name":"language_id","type":"language_id","docs_in":950,"docs_out":900,"docs_dropped":50,"bytes_in":123000000,"bytes_out":120000000,
  "dropped":{"language_id.low_confidence":50},"failed_rules":{"language_id.low_confidence":50},
  "counters":{"language_id.lang.en":600,"language_id.lang.zh":300,"language_id.lang.und":50},
  "tags":{},"signals":{"language_id.confidence":{"kind":"linear","total":950,"buckets":[[null,0,1],[0.5,0.6,49],[0.9,1,900]]}},
  "histograms":{}},
 {"name":"quality","type":"gopher_quality","docs_in":900,"docs_out":700,"docs_dropped":200,"bytes_in":120000000,"bytes_out":98765432,
  "dropped":{"gopher.mean_word_length":120,"gopher.stop_words":80},
  "failed_rules":{"gopher.mean_word_length":150,"gopher.stop_words":130,"gopher.symbol_ratio":40},
  "counters":{"gopher.lines_seen":12345},
  "tags":{"identity.gender":{"in":100,"dropped":60},"identity.religion":{"in":50,"dropped":10}},
  "signals":{"gopher.mean_word_length":{"kind":"log","total":900,"buckets":[[2,2.378,100],[4,4.757,800]]}},
  "histograms":{"minhash.cluster_size":{"kind":"log","total":40,"buckets":[[2,2.378,30],[4,4.757,9],[16,19.03,1]]}},
  "report":{"audit":[{"tag":"identity.gender","removal_rate":0.6,"flagged":true},{"tag":"identity.religion","removal_rate":0.2,"flagged":false}],
            "tokenizer":{"vocab_size":32000,"bytes_per_token":4.25,"special":["<|endoftext|>","<pad>"]},
            "note":"<script>alert('report')</script>"}}],
"kept_signals":{"language_id.confidence":{"kind":"log","total":700,"buckets":[[0.917,1.0,700]]},
                "gopher.mean_word_length":{"kind":"log","total":700,"buckets":[[4,4.757,700]]}},
"samples":[{"stage":"quality","reason":"gopher.mean_word_length","id":"<id onmouseover=x>","text":"</script><script>alert(1)</script><img src=x onerror=alert(2)> & \"q\" 'a'"},
           {"stage":"quality","reason":"gopher.stop_words","id":"d2","text":"ok text"}],
"timing":{"threads":2,"wall_seconds":12.5,"stages":{"language_id":{"cpu_seconds":4.0,"mb_per_cpu_second":30.75},"quality":{"cpu_seconds":8.0,"mb_per_cpu_second":15.0}}}}
)JSON";
}

std::string Render(const std::string& json) {
  // As a run does: the audits are computed once (here from the fixture's tag
  // counts), held by the stats, then rendered.
  auto stats = ParseReportStats(json);
  REQUIRE(stats.ok());
  report_test::SetAuditsAsRunDoes(&*stats);
  return RenderRunReport(*stats);
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the report shows every section of a constructed stats.json", "[report]") {
  std::string html = Render(ConstructedStats());
  CHECK(html.rfind("<!doctype html>", 0) == 0);
  CHECK(html.find("<b>1,000</b> = 700 + 250 + 50") != std::string::npos);
  // One input has a read_error: the headline must not claim every record.
  CHECK(html.find("✓ every record accounted for") == std::string::npos);
  CHECK(html.find("1 input ended early (read error)") != std::string::npos);
  for (const char* id : {"summary", "funnel", "drops", "failed-rules", "histograms", "languages", "clusters", "audit",
                         "stage-reports", "throughput", "inputs", "counters", "samples"}) {
    INFO(id);
    CHECK(html.find(std::string("<section id=\"") + id + "\">") != std::string::npos);
  }
  // Funnel rows and drop reasons with their stage.
  CHECK(html.find("900 (−50, 5.26%)") != std::string::npos);
  CHECK(html.find("700 (−200, 22.2%)") != std::string::npos);
  CHECK(html.find("gopher.mean_word_length<small>quality</small>") != std::string::npos);
  CHECK(html.find("120 (13.3% of stage input)") != std::string::npos);
  // Failed rules list the rule that was never a first reason.
  CHECK(html.find("gopher.symbol_ratio") != std::string::npos);
  // Languages from counters with a lang. segment.
  CHECK(html.find("<h4>language_id</h4>") != std::string::npos);
  CHECK(html.find(">zh<") != std::string::npos);
  CHECK(html.find("300 (31.6%)") != std::string::npos);
  // Cluster sizes, histograms as SVG.
  CHECK(html.find("minhash.cluster_size") != std::string::npos);
  CHECK(html.find("quality: 40 clusters") != std::string::npos);
  CHECK(Count(html, "<svg class=\"hist\"") >= 4);
  // Bias audit (stats.json's, from tags): gender 60% vs 22.2% overall -> 2.70x
  // flagged (at the stage and over all stages); religion 20% -> 0.90x.
  CHECK(html.find("2.70×") != std::string::npos);
  CHECK(html.find("0.90×") != std::string::npos);
  CHECK(html.find("<span class=\"badge\">2 flagged</span>") != std::string::npos);
  // Stage report rendered generically: table for the audit array, key/values otherwise.
  CHECK(html.find("<th>removal_rate</th>") != std::string::npos);
  CHECK(html.find("vocab_size") != std::string::npos);
  CHECK(html.find("32,000") != std::string::npos);
  CHECK(html.find("&lt;|endoftext|&gt;, &lt;pad&gt;") != std::string::npos);
  // Throughput and inputs.
  CHECK(html.find("30.75 MB/s · 4.00 s CPU (33.3%)") != std::string::npos);
  CHECK(html.find("read error: truncated zstd frame") != std::string::npos);
  CHECK(html.find("web/&lt;b&gt;part&lt;/b&gt;-0.jsonl") != std::string::npos);
  // Self-contained: no scripts, no external resources.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find(" src=\"") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("@media (max-width:640px)") != std::string::npos);
}

TEST_CASE("hostile text in stats.json is escaped everywhere", "[report]") {
  std::string html = Render(ConstructedStats());
  CHECK(html.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; "
                  "&quot;q&quot; &#39;a&#39;") != std::string::npos);
  CHECK(html.find("&lt;id onmouseover=x&gt;") != std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;report&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("onerror=alert(2)>") == std::string::npos);
  CHECK(html.find("<id ") == std::string::npos);
  // Stage names, reasons and tags are escaped too.
  std::string json = ConstructedStats();
  std::string evil = json;
  size_t at = evil.find("\"name\":\"quality\"");
  REQUIRE(at != std::string::npos);
  evil.replace(at, 16, "\"name\":\"q<svg onload=alert(9)>\"");
  std::string page = Render(evil);
  CHECK(page.find("<svg onload") == std::string::npos);
  CHECK(page.find("q&lt;svg onload=alert(9)&gt;") != std::string::npos);
}

TEST_CASE("the report is deterministic and handles empty runs", "[report]") {
  CHECK(Render(ConstructedStats()) == Render(ConstructedStats()));
  std::string empty = R"({"schema":"sluice.stats/1","totals":{"in":0,"kept":0,"dropped":0,"malformed":0,
    "bytes_in":0,"bytes_kept":0},"inputs":[],"stages":[]})";
  std::string html = Render(empty);
  CHECK(html.find("<b>0</b> = 0 + 0 + 0") != std::string::npos);
  CHECK(html.find("The recipe has no stages") != std::string::npos);
  CHECK(html.find("No document was dropped.") != std::string::npos);
  CHECK(html.find("</html>") != std::string::npos);
  std::string shard = empty;
  shard.insert(shard.find("\"totals\""), "\"shard\":\"2/8\",");
  CHECK(Render(shard).find("shard 2/8") != std::string::npos);
}

TEST_CASE("accounting that does not add up is shown as such", "[report]") {
  std::string bad = R"({"schema":"sluice.stats/1","totals":{"in":10,"kept":3,"dropped":3,"malformed":0,
    "bytes_in":0,"bytes_kept":0},"inputs":[{"path":"a","in":10,"kept":3,"dropped":3,"malformed":0,"bytes_in":0,
    "bytes_kept":0}],"stages":[]})";
  std::string html = Render(bad);
  CHECK(html.find("✗ does not add up") != std::string::npos);
}

TEST_CASE("an input that ended early is not every record accounted for", "[report]") {
  std::string early = R"({"schema":"sluice.stats/1","totals":{"in":10,"kept":7,"dropped":3,"malformed":0,
    "bytes_in":0,"bytes_kept":0},"inputs":[{"path":"a.jsonl.gz","in":10,"kept":7,"dropped":3,"malformed":0,"bytes_in":0,
    "bytes_kept":0,"read_error":"unexpected end of file"}],"stages":[]})";
  std::string html = Render(early);
  CHECK(html.find("every record accounted for") == std::string::npos);
  CHECK(html.find("1 input ended early (read error)") != std::string::npos);
  std::string whole = early;
  whole.erase(whole.find(",\"read_error\""), std::string(",\"read_error\":\"unexpected end of file\"").size());
  CHECK(Render(whole).find("✓ every record accounted for") != std::string::npos);
}

TEST_CASE("generic stage reports: tables, key/value lists, flagged rows", "[report]") {
  auto parse = [](const std::string& json) {
    std::string doc = R"({"schema":"sluice.stats/1","totals":{"in":0,"kept":0,"dropped":0,"malformed":0,
      "bytes_in":0,"bytes_kept":0},"inputs":[],"stages":[{"name":"s","type":"t","docs_in":0,"docs_out":0,
      "docs_dropped":0,"bytes_in":0,"bytes_out":0,"report":)" + json + "}]}";
    auto stats = ParseReportStats(doc);
    REQUIRE(stats.ok());
    REQUIRE(stats->stages[0].report.has_value());
    return RenderJsonValue(*stats->stages[0].report);
  };
  CHECK(parse(R"({"a":1,"b":"x"})") == "<table class=\"kv\"><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>x</td>"
                                       "</tr></table>");
  std::string table = parse(R"([{"tag":"g","flagged":true,"n":1234567},{"tag":"r","flagged":false,"extra":0.5}])");
  CHECK(table.find("<table class=\"gen\"><tr><th>tag</th><th>flagged</th><th>n</th><th>extra</th>") != std::string::npos);
  CHECK(table.find("<tr class=\"flag\"><td class=\"t\">g</td><td>yes</td><td>1,234,567</td><td></td></tr>") !=
        std::string::npos);
  CHECK(table.find("<tr><td class=\"t\">r</td><td>no</td><td></td><td>0.5</td></tr>") != std::string::npos);
  CHECK(parse("[1,2.5,null,true]") == "1, 2.5, —, yes");
  CHECK(parse("{}") == "<span class=\"empty\">(empty)</span>");
}

TEST_CASE("WriteRunReport writes a file and rejects invalid stats", "[report]") {
  std::string dir = MakeTempDir("write");
  REQUIRE(!dir.empty());
  std::string stats = ConstructedStats();
  REQUIRE(WriteRunReport(stats, dir + "/report.html").ok());
  auto parsed = ParseReportStats(stats);
  REQUIRE(parsed.ok());
  CHECK(ReadTextFile(dir + "/report.html") == RenderRunReport(*parsed));
  Status st = WriteRunReport("[1,2]", dir + "/bad.html");
  CHECK(!st.ok());
  CHECK(!std::filesystem::exists(dir + "/bad.html"));
  std::filesystem::remove_all(dir);
}

}  // namespace sluice

namespace sluice {

TEST_CASE("every truncation and byte flip of stats.json parses or fails cleanly", "[report]") {
  const std::string json = ConstructedStats();
  int ok = 0, failed = 0;
  for (size_t cut = 0; cut < json.size(); cut += 3) {
    auto r = ParseReportStats(std::string_view(json).substr(0, cut));
    (r.ok() ? ok : failed)++;
  }
  const char replacements[] = {'"', '{', ']', '0', '-', 'x', '\\', ','};
  for (size_t at = 0; at < json.size(); at += 7) {
    std::string mutated = json;
    mutated[at] = replacements[at % sizeof replacements];
    auto r = ParseReportStats(mutated);
    if (r.ok()) {
      ++ok;
      CHECK(RenderRunReport(*r).find("</html>") != std::string::npos);
    } else {
      ++failed;
      CHECK(r.status().message().rfind("stats.json", 0) == 0);
    }
  }
  CHECK(failed > 0);
  CHECK(ok > 0);
}

}  // namespace sluice
