#include "filters/phrase_matcher.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

using sluice::PhraseMatcher;
using B = sluice::PhraseMatcher::Boundary;

namespace {

std::vector<std::string> Found(const PhraseMatcher& m, std::string_view text,
                               PhraseMatcher::Overlap ov = PhraseMatcher::Overlap::kLeftmostLongest) {
  std::string folded = PhraseMatcher::FoldCase(text);
  std::vector<PhraseMatcher::Match> matches;
  m.FindAll(folded, &matches, ov);
  std::vector<std::string> out;
  for (const auto& x : matches) out.push_back(folded.substr(x.begin, x.end - x.begin));
  return out;
}

}  // namespace

TEST_CASE("phrase matcher respects word boundaries for Latin phrases", "[phrase_matcher]") {
  PhraseMatcher m;
  m.Add("ass", 0, B::kWord);
  m.Add("big black", 0, B::kWord);
  m.Build();
  CHECK(Found(m, "The class assembled.").empty());
  CHECK(Found(m, "What an ASS!") == std::vector<std::string>{"ass"});
  CHECK(Found(m, "ass, ass; ass") == std::vector<std::string>{"ass", "ass", "ass"});
  CHECK(Found(m, "a Big Black dog") == std::vector<std::string>{"big black"});
  CHECK(Found(m, "a big blackboard").empty());
  // Non-ASCII letters are word characters too.
  CHECK(Found(m, "éass assé").empty());
  // Identifiers: '_' joins words ("LANG=xx_YY" is not the word "xx").
  CHECK(Found(m, "ass_hole my_ass").empty());
}

TEST_CASE("phrase matcher matches CJK phrases as substrings, leftmost-longest", "[phrase_matcher]") {
  PhraseMatcher m;
  m.Add("他妈", 0, B::kNone);
  m.Add("他妈的", 1, B::kNone);
  m.Add("三级片", 2, B::kNone);
  m.Build();
  CHECK(Found(m, "你说他妈的什么") == std::vector<std::string>{"他妈的"});
  CHECK(Found(m, "他妈的", PhraseMatcher::Overlap::kAll).size() == 2);
  CHECK(Found(m, "看三级片和他妈") == std::vector<std::string>{"三级片", "他妈"});
  CHECK(Found(m, "今天天气很好").empty());
}

TEST_CASE("phrase matcher folds case beyond ASCII", "[phrase_matcher]") {
  PhraseMatcher m;
  m.Add("БЛЯДЬ", 0, B::kWord);
  m.Build();
  CHECK(Found(m, "Ну блядь, опять") == std::vector<std::string>{"блядь"});
  CHECK(Found(m, "НУ БЛЯДЬ") == std::vector<std::string>{"блядь"});
}

TEST_CASE("default boundary depends on the script of the phrase", "[phrase_matcher]") {
  CHECK(sluice::DefaultBoundary("sm") == B::kWord);
  CHECK(sluice::DefaultBoundary("グロ") == B::kNone);
  CHECK(sluice::DefaultBoundary("三级片") == B::kNone);
  CHECK(sluice::DefaultBoundary("씨발") == B::kWord);  // Korean is written with spaces
  CHECK(sluice::DefaultBoundary("เย็ด") == B::kNone);  // Thai
}

TEST_CASE("phrase matcher agrees with a naive search on random text", "[phrase_matcher]") {
  // Differential test: the automaton against std::string::find over every phrase.
  const std::vector<std::string> phrases = {"ab", "abc", "bca", "c", "aab", "cab", "bb"};
  PhraseMatcher m;
  for (size_t i = 0; i < phrases.size(); ++i) m.Add(phrases[i], static_cast<uint32_t>(i), B::kNone);
  m.Build();
  std::mt19937 rng(7);
  for (int iter = 0; iter < 300; ++iter) {
    std::string text;
    const int len = static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) text.push_back("abc"[rng() % 3]);
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> expected;
    for (size_t i = 0; i < phrases.size(); ++i) {
      for (size_t pos = text.find(phrases[i]); pos != std::string::npos; pos = text.find(phrases[i], pos + 1)) {
        expected.emplace_back(pos, pos + phrases[i].size(), i);
      }
    }
    std::vector<PhraseMatcher::Match> got;
    m.FindAll(text, &got, PhraseMatcher::Overlap::kAll);
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> actual;
    for (const auto& g : got) actual.emplace_back(g.begin, g.end, g.id);
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    REQUIRE(actual == expected);
  }
}

