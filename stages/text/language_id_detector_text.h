// The text the language detector reads (never the document's text): a copy in
// which the marks that measurably mislead CLD2 are undone. Two rules, both
// measured in bench/textprep/RESULTS.md (section 2b):
//  * decomposed text is composed to NFC (CLD2 scores precomposed letters; NFD
//    Swedish was read as Norwegian or English 25% of the time, NFC 5%);
//  * Arabic-script marks are removed: harakat U+064B-U+065F, superscript alef
//    U+0670, Quranic signs U+0610-U+061A and U+06D6-U+06ED, tatweel U+0640 and
//    every other nonspacing mark of Arabic script or following an Arabic letter
//    (fully vowelled Quranic Arabic was read as Urdu 4-5% of the time, 0% after),
//    e.g. "بِسۡمِ ٱللَّهِ" -> "بسم ٱلله".
// Letters, spaces and all other scripts' marks (Bengali vowel signs, Latin
// accents) are kept. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// Fills *out with the detector's view of `utf8` and returns true, or returns
// false (and leaves *out alone) when that view is `utf8` itself: the common
// case (ASCII, NFC text without Arabic marks) costs one scan and no copy.
bool MakeDetectorText(std::string_view utf8, std::string* out);

// True for the code points removed from Arabic-script text (see above);
// `after_arabic` says whether the preceding base character is of Arabic script.
bool IsArabicDetectorMark(char32_t c, bool after_arabic);

}  // namespace sluice
