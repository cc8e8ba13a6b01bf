#include "stages/text/word_segmenter.h"

#include <catch2/catch.hpp>
#include <string>

#include "stages/text/utf8.h"

using sluice::WordKind;
using sluice::WordSegmenter;
using sluice::WordSpan;

static std::vector<std::string> Words(std::string_view text) {
  std::vector<WordSpan> spans;
  WordSegmenter::ThreadLocal().Segment(text, &spans);
  std::vector<std::string> out;
  for (const auto& s : spans) out.emplace_back(s.in(text));
  return out;
}

TEST_CASE("word segmenter splits English on word boundaries", "[word_segmenter]") {
  CHECK(Words("Don't panic, it's 3.14 o'clock!") ==
        std::vector<std::string>{"Don't", "panic", "it's", "3.14", "o'clock"});
}

TEST_CASE("word segmenter segments Chinese with the dictionary", "[word_segmenter]") {
  auto words = Words("我们在北京大学学习中文。");
  // A sentence must not come back as one giant token.
  REQUIRE(words.size() >= 4);
  std::string joined;
  for (const auto& w : words) joined += w;
  CHECK(joined == "我们在北京大学学习中文");
  CHECK(std::find(words.begin(), words.end(), "我们") != words.end());
}

TEST_CASE("word segmenter reports kinds and non-word spans on request", "[word_segmenter]") {
  std::string text = "abc 中文 42";
  std::vector<WordSpan> spans;
  WordSegmenter::ThreadLocal().Segment(text, &spans, /*include_non_words=*/true);
  size_t total = 0;
  for (const auto& s : spans) total += s.end - s.begin;
  CHECK(total == text.size());  // segments tile the text
  std::vector<WordSpan> words;
  WordSegmenter::ThreadLocal().Segment(text, &words);
  REQUIRE(words.size() == 3);
  CHECK(words[0].kind == WordKind::kLetter);
  CHECK(words[1].kind == WordKind::kIdeo);
  CHECK(words[2].kind == WordKind::kNumber);
}

TEST_CASE("DecodeUtf8 walks code points", "[word_segmenter]") {
  std::string s = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";
  size_t pos = 0;
  CHECK(sluice::DecodeUtf8(s, &pos) == 'a');
  CHECK(sluice::DecodeUtf8(s, &pos) == 0xE9);
  CHECK(sluice::DecodeUtf8(s, &pos) == 0x4E2D);
  CHECK(sluice::DecodeUtf8(s, &pos) == 0x1F600);
  CHECK(pos == s.size());
  CHECK(sluice::IsCjkCodePoint(0x4E2D));
  CHECK_FALSE(sluice::IsCjkCodePoint('a'));
}
