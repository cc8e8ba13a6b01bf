// Text statistics shared by the rule filters: lines, paragraphs, words (ICU
// segmentation, so Chinese/Japanese are counted in words, not sentences),
// code-point and character lengths, letters of any script, stop words and
// terminal punctuation per language. Pure functions of their arguments (word
// segmentation uses the calling thread's segmenter): thread-safe. The
// document's language and script are in filters/document_locale.h, the rule
// stages' options, drops and per-language thresholds in filters/rule_stage.h,
// the per-document hash counter in filters/hash_counter.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/text/word_segmenter.h"

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
// stopwords-iso lists (stages/text/stopwords/) for ~55 other languages.
bool HasStopWords(std::string_view lang);
// The script of `lang`'s stop-word list (ISO 15924, "Latn", "Arab", "Hani"),
// "" without a list: a list only applies to text in its own script.
std::string_view StopWordScript(std::string_view lang);
// True when `lower_word` (see LowerInto) is on `lang`'s list; false for a
// language without a list.
bool IsStopWord(std::string_view lang, std::string_view lower_word);

// The dominant script of `text`'s letters (first ~4 KB) as an ISO 15924 code
// ("Latn", "Cyrl", "Deva", "Hani", "Thai", ...; "" when it has no letters).
std::string DominantScript(std::string_view text);

// True for a Han, kana or CJK compatibility ideograph code point.
bool IsCjkLetter(uint32_t cp);

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

}  // namespace sluice::text
