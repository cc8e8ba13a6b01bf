// Identity terms: words that mark a document as mentioning a social group
// (gender, religion, ethnicity/nationality, sexual orientation and gender
// identity, disability), in English, Chinese and 23 more languages
// (filters/identity_terms_languages.cc), extendable from a YAML file.
// Used by the bias audit (to tag documents) and by the lexicon filter (so that
// identity terms never count as flagged words). IdentityTermMatcher is
// immutable after Create(): thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "filters/phrase_matcher.h"
#include "stages/engine/status.h"

namespace sluice {

struct IdentityGroup {
  std::string name;  // snake_case: "gender", "religion", ...
  // Phrases, matched on whole words (English ones also with a plural "s"), Chinese,
  // Japanese, Thai and Korean ones inside words; a term ending in "*" is a stem that
  // matches at the start of a word ("kadın*": kadınlar, kadınlara, ...).
  std::vector<std::string> terms;
};

// The shipped groups: gender, religion, ethnicity_nationality,
// sexual_orientation, disability (terms listed in identity_terms.cc).
const std::vector<IdentityGroup>& BuiltinIdentityGroups();

// Reads a YAML mapping `group_name: [term, ...]`. Errors name the file and the
// offending group. Group names must be snake_case ([a-z0-9_]+).
StatusOr<std::vector<IdentityGroup>> LoadIdentityGroupsFile(const std::string& path);

// `extra` groups are added to `base`; a group already in `base` gets the extra terms.
std::vector<IdentityGroup> MergeIdentityGroups(std::vector<IdentityGroup> base,
                                               const std::vector<IdentityGroup>& extra);

// One phrase a term expands to: folded, and how it must sit in the text.
struct IdentityPhrase {
  std::string folded;
  PhraseMatcher::Boundary boundary;
};
// Every phrase a group's term expands to (English terms also as "<term>s"; a stem
// "x*" as "x" at word starts; Korean inside words, since particles attach to them).
std::vector<IdentityPhrase> ExpandIdentityTerm(std::string_view term);

class IdentityTermMatcher {
 public:
  explicit IdentityTermMatcher(std::vector<IdentityGroup> groups);
  const std::vector<IdentityGroup>& groups() const { return groups_; }
  // Sorted, unique indexes into groups() of the groups `text` mentions.
  std::vector<int> GroupsIn(std::string_view text) const;
  // Same on text already passed through PhraseMatcher::FoldCase.
  std::vector<int> GroupsInFolded(std::string_view folded) const;
  // True when `phrase` (any case) is one of the identity terms or their plurals,
  // or a single word that starts with one of the stems.
  bool IsIdentityTerm(std::string_view phrase) const;

 private:
  std::vector<IdentityGroup> groups_;
  std::vector<std::string> all_terms_;  // folded, sorted
  std::vector<std::string> stems_;      // folded, sorted
  PhraseMatcher matcher_;
};

}  // namespace sluice
