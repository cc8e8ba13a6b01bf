// Text statistics shared by the rule filters: lines, paragraphs, words (ICU
// segmentation, so Chinese/Japanese are counted in words, not sentences),
// code-point lengths, stop words and terminal punctuation per language, the
// document's language, and per-language threshold overrides from the recipe.
// Everything here is a pure function or an immutable value: thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "stages/document.h"
#include "stages/stage.h"
#include "stages/status.h"
#include "stages/word_segmenter.h"

namespace sluice::text {

// Number of code points in valid UTF-8 (counts lead bytes).
size_t CodePoints(std::string_view s);

// Lines split on '\n' (a trailing '\r' is not part of the line). An empty text
// has no lines; "a\n" has one.
std::vector<std::string_view> SplitLines(std::string_view text);
// Paragraphs: text split on runs of >= 2 newlines (blank lines of spaces count),
// after trimming; empty paragraphs are skipped.
std::vector<std::string_view> SplitParagraphs(std::string_view text);
// Trims ASCII and Unicode white space (U+3000, NBSP) on both sides.
std::string_view Trim(std::string_view s);

// One word of a text: its bytes, its length in code points, and its length in
// characters as a reader counts them: code points that are not combining marks
// or joiners (Devanagari "हिन्दी" is 6 code points, 3 characters; Latin NFC text
// is unchanged). Word-length rules use `chars`, so scripts that write vowels and
// viramas as marks are measured like the others.
struct Word {
  std::string_view text;
  uint32_t code_points;
  uint32_t chars;
  WordKind kind;
};

// True for a combining mark (Unicode Mn, Mc, Me) or a zero-width joiner/non-joiner.
bool IsMarkOrJoiner(uint32_t cp);
// True for a letter of any script, including the combining marks that are part
// of written words (matras, viramas, harakat, tone marks): the letter classes the
// ratio rules count.
bool IsLetterOrMark(uint32_t cp);
// Characters of `s` as Word::chars counts them.
size_t Chars(std::string_view s);

// Words of `text` (ICU word segments of kind letter/number/ideo/kana), with
// `symbol_tokens` set to the number of non-space punctuation/symbol segments.
// Uses the calling thread's segmenter.
void SegmentWords(std::string_view text, std::vector<Word>* words, size_t* symbol_tokens = nullptr);

// True when `word` contains at least one alphabetic code point (any script).
bool HasAlpha(std::string_view word);
// ASCII-lowercased copy.
std::string AsciiLower(std::string_view s);
// Unicode lower case (simple per-code-point mapping, any script: "ДЛЯ" -> "для",
// "İ" -> "i̇"-free "i"), written to *out; ASCII takes a fast path.
void LowerInto(std::string_view s, std::string* out);

// True when `lang` has a stop-word list: Gopher's eight English words for "en",
// curated lists for "zh" and "ja" (as ICU's dictionary segments them), and the
// stopwords-iso lists (stages/stopwords/) for ~55 other languages.
bool HasStopWords(std::string_view lang);
// The script of `lang`'s stop-word list (ISO 15924, "Latn", "Arab", "Hani"),
// "" without a list: a list only applies to text in its own script.
std::string_view StopWordScript(std::string_view lang);
// True when `lower_word` (see LowerInto) is on `lang`'s list; false for a
// language without a list.
bool IsStopWord(std::string_view lang, std::string_view lower_word);

// True when the line ends in sentence-final punctuation: . ! ? " ' and the CJK
// 。！？．」』”’）…… (an ASCII "..." at the end is an ellipsis, not an ending; a
// single "…" ends a sentence only after a CJK character), any other script's
// sentence terminal (IsSentenceTerminal), or one of those inside closing quotes
// or brackets (».  .“).
bool EndsWithTerminalPunctuation(std::string_view line);
// True for a character that ends a sentence in some script: . ! ? and Unicode's
// Sentence_Terminal characters (। ॥ ؟ ۔ ։ ። ။ ។ 。 ！ ...) plus the Tibetan
// shads; not the ellipsis.
bool IsSentenceTerminal(uint32_t cp);
// True when the line ends with an ellipsis ("..." or "…").
bool EndsWithEllipsis(std::string_view line);

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
// The dominant script of `text`'s letters (first ~4 KB), as in DocumentLocale.
std::string DominantScript(std::string_view text);

// Counts 64-bit hashes (open addressing, linear probing): the per-document
// duplicate and n-gram tables, without a heap node per entry. Reused across
// documents by one thread (Reset keeps the memory). Not thread-safe.
class HashCounter {
 public:
  // Empties the table and sizes it for about `expected` distinct keys.
  void Reset(size_t expected);
  // Adds one to `key`'s count and returns the new count.
  uint32_t Add(uint64_t key);
  size_t distinct() const { return distinct_; }

