#include "filters/url_filter.h"

#include <fstream>

#include "tests/filters/rule_test_util.h"
#include "test_util.h"

namespace {

using sluice::testing::Build;

struct UrlRun {
  sluice::Verdict verdict;
  sluice::Stats stats;
};

UrlRun RunUrl(const sluice::Stage& stage, const std::string& url_json, const std::string& key = "url") {
  sluice::Document doc;
  doc.text = "text";
  if (!url_json.empty()) doc.fields.push_back({key, url_json});
  UrlRun r;
  sluice::StageContext ctx(&r.stats);
  r.verdict = stage.Process(doc, ctx);
  if (!r.verdict.keep()) CHECK(doc.all_reasons == std::vector<std::string>{r.verdict.reason()});
  return r;
}

}  // namespace

TEST_CASE("url_filter: HostOf and NormalizeDomain", "[url_filter]") {
  using sluice::url_filter::HostOf;
  using sluice::url_filter::NormalizeDomain;
  struct Case {
    const char* url;
    const char* host;  // nullptr: no host
  };
  const Case cases[] = {
      {"https://User:pw@Www.Example.COM:8080/a?b#c", "www.example.com"},
      {"http://example.com.", "example.com"},
      {"//cdn.example.org/x.js", "cdn.example.org"},
      {"www.example.net/page.html", "www.example.net"},
      {"http://[2001:db8::1]:80/", "[2001:db8::1]"},
      {"https://Bücher.example/", "xn--bcher-kva.example"},
      {"http://пример.рф/страница", "xn--e1afmkfd.xn--p1ai"},
      {"http://中文.中国/", "xn--fiq228c.xn--fiqs8s"},
      {"https://उदाहरण.भारत/", "xn--p1b6ci4b4b3a.xn--h2brj9c"},
      {"mailto:someone@example.com", nullptr},
      {"not a url", nullptr},
      {"", nullptr},
  };
  for (const auto& c : cases) {
    INFO(c.url);
    auto h = HostOf(c.url);
    if (c.host == nullptr) {
      CHECK_FALSE(h.has_value());
    } else {
      REQUIRE(h.has_value());
      CHECK(*h == c.host);
    }
  }
  CHECK(NormalizeDomain("*.Example.com") == std::optional<std::string>("example.com"));
  CHECK(NormalizeDomain(".example.com.") == std::optional<std::string>("example.com"));
  CHECK(NormalizeDomain("пример.рф") == std::optional<std::string>("xn--e1afmkfd.xn--p1ai"));
  CHECK_FALSE(NormalizeDomain("http://example.com/").has_value());
  CHECK_FALSE(NormalizeDomain("").has_value());
}

