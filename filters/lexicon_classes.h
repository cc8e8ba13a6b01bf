// Classes of the LDNOOBW entries for lexicon_filter: which entries are ambiguous
// (have innocent senses that formal text uses: anatomy/medicine, sex as law and
// news name it, history/politics, everyday words and names) and in which phrases an
// ambiguous entry is innocent ("commercial intercourse"). Entries not classified
// are unambiguous (profanity, slurs, explicit terms). The data is
// filters/lexicons/ldnoobw_classes.txt, embedded in the binary (a test checks they
// agree; filters/lexicons/embed_classes.sh regenerates lexicon_classes_data.cc).
// Immutable after parsing; thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "stages/engine/status.h"

namespace sluice {

struct LexiconClasses {
  // List language ("en", "fr", ... as in LdnoobwLists()) -> folded entry -> class
  // name ("anatomy_medicine", "everyday", ...).
  std::map<std::string, std::map<std::string, std::string>> ambiguous;
  // List language -> folded phrases in which an ambiguous entry is innocent.
  std::map<std::string, std::set<std::string>> innocent_contexts;
};

// Parses the format of ldnoobw_classes.txt: '#' comments, section headers
// "[<lang> ambiguous <class>]" or "[<lang> context innocent]", one entry per line.
StatusOr<LexiconClasses> ParseLexiconClasses(std::string_view text);

// The embedded text of filters/lexicons/ldnoobw_classes.txt.
std::string_view LdnoobwClassesText();

// The parsed embedded classes (parsed once; the embedded text is valid by test).
const LexiconClasses& BuiltinLexiconClasses();

}  // namespace sluice