 private:
  void Grow();
  std::vector<uint64_t> keys_;  // 0 = empty slot (key 0 is stored as 1)
  std::vector<uint32_t> counts_;
  size_t mask_ = 0;
  size_t distinct_ = 0;
};

// Option-schema shorthands for the rule stages (over MakeOption, stages/stage.h).
OptionSpec NumberOption(std::string name, OptionType type, std::string def, std::string help, double min,
                        double max);
OptionSpec BoolOption(std::string name, std::string def, std::string help);
OptionSpec TextOption(std::string name, OptionType type, std::string def, std::string help);

// Ends a multi-rule evaluation: every failing reason is appended to
// doc.all_reasons and counted (one counter per reason, so the stats show every
// rule that fired, not only the first); the first one becomes the drop reason.
Verdict DropOnFailures(Document& doc, StageContext& ctx, const std::vector<std::string_view>& failed);

// Named numeric thresholds of a stage, with per-script and per-language
// overrides. A value comes from, in order of precedence: the language's entry
// (recipe over shipped), the script's entry (recipe over shipped), the stage's
// option; an option set explicitly in the recipe replaces the shipped entries
// of its key (FromOptions). Built once in the factory; For() is const and thread-safe.
class LanguageThresholds {
 public:
  struct Param {
    std::string name;  // the option name (also the key inside per_language)
    double min;
    double max;
  };

  // `base` holds the value of every param (index-aligned with `params`).
  // `per_language_yaml` is the recipe's per_language mapping
  // ({lang: {param: value}}), merged key by key over `builtin` (the shipped
  // defaults for zh/ja). Errors name the stage, the language and the key.
  // `builtin_script_yaml` / `per_script_yaml` are the same for ISO 15924 script
  // codes ({Thai: {param: value}}).
  static StatusOr<LanguageThresholds> Build(const std::string& stage, std::vector<Param> params,
                                            std::vector<double> base, const std::string& builtin_yaml,
                                            const std::string& per_language_yaml,
                                            const std::string& builtin_script_yaml = "",
                                            const std::string& per_script_yaml = "",
                                            const std::vector<bool>& explicitly_set = {});
  // Build() from a stage's options: the base is each param's option value, and
  // an option the recipe sets explicitly replaces the shipped per-language and
  // per-script values of that key (so `min_words: 30` means 30 everywhere,
  // unless the recipe's own per_language/per_script says otherwise). Reads the
  // stage's `per_language` and `per_script` options when it has them.
  static StatusOr<LanguageThresholds> FromOptions(const std::string& stage, std::vector<Param> params,
                                                  const Options& o, const std::string& builtin_yaml,
                                                  const std::string& builtin_script_yaml);

  // The values for a language and script ("" = none); unknown ones get the base.
  const std::vector<double>& For(std::string_view lang, std::string_view script = "") const;
  // For(locale.calibration_language, locale.script).
  const std::vector<double>& For(const DocumentLocale& locale) const {
    return For(locale.calibration_language, locale.script);
  }
  size_t Index(std::string_view name) const;  // programmer error if absent

 private:
  std::vector<Param> params_;
  std::vector<double> base_;
  std::map<std::string, std::vector<double>, std::less<>> per_lang_;
  std::map<std::string, std::vector<double>, std::less<>> per_script_;
  std::map<std::string, std::vector<double>, std::less<>> per_lang_script_;  // "lang|Script"
};

// The per_language and per_script options every calibrated rule stage has
// (read by LanguageThresholds::FromOptions); the defaults are the shipped tables.
OptionSpec PerLanguageOption(const char* builtin_yaml);
OptionSpec PerScriptOption(const char* builtin_yaml);

}  // namespace sluice::text
