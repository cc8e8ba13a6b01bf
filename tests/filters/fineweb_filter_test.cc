#include "filters/fineweb_filter.h"

#include "tests/filters/rule_test_util.h"

using sluice::testing::CheckBothSides;
using sluice::testing::Run;
using sluice::testing::ThresholdCase;

namespace {

constexpr char kEnglish[] =
    "Weekend market report\n"
    "Farmers brought the first strawberries of the season to the square on Saturday morning.\n"
    "Prices were higher than last year because the cold spring delayed the harvest by two weeks.\n"
    "Opening hours\n"
    "The market opens at seven and closes at one, rain or shine, until the end of October.\n"
    "Opening hours\n";

constexpr char kChinese[] =
    "周末集市报道\n"
    "星期六上午，农民们把本季第一批草莓带到了广场上。\n"
    "由于春天寒冷，收获推迟了两周，价格比去年高。\n"
    "营业时间\n"
    "集市早上七点开门，下午一点关门，风雨无阻，一直开到十月底。\n"
    "营业时间\n";

const ThresholdCase kCases[] = {
    {"min_line_punct_ratio", "fineweb.line_punct_ratio", sluice::fineweb::kLinePunctRatio, false},
    {"max_short_line_ratio", "fineweb.short_line_ratio", sluice::fineweb::kShortLineRatio, true, false, true},
    {"max_char_dup_ratio", "fineweb.char_dup_ratio", sluice::fineweb::kCharDupRatio, true, false, true},
    {"max_newline_word_ratio", "fineweb.newline_word_ratio", sluice::fineweb::kListRatio, true},
};

}  // namespace

TEST_CASE("fineweb: every threshold, both sides, English and Chinese", "[fineweb]") {
  for (const auto& c : kCases) {
    CheckBothSides("fineweb", "max_char_dup_ratio: 0.5", kEnglish, "en", c);
    CheckBothSides("fineweb", "max_char_dup_ratio: 0.5", kChinese, "zh", c, /*via_per_language=*/true);
  }
}

TEST_CASE("fineweb knows Chinese terminal punctuation and short lines", "[fineweb]") {
  auto zh = Run("fineweb", "{max_char_dup_ratio: 0.5}", kChinese, "zh");
  CHECK(zh.verdict.keep());
  CHECK(zh.doc.Signal("fineweb.line_punct_ratio") == Approx(0.5));  // 3 of 6 end in 。
  // 营业时间 (4) and 周末集市报道 (6) are short for zh (<= 10); the sentences are not.
  CHECK(zh.doc.Signal("fineweb.short_line_ratio") == Approx(0.5));
  // With the English 30-character limit every Chinese line would be "short".
  auto zh_en_len = Run("fineweb", "{max_char_dup_ratio: 0.5, per_language: {zh: {short_line_length: 30}}}",
                       kChinese, "zh");
  CHECK(zh_en_len.verdict.reason() == sluice::fineweb::kShortLineRatio);
  // Default char_dup threshold (0.01) fires on the repeated "Opening hours".
  auto en = Run("fineweb", "{}", kEnglish, "en");
  CHECK(en.verdict.reason() == sluice::fineweb::kCharDupRatio);
}

TEST_CASE("fineweb drops empty documents and records every failing rule", "[fineweb]") {
  CHECK(Run("fineweb", "{}", " \n\n ", "en").verdict.reason() == sluice::fineweb::kEmpty);
  auto list = Run("fineweb", "{}", "a\nb\nc\nd\na\nb", "en");
  CHECK(list.verdict.reason() == sluice::fineweb::kLinePunctRatio);
  CHECK(list.HasReason(sluice::fineweb::kShortLineRatio));
  CHECK(list.HasReason(sluice::fineweb::kCharDupRatio));
  CHECK(list.HasReason(sluice::fineweb::kListRatio));
  // line_punct_exclude_zero spares documents with no punctuated line at all.
  auto excl = Run("fineweb", "{line_punct_exclude_zero: true}", "a\nb\nc\nd\na\nb", "en");
  CHECK_FALSE(excl.HasReason(sluice::fineweb::kLinePunctRatio));
}
