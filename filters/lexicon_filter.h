// lexicon_filter: flags or drops documents by the ratio of flagged words
// (LDNOOBW lists, the ones C4 uses, plus user lists) to all words.
//
// Why a ratio and not C4's any-match rule: one listed word anywhere removed
// medical, educational and identity-related pages wholesale, and Dodge et al.
// (2021) found C4's filter removed documents that merely mention minority
// identities disproportionately. A ratio (default 0.0045, Data-Juicer's
// flagged_words_filter) removes texts that are dense in flagged words. With
// `protect: true` (default) a list entry that is also an identity term
// (filters/identity_terms.cc, e.g. LDNOOBW's "negro", or a user's "gay") never
// counts as flagged: it is reported as a protected match instead.
//
// Ambiguous entries (issue 13): a ratio still let ONE ambiguous word remove a
// clean paragraph ("commercial intercourse" in a 130-word presidential address).
// filters/lexicons/ldnoobw_classes.txt classes the LDNOOBW entries with innocent
// senses (anatomy/medicine, sex as law and news name it, history/politics,
// everyday words and names); all others are unambiguous. Ambiguous matches count
// only with more evidence: an unambiguous match in the same document, or at
// least `ambiguous_min_distinct` (2) different ones whose ratio is above
// `ambiguous_threshold` (default 0.02, ~1 in 50 words); phrases
// in which an entry is innocent ("commercial intercourse", "tit for tat") never
// count (`context_rules`). User lists are always unambiguous. Before/after:
//   "...the commercial intercourse of the nations..." (130 words): was dropped, kept;
//   the same paragraph with "fuck" inserted: dropped (1 flagged of 131 words).
// `{ambiguous_threshold: 0, ambiguous_min_distinct: 1, context_rules: false}` gives
// the unclassified rule.
//
// Matching: one Aho–Corasick automaton over case-folded text (linear time).
// Entries written in scripts without spaces (Chinese, Japanese, Thai) match as
// substrings, all others on word boundaries; C4's allowlist (zh 性, ja sm, グロ,
// 女の子) is the default `allowlist`, plus the zh entries "13." and "13点"
// (slang, but they flag section numbers "1.13." and times "13点" in manuals).
// One-character entries of those scripts (zh 乳 卵 逼 鳩 柒..., ja 糞 裸 卍) are
// skipped unless `single_char_substrings: true`: as substrings they hit everyday
// words (乳制品 dairy, 逼不得已 "have no choice"). Words are counted with the ICU word
// segmenter (Chinese is segmented), so the ratio means the same in every language.
// The stage is immutable after its factory; Process is thread-safe.
#pragma once

namespace sluice {

inline constexpr char kLexiconFilterType[] = "lexicon_filter";
// Drop reason (stable).
inline constexpr char kLexiconReasonFlaggedRatio[] = "lexicon_filter.flagged_ratio";
// Stats counters (stable).
inline constexpr char kLexiconStatFlaggedDocs[] = "lexicon_filter.flagged_docs";
inline constexpr char kLexiconStatFlaggedMatches[] = "lexicon_filter.flagged_matches";
inline constexpr char kLexiconStatProtectedMatches[] = "lexicon_filter.protected_matches";
// Matches of ambiguous entries (counted or not), of innocent-context phrases, and
// documents kept only because of the classes (the unclassified rule drops them).
inline constexpr char kLexiconStatAmbiguousMatches[] = "lexicon_filter.ambiguous_matches";
inline constexpr char kLexiconStatInnocentContextMatches[] = "lexicon_filter.innocent_context_matches";
inline constexpr char kLexiconStatSparedDocs[] = "lexicon_filter.spared_docs";
// Signals are "<instance>.flagged_ratio", "<instance>.flagged_words" (counted
// matches), "<instance>.ambiguous_words" (all ambiguous matches) (instance
// defaults to the type); in flag mode the document gets the tag "<instance>.flagged".

}  // namespace sluice
