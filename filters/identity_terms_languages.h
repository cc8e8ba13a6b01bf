// The shipped identity terms of the bias audit beyond English and Chinese: one
// entry per language, the same five groups as filters/identity_terms.cc. Data
// only; BuiltinIdentityGroups() merges them into its groups.
#pragma once

#include <string_view>
#include <vector>

namespace sluice {

struct LanguageIdentityTerms {
  std::string_view language;  // ISO 639-1 (documentation and tests: the terms apply to every document)
  std::vector<std::string_view> gender;
  std::vector<std::string_view> religion;
  std::vector<std::string_view> ethnicity_nationality;
  std::vector<std::string_view> sexual_orientation;
  std::vector<std::string_view> disability;
};

const std::vector<LanguageIdentityTerms>& LanguageIdentityTermLists();

}  // namespace sluice
