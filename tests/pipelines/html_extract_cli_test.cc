// html_extract end to end: JSONL records that hold HTML through `sluice run`
// (1 and 3 threads give the same bytes), and the choice of the built-in
// default recipe by input names.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "pipelines/recipe.h"
#include "stages/io/json_writer.h"
#include "test_util.h"

using namespace sluice::testing;

namespace {

std::string HtmlCorpus(int n) {
  std::string out;
  const char* words[] = {"rivers", "河流", "реки", "أنهار"};
  for (int i = 0; i < n; ++i) {
    std::string w = words[i % 4];
    std::string html = "<!doctype html><html><head><title>Page " + std::to_string(i) + " " + w +
                       "</title></head><body><nav><a href=/>Home</a></nav><div class=sidebar>Side " + w +
                       "</div><main><h1>About " + w + "</h1><p>Paragraph " + std::to_string(i) + " about " + w +
                       ", long enough to be kept.</p></main><footer>Copyright</footer></body></html>";
    if (i % 10 == 9) html = "<!doctype html><html><body><nav>only navigation " + std::to_string(i) + "</nav></body></html>";
    out += "{\"id\":\"d" + std::to_string(i) + "\",\"text\":" + sluice::JsonString(html) +
           (i % 7 == 3 ? std::string() : ",\"content_type\":\"text/html\"") + "}\n";
  }
  out += "{\"id\":\"plain\",\"text\":\"A plain text record passes through untouched.\"}\n";
  return out;
}

std::string StatsWithoutTiming(const std::string& dir) {
  std::string s = ReadText(dir + "/stats.json");
  return s.substr(0, s.find(",\"timing\":"));
}

}  // namespace

TEST_CASE("sluice run with html_extract: JSONL records holding HTML, 1 and 3 threads alike", "[cli][html_extract]") {
  TempDir dir;
  WriteText(dir / "in.jsonl", HtmlCorpus(200));
  WriteText(dir / "html.yaml", "stages:\n  - {type: html_extract}\n");
  std::string outs[2];
  int k = 0;
  for (int threads : {1, 3}) {
    std::string out = dir / ("out" + std::to_string(threads));
    auto r = RunSluice("run " + (dir / "html.yaml") + " " + (dir / "in.jsonl") + " -o " + out +
                       " --format jsonl -q --threads " + std::to_string(threads));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    outs[k++] = out;
  }
  std::string kept = ReadAllRecords(outs[0] + "/kept");
  CHECK(kept == ReadAllRecords(outs[1] + "/kept"));
  CHECK(ReadAllRecords(outs[0] + "/rejected") == ReadAllRecords(outs[1] + "/rejected"));
  CHECK(StatsWithoutTiming(outs[0]) == StatsWithoutTiming(outs[1]));
  CHECK(CountLines(kept) == 181);  // 200 - 20 navigation-only pages + the plain record
  CHECK(kept.find("{\"id\":\"d0\",\"text\":\"About rivers\\n\\nParagraph 0 about rivers, long enough to be kept.\","
                  "\"content_type\":\"text/html\",\"title\":\"Page 0 rivers\"}") != std::string::npos);
  CHECK(kept.find("\"text\":\"A plain text record passes through untouched.\"") != std::string::npos);
  CHECK(kept.find("Side ") == std::string::npos);
  CHECK(kept.find("Copyright") == std::string::npos);
  std::string rejected = ReadAllRecords(outs[0] + "/rejected");
  CHECK(CountLines(rejected) == 20);
  CHECK(rejected.find("html_extract.no_content") != std::string::npos);
  std::string stats = ReadText(outs[0] + "/stats.json");
  CHECK(stats.find("\"html_extract.html_docs\":200") != std::string::npos);
  CHECK(stats.find("\"html_extract.passed_through\":1") != std::string::npos);
}

TEST_CASE("default recipe: html_extract first on HTML and WARC input names, unchanged otherwise", "[cli][html_extract]") {
  struct Case {
    const char* name;
    bool web;
  };
  const Case cases[] = {
      {"page.html", true},         {"PAGE.HTM", true},          {"dir/x.htm", true},
      {"crawl.warc", true},        {"crawl.warc.gz", true},     {"crawl.WARC.ZST", true},
      {"crawl.wet", true},         {"CC-MAIN-1.warc.wet.gz", true}, {"page.html.zst", true},
      {"data.jsonl", false},       {"data.jsonl.gz", false},    {"notes.txt", false},
      {"html", false},             {".html", false},            {"warc.jsonl", false},
      {"page.html.bak", false},    {"x.xhtml", false},          {"crawl.warc.bz2", false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(sluice::IsWebInputName(c.name) == c.web);
  }

  TempDir dir;
  WriteText(dir / "text/a.jsonl", "{\"text\":\"x\"}\n");
  WriteText(dir / "web/sub/b.Html", "<html></html>");
  WriteText(dir / "hidden/.cache/c.html", "<html></html>");
  WriteText(dir / "hidden/d.jsonl", "{\"text\":\"x\"}\n");

  auto types = [](const sluice::Recipe& r) {
    std::vector<std::string> t;
    for (const auto& s : r.stages) t.push_back(s.type);
    return t;
  };
  const auto plain = types(sluice::DefaultRecipe());
  REQUIRE_FALSE(plain.empty());
  CHECK(plain.front() != "html_extract");
  CHECK(types(sluice::DefaultRecipeFor({dir / "text/a.jsonl"})) == plain);
  CHECK(types(sluice::DefaultRecipeFor({dir / "text"})) == plain);
  CHECK(types(sluice::DefaultRecipeFor({dir / "hidden"})) == plain);  // hidden folders are not input
  CHECK(types(sluice::DefaultRecipeFor({"-"})) == plain);
  std::vector<std::string> web = plain;
  web.insert(web.begin(), "html_extract");
  CHECK(types(sluice::DefaultRecipeFor({dir / "text", dir / "web"})) == web);
  CHECK(types(sluice::DefaultRecipeFor({dir / "crawl.warc.gz"})) == web);  // by name, even before it exists
  CHECK(types(sluice::DefaultRecipeFor({dir.path()})) == web);

  // `sluice run` without a recipe: the resolved recipe starts with html_extract when an input
  // folder holds .html files, and is the plain default on JSONL alone.
  auto r = RunSluice("run " + (dir / "text") + " -o " + (dir / "out_plain") + " -q --threads 2");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(ReadText(dir / "out_plain/recipe.resolved.yaml").find("html_extract") == std::string::npos);
  WriteText(dir / "mixed/a.jsonl", "{\"text\":\"x\"}\n");
  WriteText(dir / "mixed/page.html", "<html></html>");
  r = RunSluice("run " + (dir / "mixed") + " -o " + (dir / "out_web") + " -q --threads 2");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  std::string resolved = ReadText(dir / "out_web/recipe.resolved.yaml");
  const size_t html_at = resolved.find("{type: html_extract");
  REQUIRE(html_at != std::string::npos);
  CHECK(html_at < resolved.find("{type: bias_audit"));
}
