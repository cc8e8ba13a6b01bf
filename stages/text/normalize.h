// Text normalization (the `normalize` stage and the TextNormalizer it wraps):
// leftover HTML entities/tags, control and zero-width characters, mojibake,
// full-width letters/digits, Unicode normalization form, optional Traditional ->
// Simplified Chinese, and whitespace layout. Idempotent on real text:
// Normalize(Normalize(x)) == Normalize(x).
//   "Ｈｅｌｌｏ　ｃａｆÃ©&amp;  Co. \r\n\n\n\n，好" -> "Hello　café& Co.\n\n\n，好"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

struct NormalizeConfig {
  enum class Form { kNone, kNfc, kNfkc };
  enum class Width { kNone, kAlnum, kAll };
  Form form = Form::kNfc;            // NFC by default: NFKC also folds ² ﬁ ① and Chinese ，。
  Width fold_width = Width::kAlnum;  // full-width ASCII letters/digits -> ASCII; punctuation kept
  bool decode_entities = true;       // &amp; &#8217; &nbsp; ... -> characters
  bool strip_tags = false;           // <b>, </p>, <!-- --> removed (<br>/<p>/<div>/<li> -> newline)
  bool remove_controls = true;       // C0/C1 controls (tab, newline kept), CR -> LF, zero-width chars
  bool fix_mojibake = true;          // UTF-8 read as cp1252/Latin-1, see mojibake.h
  bool nbsp_to_space = true;         // U+00A0 and fixed-width spaces U+2000..U+200A, U+202F, U+205F
  bool ideographic_space_to_space = false;  // U+3000 (Chinese indentation) kept by default
  bool collapse_spaces = true;       // runs of spaces inside a line -> one (indentation kept)
  bool strip_trailing_spaces = true; // spaces/tabs at line ends; blank lines at document ends
  int max_blank_lines = 2;           // consecutive empty lines kept (-1 = unlimited)
  bool to_simplified = false;        // ICU "Traditional-Simplified" transliterator
};

// Counts of every fix one Normalize() call made (characters or runs affected).
struct NormalizeCounts {
  int64_t entities = 0;
  int64_t tags = 0;
  int64_t controls = 0;
  int64_t line_breaks = 0;       // CR, CRLF, NEL, U+2028/9 turned into LF
  int64_t zero_width = 0;
  int64_t mojibake = 0;          // sequences repaired
  int64_t width = 0;             // full-width characters folded
  int64_t nbsp = 0;              // NBSP and other fixed-width spaces -> space
  int64_t ideographic_space = 0;
  int64_t unicode_form = 0;      // 1 when NFC/NFKC changed the text
  int64_t simplified = 0;        // 1 when Traditional -> Simplified changed the text
  int64_t space_runs = 0;
  int64_t trailing_spaces = 0;
  int64_t blank_lines = 0;
  double mojibake_score = 0.0;   // what is left, see CountMojibake
};

// Immutable after construction; Normalize() is thread-safe (ICU normalizers
// are shared and const, the transliterator is cloned per thread).
class TextNormalizer {
 public:
  explicit TextNormalizer(NormalizeConfig config) : config_(config) {}
  const NormalizeConfig& config() const { return config_; }
  // Writes the normalized `in` (valid UTF-8) to *out. `counts` may be null.
  void Normalize(std::string_view in, std::string* out, NormalizeCounts* counts) const;
  // True when the ICU transliterator needed by `to_simplified` is available.
  static bool SimplifiedAvailable();

 private:
  NormalizeConfig config_;
};

}  // namespace sluice
