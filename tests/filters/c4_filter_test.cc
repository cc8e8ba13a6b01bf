#include "filters/c4_filter.h"

#include "tests/filters/rule_test_util.h"

using sluice::testing::CheckBothSides;
using sluice::testing::Run;
using sluice::testing::ThresholdCase;

namespace {

constexpr char kEnglish[] =
    "Home | News | Sports\n"
    "The storm reached the coast late on Sunday night.[1] Winds of over 100 km/h tore roofs from houses.\n"
    "Ferries stayed in port, and schools in three districts were closed on Monday.\n"
    "Officials said the damage would take weeks to repair [edit].\n"
    "Read more...\n"
    "This site uses cookies to improve your experience.\n"
    "Enable JavaScript to see the comments.\n"
    "Power was restored to most homes by Tuesday evening. Volunteers cleared the roads of fallen trees.\n";

constexpr char kChinese[] =
    "首页 > 新闻\n"
    "台风于星期日深夜登陆沿海地区。[1]时速超过一百公里的大风掀翻了许多房屋的屋顶。\n"
    "渡轮停靠在港口，三个区的学校星期一停课。\n"
    "官员表示，修复损失需要几周时间[编辑]。\n"
    "阅读更多……\n"
    "本网站使用条款请见下方。\n"
    "到星期二晚上，大部分家庭恢复了供电。志愿者们清理了道路上倒下的树木！\n";

}  // namespace

TEST_CASE("c4 keeps punctuated prose lines and strips citations (en)", "[c4]") {
  auto r = Run("c4", "{min_sentences: 3}", kEnglish, "en");
  REQUIRE(r.verdict.keep());
  CHECK(r.doc.text ==
        "The storm reached the coast late on Sunday night. Winds of over 100 km/h tore roofs from houses.\n"
        "Ferries stayed in port, and schools in three districts were closed on Monday.\n"
        "Officials said the damage would take weeks to repair .\n"
        "Power was restored to most homes by Tuesday evening. Volunteers cleared the roads of fallen trees.");
  CHECK(r.doc.Signal("c4.sentences") == 6);
  CHECK(r.stats.Get(sluice::c4::kLineNoTerminalPunct) == 2);  // menu, "Read more..."
  CHECK(r.stats.Get(sluice::c4::kLinePolicy) == 1);
  CHECK(r.stats.Get(sluice::c4::kLineJavascript) == 1);
  CHECK(r.stats.Get(sluice::c4::kCitationsRemoved) == 2);
}

TEST_CASE("c4 knows Chinese terminal punctuation, words and citations", "[c4]") {
  auto r = Run("c4", "{min_sentences: 3}", kChinese, "zh");
  REQUIRE(r.verdict.keep());
  CHECK(r.doc.text ==
        "台风于星期日深夜登陆沿海地区。时速超过一百公里的大风掀翻了许多房屋的屋顶。\n"
        "渡轮停靠在港口，三个区的学校星期一停课。\n"
        "官员表示，修复损失需要几周时间。\n"
        "到星期二晚上，大部分家庭恢复了供电。志愿者们清理了道路上倒下的树木！");
  CHECK(r.doc.Signal("c4.sentences") == 6);
  // 阅读更多…… ends in a CJK ellipsis (a sentence end), but has only 2 words.
  CHECK(r.stats.Get(sluice::c4::kLineTooFewWords) == 1);
  CHECK(r.stats.Get(sluice::c4::kLinePolicy) == 1);
}

TEST_CASE("c4: every threshold, both sides, English and Chinese", "[c4]") {
  const ThresholdCase min_sentences{"min_sentences", "c4.sentences", sluice::c4::kTooFewSentences, false, true};
  CheckBothSides("c4", "", kEnglish, "en", min_sentences);
  CheckBothSides("c4", "", kChinese, "zh", min_sentences, true);
  // min_words_per_line counts ICU words (the same words gopher_quality counts).
  const std::string line = "渡轮停靠在港口，三个区的学校星期一停课。";
  const int n = static_cast<int>(Run("gopher_quality", "{}", line, "zh").doc.Signal("gopher_quality.words"));
  REQUIRE(n >= 6);
  auto words_opt = [](int k) { return "{min_sentences: 0, min_words_per_line: " + std::to_string(k) + "}"; };
  CHECK(Run("c4", words_opt(n), line, "zh").doc.text == line);
  CHECK(Run("c4", words_opt(n + 1), line, "zh").doc.text.empty());
  CHECK(Run("c4", "{min_sentences: 0, min_words_per_line: 3}", "One two three.", "en").doc.text == "One two three.");
  CHECK(Run("c4", "{min_sentences: 0, min_words_per_line: 4}", "One two three.", "en").doc.text.empty());
  // max_word_length, in code points.
  std::string long_word = "Here is " + std::string(20, 'x') + " in a sentence.";
  CHECK_FALSE(Run("c4", "{min_sentences: 0, max_word_length: 20}", long_word, "en").doc.text.empty());
  CHECK(Run("c4", "{min_sentences: 0, max_word_length: 19}", long_word, "en").doc.text.empty());
  // mC4 paragraph rule: 3 lines, the 3 longest >= min_paragraph_length (70 for zh).
  std::string para(70, 'x');
  std::string zh_para;
  for (int i = 0; i < 23; ++i) zh_para += "长句子";  // 69 code points
  auto three = [](const std::string& p) { return p + "。\n" + p + "。\n" + p + "。"; };
  CHECK(Run("c4", "{min_sentences: 0, min_words_per_line: 0, min_paragraphs: 3}", three(zh_para), "zh")
            .verdict.keep());  // 70 with the 。
  CHECK(Run("c4", "{min_sentences: 0, min_words_per_line: 0, min_paragraphs: 3}", three(zh_para.substr(3)), "zh")
            .verdict.reason() == sluice::c4::kShortParagraphs);
  CHECK(Run("c4", "{min_sentences: 0, min_words_per_line: 0, min_paragraphs: 4}", three(zh_para), "zh")
            .verdict.reason() == sluice::c4::kShortParagraphs);
}

TEST_CASE("c4 document rules record every failing rule", "[c4]") {
  auto r = Run("c4", "{}", "Lorem ipsum dolor sit amet.\nvar x = {a: 1}; is code here.", "en");
  REQUIRE_FALSE(r.verdict.keep());
  CHECK(r.verdict.reason() == sluice::c4::kLoremIpsum);
  CHECK(r.HasReason(sluice::c4::kCurlyBracket));
  CHECK(r.HasReason(sluice::c4::kTooFewSentences));
  // Each document rule can be turned off.
  auto off = Run("c4", "{filter_lorem_ipsum: false, filter_curly_bracket: false, min_sentences: 0}",
                 "Lorem ipsum dolor sit amet.\nvar x = {a: 1}; is code here.", "en");
  CHECK(off.verdict.keep());
  // Without the terminal-punctuation rule, titles survive.
  auto titles = Run("c4", "{filter_no_terminal_punct: false, min_sentences: 0}", "A title with words\nok", "en");
  CHECK(titles.doc.text == "A title with words");
}
