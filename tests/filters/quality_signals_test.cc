#include "filters/quality_signals.h"

#include "tests/filters/rule_test_util.h"

using sluice::testing::CheckBothSides;
using sluice::testing::Run;
using sluice::testing::ThresholdCase;
namespace qs = sluice::quality_signals;

namespace {

// A little of every defect, each below its default threshold.
constexpr char kEnglish[] =
    "The caf\xC3\x83\xC2\xA9 on the corner serves coffee &amp; cake every morning from seven until noon, and the "
    "owner knows every regular by name.\n"
    "Prices: $3.50 for an espresso, $4.20 for a latte -- cash only \xEF\xBF\xBD sorry.\n"
    "Opening hours were 2019-2023: 07:00-12:00 every weekday, and on Saturdays until two in the afternoon.\n"
    "The owner said that business has been good since the new office opened across the street last spring.\n"
    "The owner said that the coffee is good.\n"
    "function hello() { return 1; }\n";

constexpr char kChinese[] =
    "街角的咖啡馆每天早上七点到中午营业，老板认识每一位常客。\n"
    "价格：浓缩咖啡3.50元，拿铁4.20元——只收现金\xEF\xBF\xBD抱歉。\n"
    "老板说，自从去年春天街对面的新办公楼启用以后，生意一直很好。&nbsp;\n"
    "附近的居民也喜欢在周末带着孩子来这里吃点心、看书、聊天。\n"
    "老板说，自从去年春天以后，生意一直很好。\n"
    "var x = 1;\n";

const ThresholdCase kCases[] = {
    {"max_replacement_ratio", "quality_signals.replacement_ratio", qs::kReplacementChars, true},
    {"max_symbol_ratio", "quality_signals.symbol_ratio", qs::kSymbols, true},
    {"min_char_entropy", "quality_signals.char_entropy", qs::kLowEntropy, false},
    {"max_non_letter_run", "quality_signals.longest_non_letter_run", qs::kNonLetterRun, true, true},
    {"max_char_run", "quality_signals.longest_char_run", qs::kCharRun, true, true},
    {"max_markup_ratio", "quality_signals.markup_ratio", qs::kMarkup, true},
    {"max_code_line_ratio", "quality_signals.code_line_ratio", qs::kCodeLines, true},
    {"min_unique_ngram_ratio", "quality_signals.unique_ngram_ratio", qs::kRepetition, false},
};

}  // namespace

TEST_CASE("quality_signals keeps clean English and Chinese", "[quality_signals]") {
  auto en = Run("quality_signals", "{}", kEnglish, "en");
  CHECK(en.verdict.keep());
  auto zh = Run("quality_signals", "{}", kChinese, "zh");
  INFO((zh.verdict.keep() ? "" : zh.verdict.reason()));
  CHECK(zh.verdict.keep());
  CHECK(zh.doc.Signal("quality_signals.char_entropy") > 5.0);  // many distinct Han characters
}

TEST_CASE("quality_signals: every threshold, both sides, English and Chinese", "[quality_signals]") {
  for (const auto& c : kCases) {
    CheckBothSides("quality_signals", "", kEnglish, "en", c);
    CheckBothSides("quality_signals", "", kChinese, "zh", c);
  }
  // Mojibake: "Ã©" in the English text.
  const ThresholdCase moji{"max_mojibake_score", "quality_signals.mojibake_score", qs::kMojibake, true};
  CheckBothSides("quality_signals", "", kEnglish, "en", moji);
}

TEST_CASE("quality_signals detects Latin-1 and GBK mojibake, and reuses normalize's score", "[quality_signals]") {
  auto latin = Run("quality_signals", "{}", "caf\xC3\x83\xC2\xA9 d\xC3\x83\xC2\xA9j\xC3\x83\xC2\xA0 vu, na\xC3\x83\xC2\xAFve", "fr");
  CHECK(latin.verdict.reason() == qs::kMojibake);
  // UTF-8 Chinese decoded as GBK (what a wrong charset header produces).
  auto gbk = Run("quality_signals", "{}",
                 "涓\xEF\xBF\xBD鏂囦贡鐮佹祴璇曪細鎴戜滑鐨勬枃浠跺凡缁忎繚瀛橈紝璇峰湪鏄庡ぉ涔嬪墠妫\xEF\xBF\xBD鏌ヤ竴涓嬨",
                 "zh");
  CHECK(gbk.verdict.reason() == qs::kReplacementChars);
  CHECK(gbk.HasReason(qs::kMojibake));
  CHECK(qs::MojibakeScore("我们的文件已经保存，请在明天之前检查一下。") == 0.0);
  CHECK(qs::MojibakeScore("锟斤拷锟斤拷") == 1.0);
  // An upstream normalize stage's score wins over our own.
  auto stage = sluice::testing::Build("quality_signals", "{}");
  sluice::Document doc;
  doc.text = "caf\xC3\x83\xC2\xA9";
  doc.AddSignal("normalize.mojibake_score", 0.0);
  sluice::Stats s;
  sluice::StageContext ctx(&s);
  CHECK(stage->Process(doc, ctx).keep());
}

