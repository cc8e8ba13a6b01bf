#include "filters/lexicon_filter.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "filters/identity_terms.h"
#include "filters/ldnoobw_lists.h"
#include "filters/phrase_matcher.h"
#include "stages/stage.h"
#include "stages/utf8.h"
#include "stages/word_segmenter.h"

namespace sluice {

namespace {

// Phrase ids: flagged entries and protected (identity) entries.
constexpr uint32_t kFlaggedId = 0;
constexpr uint32_t kProtectedId = 1;

std::string ResolvePath(const std::string& dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute() || dir.empty()) return path;
  return (std::filesystem::path(dir) / p).string();
}

void SplitLines(std::string_view text, std::vector<std::string>* out) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!line.empty()) out->emplace_back(line);
    pos = nl + 1;
  }
}

class LexiconFilter : public Stage {
 public:
  LexiconFilter(std::string instance, double threshold, bool drop, std::vector<std::string> flagged,
                std::vector<std::string> protected_terms)
      : threshold_(threshold),
        drop_(drop),
        signal_ratio_(instance + ".flagged_ratio"),
        signal_words_(instance + ".flagged_words"),
        tag_(instance + ".flagged") {
    for (const auto& p : flagged) matcher_.Add(p, kFlaggedId, DefaultBoundary(p));
    for (const auto& p : protected_terms) matcher_.Add(p, kProtectedId, DefaultBoundary(p));
    matcher_.Build();
  }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    thread_local std::string folded;
    thread_local std::vector<PhraseMatcher::Match> matches;
    thread_local std::vector<WordSpan> words;
    PhraseMatcher::FoldCaseInto(doc.text, &folded);
    matches.clear();
    matcher_.FindAll(folded, &matches);
    int64_t flagged = 0;
    int64_t protected_hits = 0;
    for (size_t i = 0; i < matches.size(); ++i) {
      // A span listed both as flagged and as identity term counts as protected.
      const bool same_span = i + 1 < matches.size() && matches[i + 1].begin == matches[i].begin &&
                             matches[i + 1].end == matches[i].end;
      if (same_span) {
        ++protected_hits;
        ++i;
        continue;
      }
      (matches[i].id == kFlaggedId ? flagged : protected_hits) += 1;
    }
    int64_t num_words = 0;
    if (flagged > 0) {  // the ratio is 0 without flagged words: skip segmentation
      WordSegmenter::ThreadLocal().Segment(doc.text, &words);
      num_words = static_cast<int64_t>(words.size());
    }
    const double ratio = flagged == 0 ? 0.0 : static_cast<double>(flagged) / static_cast<double>(std::max<int64_t>(num_words, 1));
    doc.AddSignal(signal_ratio_, ratio);
    doc.AddSignal(signal_words_, static_cast<double>(flagged));
    if (flagged > 0) ctx.stats().Add(kLexiconStatFlaggedMatches, flagged);
    if (protected_hits > 0) ctx.stats().Add(kLexiconStatProtectedMatches, protected_hits);
    if (ratio <= threshold_) return Verdict::Keep();
    ctx.stats().Add(kLexiconStatFlaggedDocs);
    if (!drop_) {
      doc.AddTag(tag_);
      return Verdict::Keep();
    }
    doc.all_reasons.push_back(kLexiconReasonFlaggedRatio);
    return Verdict::Drop(kLexiconReasonFlaggedRatio,
                         std::to_string(flagged) + " flagged of " + std::to_string(num_words) + " words");
  }

  std::vector<HistogramSpec> signal_histograms() const override {
    return {HistogramSpec::Linear(signal_ratio_, 0.0, 0.05, 25)};
  }

 private:
  double threshold_;
  bool drop_;
  std::string signal_ratio_;
  std::string signal_words_;
  std::string tag_;
  PhraseMatcher matcher_;
};

