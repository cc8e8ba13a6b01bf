// The language and script of a document, as the calibrated rule stages read
// them: the language_id stage's label (or an input field), the detector's
// confidence, the dominant script of its letters, and which language's
// calibration applies.
#pragma once

#include <string>
#include <string_view>

#include "stages/engine/document.h"

namespace sluice::text {

// The document's language: the `language` annotation (JSON string) set by the
// language_id stage, else an input field "language", lower-cased and cut at
// '-'/'_' ("zh-Hans" -> "zh"). When both are absent, a guess from the script: "ja" if kana is present among CJK text,
// "zh" if Han characters make up most letters, else "" (unknown).
std::string DocumentLanguage(const Document& doc);

// The document's language as DocumentLanguage gives it, the detector's
// confidence in it (`language_score`; 1.0 when the language came from an input
// field or is the zh/ja guess from the script) and the dominant script of its letters
// as an ISO 15924 code ("Latn", "Cyrl", "Deva", "Hani", "Thai", ...; "" when the
// text has no letters), from the first ~4 KB.
struct DocumentLocale {
  std::string language;
  double language_score = 0;
  std::string script;
  // The language whose calibration (per_language thresholds) applies: the
  // language when the label is sure (score >= kMinCalibrationLanguageScore)
  // and fits the text's script (when the language's script is known), else ""
  // (the script's calibration applies). Hindi mislabelled "en" at 0.7 must not
  // get English word lengths.
  std::string calibration_language;
};
inline constexpr double kMinCalibrationLanguageScore = 0.85;
DocumentLocale LocaleOf(const Document& doc);

}  // namespace sluice::text
