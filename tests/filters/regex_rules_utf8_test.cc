// regex_rules never writes invalid UTF-8: \C (RE2's "any byte") is refused when
// the recipe is validated, and a replacement that brings invalid bytes of its
// own (from a patterns_file) is repaired and counted.
#include <fstream>

#include "filters/regex_rules.h"
#include "stages/text/utf8.h"
#include "test_util.h"
#include "tests/filters/rule_test_util.h"

using sluice::testing::Run;

TEST_CASE("regex_rules refuses the any-byte escape (backslash C), which can split a character", "[regex_rules]") {
  for (const char* pattern : {R"('\C')", R"('a\C+b')", R"('[x]\C')"}) {
    const std::string opts = std::string("{rules: [{name: byte, pattern: ") + pattern + ", action: replace, replacement: ''}]}";
    auto stage = sluice::BuildStage("regex_rules", opts);
    INFO(opts);
    REQUIRE_FALSE(stage.ok());
    CHECK_THAT(stage.status().message(), Catch::Contains("'byte'") && Catch::Contains("\\C"));
  }
  // Also for drop rules, which would match inside characters.
  CHECK_FALSE(sluice::BuildStage("regex_rules", R"({rules: [{name: d, pattern: '\C', action: drop_line}]})").ok());
  // A literal backslash followed by C, and \C quoted by \Q...\E, are fine.
  auto literal = Run("regex_rules", R"({rules: [{name: lit, pattern: '\\C|\Q\C\E', action: replace, replacement: 'X'}]})",
                     "a\\Cb 中文");
  CHECK(literal.doc.text == "aXb 中文");
}

TEST_CASE("regex_rules repairs a replacement that leaves invalid UTF-8", "[regex_rules]") {
  sluice::testing::TempDir dir;
  const std::string rules = dir / "rules.tsv";
  {
    std::ofstream out(rules, std::ios::binary);
    out << "bad_bytes\treplace\tfoo\t\xff\xfe\n";
  }
  auto r = Run("regex_rules", "{patterns_file: '" + rules + "'}", "foo 中文 foo");
  CHECK(sluice::IsValidUtf8(r.doc.text));
  CHECK(r.doc.text.find("中文") != std::string::npos);
  CHECK(r.stats.Get(sluice::regex_rules::kUtf8RepairCounter) > 0);
  CHECK(r.stats.Get("regex_rules.bad_bytes") == 2);
}
