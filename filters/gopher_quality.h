// gopher_quality: the Gopher quality rules (Rae et al. 2021; datatrove's
// GopherQualityFilter defaults) with words from ICU segmentation, lengths in
// characters without combining marks, stop words per language (applied only
// where the list can be right) and per-script and per-language thresholds
// (English keeps Gopher's; zh/ja and writing systems shipped). Every rule's
// value is a signal; every failing rule is recorded.
// The stage is registered as type `gopher_quality`; it is immutable and thread-safe.
#pragma once

namespace sluice::gopher_quality {

// Drop reasons (API: stable).
inline constexpr char kTooFewWords[] = "gopher_quality.too_few_words";
inline constexpr char kTooManyWords[] = "gopher_quality.too_many_words";
inline constexpr char kMeanWordLengthLow[] = "gopher_quality.mean_word_length_low";
inline constexpr char kMeanWordLengthHigh[] = "gopher_quality.mean_word_length_high";
inline constexpr char kHashRatio[] = "gopher_quality.hash_ratio";
inline constexpr char kEllipsisRatio[] = "gopher_quality.ellipsis_ratio";
inline constexpr char kBulletLines[] = "gopher_quality.bullet_lines";
inline constexpr char kEllipsisLines[] = "gopher_quality.ellipsis_lines";
inline constexpr char kAlphaWords[] = "gopher_quality.alpha_words";
inline constexpr char kStopWords[] = "gopher_quality.stop_words";
// Counter (not a reason): documents the stop-word rule did not apply to (no list
// for the language, or language_id not sure of it).
inline constexpr char kStopWordsNotApplied[] = "gopher_quality.stop_words_not_applied";

}  // namespace sluice::gopher_quality
