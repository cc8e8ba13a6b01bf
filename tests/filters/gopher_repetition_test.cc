#include "filters/gopher_repetition.h"

#include "tests/filters/rule_test_util.h"

using sluice::testing::CheckBothSides;
using sluice::testing::Run;
using sluice::testing::ThresholdCase;

namespace {

// Some repetition of every kind, all of it below the default thresholds.
constexpr char kEnglish[] =
    "Town council notes\n\n"
    "The committee met again on Tuesday evening to discuss the budget for the new library. Members argued about "
    "the cost of the roof, the price of books and the salaries of the two librarians who will run it.\n\n"
    "Thank you for reading.\n\n"
    "After a long debate, the committee met again on Tuesday evening to discuss the budget for the new park, "
    "which the mayor wants finished before the summer festival brings visitors from the whole region.\n\n"
    "Residents may send written comments to the clerk until the end of the month, and a public hearing will be "
    "held in the school hall when the final plans are ready.\n\n"
    "Thank you for reading.\n";

constexpr char kChinese[] =
    "镇议会纪要\n\n"
    "委员会星期二晚上在镇政府的小会议室里再次开会讨论新图书馆的预算。委员们就屋顶的费用、图书的价格以及两名管理员的工资争论不休。\n\n"
    "感谢阅读。\n\n"
    "经过长时间的辩论，委员会星期二晚上在镇政府的小会议室里再次开会讨论新公园的预算，市长希望在夏季节日吸引全区游客之前完工。\n\n"
    "居民可以在月底之前向书记员提交书面意见，最终方案确定后将在学校礼堂举行公开听证会。\n\n"
    "去年夏天的洪水冲毁了河边的两座木桥，修复工程直到今年春天才完成。工程师们说，新桥使用了更坚固的钢梁，"
    "能够承受比以前大得多的水流。附近的商店老板对此表示欢迎，因为游客终于可以从火车站步行到老街了。\n\n"
    "感谢阅读。\n";

std::vector<ThresholdCase> Cases() {
  std::vector<ThresholdCase> cases = {
      {"max_dup_line_ratio", "gopher_repetition.dup_line_ratio", sluice::gopher_repetition::kDupLines, true},
      {"max_dup_line_char_ratio", "gopher_repetition.dup_line_char_ratio", sluice::gopher_repetition::kDupLineChars,
       true},
      {"max_dup_paragraph_ratio", "gopher_repetition.dup_paragraph_ratio", sluice::gopher_repetition::kDupParagraphs,
       true},
      {"max_dup_paragraph_char_ratio", "gopher_repetition.dup_paragraph_char_ratio",
       sluice::gopher_repetition::kDupParagraphChars, true},
  };
  for (int n = 2; n <= 4; ++n) {
    std::string g = std::to_string(n) + "gram";
    cases.push_back({"max_top_" + g + "_char_ratio", "gopher_repetition.top_" + g + "_char_ratio",
                     "gopher_repetition.top_" + g, true});
  }
  for (int n = 5; n <= 10; ++n) {
    std::string g = std::to_string(n) + "gram";
    cases.push_back({"max_dup_" + g + "_char_ratio", "gopher_repetition.dup_" + g + "_char_ratio",
                     "gopher_repetition.dup_" + g, true});
  }
  return cases;
}

}  // namespace

TEST_CASE("gopher_repetition keeps lightly repetitive English and Chinese", "[gopher_repetition]") {
  auto en = Run("gopher_repetition", "{}", kEnglish, "en");
  CHECK(en.verdict.keep());
  auto zh = Run("gopher_repetition", "{}", kChinese, "zh");
  CHECK(zh.verdict.keep());
  // Chinese n-grams are over ICU words: the repeated clause shows up.
  CHECK(zh.doc.Signal("gopher_repetition.dup_5gram_char_ratio") > 0.05);
}

TEST_CASE("gopher_repetition: every threshold, both sides, English and Chinese", "[gopher_repetition]") {
  for (const auto& c : Cases()) {
    CheckBothSides("gopher_repetition", "", kEnglish, "en", c);
    CheckBothSides("gopher_repetition", "", kChinese, "zh", c, /*via_per_language=*/true);
  }
}

TEST_CASE("gopher_repetition measures known values", "[gopher_repetition]") {
  // 4 lines, 2 of them repeats: line ratio 0.5; repeated chars 2+2 of 11 code points.
  auto r = Run("gopher_repetition", "{}", "ab\ncd\nab\nab", "en");
  CHECK(r.doc.Signal("gopher_repetition.dup_line_ratio") == Approx(0.5));
  CHECK(r.doc.Signal("gopher_repetition.dup_line_char_ratio") == Approx(4.0 / 11));
  CHECK(r.HasReason(sluice::gopher_repetition::kDupLines));
  CHECK(r.HasReason(sluice::gopher_repetition::kDupLineChars));
  // Spam that repeats one phrase fails many rules at once; all are recorded.
  std::string spam;
  for (int i = 0; i < 30; ++i) spam += "买彩票 就上 六合彩 官网 ";
  auto s = Run("gopher_repetition", "{}", spam, "zh");
  CHECK(s.verdict.reason() == "gopher_repetition.top_2gram");
  CHECK(s.HasReason("gopher_repetition.dup_10gram"));
  CHECK(s.doc.all_reasons.size() >= 8);
}