StatusOr<std::unique_ptr<Stage>> MakeLexiconFilter(const Options& o, const StageEnv& env) {
  const std::string instance = env.instance_name.empty() ? kLexiconFilterType : env.instance_name;
  std::vector<std::string> entries;
  // LDNOOBW lists.
  const auto& langs = o.GetStringList("languages");
  const bool all = std::find(langs.begin(), langs.end(), "all") != langs.end();
  std::set<std::string> wanted(langs.begin(), langs.end());
  for (const LdnoobwList& list : LdnoobwLists()) {
    if (all || wanted.erase(std::string(list.language))) SplitLines(list.words, &entries);
  }
  wanted.erase("all");
  if (!wanted.empty()) {
    std::string known;
    for (const LdnoobwList& list : LdnoobwLists()) known += (known.empty() ? "" : ", ") + std::string(list.language);
    return Status::Config("lexicon_filter option 'languages': no LDNOOBW list for '" + *wanted.begin() +
                          "' (known: all, " + known + ")");
  }
  // User lists.
  for (const auto& w : o.GetStringList("lists")) entries.push_back(w);
  if (const std::string& file = o.GetString("words_file"); !file.empty()) {
    const std::string path = ResolvePath(env.recipe_dir, file);
    std::ifstream in(path);
    if (!in) return Status::Io("lexicon_filter option 'words_file': cannot open " + path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> lines;
    SplitLines(text, &lines);
    for (auto& l : lines) {
      if (l[0] != '#') entries.push_back(std::move(l));
    }
  }
  if (entries.empty()) {
    return Status::Config("lexicon_filter: no flagged words (set 'languages', 'lists' or 'words_file')");
  }
  // Allowlist and identity protection.
  std::set<std::string> allow;
  for (const auto& a : o.GetStringList("allowlist")) allow.insert(PhraseMatcher::FoldCase(a));
  std::vector<IdentityGroup> groups = BuiltinIdentityGroups();
  if (const std::string& gf = o.GetString("groups_file"); !gf.empty()) {
    auto extra = LoadIdentityGroupsFile(ResolvePath(env.recipe_dir, gf));
    if (!extra.ok()) return extra.status().WithContext("lexicon_filter option 'groups_file'");
    groups = MergeIdentityGroups(std::move(groups), *extra);
  }
  const bool protect = o.GetBool("protect");
  IdentityTermMatcher identity(groups);
  std::set<std::string> flagged;
  std::vector<std::string> protected_terms;
  const bool single_char = o.GetBool("single_char_substrings");
  for (const auto& e : entries) {
    std::string f = PhraseMatcher::FoldCase(e);
    if (allow.count(f)) continue;
    if (!single_char && DefaultBoundary(f) == PhraseMatcher::Boundary::kNone && CountCodePoints(f) == 1) continue;
    flagged.insert(std::move(f));
  }
  if (protect) {
    for (auto it = flagged.begin(); it != flagged.end();) {
      if (identity.IsIdentityTerm(*it)) {
        protected_terms.push_back(*it);
        it = flagged.erase(it);
      } else {
        ++it;
      }
    }
    // Identity terms are also matched on their own so that a flagged entry that
    // is a prefix or suffix of no identity phrase cannot absorb them ("gay" in
    // "gay rights" stays protected even if a user lists "gay").
    for (const auto& g : groups) {
      for (const auto& t : g.terms) {
        for (auto& p : ExpandIdentityTerm(t)) protected_terms.push_back(std::move(p));
      }
    }
  }
  return std::unique_ptr<Stage>(new LexiconFilter(instance, o.GetDouble("threshold"), o.GetString("mode") == "drop",
                                                  std::vector<std::string>(flagged.begin(), flagged.end()),
                                                  std::move(protected_terms)));
}

// An OptionSpec with the fields this stage uses (keeps -Wextra quiet about
// the rest).
OptionSpec Opt(std::string name, OptionType type, std::string default_value, std::string help,
               double min = -1e300, double max = 1e300, std::vector<std::string> choices = {}) {
  OptionSpec s;
  s.name = std::move(name);
  s.type = type;
  s.default_value = std::move(default_value);
  s.help = std::move(help);
  s.min = min;
  s.max = max;
  s.choices = std::move(choices);
  return s;
}

}  // namespace

SLUICE_REGISTER_STAGE(LexiconFilter, [] {
  return StageInfo{
      kLexiconFilterType,
      "filters",
      "flag or drop documents dense in flagged words (LDNOOBW + user lists; identity terms protected)",
      {
          Opt("languages", OptionType::kStringList, "[en, zh]",
           "LDNOOBW lists to load (language codes as in npm naughty-words, or 'all'; [] for none)"),
          Opt("lists", OptionType::kStringList, "[]", "extra flagged words or phrases"),
          Opt("words_file", OptionType::kString, "",
           "file of extra flagged words, one per line, '#' comments (relative to the recipe dir)"),
          Opt("allowlist", OptionType::kStringList, "[性, sm, グロ, 女の子, '13.', 13点]",
           "entries never flagged (default: C4's zh/ja allowlist, plus the zh entries '13.' and 13点, "
           "which match section numbers and times)"),
          Opt("single_char_substrings", OptionType::kBool, "false",
              "also match one-character entries of the zh/ja lists (乳 milk, 卵 egg, 鳩 dove, 柒 seven...) "
              "as substrings, as C4 does; off by default because they flag everyday words"),
          Opt("threshold", OptionType::kDouble, "0.0045",
           "drop (or flag) when flagged words / words is above this (Data-Juicer's default)", 0.0, 1.0),
          Opt("protect", OptionType::kBool, "true",
           "identity terms (gay, muslim, 同性恋, ...) never count as flagged words"),
          Opt("groups_file", OptionType::kString, "",
           "YAML `group: [terms]` with extra identity terms to protect (relative to the recipe dir)"),
          Opt("mode", OptionType::kString, "drop", "drop documents, or flag them (signals + tag) and keep them", -1e300,
           1e300, {"drop", "flag"}),
      },
      MakeLexiconFilter,
  };
});

}  // namespace sluice
