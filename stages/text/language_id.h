// Language identification (the `language_id` stage): CLD2 with its embedded
// tables by default, or a fastText lid model (lid.176.bin style) when the user
// has one. Codes are ISO 639-1 where one exists ("en", "zh", "zh-Hant", "he").
// The functions here are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// The stage tags every document it processes "language.<code>" (the code of the
// `language` annotation, "und" when unknown), so the run's stats count per
// language how many documents each later stage removed (the language audit).
inline constexpr char kLanguageTagPrefix[] = "language.";

struct LanguageGuess {
  std::string code;       // "und" when nothing could be said
  double score = 0.0;     // CLD2: share of the text's letters in `code` (0..1)
  bool reliable = false;  // CLD2's verdict, and false under 40 letter bytes (~8 English words, ~13 hanzi)
};

// CLD2 on plain UTF-8 text (best effort: short text still gets a guess). CLD2
// reads MakeDetectorText's view (NFC, Arabic marks removed); an "id"/"ms" answer
// is re-decided by ResolveMalayIndonesian (language_id_malay_indonesian.h), an
// "en"/"no" answer by StopwordTieBreak (language_id_stopword_tiebreak.h).
LanguageGuess DetectLanguageCld2(std::string_view utf8);

// Maps CLD2 / fastText / legacy codes to ISO 639-1 where one exists:
// "iw" -> "he", "jw" -> "jv", "un" -> "und", "__label__en" -> "en", "zh-TW"
// stays as given by CLD2 ("zh-Hant").
std::string NormalizeLanguageCode(std::string_view code);

// True when `code` is selected by the keep-list entry `entry`: equal, or
// `entry` is the primary subtag of `code` ("zh" selects "zh-Hant").
bool LanguageMatches(std::string_view entry, std::string_view code);

}  // namespace sluice
