// UTF-8 validation and repair. Repair replaces each maximal invalid subsequence
// (per the Unicode "substitution of maximal subparts" practice) with U+FFFD.
//   "caf\xE9" -> "caf\uFFFD"
#pragma once

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

bool IsValidUtf8(std::string_view s);
// Repairs *s in place; returns how many replacement characters were inserted.
int64_t RepairUtf8(std::string* s);
// Appends the UTF-8 encoding of code point `cp` (<= U+10FFFF) to *out.
void AppendUtf8(std::string* out, uint32_t cp);
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