TEST_CASE("phrase matcher: a word-start phrase is a stem", "[phrase_matcher]") {
  sluice::PhraseMatcher m;
  m.Add("kadın", 1, B::kWordStart);
  m.Build();
  std::vector<sluice::PhraseMatcher::Match> out;
  const std::string text = sluice::PhraseMatcher::FoldCase("kadınlara ve kadın; erkekkadın");
  m.FindAll(text, &out);
  REQUIRE(out.size() == 2);  // "kadınlara" and "kadın"; not inside "erkekkadın"
  CHECK(out[0].begin == 0);
  CHECK(text.substr(out[1].begin, out[1].end - out[1].begin) == "kadın");
  CHECK(out[1].begin == text.find("kadın;"));
}

TEST_CASE("phrase matcher: Thai and Lao SARA AM match in either spelling", "[phrase_matcher]") {
  // U+0E33 (what Thai keyboards type) and U+0E4D U+0E32 (its NFKC form, in some word
  // lists) fold to the same bytes; NFC does not unify them.
  CHECK(PhraseMatcher::FoldCase("\u0E19\u0E49\u0E33") == PhraseMatcher::FoldCase("\u0E19\u0E49\u0E4D\u0E32"));
  CHECK(PhraseMatcher::FoldCase("\u0E19\u0E49\u0E4D\u0E32") == "\u0E19\u0E49\u0E33");
  CHECK(PhraseMatcher::FoldCase("\u0E99\u0EB3") == PhraseMatcher::FoldCase("\u0E99\u0ECD\u0EB2"));  // Lao
  // A lone NIKHAHIT, or one before another vowel, is left as it is.
  CHECK(PhraseMatcher::FoldCase("\u0E4D") == "\u0E4D");
  CHECK(PhraseMatcher::FoldCase("\u0E4D\u0E30") == "\u0E4D\u0E30");
  PhraseMatcher m;
  m.Add("\u0E2B\u0E4D\u0E32", 0, B::kNone);  // a list entry written with NIKHAHIT + SARA AA
  m.Add("\u0E19\u0E49\u0E33\u0E41\u0E15\u0E01", 1, B::kNone);  // and one with SARA AM
  m.Build();
  CHECK(Found(m, "\u0E2B\u0E33").size() == 1);
  CHECK(Found(m, "\u0E19\u0E49\u0E4D\u0E32\u0E41\u0E15\u0E01").size() == 1);
}

TEST_CASE("phrase matcher: Arabic-script spelling variants fold together", "[phrase_matcher]") {
  // Arabic kaf/yeh as typed in Persian text, tatweel, short vowels.
  CHECK(PhraseMatcher::FoldCase("يك") == PhraseMatcher::FoldCase("یک"));
  CHECK(PhraseMatcher::FoldCase("مى") == PhraseMatcher::FoldCase("می"));
  CHECK(PhraseMatcher::FoldCase("كـــلب") == PhraseMatcher::FoldCase("کلب"));
  CHECK(PhraseMatcher::FoldCase("كَلْبٌ") == PhraseMatcher::FoldCase("کلب"));
  // Letters that are not variants of each other stay apart (teh marbuta, heh; Urdu yeh barree).
  CHECK(PhraseMatcher::FoldCase("ة") != PhraseMatcher::FoldCase("ه"));
  CHECK(PhraseMatcher::FoldCase("ے") == "ے");
  PhraseMatcher m;
  m.Add("کیر", 0, B::kWord);
  m.Build();
  CHECK(Found(m, "و كير در").size() == 1);
  CHECK(Found(m, "كيرم").empty());  // still a whole word
}

TEST_CASE("phrase matcher: German sharp s matches ss", "[phrase_matcher]") {
  CHECK(PhraseMatcher::FoldCase("Scheiße") == "scheisse");
  CHECK(PhraseMatcher::FoldCase("SCHEIẞE") == "scheisse");
  PhraseMatcher m;
  m.Add("scheiße", 0, B::kWord);
  m.Build();
  CHECK(Found(m, "So eine SCHEISSE!").size() == 1);
  CHECK(Found(m, "Scheisse, sagte er.").size() == 1);  // Swiss spelling
  CHECK(Found(m, "Scheißegal.").empty());              // still a whole word
}

TEST_CASE("phrase matcher: half-width katakana matches full-width", "[phrase_matcher]") {
  CHECK(PhraseMatcher::FoldCase("ｾｯｸｽ") == "セックス");
  CHECK(PhraseMatcher::FoldCase("ｶﾞｲｼﾞﾝ") == "ガイジン");     // voiced marks composed
  CHECK(PhraseMatcher::FoldCase("abcｱ") == "abcア");           // a run at the end
  CHECK(PhraseMatcher::FoldCase("ﾞ") == "\u3099");            // a lone mark: NFKC's combining form
  PhraseMatcher m;
  m.Add("オマンコ", 0, B::kNone);
  m.Build();
  CHECK(Found(m, "これはｵﾏﾝｺです").size() == 1);
}
