#include "filters/gopher_quality.h"

#include "tests/filters/rule_test_util.h"

using sluice::testing::CheckBothSides;
using sluice::testing::Run;
using sluice::testing::ThresholdCase;

namespace {

// Passes every default rule, and has a little of everything the rules count.
constexpr char kEnglish[] =
    "# Notes on the river\n"
    "The river runs through the old town, and the people who live there have always depended on it for water "
    "and trade.\n"
    "- In the spring it floods the low fields...\n"
    "- Boats carry grain and timber to the market of the city.\n"
    "Many families have lived beside the river for generations, and they know its moods better than any "
    "engineer could. Every autumn the villagers hold a festival on the bank to thank the water for the harvest, "
    "while children play in the shallows and the old men talk under the willow trees.\n";

constexpr char kChinese[] =
    "# 关于河流的笔记\n"
    "这条河流经古老的城镇，住在那里的人们一直依靠它取水和做生意。\n"
    "- 春天的时候河水会淹没低处的田地……\n"
    "- 船只把粮食和木材运到城里的市场。\n"
    "许多家庭世世代代生活在河边，他们比任何工程师都更了解河水的脾气。每年秋天，村民们都会在河岸上举行庆祝活动，"
    "感谢河流带来的丰收。孩子们在浅水里玩耍，老人们坐在柳树下聊天。\n";

const ThresholdCase kCases[] = {
    {"min_words", "gopher_quality.words", sluice::gopher_quality::kTooFewWords, false, true},
    {"max_words", "gopher_quality.words", sluice::gopher_quality::kTooManyWords, true, true},
    {"min_mean_word_length", "gopher_quality.mean_word_length", sluice::gopher_quality::kMeanWordLengthLow, false},
    {"max_mean_word_length", "gopher_quality.mean_word_length", sluice::gopher_quality::kMeanWordLengthHigh, true},
    {"max_hash_ratio", "gopher_quality.hash_ratio", sluice::gopher_quality::kHashRatio, true},
    {"max_ellipsis_ratio", "gopher_quality.ellipsis_ratio", sluice::gopher_quality::kEllipsisRatio, true},
    {"max_bullet_lines_ratio", "gopher_quality.bullet_lines_ratio", sluice::gopher_quality::kBulletLines, true},
    {"max_ellipsis_lines_ratio", "gopher_quality.ellipsis_lines_ratio", sluice::gopher_quality::kEllipsisLines,
     true},
    {"min_alpha_words_ratio", "gopher_quality.alpha_words_ratio", sluice::gopher_quality::kAlphaWords, false},
    {"min_stop_words", "gopher_quality.stop_words", sluice::gopher_quality::kStopWords, false, true},
};

}  // namespace

TEST_CASE("gopher_quality keeps clean English and Chinese with the defaults", "[gopher_quality]") {
  auto en = Run("gopher_quality", "{min_words: 20}", kEnglish, "en");
  CHECK(en.verdict.keep());
  auto zh = Run("gopher_quality", "{min_words: 20}", kChinese, "zh");
  CHECK(zh.verdict.keep());
  // Chinese words are ICU words (1-3 characters), not whole sentences.
  CHECK(zh.doc.Signal("gopher_quality.words") > 60);
  CHECK(zh.doc.Signal("gopher_quality.mean_word_length") < 2.5);
  CHECK(zh.doc.Signal("gopher_quality.stop_words") >= 5);
  // Without the zh thresholds the English word-length band would drop Chinese.
  auto zh_as_en = Run("gopher_quality", "{min_words: 20, per_language: {zh: {min_mean_word_length: 3}}}", kChinese,
                      "zh");
  CHECK(zh_as_en.verdict.reason() == sluice::gopher_quality::kMeanWordLengthLow);
}

TEST_CASE("gopher_quality: every threshold, both sides, English and Chinese", "[gopher_quality]") {
  for (const auto& c : kCases) {
    CheckBothSides("gopher_quality", "min_words: 20", kEnglish, "en", c);
    // For zh the per-language value wins, so the threshold is set there.
    CheckBothSides("gopher_quality", "min_words: 20", kChinese, "zh", c, /*via_per_language=*/true);
  }
}

