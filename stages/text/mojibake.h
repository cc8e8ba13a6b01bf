// Mojibake repair for the common case: UTF-8 text that was decoded as
// Windows-1252 / Latin-1 and re-encoded as UTF-8 ("cafÃ©" for "café",
// "itâ€™s" for "it's", "ä¸­æ–‡" for "中文"). Pure functions, thread-safe.
//   RepairMojibake("Ã©tÃ© â€” naÃ¯ve") -> "été — naïve"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

// Rewrites every maximal run of characters that maps back to cp1252 bytes
// forming valid, plausible UTF-8 (lead byte + continuation bytes whose decoded
// code point lies in a block real text uses) with the decoded characters, and
// repeats while anything changed (so doubly-encoded text is fixed too and the
// result is a fixed point). `in` must be valid UTF-8. Returns the number of
// sequences repaired; *out receives the text (a copy of `in` when 0).
int64_t RepairMojibake(std::string_view in, std::string* out);

// What is left that looks like mojibake: counts of suspicious sequences (a
// cp1252-range lead char followed by continuation-range chars, C1 controls,
// U+FFFD replacement chars) and of non-ASCII code points in `text`.
struct MojibakeCounts {
  int64_t suspicious = 0;
  int64_t non_ascii = 0;
  // suspicious / non_ascii, 0 when there is no non-ASCII text.
  double Score() const { return non_ascii == 0 ? 0.0 : static_cast<double>(suspicious) / non_ascii; }
};
MojibakeCounts CountMojibake(std::string_view text);

// The Windows-1252 byte that `cp` encodes to (Latin-1 for U+0080..U+00FF,
// including the C1 controls that Latin-1 decoders produce), or -1.
int Cp1252ByteOf(uint32_t cp);

}  // namespace sluice
