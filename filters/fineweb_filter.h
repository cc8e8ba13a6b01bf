// fineweb: the FineWeb quality rules (datatrove's FineWebQualityFilter
// defaults): enough lines ending in terminal punctuation (every script's), not too
// many short lines, few duplicated line characters, not a list (newlines per
// word). Short-line length is in code points and is shorter for zh/ja and Han
// text by default; Thai and Lao (no sentence punctuation) skip the punctuation rule. Registered as type `fineweb`; immutable and thread-safe.
#pragma once

namespace sluice::fineweb {

inline constexpr char kEmpty[] = "fineweb.empty";
inline constexpr char kLinePunctRatio[] = "fineweb.line_punct_ratio";
inline constexpr char kShortLineRatio[] = "fineweb.short_line_ratio";
inline constexpr char kCharDupRatio[] = "fineweb.char_dup_ratio";
inline constexpr char kListRatio[] = "fineweb.list_ratio";

}  // namespace sluice::fineweb