TEST_CASE("gopher_quality per_language overrides apply to that language only", "[gopher_quality]") {
  const char* opts = "{min_words: 20, per_language: {zh: {min_words: 500}}}";
  CHECK(Run("gopher_quality", opts, kChinese, "zh").verdict.reason() == sluice::gopher_quality::kTooFewWords);
  CHECK(Run("gopher_quality", opts, kChinese, "zh-Hans").verdict.reason() == sluice::gopher_quality::kTooFewWords);
  CHECK(Run("gopher_quality", opts, kEnglish, "en").verdict.keep());
  // No annotation: the script says Chinese.
  CHECK(Run("gopher_quality", opts, kChinese).verdict.reason() == sluice::gopher_quality::kTooFewWords);
  // An input field "language" is used when language_id did not annotate; the annotation wins.
  auto stage = sluice::testing::Build("gopher_quality", opts);
  sluice::Document doc;
  doc.text = kChinese;
  doc.fields.push_back({"language", "\"zh\""});
  sluice::Stats s;
  sluice::StageContext ctx(&s);
  CHECK(stage->Process(doc, ctx).reason() == sluice::gopher_quality::kTooFewWords);
  doc.Annotate("language", "ja");
  doc.all_reasons.clear();
  stage->Process(doc, ctx);
  CHECK(std::find(doc.all_reasons.begin(), doc.all_reasons.end(), sluice::gopher_quality::kTooFewWords) ==
        doc.all_reasons.end());
  // A language's calibration only applies to text in its script: English text
  // labelled zh gets the thresholds of Latin script, not Chinese ones.
  sluice::Document en;
  en.text = kEnglish;
  en.fields.push_back({"language", "\"zh\""});
  CHECK(stage->Process(en, ctx).keep());
}

TEST_CASE("gopher_quality records every failing rule, the first is the reason", "[gopher_quality]") {
  auto r = Run("gopher_quality", "{}", "- ### ... ### ...\n- 12 34\n- 56 ...", "en");
  REQUIRE_FALSE(r.verdict.keep());
  CHECK(r.verdict.reason() == sluice::gopher_quality::kTooFewWords);
  CHECK(r.HasReason(sluice::gopher_quality::kHashRatio));
  CHECK(r.HasReason(sluice::gopher_quality::kEllipsisRatio));
  CHECK(r.HasReason(sluice::gopher_quality::kBulletLines));
  CHECK(r.HasReason(sluice::gopher_quality::kStopWords));
  CHECK(r.doc.all_reasons.size() >= 5);
  CHECK(r.stats.Get(sluice::gopher_quality::kHashRatio) == 1);
}

TEST_CASE("gopher_quality mean word length is in characters (NFC code points)", "[gopher_quality]") {
  // "naïve café" has 5 and 4 code points but 6 and 5 bytes.
  auto r = Run("gopher_quality", "{min_words: 0}", "naïve café", "fr");
  CHECK(r.doc.Signal("gopher_quality.mean_word_length") == Approx(4.5));
}

TEST_CASE("gopher_quality per_language errors name the stage, language and key", "[gopher_quality]") {
  auto bad_key = sluice::BuildStage("gopher_quality", "{per_language: {zh: {min_wrds: 3}}}");
  REQUIRE_FALSE(bad_key.ok());
  CHECK_THAT(bad_key.status().message(), Catch::Contains("gopher_quality") && Catch::Contains("'zh'") &&
                                             Catch::Contains("min_wrds"));
  auto bad_value = sluice::BuildStage("gopher_quality", "{per_language: {ja: {min_alpha_words_ratio: 2}}}");
  REQUIRE_FALSE(bad_value.ok());
  CHECK_THAT(bad_value.status().message(), Catch::Contains("'ja'") && Catch::Contains("min_alpha_words_ratio") &&
                                               Catch::Contains("out of range"));
  auto not_map = sluice::BuildStage("gopher_quality", "{per_language: {zh: 3}}");
  REQUIRE_FALSE(not_map.ok());
  CHECK_THAT(not_map.status().message(), Catch::Contains("'zh'"));
  auto not_number = sluice::BuildStage("gopher_quality", "{per_language: {zh: {min_words: lots}}}");
  REQUIRE_FALSE(not_number.ok());
  CHECK_THAT(not_number.status().message(), Catch::Contains("min_words") && Catch::Contains("number"));
}

TEST_CASE("gopher_quality keeps clean Japanese with the ja thresholds", "[gopher_quality]") {
  const char* ja =
      "川は古い町の中を流れていて、そこに住む人々は昔から水と商売のためにこの川に頼ってきました。"
      "春になると川の水は低い畑にあふれますが、秋には村の人たちが川岸で祭りを開き、豊かな実りに感謝します。"
      "子どもたちは浅瀬で遊び、お年寄りは柳の木の下で話をしています。";
  auto r = Run("gopher_quality", "{min_words: 20}", ja, "ja");
  INFO((r.verdict.keep() ? "" : r.verdict.reason()));
  CHECK(r.verdict.keep());
  CHECK(r.doc.Signal("gopher_quality.stop_words") >= 5);
  // Unannotated, kana marks it as Japanese.
  CHECK(Run("gopher_quality", "{min_words: 20}", ja).verdict.keep());
}
