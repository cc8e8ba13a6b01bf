// A stop-word second opinion on two CLD2 answers that are often wrong for short
// text. CLD2 (small tables) finds few quadgrams in a short sentence, and when two
// languages score the same the lower enum, English, wins: "ficheros de la fuente
// original que se han modificado" scores en 15 / es 15 and is read as English;
// Swedish is often read as Norwegian. Its top 3 rarely holds the right language
// in these cases (1 of 38 misread Spanish `dev` samples), so the candidates are
// fixed per answer (kStopwordTieBreakRules) rather than taken from CLD2.
// A candidate wins when the text has more of its distinctive stop words (on its
// stopwords-iso list, not on the answer's) than of the answer's distinctive ones,
// by a margin measured on bench/textprep/langid_eval.py's `dev` half (RESULTS.md
// section 2b). Only the label changes, never the text. Pure; thread-safe.
#pragma once

#include <string_view>

namespace sluice {

struct StopwordVotes {
  int words = 0;      // words in the text (letter runs, "l'homme" is one word)
  int candidate = 0;  // words on the candidate's list and not on the answer's
  int answer = 0;     // words on the answer's list and not on the candidate's
};

// Counts the distinctive stop words of `answer` and `candidate` (codes with a list
// in StopwordLists(); otherwise all counts but `words` are 0) in `utf8`. Words are
// runs of letters and marks (apostrophes between letters join them), lower-cased
// with ICU's simple case mapping.
StopwordVotes CountDistinctiveStopwords(std::string_view utf8, std::string_view answer, std::string_view candidate);

// The language to report for CLD2's answer `cld2_code` on `utf8`: a candidate of
// the answer's rule whose votes pass the rule's margin (the one with the largest
// margin), else `cld2_code`. Answers without a rule are returned unchanged.
// Example: ("en", "ficheros de la fuente original que se han modificado") -> "es".
std::string_view StopwordTieBreak(std::string_view cld2_code, std::string_view utf8);

}  // namespace sluice
