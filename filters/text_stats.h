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

// One word of a text: its bytes and its length in code points.
struct Word {
  std::string_view text;
  uint32_t code_points;
  WordKind kind;
};

// Words of `text` (ICU word segments of kind letter/number/ideo/kana), with
// `symbol_tokens` set to the number of non-space punctuation/symbol segments.
// Uses the calling thread's segmenter.
void SegmentWords(std::string_view text, std::vector<Word>* words, size_t* symbol_tokens = nullptr);

// True when `word` contains at least one alphabetic code point (any script).
bool HasAlpha(std::string_view word);
// ASCII-lowercased copy (enough for the stop-word and phrase lists, which are
// ASCII for Latin scripts).
std::string AsciiLower(std::string_view s);

// Stop words of a language ("en", "zh", "ja"; anything else falls back to en).
// Latin entries are lower case.
bool IsStopWord(std::string_view lang, std::string_view lower_word);

// True when the line ends in sentence-final punctuation: . ! ? " ' and the CJK
// 。！？．」』”’）…… (an ASCII "..." at the end is an ellipsis, not an ending; a
// single "…" ends a sentence only after a CJK character).
bool EndsWithTerminalPunctuation(std::string_view line);
// True when the line ends with an ellipsis ("..." or "…").
bool EndsWithEllipsis(std::string_view line);

// The document's language: the `language` annotation (JSON string) set by the
// language_id stage, lower-cased and cut at '-'/'_' ("zh-Hans" -> "zh"). When
// it is absent, a guess from the script: "ja" if kana is present among CJK text,
// "zh" if Han characters make up most letters, else "" (unknown).
std::string DocumentLanguage(const Document& doc);

// Option-schema shorthands for the rule stages.
OptionSpec NumberOption(std::string name, OptionType type, std::string def, std::string help, double min,
                        double max);
OptionSpec BoolOption(std::string name, std::string def, std::string help);
OptionSpec TextOption(std::string name, OptionType type, std::string def, std::string help);

// Ends a multi-rule evaluation: every failing reason is appended to
// doc.all_reasons and counted (one counter per reason, so the stats show every
// rule that fired, not only the first); the first one becomes the drop reason.
Verdict DropOnFailures(Document& doc, StageContext& ctx, const std::vector<std::string_view>& failed);

// Named numeric thresholds of a stage, with per-language overrides.
// Built once in the factory; For() is const and thread-safe.
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
  static StatusOr<LanguageThresholds> Build(const std::string& stage, std::vector<Param> params,
                                            std::vector<double> base, const std::string& builtin_yaml,
                                            const std::string& per_language_yaml);

  // The values for a language ("" = base); unknown languages get the base.
  const std::vector<double>& For(std::string_view lang) const;
  size_t Index(std::string_view name) const;  // programmer error if absent
  const std::map<std::string, std::vector<double>, std::less<>>& languages() const { return per_lang_; }

 private:
  std::vector<Param> params_;
  std::vector<double> base_;
  std::map<std::string, std::vector<double>, std::less<>> per_lang_;
};

}  // namespace sluice::text