TEST_CASE("quality_signals flags gibberish, markup, repetition and cut-off text", "[quality_signals]") {
  CHECK(Run("quality_signals", "{}", "#$%^&*!@#$%^&*()_+{}|:<>?~`#$%^&*!@#$%^&*()_+{}|:<>?~ abc #$%^&*()", "en")
            .HasReason(qs::kSymbols));
  CHECK(Run("quality_signals", "{}", std::string(200, 'a'), "en").HasReason(qs::kCharRun));
  CHECK(Run("quality_signals", "{}", std::string(200, 'a'), "en").HasReason(qs::kLowEntropy));
  std::string digits;
  for (int i = 0; i < 40; ++i) digits += std::to_string(1000 + i) + "-";
  CHECK(Run("quality_signals", "{}", "Numbers: " + digits, "en").HasReason(qs::kNonLetterRun));
  auto html = Run("quality_signals", "{}",
                  "<div class=\"post\"><p>Hello <b>world</b></p><a href=\"/x\">link</a></div>&nbsp;&copy;", "en");
  CHECK(html.verdict.reason() == qs::kMarkup);
  std::string repeated;
  for (int i = 0; i < 50; ++i) repeated += "好好学习天天向上！";
  CHECK(Run("quality_signals", "{}", repeated, "zh").HasReason(qs::kRepetition));
  // Truncation: recorded always, a drop only when asked.
  const char* cut = "The committee will publish its final report on the new bridge next week, once the members have";
  auto t = Run("quality_signals", "{}", cut, "en");
  CHECK(t.doc.Signal("quality_signals.truncated") == 1.0);
  CHECK(t.verdict.keep());
  CHECK(Run("quality_signals", "{drop_truncated: true}", cut, "en").verdict.reason() == qs::kTruncated);
  CHECK(Run("quality_signals", "{drop_truncated: true}", "这座新桥将于下周正式通车，届时市民可以步行前往对岸的公园和",
            "zh").verdict.reason() == qs::kTruncated);
  CHECK(Run("quality_signals", "{drop_truncated: true}", "这座新桥将于下周正式通车，届时市民可以步行前往对岸的公园。",
            "zh").verdict.keep());
}

TEST_CASE("quality_signals: a text ending in a teaser link is cut off, in every language line_cleaner knows",
          "[quality_signals]") {
  // The first paragraph is a complete sentence (short, so only the last line
  // can make the document truncated); the last line is the teaser link, or
  // prose that merely contains the words.
  struct Case {
    const char* language;
    const char* last_line;
    bool truncated;
  };
  const Case cases[] = {
      {"en", "Read more »", true},
      {"en", "Continue reading →", true},
      {"en", "We encourage every reader to read more.", false},  // a sentence
      {"en", "Thread more", false},                              // not the word
      {"es", "Leer más »", true},
      {"es", "Seguir leyendo", true},
      {"pt", "Continue lendo", true},
      {"fr", "Lire la suite", true},
      {"fr", "En savoir plus ›", true},
      {"de", "Weiterlesen", true},
      {"de", "Wir lesen weiter.", false},
      {"it", "Leggi tutto", true},
      {"nl", "Lees verder", true},
      {"pl", "Czytaj dalej", true},
      {"ru", "Читать далее →", true},
      {"ru", "Подробнее", true},
      {"uk", "Читати далі", true},
      {"tr", "Devamını oku", true},
      {"tr", "DEVAMINI OKU »", true},  // capital I lower-cases to i
      {"tr", "devamini oku", true},    // typed without Turkish letters
      {"ar", "اقرأ المزيد", true},
      {"fa", "ادامه مطلب", true},
      {"hi", "और पढ़ें", true},
      {"bn", "আরও পড়ুন", true},
      {"id", "Baca selengkapnya", true},
      {"ms", "Teruskan membaca", true},
      {"vi", "Đọc tiếp", true},
      {"th", "อ่านต่อ", true},
      {"ja", "続きを読む", true},
      {"ko", "더 보기", true},
      {"sw", "Soma zaidi", true},
      {"zh", "阅读全文", true},
      {"zh", "閱讀全文", true},
  };
  for (const Case& c : cases) {
    const std::string text = std::string("A short first paragraph.\n\n") + c.last_line;
    auto r = Run("quality_signals", "{}", text, c.language);
    INFO(c.language << ": " << c.last_line);
    CHECK(r.doc.Signal("quality_signals.truncated") == (c.truncated ? 1.0 : 0.0));
    CHECK(r.verdict.keep());  // a signal; a drop only with drop_truncated
  }
}
