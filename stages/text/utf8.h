// UTF-8 in stages/ and filters/: validation, repair, decoding, encoding and
// counting, all on ICU's utf8.h (the one UTF-8 decoder of stages/, filters/
// and pipelines/; the tokenizer library, which depends on nothing of ours,
// keeps a decoder of its own for its per-character split loop).
// An ill-formed sequence is one maximal subpart (the Unicode "substitution of
// maximal subparts" practice): repair replaces it with U+FFFD, decoding gives
// U+FFFD for it.
//   "caf\xE9" -> "caf\uFFFD"
#pragma once

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

bool IsValidUtf8(std::string_view s);
// True when every byte is below 0x80 (such text is in every Unicode normalization form).
bool IsAscii(std::string_view s);
// Repairs *s in place; returns how many replacement characters were inserted.
int64_t RepairUtf8(std::string* s);
// Appends the UTF-8 encoding of code point `cp` (a scalar value, <= U+10FFFF) to *out.
inline void AppendUtf8(std::string* out, uint32_t cp) {
  char buf[U8_MAX_LENGTH];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, static_cast<UChar32>(cp));
  out->append(buf, static_cast<size_t>(n));
}

// Decodes the code point at s[*pos] (*pos < s.size()) and moves *pos past it;
// an ill-formed sequence gives U+FFFD and *pos moves past its maximal subpart.
inline uint32_t DecodeUtf8(std::string_view s, size_t* pos) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data()) + *pos;
  if (*p < 0x80) {
    ++*pos;
    return *p;
  }
  const auto len = static_cast<int32_t>(std::min<size_t>(s.size() - *pos, U8_MAX_LENGTH));
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(p, i, len, c);
  *pos += static_cast<size_t>(i);
  return c < 0 ? 0xFFFDu : static_cast<uint32_t>(c);
}
// Number of code points in valid UTF-8.
size_t CountCodePoints(std::string_view s);

// Calls fn(cp) for every code point of `s`, in order; an ill-formed sequence gives
// fn(-1) (ICU's U8_NEXT). Texts beyond 2 GiB are read up to their first 2 GiB.
template <typename Fn>
void ForEachCodePoint(std::string_view s, Fn&& fn) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto len = static_cast<int32_t>(std::min<size_t>(s.size(), INT32_MAX));
  int32_t i = 0;
  while (i < len) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    fn(c);
  }
}

}  // namespace sluice
