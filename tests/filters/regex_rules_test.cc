#include "filters/regex_rules.h"

#include <cstdio>
#include <fstream>

#include "tests/filters/rule_test_util.h"

using sluice::testing::Run;

TEST_CASE("regex_rules: drop_document, drop_line and replace", "[regex_rules]") {
  const char* opts = R"({rules: [
      {name: casino_spam, pattern: '(?i)online casino', action: drop_document},
      {name: wechat_ad, pattern: '加微信|加\s*V\s*信', action: drop_line},
      {name: edit_link, pattern: '^\[edit\]$', action: drop_line},
      {name: phone, pattern: '1[3-9]\d{9}', action: replace, replacement: '<PHONE>'}]})";
  auto spam = Run("regex_rules", opts, "Best Online Casino bonuses here.", "en");
  CHECK(spam.verdict.reason() == "regex_rules.casino_spam");
  CHECK(spam.stats.Get("regex_rules.casino_spam") == 1);

  auto r = Run("regex_rules", opts, "正文第一段。\n有意者请加微信 abc123\n[edit]\n联系电话13812345678，欢迎来电。\n", "zh");
  REQUIRE(r.verdict.keep());
  CHECK(r.doc.text == "正文第一段。\n联系电话<PHONE>，欢迎来电。\n");
  CHECK(r.stats.Get("regex_rules.wechat_ad") == 1);
  CHECK(r.stats.Get("regex_rules.edit_link") == 1);
  CHECK(r.stats.Get("regex_rules.phone") == 1);
  CHECK(r.doc.Signal("regex_rules.lines_dropped") == 2);
  CHECK(r.doc.Signal("regex_rules.replacements") == 1);

  // No match: the text is untouched.
  auto clean = Run("regex_rules", opts, "Nothing to see.\n", "en");
  CHECK(clean.doc.text == "Nothing to see.\n");
}

TEST_CASE("regex_rules records every matching drop rule", "[regex_rules]") {
  const char* opts = R"({rules: [
      {name: a_rule, pattern: 'foo', action: drop_document},
      {name: b_rule, pattern: 'bar', action: drop_document}]})";
  auto r = Run("regex_rules", opts, "bar and foo", "en");
  CHECK(r.verdict.reason() == "regex_rules.a_rule");
  CHECK(r.doc.all_reasons == std::vector<std::string>{"regex_rules.a_rule", "regex_rules.b_rule"});
}

TEST_CASE("regex_rules config errors name the rule", "[regex_rules]") {
  auto bad = sluice::BuildStage("regex_rules", "{rules: [{name: broken, pattern: 'a(b', action: drop_line}]}");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("'broken'") && Catch::Contains("invalid pattern"));
  auto action = sluice::BuildStage("regex_rules", "{rules: [{name: x, pattern: a, action: explode}]}");
  REQUIRE_FALSE(action.ok());
  CHECK_THAT(action.status().message(), Catch::Contains("explode"));
  auto rewrite = sluice::BuildStage("regex_rules", R"({rules: [{name: r, pattern: a, action: replace, replacement: '\2'}]})");
  REQUIRE_FALSE(rewrite.ok());
  CHECK_THAT(rewrite.status().message(), Catch::Contains("'r'") && Catch::Contains("replacement"));
  auto dup = sluice::BuildStage("regex_rules", "{rules: [{name: x, pattern: a}, {name: x, pattern: b}]}");
  REQUIRE_FALSE(dup.ok());
  CHECK_THAT(dup.status().message(), Catch::Contains("duplicate"));
  auto none = sluice::BuildStage("regex_rules", "{}");
  CHECK_FALSE(none.ok());
  auto key = sluice::BuildStage("regex_rules", "{rules: [{name: x, patern: a}]}");
  REQUIRE_FALSE(key.ok());
  CHECK_THAT(key.status().message(), Catch::Contains("patern"));
}

TEST_CASE("regex_rules reads a patterns file", "[regex_rules]") {
  auto parsed = sluice::regex_rules::ParsePatternsFile(
      "# comment\n\nlottery\tdrop_document\t六合彩|时时彩\nurl\treplace\thttps?://\\S+\t<URL>\n", "rules.tsv");
  REQUIRE(parsed.ok());
  REQUIRE(parsed.value().size() == 2);
  CHECK(parsed.value()[1].replacement == "<URL>");
  auto bad = sluice::regex_rules::ParsePatternsFile("x\tdrop_line\n", "rules.tsv");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("rules.tsv:1"));

  const std::string path = "regex_rules_test_patterns.tsv";
  {
    std::ofstream out(path);
    out << "lottery\tdrop_document\t六合彩|时时彩\nurl\treplace\thttps?://\\S+\t<URL>\n";
  }
  sluice::StageEnv env;
  env.recipe_dir = ".";
  auto stage = sluice::BuildStage("regex_rules", "{patterns_file: " + path + "}", env);
  REQUIRE(stage.ok());
  sluice::Document doc;
  doc.text = "See https://example.com/a for details.";
  sluice::Stats s;
  sluice::StageContext ctx(&s);
  CHECK(stage.value()->Process(doc, ctx).keep());
  CHECK(doc.text == "See <URL> for details.");
  doc.text = "今日六合彩开奖";
  CHECK(stage.value()->Process(doc, ctx).reason() == "regex_rules.lottery");
  std::remove(path.c_str());
  auto missing = sluice::BuildStage("regex_rules", "{patterns_file: /nonexistent/rules.tsv}");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.status().message(), Catch::Contains("/nonexistent/rules.tsv"));
}

TEST_CASE("regex_rules is linear on adversarial input", "[regex_rules]") {
  // (a+)+b backtracks exponentially in PCRE; RE2 answers at once.
  std::string text(100000, 'a');
  auto r = Run("regex_rules", "{rules: [{name: evil, pattern: '(a+)+b', action: drop_document}]}", text, "en");
  CHECK(r.verdict.keep());
}
