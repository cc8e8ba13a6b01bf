// WordSegmenter: Unicode word segmentation (ICU word break rules with the CJ
// dictionary), so Chinese and Japanese are split into words rather than left as
// one token per sentence. One instance per thread: ThreadLocal() hands out a
// cached one (creating an ICU BreakIterator costs ~100 us). Not thread-safe.
//   "Hello, 世界和平!" -> words "Hello", "世界", "和平"
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace sluice {

enum class WordKind : uint8_t {
  kNone,    // spaces, punctuation, symbols (only returned with include_non_words)
  kNumber,
  kLetter,  // alphabetic words (Latin, Cyrillic, Hangul, ...)
  kKana,
  kIdeo,    // Han ideographs
};

struct WordSpan {
  uint32_t begin;  // byte offsets into the segmented UTF-8 text
  uint32_t end;
  WordKind kind;
  std::string_view in(std::string_view text) const { return text.substr(begin, end - begin); }
};

class WordSegmenter {
 public:
  WordSegmenter();
  ~WordSegmenter();
  WordSegmenter(const WordSegmenter&) = delete;
  WordSegmenter& operator=(const WordSegmenter&) = delete;

  // The calling thread's segmenter.
  static WordSegmenter& ThreadLocal();

  // Replaces *out with the words of `utf8` (which must be valid UTF-8) in order.
  // Non-word segments (spaces, punctuation) are included only when asked.
  void Segment(std::string_view utf8, std::vector<WordSpan>* out, bool include_non_words = false);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for code points in the Han, Hiragana, Katakana, Hangul and CJK punctuation
// blocks (scripts written without spaces between words, Hangul aside).
bool IsCjkCodePoint(uint32_t cp);

// Decodes one code point from valid UTF-8 at `*pos`, advancing it.
uint32_t DecodeUtf8(std::string_view s, size_t* pos);

}  // namespace sluice
