// Alphabet constraints on a language answer: a Cyrillic text holding letters that
// the answer's alphabet does not have cannot be in that language. Debian's CLD2
// reads some Russian (Quran translation, technical strings) as Serbian, whose
// alphabet has no й щ ъ ы ь э ю я ё (bench/textprep/RESULTS.md section 2b). When
// the answer's alphabet misses at least 2 of the text's Cyrillic letters and at
// least 1% of them, the answer becomes the first language of kCyrillicOrder (by
// share of Cyrillic-script web text: ru, uk, bg, be, sr, mk) whose alphabet holds
// them all within the same tolerance; if none does (Kazakh, Mongolian, ...), it stays. Answers without
// an alphabet here are never changed. Only the label changes. Pure; thread-safe.
#pragma once

#include <string_view>

namespace sluice {

// Cyrillic letters (lower-cased) of `utf8` that `code`'s alphabet lacks, and all of
// its Cyrillic letters; {0, n} for a code without an alphabet here.
struct AlphabetFit {
  int outside = 0;
  int letters = 0;
};
AlphabetFit CyrillicAlphabetFit(std::string_view code, std::string_view utf8);

// The language to report for the answer `code` on `utf8` (see above).
// Example: ("sr", "Мы почтили сынов Адама и позволяем им передвигаться") -> "ru".
std::string_view ResolveByAlphabet(std::string_view code, std::string_view utf8);

}  // namespace sluice
