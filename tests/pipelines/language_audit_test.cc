// The language audit in stats.json and report.html: rendering from stats.json
// (chart, sortable table, escaping, the script's CSP hash), a run through
// `sluice run`'s code path with test-only tagging stages, and the real binary
// with the default recipe on multilingual Debian text (single and sharded).
#include <simdjson.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "filters/language_audit.h"
#include "pipelines/report_audit.h"
#include "pipelines/report_stats.h"
#include "pipelines/run_command.h"
#include "stages/io/json_writer.h"
#include "stages/engine/stage.h"
#include "tests/filters/gettext_corpus.h"
#include "tests/pipelines/report_test_util.h"

namespace sluice {
namespace {

using namespace report_test;

// ------------------------------------------------------------ helpers

// A minimal stats.json with the given stages (name, type, in, dropped, tags
// JSON), with the audits computed as `sluice run` computes them.
using StageSpec = report_test::AuditStage;
std::string StatsWithAudits(const std::vector<StageSpec>& stages, int64_t kept) {
  return report_test::StatsJsonWithAudits(stages, kept);
}

// en 200 (8% removed), zh 100 (30%: flagged), a hostile code 40, und 10 (low support).
std::string RenderFixture() {
  const std::string hostile = R"(language.<img src=x onerror=alert(1)>)";
  return StatsWithAudits(
      {{"normalize", "normalize", 400, 50, ""},
       {"language_id", "language_id", 350, 0,
        R"({"language.en":{"in":200,"dropped":0},)" "\"" + hostile +
            R"(":{"in":40,"dropped":0},"language.und":{"in":10,"dropped":0},"language.zh":{"in":100,"dropped":0}})"},
       {"exact_dedup", "exact_dedup", 350, 20,
        R"({"language.en":{"in":200,"dropped":10},)" "\"" + hostile +
            R"(":{"in":40,"dropped":0},"language.und":{"in":10,"dropped":0},"language.zh":{"in":100,"dropped":10}})"},
       {"c4", "c4", 330, 50,
        R"({"language.en":{"in":190,"dropped":16},)" "\"" + hostile +
            R"(":{"in":40,"dropped":1},"language.und":{"in":10,"dropped":3},"language.zh":{"in":90,"dropped":30}})"}},
      280);
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

std::string Base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    for (int k = 3; k >= 0; --k) out.push_back(kAlphabet[(v >> (6 * k)) & 63]);
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

// The "language_audit" object of a stats.json text, as JSON text ("" when absent).
std::string AuditJson(const std::string& stats_json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(stats_json);
  simdjson::dom::element root, audit;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return "";
  if (root["language_audit"].get(audit) != simdjson::SUCCESS) return "";
  return simdjson::minify(audit);
}

// Checks the invariants of a language audit against the file's stages.
void CheckConsistent(const ReportStats& s) {
  REQUIRE(s.language_audit.has_value());
  const LanguageAuditTable& a = *s.language_audit;
  int64_t in = 0, kept = 0, before = 0, lang_stage_in = -1;
  for (const auto& st : s.stages) {
    if (st.name == a.language_stage) {
      lang_stage_in = st.docs_in;
      break;
    }
    before += st.docs_dropped;
  }
  CHECK(lang_stage_in == a.run.in);  // the documents that reached language_id
  CHECK(a.removed_before_language == before);
  CHECK(a.docs_first_stage == s.stages.front().docs_in);
  CHECK(a.docs_first_stage == a.removed_before_language + a.run.in);
  for (const auto& l : a.languages) {
    INFO("language " << l.language);
    CHECK(l.in == l.kept + l.dropped);
    CHECK(l.dropped == l.dropped_filters + l.dropped_dedup);
    CHECK((!l.alert || !l.low_support));
    in += l.in;
    kept += l.kept;
  }
  CHECK(in == a.run.in);
  CHECK(kept == a.run.kept);
  CHECK(kept == s.totals.kept);  // "kept" = not dropped by any stage
  int64_t dedup = 0;
  for (const auto& st : a.stages) dedup += st.dedup ? st.dropped : 0;
  CHECK(dedup == a.run.dropped_dedup);
}

// ------------------------------------------------------------ test-only stages

// Tags "language.<code>" by script: Han -> zh, Latin letters -> en, else und.
class TestLanguageTagger : public Stage {
 public:
  Verdict Process(Document& doc, StageContext&) const override {
    bool han = false, latin = false;
    for (unsigned char c : doc.text) {
      han = han || (c >= 0xE4 && c <= 0xE9);
      latin = latin || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    doc.AddTag(std::string(kLanguageAuditTagPrefix) + (han ? "zh" : latin ? "en" : "und"));
    return Verdict::Keep();
  }
};

// Drops documents containing `Word`.
template <const char* Word>
class TestWordDrop : public Stage {
 public:
  Verdict Process(Document& doc, StageContext&) const override {
    if (doc.text.find(Word) != std::string::npos) return Verdict::Drop("language_audit_test.word");
    return Verdict::Keep();
  }
};
constexpr char kEarlyWord[] = "EARLY";
constexpr char kSpamWord[] = "spam";

template <typename T>
StageInfo TestStage(const char* type) {
  StageInfo info;
  info.type = type;
  info.folder = "stages";
  info.summary = "test only (tests/pipelines/language_audit_test.cc)";
  info.factory = [](const Options&, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
    return std::unique_ptr<Stage>(new T());
  };
  return info;
}

SLUICE_REGISTER_STAGE(LanguageAuditTestTagger,
                      [] { return TestStage<TestLanguageTagger>("language_audit_test_tagger"); });
SLUICE_REGISTER_STAGE(LanguageAuditTestEarly,
                      [] { return TestStage<TestWordDrop<kEarlyWord>>("language_audit_test_early"); });
SLUICE_REGISTER_STAGE(LanguageAuditTestSpam,
                      [] { return TestStage<TestWordDrop<kSpamWord>>("language_audit_test_spam"); });

// True when the real language_id stage tags documents language.<code>.
bool LanguageIdTags() {
  auto stage = BuildStage("language_id", "{}");
  if (!stage.ok()) return false;
  Document doc;
  doc.text = "The quick brown fox jumps over the lazy dog, and then it runs far away into the forest.";
  Stats stats;
  StageContext ctx(&stats);
  (*stage)->Process(doc, ctx);
  for (const auto& t : doc.tags) {
    if (t.rfind(kLanguageAuditTagPrefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

// ------------------------------------------------------------ rendering

TEST_CASE("language audit: stats.json round trip through the report's reader", "[language_audit]") {
  const std::string json = RenderFixture();
  auto stats = ParseReportStats(json);
  REQUIRE(stats.ok());
  REQUIRE(stats->language_audit.has_value());
  // What the reader holds is exactly what was written (the report never recomputes).
  CHECK(stats->language_audit->ToJson() == AuditJson(json));
  CheckConsistent(*stats);
  const LanguageAuditTable& a = *stats->language_audit;
  CHECK(a.removed_before_language == 50);
  REQUIRE(a.languages.size() == 4);
  CHECK(a.languages.back().language == "zh");
  CHECK(a.languages.back().alert);  // 30/100 by filters vs 50/350
}

TEST_CASE("language audit section: chart, sortable table, flags, escaped codes", "[language_audit]") {
  auto stats = ParseReportStats(RenderFixture());
  REQUIRE(stats.ok());
  const std::string html = RenderLanguageAuditSection(*stats);
  CHECK(html.rfind("<section id=\"language-audit\">", 0) == 0);
  CHECK(html.size() > 1000);
  CHECK(html.find("</section>") == html.size() - 10);
  // The table: a header row to click, one body row per language, the run in the footer.
  CHECK(html.find("<table id=\"language-audit-table\"><thead>") != std::string::npos);
  CHECK(html.find("<tfoot><tr><td class=\"t\">all (the run)</td>") != std::string::npos);
  const size_t body = html.find("<tbody>"), body_end = html.find("</tbody>");
  REQUIRE(body != std::string::npos);
  REQUIRE(body_end != std::string::npos);
  CHECK(Count(html.substr(body, body_end - body), "<tr") == 4);
  CHECK(Count(html.substr(body, body_end - body), "<tr class=\"flag\">") == 1);  // zh
  CHECK(html.find("<tr class=\"flag\"><td class=\"t\">zh</td>") != std::string::npos);
  CHECK(html.find("low support") != std::string::npos);                           // und: 10 documents
  CHECK(html.find("data-v=\"0.29999999999999999\"") != std::string::npos);        // zh: 30 of 100 by filters
  // The sort script, inline, once.
  CHECK(Count(html, "<script>") == 1);
  CHECK(html.find(std::string("<script>") + std::string(kLanguageAuditScript) + "</script>") != std::string::npos);
  // The chart: inline SVG, one row per language, zh highlighted, the run's rate as a reference line.
  CHECK(Count(html, "<svg class=\"rate-chart\"") == 1);
  CHECK(Count(html, "<g class=\"rate-row") == 4);
  CHECK(Count(html, "<g class=\"rate-row flag\">") == 1);
  CHECK(Count(html, "<g class=\"rate-row muted\">") == 1);
  CHECK(html.find("class=\"rate-ref\"") != std::string::npos);
  // Documents removed before the language was known.
  CHECK(html.find("50 of them were removed before their language was known") != std::string::npos);
  // Language codes come from documents' tags: always escaped, in the table and in the SVG.
  CHECK(html.find("<img") == std::string::npos);
  CHECK(Count(html, "&lt;img src=x onerror=alert(1)&gt;") >= 3);  // table, chart label, chart tooltip
  // Nothing from the network.
  CHECK(html.find("http") == std::string::npos);
  CHECK(html.find(" src=\"") == std::string::npos);
}

TEST_CASE("language audit section: a run without language tags gets a note", "[language_audit]") {
  const std::string json = StatsWithAudits({{"c4", "c4", 10, 2, R"({"identity.gender":{"in":3,"dropped":1}})"}}, 8);
  CHECK(json.find("\"bias_audit\"") != std::string::npos);
  CHECK(json.find("\"language_audit\"") == std::string::npos);
  auto stats = ParseReportStats(json);
  REQUIRE(stats.ok());
  CHECK_FALSE(stats->language_audit.has_value());
  const std::string html = RenderLanguageAuditSection(*stats);
  CHECK(html.find("No language audit") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
}

TEST_CASE("language audit: the script's CSP hash matches the script", "[language_audit]") {
  const std::string dir = MakeTempDir("langaudit-csp");
  REQUIRE(!dir.empty());
  WriteTextFile(dir + "/script.js", std::string(kLanguageAuditScript));
  REQUIRE(RunShell("sha256sum " + Quote(dir + "/script.js") + " > " + Quote(dir + "/sum.txt")) == 0);
  const std::string hex = ReadTextFile(dir + "/sum.txt").substr(0, 64);
  std::string digest;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) digest.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  REQUIRE(digest.size() == 32);
  CHECK(kLanguageAuditScriptCspSource == "'sha256-" + Base64(digest) + "'");
  std::filesystem::remove_all(dir);
}

TEST_CASE("language audit table sorts in headless Chromium under the page's CSP", "[language_audit][slow]") {
  std::string chromium;
  for (const char* name : {"chromium", "chromium-browser"}) {
    if (chromium.empty() && RunShell(std::string("command -v ") + name + " > /dev/null 2>&1") == 0) chromium = name;
  }
  if (chromium.empty()) {
    WARN("chromium is not installed: browser test SKIPPED (run scripts/setup.d/report.sh)");
    return;
  }
  const std::string dir = MakeTempDir("langaudit-browser");
  REQUIRE(!dir.empty());
  auto stats = ParseReportStats(RenderFixture());
  REQUIRE(stats.ok());
  // A test-only script clicks "documents in" twice (descending, then ascending).
  const std::string clicker =
      "var h=document.querySelector('#language-audit-table thead th:nth-child(2)');h.click();h.click();";
  WriteTextFile(dir + "/clicker.js", clicker);
  REQUIRE(RunShell("sha256sum " + Quote(dir + "/clicker.js") + " > " + Quote(dir + "/sum.txt")) == 0);
  const std::string hex = ReadTextFile(dir + "/sum.txt").substr(0, 64);
  std::string digest;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) digest.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  const std::string clicker_csp = "'sha256-" + Base64(digest) + "'";
  auto page = [&](const std::string& script_src) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" "
           "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src " +
           script_src + "\"></head><body>" + RenderLanguageAuditSection(*stats) + "<script>" + clicker +
           "</script></body></html>";
  };
  auto dump = [&](const std::string& name, const std::string& html) {
    WriteTextFile(dir + "/" + name + ".html", html);
    const std::string cmd = "timeout 120 " + chromium +
                            " --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
                            " --disable-component-update --disable-sync --user-data-dir=" +
                            Quote(dir + "/profile-" + name) + " --dump-dom " + Quote("file://" + dir + "/" + name + ".html") +
                            " > " + Quote(dir + "/" + name + ".dom") + " 2> /dev/null";
    REQUIRE(RunShell(cmd) == 0);
    return ReadTextFile(dir + "/" + name + ".dom");
  };
  // Allowed by the section's hash: the script ran, and the clicks sorted by
  // documents in, ascending: und (10), the hostile code (40), zh (100), en (200).
  const std::string dom = dump("allowed", page(std::string(kLanguageAuditScriptCspSource) + " " + clicker_csp));
  REQUIRE(dom.find("id=\"language-audit-table\"") != std::string::npos);
  CHECK(dom.find("class=\"sortable\"") != std::string::npos);
  CHECK(dom.find("aria-sort=\"ascending\"") != std::string::npos);
  const size_t und = dom.find("<td class=\"t\">und</td>"), hostile = dom.find("<td class=\"t\">&lt;img"),
               zh = dom.find("<td class=\"t\">zh</td>"), en = dom.find("<td class=\"t\">en</td>");
  REQUIRE(und != std::string::npos);
  REQUIRE(en != std::string::npos);
  CHECK(und < hostile);
  CHECK(hostile < zh);
  CHECK(zh < en);
  CHECK(dom.find("<img") == std::string::npos);
  // Without the section's hash the browser blocks it: a plain table, in stats.json order.
  const std::string blocked = dump("blocked", page(clicker_csp));
  REQUIRE(blocked.find("id=\"language-audit-table\"") != std::string::npos);
  CHECK(blocked.find("class=\"sortable\"") == std::string::npos);
  CHECK(blocked.find("aria-sort=\"") == std::string::npos);
  CHECK(blocked.find("<td class=\"t\">en</td>") < blocked.find("<td class=\"t\">und</td>"));
  std::filesystem::remove_all(dir);
}

// ------------------------------------------------------------ runs

TEST_CASE("language audit through sluice run: stats.json counts are consistent", "[language_audit]") {
  const std::string dir = MakeTempDir("langaudit-run");
  REQUIRE(!dir.empty());
  std::string corpus;
  int id = 0;
  auto add = [&](const std::string& text) {
    corpus += "{\"id\":\"" + std::to_string(id++) + "\",\"text\":\"" + text + "\"}\n";
  };
  for (int i = 0; i < 40; ++i) add("English document number " + std::to_string(i) + (i % 4 == 0 ? " spam" : ""));
  for (int i = 0; i < 30; ++i) add("中文文档第" + std::to_string(i) + "号" + (i % 2 == 0 ? " spam" : ""));
  for (int i = 0; i < 5; ++i) add("12345 " + std::to_string(i));
  for (int i = 0; i < 6; ++i) add("EARLY removal " + std::to_string(i));
  for (int i = 0; i < 4; ++i) add("English document number 1");  // exact duplicates
  WriteTextFile(dir + "/corpus.jsonl", corpus);
  WriteTextFile(dir + "/recipe.yaml",
                "stages:\n  - {type: language_audit_test_early, name: early}\n"
                "  - {type: language_audit_test_tagger, name: lang}\n  - {type: exact_dedup}\n"
                "  - {type: language_audit_test_spam, name: spam}\n");
  RunArgs args;
  args.positional = {dir + "/recipe.yaml", dir + "/corpus.jsonl"};
  args.output_dir = dir + "/out";
  args.threads = 2;
  args.quiet = true;
  args.format = "jsonl";
  REQUIRE(RunMain(args) == 0);
  const std::string json = ReadTextFile(dir + "/out/stats.json");
  auto stats = ParseReportStats(json);
  REQUIRE(stats.ok());
  CheckConsistent(*stats);
  const LanguageAuditTable& a = *stats->language_audit;
  CHECK(a.language_stage == "lang");
  CHECK(a.removed_before_language == 6);
  CHECK(a.run.in == 79);
  CHECK(a.run.dropped_dedup == 4);
  CHECK(a.run.dropped_filters == 10 + 15);
  REQUIRE(a.languages.size() == 3);
  CHECK(a.languages[0].language == "en");
  CHECK(a.languages[0].in == 44);
  CHECK(a.languages[0].dropped_dedup == 4);
  CHECK(a.languages[0].dropped_filters == 10);
  CHECK(a.languages[1].language == "und");
  CHECK(a.languages[1].low_support);
  CHECK(a.languages[2].language == "zh");
  CHECK(a.languages[2].rate_filters == Approx(0.5));
  CHECK(a.languages[2].alert);  // 50% vs 25/79 = 1.58x, 30 documents
  // The reader holds exactly what the file holds.
  CHECK(a.ToJson() == AuditJson(json));
  // The section renders from the file.
  CHECK(RenderLanguageAuditSection(*stats).find("<tr class=\"flag\"><td class=\"t\">zh</td>") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("language audit end to end: the default recipe on multilingual Debian text, single and sharded",
          "[language_audit][slow]") {
  REQUIRE(LanguageIdTags());  // the stage tags every document language.<code>
  const std::string dir = MakeTempDir("langaudit-e2e");
  REQUIRE(!dir.empty());
  // Documents of 5 translated coreutils messages each, in several languages,
  // plus a few exact copies so dedup removes something.
  std::string corpus;
  int id = 0, languages = 0;
  for (const char* lang : {"de", "fr", "es", "pl", "ru", "ja", "zh_CN", "sv"}) {
    auto texts = testing::ReadMoTranslations(testing::MoPath(lang, "coreutils"), 30);
    if (texts.size() < 100) continue;
    ++languages;
    for (size_t i = 0; i + 5 <= texts.size() && i < 5 * 60; i += 5) {
      std::string text;
      for (size_t k = i; k < i + 5; ++k) text += texts[k] + "\n";
      std::string line = "{\"id\":\"" + std::to_string(id++) + "\",\"text\":" + JsonString(text) + "}\n";
      corpus += line;
      if (i % 50 == 0) corpus += "{\"id\":\"" + std::to_string(id++) + "\",\"text\":" + JsonString(text) + "}\n";
    }
  }
  REQUIRE(languages >= 4);
  WriteTextFile(dir + "/corpus.jsonl", corpus);
  const std::string bin = Quote(SLUICE_BINARY);
  REQUIRE(RunShell(bin + " run " + Quote(dir + "/corpus.jsonl") + " -o " + Quote(dir + "/single") +
                   " -q --threads 2 > /dev/null 2>&1") == 0);
  REQUIRE(RunShell(bin + " run " + Quote(dir + "/corpus.jsonl") + " -o " + Quote(dir + "/sharded") +
                   " -q --threads 1 --executor local --shards 2 > /dev/null 2>&1") == 0);
  const std::string single = ReadTextFile(dir + "/single/stats.json");
  auto stats = ParseReportStats(single);
  REQUIRE(stats.ok());
  CheckConsistent(*stats);
  const LanguageAuditTable& a = *stats->language_audit;
  CHECK(a.language_stage == "language_id");
  CHECK(a.languages.size() >= static_cast<size_t>(languages));
  CHECK(a.run.dropped_dedup > 0);
  // Sharded: the same statistics as one process, field by field, so the same audit.
  auto sharded = ParseReportStats(ReadTextFile(dir + "/sharded/stats.json"));
  REQUIRE(sharded.ok());
  CHECK(RunStatsDifferences(*stats, *sharded) == std::vector<std::string>{});
  REQUIRE(sharded->language_audit.has_value());
  CHECK(sharded->language_audit->ToJson() == a.ToJson());
  CHECK(AuditJson(ReadTextFile(dir + "/sharded/stats.json")) == AuditJson(single));
  std::filesystem::remove_all(dir);
}

}  // namespace sluice