TEST_CASE("url_filter: domains with subdomains, substrings, patterns, allow-list, in every script", "[url_filter]") {
  auto stage = Build("url_filter", R"({block_domains: [casino.example, 'пример.рф', '*.赌场.中国'],
      block_substrings: [/wp-login.php, utm_source=spam], block_patterns: ['(?:^|[/.])porn[^/]*\.', '/tag/[0-9]+$'],
      allow_domains: [news.casino.example], allow_patterns: ['^https://archive\.example/']})");
  struct Case {
    const char* url_json;
    const char* reason;  // "" = kept
    const char* detail;
  };
  const Case cases[] = {
      {R"("https://casino.example/")", "url_filter.domain", "domain 'casino.example' (block_domains)"},
      {R"("https://www.casino.example/a")", "url_filter.domain", "domain 'casino.example' (block_domains)"},
      {R"("https://news.casino.example/a")", "", ""},  // allow-list wins
      {R"("https://notcasino.example/")", "", ""},     // a label boundary, not a suffix
      {R"("https://casino.example.org/")", "", ""},
      {R"("http://www.xn--e1afmkfd.xn--p1ai/")", "url_filter.domain", "domain 'пример.рф' (block_domains)"},
      {R"("http://ПРИМЕР.РФ/новости")", "url_filter.domain", "domain 'пример.рф' (block_domains)"},
      {R"("http://www.赌场.中国/")", "url_filter.domain", "domain '*.赌场.中国' (block_domains)"},
      {R"("https://blog.example/wp-login.php?x")", "url_filter.substring",
       "substring '/wp-login.php' (block_substrings)"},
      {R"("https://blog.example/?UTM_SOURCE=SPAM")", "url_filter.substring",
       "substring 'utm_source=spam' (block_substrings)"},
      {R"("https://pornhub.example/")", "url_filter.pattern", "pattern '(?:^|[/.])porn[^/]*\\.' (block_patterns)"},
      {R"("https://blog.example/tag/123")", "url_filter.pattern", "pattern '/tag/[0-9]+$' (block_patterns)"},
      {R"("https://archive.example/tag/123")", "", ""},  // allow pattern wins
      {R"("https://example.com/sporting-news")", "", ""},
      {R"("https:\/\/casino.example\/")", "url_filter.domain", "domain 'casino.example' (block_domains)"},
  };
  for (const auto& c : cases) {
    INFO(c.url_json);
    UrlRun r = RunUrl(*stage, c.url_json);
    if (std::string(c.reason).empty()) {
      CHECK(r.verdict.keep());
    } else {
      REQUIRE_FALSE(r.verdict.keep());
      CHECK(r.verdict.reason() == c.reason);
      CHECK(r.verdict.detail() == c.detail);
    }
  }
  UrlRun allowed = RunUrl(*stage, R"("https://news.casino.example/a")");
  CHECK(allowed.stats.Get(sluice::url_filter::kAllowedCounter) == 1);
}

TEST_CASE("url_filter: documents without a URL are kept and counted, or dropped", "[url_filter]") {
  auto keep = Build("url_filter", "{block_domains: [casino.example]}");
  for (const char* json : {"", "12", "null", R"({"href":"https://casino.example/"})", R"("")"}) {
    INFO(json);
    UrlRun r = RunUrl(*keep, json);
    CHECK(r.verdict.keep());
    CHECK(r.stats.Get(sluice::url_filter::kNoUrlCounter) == 1);
  }
  // Another field name.
  auto other = Build("url_filter", "{block_domains: [casino.example], field: source_url}");
  CHECK_FALSE(RunUrl(*other, R"("https://casino.example/")", "source_url").verdict.keep());
  CHECK(RunUrl(*other, R"("https://casino.example/")", "url").verdict.keep());
  auto drop = Build("url_filter", "{block_domains: [casino.example], missing_url: drop}");
  UrlRun r = RunUrl(*drop, "");
  REQUIRE_FALSE(r.verdict.keep());
  CHECK(r.verdict.reason() == "url_filter.no_url");
}

TEST_CASE("url_filter: list files with comments and hosts-file lines, entries named by file and line",
          "[url_filter]") {
  sluice::testing::TempDir dir;
  sluice::testing::WriteText(dir / "domains.txt",
                             "# adult sites\n\nads.example\n0.0.0.0 tracker.example # a hosts line\n"
                             "127.0.0.1 localhost\n  spaced.example  \n");
  sluice::testing::WriteText(dir / "patterns.txt", "# RE2\n/ad[sv]/\n");
  sluice::StageEnv env;
  env.recipe_dir = dir.path();
  env.instance_name = "url_filter";
  auto built = sluice::BuildStage(
      "url_filter", "{block_domains_files: [domains.txt], block_patterns_files: [patterns.txt]}", env);
  REQUIRE(built.ok());
  const sluice::Stage& stage = **built;
  UrlRun a = RunUrl(stage, R"("https://x.ads.example/")");
  REQUIRE_FALSE(a.verdict.keep());
  CHECK(a.verdict.detail() == "domain 'ads.example' (domains.txt:3)");
  UrlRun b = RunUrl(stage, R"("https://tracker.example/p")");
  REQUIRE_FALSE(b.verdict.keep());
  CHECK(b.verdict.detail() == "domain 'tracker.example' (domains.txt:4)");
  UrlRun c = RunUrl(stage, R"("https://spaced.example/")");
  CHECK_FALSE(c.verdict.keep());
  UrlRun d = RunUrl(stage, R"("https://site.example/adv/1")");
  REQUIRE_FALSE(d.verdict.keep());
  CHECK(d.verdict.detail() == "pattern '/ad[sv]/' (patterns.txt:2)");
  CHECK(RunUrl(stage, R"("http://localhost/")").verdict.keep());
}

TEST_CASE("url_filter: recipe errors name the stage, the entry and its origin", "[url_filter]") {
  struct Case {
    const char* options;
    const char* needle;
  };
  const Case cases[] = {
      {"{}", "give at least one block entry"},
      {"{block_domains: ['http://x.example/']}", "'http://x.example/' (block_domains) is not a domain name"},
      {"{block_patterns: ['(unclosed']}", "invalid pattern '(unclosed' (block_patterns)"},
      {"{block_domains_files: [/nonexistent/list.txt]}", "cannot read /nonexistent/list.txt"},
      {"{block_domains: [a.example], missing_url: maybe}", "missing_url"},
  };
  for (const auto& c : cases) {
    INFO(c.options);
    auto s = sluice::BuildStage("url_filter", c.options);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().message().find(c.needle) != std::string::npos);
  }
}
