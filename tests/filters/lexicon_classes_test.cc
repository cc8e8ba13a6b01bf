// Ambiguous LDNOOBW entries (issue 13): the classes data, and the evidence rule of
// lexicon_filter on real formal sentences (GCIDE, Webster 1913, Debian dict-gcide).
#include "filters/lexicon_classes.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "filters/identity_terms.h"
#include "filters/ldnoobw_lists.h"
#include "filters/lexicon_filter.h"
#include "filters/phrase_matcher.h"
#include "stages/engine/stage.h"

using sluice::BuildStage;
using sluice::Document;
using sluice::StageContext;
using sluice::Stats;

namespace {

struct Outcome {
  bool keep;
  std::string reason;
  std::string detail;
  double flagged;
  double ambiguous;
};

Outcome Run(const sluice::Stage& stage, std::string text, Stats* stats = nullptr) {
  Stats local;
  StageContext ctx(stats ? stats : &local);
  Document doc;
  doc.text = std::move(text);
  auto v = stage.Process(doc, ctx);
  return Outcome{v.keep(), v.reason(), v.detail(), doc.Signal("lexicon_filter.flagged_words", -1),
                 doc.Signal("lexicon_filter.ambiguous_words", -1)};
}

std::unique_ptr<sluice::Stage> Build(std::string_view yaml) {
  auto s = BuildStage("lexicon_filter", yaml);
  INFO(s.status().message());
  REQUIRE(s.ok());
  return std::move(s).value();
}

std::string Repeat(std::string_view piece, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += piece;
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr char kOldRule[] = "ambiguous_threshold: 0, ambiguous_min_distinct: 1, context_rules: false";

}  // namespace

TEST_CASE("lexicon classes: the embedded data equals the shipped file and names real entries", "[lexicon_filter]") {
  const std::string path = std::string(SLUICE_SOURCE_DIR) + "/filters/lexicons/ldnoobw_classes.txt";
  const std::string text = ReadFile(path);
  REQUIRE_FALSE(text.empty());
  CHECK(text == sluice::LdnoobwClassesText());
  auto parsed = sluice::ParseLexiconClasses(text);
  REQUIRE(parsed.ok());
  const auto& classes = sluice::BuiltinLexiconClasses();
  REQUIRE(classes.ambiguous.count("en"));
  CHECK(classes.ambiguous.at("en").at("intercourse") == "everyday");
  CHECK(classes.ambiguous.at("en").at("rectum") == "anatomy_medicine");
  CHECK(classes.ambiguous.at("en").at("domination") == "history_politics");
  CHECK(classes.ambiguous.at("en").count("fuck") == 0);
  // Every classified entry is an entry of its language's list (no typos), and no
  // identity term is classified (protection handles those).
  sluice::IdentityTermMatcher identity(sluice::BuiltinIdentityGroups());
  for (const auto& [lang, entries] : classes.ambiguous) {
    std::set<std::string> list;
    for (const auto& l : sluice::LdnoobwLists()) {
      if (l.language != lang) continue;
      size_t pos = 0;
      while (pos < l.words.size()) {
        const size_t nl = l.words.find('\n', pos);
        list.insert(sluice::PhraseMatcher::FoldCase(l.words.substr(pos, nl - pos)));
        pos = nl + 1;
      }
    }
    INFO(lang);
    REQUIRE_FALSE(list.empty());
    for (const auto& [entry, cls] : entries) {
      INFO(entry);
      CHECK(list.count(entry) == 1);
      CHECK_FALSE(identity.IsIdentityTerm(entry));
    }
  }
  // Every innocent context contains an ambiguous entry of its language.
  for (const auto& [lang, phrases] : classes.innocent_contexts) {
    for (const auto& phrase : phrases) {
      bool found = false;
      for (const auto& [entry, cls] : classes.ambiguous.at(lang)) found |= phrase.find(entry) != std::string::npos;
      INFO(phrase);
      CHECK(found);
    }
  }
  CHECK_FALSE(sluice::ParseLexiconClasses("anus\n").ok());
  CHECK_FALSE(sluice::ParseLexiconClasses("[en ambiguous]\nanus\n").ok());
  CHECK_FALSE(sluice::ParseLexiconClasses("[en neutral everyday]\nanus\n").ok());
}

TEST_CASE("lexicon filter: real formal sentences with ambiguous entries are kept", "[lexicon_filter]") {
  // Definitions from GCIDE (Webster 1913, public domain). Each has one ambiguous
  // entry; the unclassified rule dropped every one of them (1 hit in < 222 words).
  const char* const kSentences[] = {
      "To take or withdraw (one's self) to such a distance as to prevent intercourse; -- used with the reflexive "
      "pronoun.",
      "To be possessed of personal knowledge of; to be cognizant of; to be more or less familiar with; to be on "
      "terms of social intercourse with.",
      "Governing or controlling influence; the state that exists when one person or group has power over another; "
      "domination; power.",
      "A prisoner taken by force or stratagem, esp., by an enemy, in war; one kept in bondage or in the power of "
      "another.",
      "To seize, snatch; ad + rapere to snatch. The act of taking away.",
      "That part of the large intestines which extends from the caecum to the rectum.",
      "The object of will is that good which reason does lead us to seek. --Hooker.",
  };
  auto stage = Build("{}");
  auto old_rule = Build(std::string("{") + kOldRule + "}");
  auto profane = Build("{}");
  for (const char* s : kSentences) {
    INFO(s);
    auto r = Run(*stage, s);
    CHECK(r.keep);
    CHECK(r.flagged == 0);
    CHECK_FALSE(Run(*old_rule, s).keep);
    // The same sentence with ONE unambiguous word is still dropped, and the
    // ambiguous entry then counts too (unless an innocent context covers it).
    auto with = Run(*profane, std::string(s) + " Fuck.");
    CHECK_FALSE(with.keep);
    CHECK(with.reason == sluice::kLexiconReasonFlaggedRatio);
    CHECK(with.flagged >= 1);
  }
}

TEST_CASE("lexicon filter: evidence rule on both sides of each threshold", "[lexicon_filter]") {
  auto stage = Build("{}");  // threshold 0.0045, ambiguous_threshold 0.02, ambiguous_min_distinct 2
  // Two distinct ambiguous entries, 2 in 100 words = 0.02: not above, they do not count.
  auto at = Run(*stage, "snatch domination " + Repeat("clean ", 98));
  CHECK(at.keep);
  CHECK(at.flagged == 0);
  CHECK(at.ambiguous == 2);
  // 3 in 100 = 0.03: above, they count and the ratio 0.03 > 0.0045 drops.
  auto above = Run(*stage, "snatch domination snatch " + Repeat("clean ", 97));
  CHECK_FALSE(above.keep);
  CHECK(above.flagged == 3);
  CHECK(above.reason == sluice::kLexiconReasonFlaggedRatio);
  CHECK(above.detail.find("snatch (ambiguous)") != std::string::npos);
  // One distinct ambiguous entry, however dense, is not enough (min_distinct 2)...
  auto one = Run(*stage, "snatch snatch snatch " + Repeat("clean ", 7));
  CHECK(one.keep);
  CHECK(one.ambiguous == 3);
  // ...unless ambiguous_min_distinct is 1.
  CHECK_FALSE(Run(*Build("{ambiguous_min_distinct: 1}"), "snatch snatch snatch " + Repeat("clean ", 7)).keep);
  // With an unambiguous match, ambiguous entries count whatever their density:
  // 1 unambiguous in 300 words (0.0033) is kept, plus 1 ambiguous (0.0067) is dropped.
  CHECK(Run(*stage, "shit " + Repeat("clean ", 299)).keep);
  auto both = Run(*stage, "shit intercourse " + Repeat("clean ", 298));
  CHECK_FALSE(both.keep);
  CHECK(both.flagged == 2);
  CHECK(both.detail == "2 flagged of 300 words: shit intercourse (ambiguous)");
  // Unambiguous profanity alone: one in 100 words is dropped as before.
  auto fuck = Run(*stage, "fuck " + Repeat("clean ", 99));
  CHECK_FALSE(fuck.keep);
  CHECK(fuck.detail == "1 flagged of 100 words: fuck");
}

TEST_CASE("lexicon filter: innocent contexts and the spared-docs counter", "[lexicon_filter]") {
  auto stage = Build("{}");
  Stats stats;
  // "commercial intercourse" never counts, even next to an unambiguous word.
  auto r = Run(*stage, "shit, the commercial intercourse of nations " + Repeat("clean ", 295), &stats);
  CHECK(r.keep);
  CHECK(r.flagged == 1);
  CHECK(r.ambiguous == 0);
  CHECK(stats.Get(sluice::kLexiconStatInnocentContextMatches) == 1);
  auto no_rules = Run(*Build("{context_rules: false}"), "shit, the commercial intercourse of nations " +
                                                             Repeat("clean ", 295));
  CHECK_FALSE(no_rules.keep);
  CHECK(no_rules.flagged == 2);
  CHECK(Run(*stage, "Tit for tat, said the " + Repeat("clean ", 20)).ambiguous == 0);
  // A document the unclassified rule would drop, kept because of the classes.
  Stats spared;
  CHECK(Run(*stage, "The nations kept up a friendly intercourse by sea.", &spared).keep);
  CHECK(spared.Get(sluice::kLexiconStatSparedDocs) == 1);
  CHECK(spared.Get(sluice::kLexiconStatAmbiguousMatches) == 0);
  CHECK(spared.Get(sluice::kLexiconStatInnocentContextMatches) == 1);  // "friendly intercourse"
  Stats spared2;
  CHECK(Run(*stage, "The nations kept up an intercourse by sea.", &spared2).keep);
  CHECK(spared2.Get(sluice::kLexiconStatSparedDocs) == 1);
  CHECK(spared2.Get(sluice::kLexiconStatAmbiguousMatches) == 1);
  // The unclassified rule is still available.
  CHECK_FALSE(Run(*Build(std::string("{") + kOldRule + "}"), "The nations kept up an intercourse by sea.").keep);
}

TEST_CASE("lexicon filter: user lists are unambiguous - identity protection is unchanged", "[lexicon_filter]") {
  // A user who lists an entry the LDNOOBW classes call ambiguous wants it flagged.
  CHECK_FALSE(Run(*Build("{lists: [snatch]}"), "They snatch the purse.").keep);
  CHECK(Run(*Build("{}"), "They snatch the purse.").keep);
  // Identity terms never count, and do not give ambiguous entries evidence.
  auto stage = Build("{threshold: 0.0}");
  Stats stats;
  CHECK(Run(*stage, "The United Negro College Fund and the domination of the seas.", &stats).keep);
  CHECK(stats.Get(sluice::kLexiconStatProtectedMatches) == 1);
  CHECK(Run(*Build("{threshold: 0.0, languages: [], lists: [gay, slur]}"), "gay rights").keep);
}

TEST_CASE("lexicon filter: other languages keep working with their classes", "[lexicon_filter]") {
  auto fr = Build("{languages: [fr], threshold: 0.0}");
  // baiser (to kiss) and jouir (to enjoy a right) are ambiguous in the fr list.
  CHECK(Run(*fr, "Il voulut baiser la main de la reine.").keep);
  CHECK(Run(*fr, "Toute personne peut jouir de ses droits civils.").keep);
  CHECK_FALSE(Run(*fr, "Quelle merde, dit-il.").keep);
  auto es = Build("{languages: [es], threshold: 0.0}");
  CHECK(Run(*es, "El carpintero tomó el martillo.").keep);
  CHECK(Run(*es, "Encontramos una concha en la playa.").keep);
  CHECK_FALSE(Run(*es, "Eres un gilipollas.").keep);
  auto it = Build("{languages: [it], threshold: 0.0}");
  CHECK(Run(*it, "La regina entra nel palazzo.").keep);
  CHECK(Run(*it, "Il pesce nuota nel fiume.").keep);
  // Two different ambiguous entries in 6 words are dense enough to count.
  CHECK_FALSE(Run(*it, "La regina mangia il pesce.").keep);
  // zh, ja and th entries still match without word boundaries.
  auto cjk = Build("{languages: [zh, ja, th], threshold: 0.0}");
  CHECK_FALSE(Run(*cjk, "你他妈的到底在干什么").keep);
  CHECK_FALSE(Run(*cjk, "これはsm女王の話です").keep);
  CHECK_FALSE(Run(*cjk, "เขาพูดว่ามึงไม่ไป").keep);
  CHECK(Run(*cjk, "性别平等是重要的社会议题。").keep);
}

TEST_CASE("lexicon filter: new options are range-checked", "[lexicon_filter]") {
  CHECK_FALSE(BuildStage("lexicon_filter", "{ambiguous_threshold: 2}").ok());
  CHECK_FALSE(BuildStage("lexicon_filter", "{ambiguous_threshold: -0.1}").ok());
  CHECK_FALSE(BuildStage("lexicon_filter", "{ambiguous_min_distinct: 0}").ok());
  CHECK_FALSE(BuildStage("lexicon_filter", "{context_rules: maybe}").ok());
  CHECK(BuildStage("lexicon_filter", "{ambiguous_threshold: 0.05, ambiguous_min_distinct: 3}").ok());
}

TEST_CASE("lexicon filter: real legal text is kept, and dropped with one unambiguous word", "[lexicon_filter]") {
  // /usr/share/common-licenses (Debian base-files): every paragraph of >= 20 words.
  const char* const kFiles[] = {"GPL-3", "Apache-2.0", "LGPL-2.1", "MPL-2.0", "Artistic"};
  const bool ci = std::getenv("CI") && std::string(std::getenv("CI")) == "true";
  auto stage = Build("{}");
  int paragraphs = 0, kept = 0, dropped_with_word = 0;
  const char* const kWords[] = {"fuck", "shit", "cunt", "motherfucker", "bullshit"};
  for (const char* f : kFiles) {
    const std::string text = ReadFile(std::string("/usr/share/common-licenses/") + f);
    if (text.empty()) {
      if (ci) FAIL("missing /usr/share/common-licenses/" << f);
      WARN("skipped: missing /usr/share/common-licenses/" << f);
      return;
    }
    std::regex blank("\n[ \t]*\n");
    for (std::sregex_token_iterator it(text.begin(), text.end(), blank, -1), end; it != end; ++it) {
      std::istringstream ws(it->str());
      std::vector<std::string> words;
      for (std::string w; ws >> w;) words.push_back(w);
      if (words.size() < 20 || words.size() > 200) continue;
      std::string para, with;
      for (size_t i = 0; i < words.size(); ++i) {
        if (i == (paragraphs * 7919u) % words.size()) with += std::string(kWords[paragraphs % 5]) + " ";
        para += words[i] + " ";
        with += words[i] + " ";
      }
      kept += Run(*stage, para).keep;
      dropped_with_word += !Run(*stage, with).keep;
      ++paragraphs;
    }
  }
  REQUIRE(paragraphs > 100);
  CHECK(kept == paragraphs);
  CHECK(dropped_with_word == paragraphs);
}
