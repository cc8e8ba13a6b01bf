// Identity terms: words that mark a document as mentioning a social group
// (gender, religion, ethnicity/nationality, sexual orientation and gender
// identity, disability), in English and Chinese, extendable from a YAML file.
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
  std::string name;                // snake_case: "gender", "religion", ...
  std::vector<std::string> terms;  // phrases; English ones also match with a plural "s"
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

// Every phrase a group's terms expand to (folded; English terms also as "<term>s").
std::vector<std::string> ExpandIdentityTerm(std::string_view term);

class IdentityTermMatcher {
 public:
  explicit IdentityTermMatcher(std::vector<IdentityGroup> groups);
  const std::vector<IdentityGroup>& groups() const { return groups_; }
  // Sorted, unique indexes into groups() of the groups `text` mentions.
  std::vector<int> GroupsIn(std::string_view text) const;
  // Same on text already passed through PhraseMatcher::FoldCase.
  std::vector<int> GroupsInFolded(std::string_view folded) const;
  // True when `phrase` (any case) is one of the identity terms or their plurals.
  bool IsIdentityTerm(std::string_view phrase) const;

 private:
  std::vector<IdentityGroup> groups_;
  std::vector<std::string> all_terms_;  // folded, sorted
  PhraseMatcher matcher_;
};

}  // namespace sluice
