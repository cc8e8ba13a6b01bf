// UTF-8 decoding and the character classes the split patterns use, with
// Oniguruma's (HF tokenizers') meaning: \p{L} = general category L*, \p{N} =
// N*, \s = Unicode White_Space. Bytes that are not valid UTF-8 decode one at a
// time to kInvalidCodePoint, class kOther, so any byte string can be split.
// Tables are built once (thread-safe static init); lookups are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::tokenizer {

inline constexpr uint32_t kInvalidCodePoint = 0xFFFFFFFFu;

enum class CharClass : uint8_t { kLetter, kNumber, kSpace, kOther };

// Decodes the code point at text[pos] (pos < size) into *cp and returns its
// length in bytes. Malformed, overlong, surrogate or truncated sequences give
// kInvalidCodePoint with length 1. Its own decoder, not ICU's U8_NEXT (which
// stages/text/utf8.h wraps): the library depends on nothing of ours, and in the
// pre-tokenizer's per-character loop U8_NEXT cost 8-10 % of tokenizer training
// (measured on 25 MB of mixed-script JSONL, vocab 8000).
inline size_t DecodeUtf8(std::string_view text, size_t pos, uint32_t* cp) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const unsigned c = s[pos];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  *cp = kInvalidCodePoint;
  if (c < 0xC2) return 1;
  if (c < 0xE0) {
    if (pos + 1 >= n || (s[pos + 1] & 0xC0) != 0x80) return 1;
    *cp = ((c & 0x1F) << 6) | (s[pos + 1] & 0x3F);
    return 2;
  }
  if (c < 0xF0) {
    if (pos + 2 >= n || (s[pos + 1] & 0xC0) != 0x80 || (s[pos + 2] & 0xC0) != 0x80) return 1;
    const uint32_t v = ((c & 0x0F) << 12) | ((s[pos + 1] & 0x3F) << 6) | (s[pos + 2] & 0x3F);
    if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) return 1;
    *cp = v;
    return 3;
  }
  if (c < 0xF5) {
    if (pos + 3 >= n || (s[pos + 1] & 0xC0) != 0x80 || (s[pos + 2] & 0xC0) != 0x80 ||
        (s[pos + 3] & 0xC0) != 0x80)
      return 1;
    const uint32_t v = ((c & 0x07) << 18) | ((s[pos + 1] & 0x3F) << 12) | ((s[pos + 2] & 0x3F) << 6) |
                       (s[pos + 3] & 0x3F);
    if (v < 0x10000 || v > 0x10FFFF) return 1;
    *cp = v;
    return 4;
  }
  return 1;
}

// Appends the UTF-8 encoding of `cp` (must be a valid scalar value).
void AppendUtf8(uint32_t cp, std::string* out);

// Class of a code point (kInvalidCodePoint -> kOther).
CharClass ClassOf(uint32_t cp);

}  // namespace sluice::tokenizer
