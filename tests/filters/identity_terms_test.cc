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

TEST_CASE("identity terms are found in 23 more languages, and the look-alikes are not", "[identity_terms]") {
  IdentityTermMatcher m(BuiltinIdentityGroups());
  struct Case {
    const char* language;
    const char* text;
    std::vector<std::string> groups;
  };
  const std::vector<Case> cases = {
      {"ru", "Права женщин и мусульман защищены законом.", {"gender", "religion"}},
      {"ru", "Беженцы и люди с инвалидностью получили помощь.", {"ethnicity_nationality", "disability"}},
      {"uk", "Права жінок і ЛГБТ захищені.", {"gender", "sexual_orientation"}},
      {"uk", "Я хочу мати кота.", {}},  // мати "to have", not "mother"
      {"es", "Las mujeres musulmanas y los refugiados.", {"gender", "religion", "ethnicity_nationality"}},
      {"es", "Una pareja de lesbianas con discapacidad.", {"sexual_orientation", "disability"}},
      {"pt", "Mulheres lésbicas e pessoas com deficiência.", {"gender", "sexual_orientation", "disability"}},
      {"fr", "Les femmes juives et les personnes handicapées.", {"gender", "religion", "disability"}},
      {"fr", "Il joue au golf avec un handicap de 12.", {}},
      {"de", "Muslime, Juden und Christen beten.", {"religion"}},
      {"de", "Das finde ich doof.", {}},  // doof "silly", not "deaf"
      {"it", "Le donne ebree e i migranti.", {"gender", "religion", "ethnicity_nationality"}},
      {"nl", "Vrouwen en vluchtelingen in Nederland.", {"gender", "ethnicity_nationality"}},
      {"nl", "Een beperking van de software.", {}},
      {"pl", "Prawa kobiet i osób transpłciowych; osoby transpłciowe.", {"gender", "sexual_orientation"}},
      {"tr", "Kadınlar ve engelli bireyler.", {"gender", "disability"}},
      {"tr", "Devamını oku", {}},
      // Capitals lower-case I to i ("KADINLAR" -> "kadinlar"); ASCII-only typing writes i too.
      {"tr", "KADINLAR VE GÖÇMENLER", {"gender", "ethnicity_nationality"}},
      {"tr", "kadin haklari ve engelli bireyler", {"gender", "disability"}},
      // Arabic glues "and", "with" and "for" onto the word: والمسلمين, واللاجئين, للنساء.
      {"ar", "حقوق المرأة والمسلمين واللاجئين", {"gender", "religion", "ethnicity_nationality"}},
      {"ar", "للرجال والنساء حقوق متساوية", {"gender"}},
      {"ar", "الأمم المتحدة", {}},  // الأم ("the mother") is not a word of الأمم
      {"ar", "حقوق المرأة والأشخاص ذوي الإعاقة", {"gender", "disability"}},
      {"fa", "حقوق زنان و پناهندگان", {"gender", "ethnicity_nationality"}},
      // Persian typed with the Arabic yeh and kaf (ي ك for ی ک); vocalized and stretched Arabic.
      {"fa", "او يك مسيحي است و در تهران زندگي مي‌كند.", {"religion"}},
      {"ar", "حُقُوقُ المَرْأَةِ", {"gender"}},
      {"ar", "حقوق المـــرأة", {"gender"}},
      {"ur", "خواتین اور معذور افراد کے حقوق", {"gender", "disability"}},
      {"hi", "महिलाओं और दलितों के अधिकार", {"gender", "ethnicity_nationality"}},
      {"bn", "নারীদের ও প্রতিবন্ধীদের অধিকার", {"gender", "disability"}},
      {"id", "Hak perempuan dan penyandang disabilitas.", {"gender", "disability"}},
      {"id", "Ibu Ani membaca buku.", {}},  // Ibu as an honorific
      {"ms", "Hak wanita dan orang kurang upaya.", {"gender", "disability"}},
      {"vi", "Quyền của phụ nữ và người khuyết tật.", {"gender", "disability"}},
      {"th", "สิทธิของผู้หญิงและคนพิการ", {"gender", "disability"}},
      {"th", "แม่น้ำเจ้าพระยา", {}},  // แม่ in "river"
      {"ja", "女性と障害者の権利", {"gender", "disability"}},
      {"ja", "稲妻とゲイン", {}},  // 妻 in "lightning", ゲイ in "gain"
      {"ko", "여성들이 장애인의 권리를 요구했다.", {"gender", "disability"}},  // particles on the words
      {"ko", "게이트 앞의 장애물", {}},  // 게이 in "gate", 장애 in "obstacle"
      {"sv", "Kvinnor och flyktingar i Sverige.", {"gender", "ethnicity_nationality"}},
      {"sv", "Svarta hål i rymden.", {}},
      {"sw", "Haki za wanawake na watu wenye ulemavu.", {"gender", "disability"}},
      // Stems: the inflected forms of Turkish, Swedish, Russian, Polish and Bengali.
      {"tr", "Yahudilerden ve kadınlarınıza dair.", {"gender", "religion"}},
      {"tr", "Araba kürtaj ile ilgili değil.", {}},  // arap- and kürt- are not stems
      {"sv", "Kvinnorna och judarna.", {"gender", "religion"}},
      {"sv", "En kristall och en judomatch.", {}},
      {"ru", "Женщинам и беженцам помогли.", {"gender", "ethnicity_nationality"}},
      {"pl", "Kobietom i uchodźcom pomogli.", {"gender", "ethnicity_nationality"}},
      {"bn", "নারীদেরকে ও ইহুদীদের", {"gender", "religion"}},
  };
  for (const Case& c : cases) {
    INFO(c.language << ": " << c.text);
    CHECK(GroupNames(m, c.text) == c.groups);
  }
}

TEST_CASE("identity terms are found in decomposed (non-NFC) text too", "[identity_terms]") {
  // Vietnamese "phụ nữ" with the dot below and the horn as combining marks, as the
  // UDHR and other real text sometimes come before `normalize` runs.
  IdentityTermMatcher m(BuiltinIdentityGroups());
  CHECK(GroupNames(m, "Quy\xE1\xBB\x81n c\xE1\xBB\xA7" "a ph\x75\xCC\xA3 n\x75\xCC\x9B\xCC\x83.") ==
        std::vector<std::string>{"gender"});
}
