// UTF-8 validation and repair. Repair replaces each maximal invalid subsequence
// (per the Unicode "substitution of maximal subparts" practice) with U+FFFD.
//   "caf\xE9" -> "caf\uFFFD"
#pragma once

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

}  // namespace sluice
