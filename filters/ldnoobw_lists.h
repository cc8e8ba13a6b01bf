// The LDNOOBW flagged-word lists (the ones C4 uses), embedded in the binary so
// the default recipe works without data files. Source: npm `naughty-words`
// (CC-BY-4.0, attribution in filters/lexicons/README.md). Immutable; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace sluice {

struct LdnoobwList {
  std::string_view language;  // ISO code as the package names it: "en", "zh", "fr-CA-u-sd-caqc", ...
  std::string_view words;     // one entry per line, '\n'-terminated
};

// All lists, sorted by language code.
const std::vector<LdnoobwList>& LdnoobwLists();
// "naughty-words@<version>" of the embedded lists.
std::string_view LdnoobwVersion();

}  // namespace sluice
