// c4: the C4 cleaning rules (Raffel et al. 2020; datatrove's C4QualityFilter
// defaults) as a line cleaner plus document rules: keeps only lines that end in
// terminal punctuation (every script's: 。！？」 । ؟ ։ ። ...) with >= 3 words (ICU words, so
// Chinese counts), drops lines with a > 1000-char word, "javascript" or
// cookie/privacy-policy phrases, strips citation markers ([1], [edit], [编辑]),
// and drops the document on "lorem ipsum", a '{' that can be code (not an editorial
// "{word}") or < 5 sentences. The optional
// mC4 paragraph rule needs >= N lines with the N longest >= a length.
// C4's bad-words rule lives in the lexicon stages. Registered as type `c4`;
// immutable and thread-safe. The kept text replaces doc.text.
#pragma once

namespace sluice::c4 {

inline constexpr char kLoremIpsum[] = "c4.lorem_ipsum";
inline constexpr char kCurlyBracket[] = "c4.curly_bracket";
inline constexpr char kTooFewSentences[] = "c4.too_few_sentences";
inline constexpr char kShortParagraphs[] = "c4.short_paragraphs";

// Line counters (stats), one per reason a line was removed.
inline constexpr char kLineTooLongWord[] = "c4.line_too_long_word";
inline constexpr char kLineNoTerminalPunct[] = "c4.line_no_terminal_punct";
inline constexpr char kLineTooFewWords[] = "c4.line_too_few_words";
inline constexpr char kLineJavascript[] = "c4.line_javascript";
inline constexpr char kLinePolicy[] = "c4.line_policy";
inline constexpr char kCitationsRemoved[] = "c4.citations_removed";

}  // namespace sluice::c4
