// WordSegmenter: Unicode word segmentation (ICU word break rules with the CJ
// dictionary), so Chinese and Japanese are split into words rather than left as
// one token per sentence. One instance per thread: ThreadLocal() hands out a
// cached one (creating an ICU BreakIterator costs ~100 us). Not thread-safe.
//   "Hello, 世界和平!" -> words "Hello", "世界", "和平"
// ASCII fast path: the text is cut at positions where ICU always breaks (an
// ASCII whitespace next to an ASCII non-whitespace character); pure-ASCII
// pieces are segmented by a hand-written copy of ICU's rules for ASCII, the
// rest by ICU (one call per stretch of non-ASCII pieces, converted to UTF-16
// once). Output (spans and kinds) is identical to pure ICU; differential tests
// check it against WordSegmenter(Mode::kIcuOnly).
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
  enum class Mode {
    kAsciiFastPath,  // default: ASCII pieces without ICU, identical output
    kIcuOnly,        // every byte through ICU (the reference for tests)
  };
  explicit WordSegmenter(Mode mode = Mode::kAsciiFastPath);
  ~WordSegmenter();
  WordSegmenter(const WordSegmenter&) = delete;
  WordSegmenter& operator=(const WordSegmenter&) = delete;

  // The calling thread's segmenter.
  static WordSegmenter& ThreadLocal();

  // Replaces *out with the words of `utf8` (which must be valid UTF-8) in order.
  // Non-word segments (spaces, punctuation) are included only when asked.
  void Segment(std::string_view utf8, std::vector<WordSpan>* out, bool include_non_words = false);

 private:
  // Appends the segments of utf8[begin, end) (both ICU boundaries of utf8).
  void SegmentIcu(std::string_view utf8, size_t begin, size_t end, std::vector<WordSpan>* out,
                  bool include_non_words);
  Mode mode_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for code points in the Han, Hiragana, Katakana, Hangul and CJK punctuation
// blocks (scripts written without spaces between words, Hangul aside).
bool IsCjkCodePoint(uint32_t cp);

// Segments pure-ASCII text with ICU's word rules for ASCII (UAX #29 as tailored
// by ICU's root word.txt), appending spans offset by `base`. Exposed for tests.
void SegmentAsciiWords(std::string_view ascii, uint32_t base, std::vector<WordSpan>* out, bool include_non_words);

}  // namespace sluice
