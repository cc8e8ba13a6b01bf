#include "filters/identity_terms.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

using sluice::BuiltinIdentityGroups;
using sluice::IdentityTermMatcher;

namespace {

std::vector<std::string> GroupNames(const IdentityTermMatcher& m, std::string_view text) {
  std::vector<std::string> out;
  for (int g : m.GroupsIn(text)) out.push_back(m.groups()[g].name);
  return out;
}

}  // namespace

TEST_CASE("identity terms are found in English on word boundaries", "[identity_terms]") {
  IdentityTermMatcher m(BuiltinIdentityGroups());
  CHECK(GroupNames(m, "Two Muslims and a gay couple opened a bakery.") ==
        std::vector<std::string>{"religion", "sexual_orientation"});
  CHECK(GroupNames(m, "The gayety of the Islamabad parade.").empty());
  // Overlapping phrases from different groups both count.
  CHECK(GroupNames(m, "Black women in tech") == std::vector<std::string>{"gender", "ethnicity_nationality"});
  CHECK(GroupNames(m, "The cat sat on the mat.").empty());
}

TEST_CASE("identity terms are found in Chinese as substrings", "[identity_terms]") {
  IdentityTermMatcher m(BuiltinIdentityGroups());
  CHECK(GroupNames(m, "他是一名穆斯林，也是残疾人运动员。") == std::vector<std::string>{"religion", "disability"});
  CHECK(GroupNames(m, "同性恋者的权利") == std::vector<std::string>{"sexual_orientation"});
  CHECK(GroupNames(m, "今天天气很好，我们去公园散步。").empty());
}

TEST_CASE("identity term lookup and plurals", "[identity_terms]") {
  IdentityTermMatcher m(BuiltinIdentityGroups());
  CHECK(m.IsIdentityTerm("Gay"));
  CHECK(m.IsIdentityTerm("lesbians"));
  CHECK(m.IsIdentityTerm("同性恋"));
  CHECK_FALSE(m.IsIdentityTerm("gay sex"));
  CHECK_FALSE(m.IsIdentityTerm("faggot"));
}

TEST_CASE("identity groups load from YAML and merge", "[identity_terms]") {
  const std::string path = "identity_terms_test_groups.yaml";
  {
    std::ofstream out(path);
    out << "age: [elderly, teenager, 老年人]\nreligion: [rastafarian]\n";
  }
  auto extra = sluice::LoadIdentityGroupsFile(path);
  REQUIRE(extra.ok());
  auto merged = sluice::MergeIdentityGroups(BuiltinIdentityGroups(), *extra);
  CHECK(merged.size() == BuiltinIdentityGroups().size() + 1);
  IdentityTermMatcher m(merged);
  CHECK(GroupNames(m, "An elderly Rastafarian") == std::vector<std::string>{"religion", "age"});
  CHECK(GroupNames(m, "照顾老年人") == std::vector<std::string>{"age"});
  {
    std::ofstream out(path);
    out << "Bad Name: [x]\n";
  }
  auto bad = sluice::LoadIdentityGroupsFile(path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("snake_case") != std::string::npos);
  CHECK_FALSE(sluice::LoadIdentityGroupsFile("does/not/exist.yaml").ok());
  std::remove(path.c_str());
}

TEST_CASE("identity terms avoid technical homonyms", "[identity_terms]") {
  IdentityTermMatcher m(BuiltinIdentityGroups());
  CHECK(GroupNames(m, "The service is disabled by default; non-binary files are skipped.").empty());
  CHECK(GroupNames(m, "Services for disabled people and non-binary persons") ==
        std::vector<std::string>{"sexual_orientation", "disability"});
}
