// gopher_repetition: the Gopher repetition rules (datatrove's
// GopherRepetitionFilter defaults): duplicate lines and paragraphs (by count and
// by characters), the top 2/3/4-gram character fraction and the duplicated
// 5..10-gram character fraction. Words come from ICU segmentation and lengths
// are code points, so Chinese is measured like English. Registered as type
// `gopher_repetition`; immutable and thread-safe.
#pragma once

#include <string_view>

namespace sluice::gopher_repetition {

inline constexpr char kDupLines[] = "gopher_repetition.dup_lines";
inline constexpr char kDupLineChars[] = "gopher_repetition.dup_line_chars";
inline constexpr char kDupParagraphs[] = "gopher_repetition.dup_paragraphs";
inline constexpr char kDupParagraphChars[] = "gopher_repetition.dup_paragraph_chars";
// "gopher_repetition.top_<n>gram" for n = 2, 3, 4 and
// "gopher_repetition.dup_<n>gram" for n = 5..10.
inline constexpr std::string_view kTopNgramPrefix = "gopher_repetition.top_";
inline constexpr std::string_view kDupNgramPrefix = "gopher_repetition.dup_";

}  // namespace sluice::gopher_repetition
