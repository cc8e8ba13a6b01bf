// UTF-8 decoding and the character classes the split patterns use, with
// Oniguruma's (HF tokenizers') meaning: \p{L} = general category L*, \p{N} =
// N*, \s = Unicode White_Space. Bytes that are not valid UTF-8 decode one at a
// time to kInvalidCodePoint, class kOther, so any byte string can be split.
// Tables are built once (thread-safe static init); lookups are pure.
#pragma once

#include <unicode/utf8.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::tokenizer {

inline constexpr uint32_t kInvalidCodePoint = 0xFFFFFFFFu;

enum class CharClass : uint8_t { kLetter, kNumber, kSpace, kOther };

// Decodes the code point at text[pos] (pos < size) into *cp and returns its
// length in bytes. Malformed, overlong, surrogate or truncated sequences give
// kInvalidCodePoint with length 1.
// (ICU's U8_NEXT, the decoder stages/text/utf8.h wraps too; an ill-formed
// sequence counts one byte here rather than ICU's maximal subpart, so each of
// its bytes is classified on its own.)
inline size_t DecodeUtf8(std::string_view text, size_t pos, uint32_t* cp) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data()) + pos;
  if (*s < 0x80) {
    *cp = *s;
    return 1;
  }
  const auto len = static_cast<int32_t>(std::min<size_t>(text.size() - pos, U8_MAX_LENGTH));
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(s, i, len, c);
  if (c < 0) {
    *cp = kInvalidCodePoint;
    return 1;
  }
  *cp = static_cast<uint32_t>(c);
  return static_cast<size_t>(i);
}

// Appends the UTF-8 encoding of `cp` (must be a valid scalar value).
inline void AppendUtf8(uint32_t cp, std::string* out) {
  char buf[U8_MAX_LENGTH];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, static_cast<UChar32>(cp));
  out->append(buf, static_cast<size_t>(n));
}
// Class of a code point (kInvalidCodePoint -> kOther).
CharClass ClassOf(uint32_t cp);

}  // namespace sluice::tokenizer
