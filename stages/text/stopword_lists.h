// Per-language stop-word lists (npm `stopwords-iso`, MIT; provenance and licence in
// stages/text/stopwords/), embedded in the binary so the default recipe needs no data
// files. Regenerate with stages/text/stopwords/import_stopwords_iso.py. Immutable; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace sluice {

struct StopwordList {
  std::string_view language;  // ISO 639-1 code as the package names it: "de", "hi", "sw", ...
  std::string_view words;     // NFC, lower case, one entry per line, '\n'-terminated
};

// All lists, sorted by language code.
const std::vector<StopwordList>& StopwordLists();
// "stopwords-iso@<version>" of the embedded lists.
std::string_view StopwordListsVersion();

}  // namespace sluice
