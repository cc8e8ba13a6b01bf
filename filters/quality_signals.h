// quality_signals: erroneous-content signals and filters that need no word
// segmentation: replacement characters (U+FFFD), mojibake (reuses the
// normalize.mojibake_score signal when present; otherwise counts UTF-8-read-as-
// Latin-1/cp1252 sequences such as "Ã©" (not an accented letter before one
// cp1252-range character: Welsh "â’r") and UTF-8-read-as-GBK characters such as
// 锟斤拷 鍙 鏄), gibberish (symbols per letter, combining marks counting as letters, character entropy, longest
// non-letter run, longest run of one character), leftover HTML/JS/CSS, extreme
// repetition (distinct character 10-grams) and text cut off mid-sentence.
// Registered as type `quality_signals`; immutable and thread-safe.
#pragma once

#include <string_view>

namespace sluice::quality_signals {

inline constexpr char kReplacementChars[] = "quality_signals.replacement_chars";
inline constexpr char kMojibake[] = "quality_signals.mojibake";
inline constexpr char kSymbols[] = "quality_signals.symbols";
inline constexpr char kLowEntropy[] = "quality_signals.low_entropy";
inline constexpr char kNonLetterRun[] = "quality_signals.non_letter_run";
inline constexpr char kCharRun[] = "quality_signals.char_run";
inline constexpr char kMarkup[] = "quality_signals.markup";
inline constexpr char kCodeLines[] = "quality_signals.code_lines";
inline constexpr char kRepetition[] = "quality_signals.repetition";
inline constexpr char kTruncated[] = "quality_signals.truncated";

// The lightweight mojibake score used when normalize did not set one: the
// fraction of code points that belong to a typical mojibake sequence.
double MojibakeScore(std::string_view text);

}  // namespace sluice::quality_signals
