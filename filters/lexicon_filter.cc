#include "filters/lexicon_filter.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "filters/identity_terms.h"
#include "filters/lexicon_classes.h"
#include "filters/ldnoobw_lists.h"
#include "filters/phrase_matcher.h"
#include "filters/document_locale.h"
#include "filters/rule_stage.h"
#include "filters/text_stats.h"
#include "stages/io/show_path.h"
#include "stages/engine/stage.h"
#include "stages/text/utf8.h"
#include "stages/text/word_segmenter.h"

namespace sluice {

namespace {

// Phrase ids: identity terms (protected), user lists, then three ids per LDNOOBW
// base language ("fr" covers fr and fr-CA-u-sd-caqc): its unambiguous entries, its
// ambiguous entries and its innocent contexts (filters/lexicons/ldnoobw_classes.txt).
constexpr uint32_t kProtectedId = 0;
constexpr uint32_t kUserListId = 1;
constexpr uint32_t kFirstLanguageId = 2;
constexpr uint32_t kIdsPerLanguage = 3;
enum class EntryKind : uint32_t { kUnambiguous = 0, kAmbiguous = 1, kInnocent = 2 };

uint32_t LanguageId(size_t base_index, EntryKind kind) {
  return kFirstLanguageId + static_cast<uint32_t>(base_index) * kIdsPerLanguage + static_cast<uint32_t>(kind);
}

// What one matched span counts as. Identity protection wins; then any unambiguous
// source (a user list or a list where the entry is unambiguous); then an innocent
// context; otherwise the span is an ambiguous entry.
enum class SpanKind { kProtected, kUnambiguous, kInnocent, kAmbiguous };
SpanKind KindOf(uint32_t id) {
  if (id == kProtectedId) return SpanKind::kProtected;
  if (id == kUserListId) return SpanKind::kUnambiguous;
  switch (static_cast<EntryKind>((id - kFirstLanguageId) % kIdsPerLanguage)) {
    case EntryKind::kUnambiguous: return SpanKind::kUnambiguous;
    case EntryKind::kAmbiguous: return SpanKind::kAmbiguous;
    case EntryKind::kInnocent: return SpanKind::kInnocent;
  }
  return SpanKind::kUnambiguous;
}

// Where a match of `s` must sit in ICU's dictionary segmentation of the text.
enum class WordRule : uint8_t {
  kAnywhere,   // Han, hiragana, everything with spaces (the matcher's own boundary rule)
  kWholeWord,  // Thai, Lao, Myanmar, Khmer (IsDictionaryWordCodePoint)
  kWordOrTile, // katakana only: a whole word, or with other katakana matches tiling one
};

// Thai, Lao, Myanmar and Khmer entries must be whole words; katakana-only
// entries too, as katakana words run into each other without spaces (ファック
// is letters of ファックス "fax", デブ of デブレツェン "Debrecen", カント of カントン
// "Canton"), except that matches which together make up a word count
// (アナル + セックス in アナルセックス). Han and hiragana stay substring matches, as
// the Chinese and Japanese lists are written for.
WordRule WordRuleOf(std::string_view s) {
  bool all_katakana = !s.empty();
  for (size_t pos = 0; pos < s.size();) {
    if (static_cast<uint8_t>(s[pos]) < 0x80) {
      ++pos;
      all_katakana = false;
      continue;
    }
    const uint32_t cp = DecodeUtf8(s, &pos);
    if (IsDictionaryWordCodePoint(cp)) return WordRule::kWholeWord;
    if (cp < 0x30A1 || cp > 0x30FF) all_katakana = false;  // katakana, ・ and ー
  }
  return all_katakana ? WordRule::kWordOrTile : WordRule::kAnywhere;
}

// Drops the matches that break their WordRule at word boundaries of `text`
// (ICU's dictionary segmentation): "กู" (a rude "I") is a word of its own in
// "กูไม่รู้" but only letters of "ตระกูล" (family) or "กู้คืน" (restore).
// Matches keep their order.
void KeepWholeDictionaryWords(std::string_view text, std::vector<PhraseMatcher::Match>* matches) {
  thread_local std::vector<WordSpan> spans;
  thread_local std::vector<uint32_t> cuts;
  thread_local std::vector<WordRule> rules;
  const auto text_of = [&](const PhraseMatcher::Match& m) { return text.substr(m.begin, m.end - m.begin); };
  rules.clear();
  bool any = false;
  for (const auto& m : *matches) {
    rules.push_back(WordRuleOf(text_of(m)));
    any = any || rules.back() != WordRule::kAnywhere;
  }
  if (!any) return;
  WordSegmenter::ThreadLocal().Segment(text, &spans, /*include_non_words=*/true);
  cuts.clear();
  for (const WordSpan& w : spans) cuts.push_back(w.begin);
  cuts.push_back(static_cast<uint32_t>(text.size()));  // spans cover the text in order: cuts are sorted
  const auto is_cut = [&](size_t at) { return std::binary_search(cuts.begin(), cuts.end(), at); };
  // Katakana matches i.. that run from the word start before match i to the word end after it.
  const auto tiles_word = [&](size_t i) {
    const PhraseMatcher::Match& m = (*matches)[i];
    const uint32_t word_begin = *(std::upper_bound(cuts.begin(), cuts.end(), m.begin) - 1);
    const uint32_t word_end = *std::lower_bound(cuts.begin(), cuts.end(), m.end);
    uint32_t at = word_begin;
    for (size_t j = 0; j < matches->size() && at < word_end; ++j) {
      const PhraseMatcher::Match& n = (*matches)[j];
      if (n.begin == at && rules[j] == WordRule::kWordOrTile) at = n.end;
    }
    return at == word_end;
  };
  // Decide every match before compacting: tiles_word reads the others.
  thread_local std::vector<uint8_t> keep;
  keep.assign(matches->size(), 1);
  for (size_t i = 0; i < matches->size(); ++i) {
    const PhraseMatcher::Match& m = (*matches)[i];
    const bool whole = is_cut(m.begin) && is_cut(m.end);
    if (rules[i] == WordRule::kWholeWord && !whole) keep[i] = 0;
    if (rules[i] == WordRule::kWordOrTile && !whole && !tiles_word(i)) keep[i] = 0;
  }
  size_t out = 0;
  for (size_t i = 0; i < matches->size(); ++i) {
    if (keep[i]) (*matches)[out++] = (*matches)[i];
  }
  matches->resize(out);
}

// "zh-CN", "zh_Hans", "\"en\"" -> "zh", "zh", "en".
std::string BaseLanguage(std::string_view code) {
  if (code.size() >= 2 && code.front() == '"' && code.back() == '"') code = code.substr(1, code.size() - 2);
  std::string out;
  for (char c : code) {
    if (c == '-' || c == '_') break;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

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

struct LexiconEntry {
  std::string folded;
  uint32_t id;
  PhraseMatcher::Boundary boundary;
  bool operator<(const LexiconEntry& o) const { return id != o.id ? id < o.id : folded < o.folded; }
};

enum Param : size_t { kThreshold, kAmbiguousThreshold, kAmbiguousMinDistinct };

std::vector<text::LanguageThresholds::Param> Params() {
  return {{"threshold", 0, 1}, {"ambiguous_threshold", 0, 1}, {"ambiguous_min_distinct", 1, 100}};
}

class LexiconFilter : public Stage {
 public:
  LexiconFilter(std::string instance, text::LanguageThresholds t, bool drop,
                const std::set<LexiconEntry>& entries, std::vector<std::string> bases, std::string language_key)
      : t_(std::move(t)),
        drop_(drop),
        signal_ratio_(instance + ".flagged_ratio"),
        signal_words_(instance + ".flagged_words"),
        signal_ambiguous_(instance + ".ambiguous_words"),
        tag_(instance + ".flagged"),
        bases_(std::move(bases)),
        language_key_(std::move(language_key)) {
    for (const auto& e : entries) matcher_.Add(e.folded, e.id, e.boundary);
    matcher_.Build();
    const size_t n = kFirstLanguageId + bases_.size() * kIdsPerLanguage;
    no_language_list_.assign(n, 0);
    no_language_list_[kProtectedId] = no_language_list_[kUserListId] = 1;
    for (size_t k = 0; k < bases_.size(); ++k) {
      enabled_by_base_.push_back(no_language_list_);
      for (EntryKind kind : {EntryKind::kUnambiguous, EntryKind::kAmbiguous, EntryKind::kInnocent}) {
        enabled_by_base_.back()[LanguageId(k, kind)] = 1;
      }
    }
  }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    const std::vector<double>& th = t_.For(text::LocaleOf(doc));
    const double threshold = th[kThreshold], ambiguous_threshold = th[kAmbiguousThreshold];
    const size_t ambiguous_min_distinct = static_cast<size_t>(th[kAmbiguousMinDistinct]);
    thread_local std::string folded;
    thread_local std::vector<PhraseMatcher::Match> matches;
    thread_local std::vector<WordSpan> words;
    PhraseMatcher::FoldCaseInto(doc.text, &folded);
    matches.clear();
    matcher_.FindAll(folded, &matches, PhraseMatcher::Overlap::kLeftmostLongest, EnabledFor(doc));
    KeepWholeDictionaryWords(folded, &matches);
    int64_t unambiguous = 0;
    int64_t ambiguous = 0;
    int64_t innocent = 0;
    int64_t protected_hits = 0;
    thread_local std::vector<std::pair<std::string_view, bool>> seen;  // (entry, ambiguous) for the drop detail
    thread_local std::vector<std::string_view> distinct_ambiguous;     // up to ambiguous_min_distinct
    seen.clear();
    distinct_ambiguous.clear();
    for (size_t i = 0; i < matches.size();) {
      // Ids of one span are adjacent and sorted ascending: the protected id first.
      size_t j = i + 1;
      SpanKind kind = KindOf(matches[i].id);
      while (j < matches.size() && matches[j].begin == matches[i].begin && matches[j].end == matches[i].end) {
        const SpanKind other = KindOf(matches[j].id);
        if (kind != SpanKind::kProtected && (other == SpanKind::kUnambiguous ||
                                             (other == SpanKind::kInnocent && kind == SpanKind::kAmbiguous))) {
          kind = other;
        }
        ++j;
      }
      switch (kind) {
        case SpanKind::kProtected: ++protected_hits; break;
        case SpanKind::kInnocent: ++innocent; break;
        case SpanKind::kUnambiguous:
        case SpanKind::kAmbiguous: {
          const bool is_ambiguous = kind == SpanKind::kAmbiguous;
          (is_ambiguous ? ambiguous : unambiguous) += 1;
          const std::string_view entry(folded.data() + matches[i].begin, matches[i].end - matches[i].begin);
          if (is_ambiguous && distinct_ambiguous.size() < ambiguous_min_distinct &&
              std::find(distinct_ambiguous.begin(), distinct_ambiguous.end(), entry) == distinct_ambiguous.end()) {
            distinct_ambiguous.push_back(entry);
          }
          if (seen.size() < kMaxDetailEntries &&
              std::none_of(seen.begin(), seen.end(), [&](const auto& s) { return s.first == entry; })) {
            seen.emplace_back(entry, is_ambiguous);
          }
          break;
        }
      }
      i = j;
    }
    int64_t num_words = 0;
    if (unambiguous + ambiguous + innocent > 0) {  // no match: the ratio is 0, skip segmentation
      WordSegmenter::ThreadLocal().Segment(doc.text, &words);
      num_words = std::max<int64_t>(static_cast<int64_t>(words.size()), 1);
    }
    // Ambiguous entries count only with more evidence: an unambiguous match in the
    // same document, or at least ambiguous_min_distinct different ones whose ratio
    // is above ambiguous_threshold (a dictionary entry repeating "cock" is not).
    const bool ambiguous_count =
        ambiguous > 0 &&
        (unambiguous > 0 ||
         (distinct_ambiguous.size() >= ambiguous_min_distinct &&
          static_cast<double>(ambiguous) / static_cast<double>(num_words) > ambiguous_threshold));
    const int64_t flagged = unambiguous + (ambiguous_count ? ambiguous : 0);
    const double ratio = flagged == 0 ? 0.0 : static_cast<double>(flagged) / static_cast<double>(num_words);
    doc.AddSignal(signal_ratio_, ratio);
    doc.AddSignal(signal_words_, static_cast<double>(flagged));
    doc.AddSignal(signal_ambiguous_, static_cast<double>(ambiguous));
    if (flagged > 0) ctx.stats().Add(kLexiconStatFlaggedMatches, flagged);
    if (ambiguous > 0) ctx.stats().Add(kLexiconStatAmbiguousMatches, ambiguous);
    if (innocent > 0) ctx.stats().Add(kLexiconStatInnocentContextMatches, innocent);
    if (protected_hits > 0) ctx.stats().Add(kLexiconStatProtectedMatches, protected_hits);
    if (ratio <= threshold) {
      // Kept only because of the classes (ambiguous entries without evidence,
      // innocent contexts): the unclassified rule would have dropped it.
      if (static_cast<double>(unambiguous + ambiguous + innocent) / static_cast<double>(num_words) > threshold) {
        ctx.stats().Add(kLexiconStatSparedDocs);
      }
      return Verdict::Keep();
    }
    ctx.stats().Add(kLexiconStatFlaggedDocs);
    if (!drop_) {
      doc.AddTag(tag_);
      return Verdict::Keep();
    }
    doc.all_reasons.push_back(kLexiconReasonFlaggedRatio);
    std::string detail = std::to_string(flagged) + " flagged of " + std::to_string(num_words) + " words:";
    for (const auto& [entry, is_ambiguous] : seen) {
      if (is_ambiguous && !ambiguous_count) continue;
      detail += ' ';
      detail.append(entry);
      if (is_ambiguous) detail += " (ambiguous)";
    }
    return Verdict::Drop(kLexiconReasonFlaggedRatio, std::move(detail));
  }

  std::vector<HistogramSpec> signal_histograms() const override {
    return {HistogramSpec::Linear(signal_ratio_, 0.0, 0.05, 25)};
  }

  static constexpr size_t kMaxDetailEntries = 5;  // distinct entries named in a drop's detail

 private:
  // Which lists apply: all of them unless the document names its language
  // (annotation or input field `language_key`), then that language's lists
  // (none if there is no list for it) plus the user lists.
  const std::vector<uint8_t>* EnabledFor(const Document& doc) const {
    if (language_key_.empty()) return nullptr;
    const JsonField* field = nullptr;
    for (const auto& f : doc.annotations) {
      if (f.key == language_key_) field = &f;
    }
    if (!field) {
      for (const auto& f : doc.fields) {
        if (f.key == language_key_) field = &f;
      }
    }
    if (!field || field->json.empty() || field->json[0] != '"') return nullptr;
    const std::string base = BaseLanguage(field->json);
    for (size_t k = 0; k < bases_.size(); ++k) {
      if (bases_[k] == base) return &enabled_by_base_[k];
    }
    return &no_language_list_;
  }

  text::LanguageThresholds t_;
  bool drop_;
  std::string signal_ratio_;
  std::string signal_words_;
  std::string signal_ambiguous_;
  std::string tag_;
  std::vector<std::string> bases_;
  std::string language_key_;
  std::vector<std::vector<uint8_t>> enabled_by_base_;
  std::vector<uint8_t> no_language_list_;
  PhraseMatcher matcher_;
};

StatusOr<std::unique_ptr<Stage>> MakeLexiconFilter(const Options& o, const StageEnv& env) {
  const std::string instance = env.instance_name.empty() ? kLexiconFilterType : env.instance_name;
  // (phrase, source id) before filtering.
  std::vector<std::pair<std::string, uint32_t>> raw;
  std::vector<std::string> bases;
  const LexiconClasses& classes = BuiltinLexiconClasses();
  const bool context_rules = o.GetBool("context_rules");
  // LDNOOBW lists.
  const auto& langs = o.GetStringList("languages");
  const bool all = std::find(langs.begin(), langs.end(), "all") != langs.end();
  std::set<std::string> wanted(langs.begin(), langs.end());
  for (const LdnoobwList& list : LdnoobwLists()) {
    if (!all && !wanted.erase(std::string(list.language))) continue;
    const std::string base = BaseLanguage(list.language);
    auto it = std::find(bases.begin(), bases.end(), base);
    if (it == bases.end()) it = bases.insert(bases.end(), base);
    const auto base_index = static_cast<size_t>(it - bases.begin());
    const auto cls = classes.ambiguous.find(std::string(list.language));
    std::vector<std::string> words;
    SplitLines(list.words, &words);
    for (auto& w : words) {
      const bool ambiguous = cls != classes.ambiguous.end() && cls->second.count(PhraseMatcher::FoldCase(w));
      raw.emplace_back(std::move(w), LanguageId(base_index, ambiguous ? EntryKind::kAmbiguous : EntryKind::kUnambiguous));
    }
    if (const auto ctx = classes.innocent_contexts.find(std::string(list.language));
        context_rules && ctx != classes.innocent_contexts.end()) {
      for (const auto& phrase : ctx->second) raw.emplace_back(phrase, LanguageId(base_index, EntryKind::kInnocent));
    }
  }
  wanted.erase("all");
  if (!wanted.empty()) {
    std::string known;
    for (const LdnoobwList& list : LdnoobwLists()) known += (known.empty() ? "" : ", ") + std::string(list.language);
    return Status::Config("lexicon_filter option 'languages': no LDNOOBW list for '" + *wanted.begin() +
                          "' (known: all, " + known + ")");
  }
  // User lists.
  for (const auto& w : o.GetStringList("lists")) raw.emplace_back(w, kUserListId);
  if (const std::string& file = o.GetString("words_file"); !file.empty()) {
    const std::string path = ResolvePath(env.recipe_dir, file);
    std::ifstream in(path);
    if (!in) return Status::Io("lexicon_filter option 'words_file': " + CannotOpenMessage("", path, errno));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> lines;
    SplitLines(text, &lines);
    for (auto& l : lines) {
      if (l[0] != '#') raw.emplace_back(std::move(l), kUserListId);
    }
  }
  if (raw.empty()) {
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
  const bool single_char = o.GetBool("single_char_substrings");
  IdentityTermMatcher identity(groups);
  std::set<LexiconEntry> entries;
  for (const auto& [phrase, id] : raw) {
    std::string f = PhraseMatcher::FoldCase(phrase);
    if (allow.count(f)) continue;
    if (!single_char && DefaultBoundary(f) == PhraseMatcher::Boundary::kNone && CountCodePoints(f) == 1) continue;
    // With protect, a list entry that is an identity term never counts.
    if (protect && identity.IsIdentityTerm(f)) continue;
    const PhraseMatcher::Boundary boundary = DefaultBoundary(f);
    entries.insert(LexiconEntry{std::move(f), id, boundary});
  }
  if (protect) {
    // Identity terms are matched on their own so that leftmost-longest matching
    // never lets a flagged entry absorb them; explicit flagged phrases that
    // contain one ("gay sex") are longer and still win.
    for (const auto& g : groups) {
      for (const auto& t : g.terms) {
        for (auto& p : ExpandIdentityTerm(t)) {
          entries.insert(LexiconEntry{std::move(p.folded), kProtectedId, p.boundary});
        }
      }
    }
  }
  auto t = text::LanguageThresholds::FromOptions(instance, Params(), o, "", "");
  if (!t.ok()) return t.status();
  return std::unique_ptr<Stage>(new LexiconFilter(instance, std::move(t).value(), o.GetString("mode") == "drop",
                                                  entries, std::move(bases), o.GetString("language_key")));
}

}  // namespace

SLUICE_REGISTER_STAGE(LexiconFilter, [] {
  return StageInfo{
      kLexiconFilterType,
      "filters",
      "flag or drop documents dense in flagged words (LDNOOBW + user lists; ambiguous entries need more evidence; "
      "identity terms protected)",
      {
          MakeOption("languages", OptionType::kStringList, "[en, zh]",
           "LDNOOBW lists to load (language codes as in npm naughty-words, or 'all'; [] for none)"),
          MakeOption("lists", OptionType::kStringList, "[]", "extra flagged words or phrases (apply to every language)"),
          MakeOption("language_key", OptionType::kString, "language",
              "annotation or input field naming the document's language; when set on a document only that "
              "language's LDNOOBW lists apply (as in C4), otherwise all loaded lists do; '' = always all"),
          MakeOption("words_file", OptionType::kString, "",
           "file of extra flagged words, one per line, '#' comments (relative to the recipe dir)"),
          MakeOption("allowlist", OptionType::kStringList, "[性, sm, グロ, 女の子, '13.', 13点]",
           "entries never flagged (default: C4's zh/ja allowlist, plus the zh entries '13.' and 13点, "
           "which match section numbers and times)"),
          MakeOption("single_char_substrings", OptionType::kBool, "false",
              "also match one-character entries of the zh/ja lists (乳 milk, 卵 egg, 鳩 dove, 柒 seven...) "
              "as substrings, as C4 does; off by default because they flag everyday words"),
          MakeOption("threshold", OptionType::kDouble, "0.0045",
           "drop (or flag) when flagged words / words is above this (Data-Juicer's default)", 0.0, 1.0),
          MakeOption("ambiguous_threshold", OptionType::kDouble, "0.02",
              "LDNOOBW entries classed ambiguous (innocent senses in medicine, law, history, everyday words: "
              "intercourse, domination, snatch, rape, penis...; filters/lexicons/ldnoobw_classes.txt) count only "
              "when the document also has an unambiguous match, or (alone) when at least ambiguous_min_distinct "
              "different ones occur and their ratio to words is above this; 0 with ambiguous_min_distinct 1 counts "
              "them like any entry (the unclassified behaviour)", 0.0, 1.0),
          MakeOption("ambiguous_min_distinct", OptionType::kInt, "2",
              "different ambiguous entries needed before ambiguous entries alone can count (one repeated "
              "ambiguous word, as in a dictionary entry on 'cock' the bird, never does)", 1, 100),
          MakeOption("context_rules", OptionType::kBool, "true",
              "phrases in which an ambiguous entry is innocent ('commercial intercourse', 'foreign domination', "
              "'tit for tat') never count"),
          MakeOption("protect", OptionType::kBool, "true",
           "identity terms (gay, muslim, 同性恋, ...) never count as flagged words"),
          MakeOption("groups_file", OptionType::kString, "",
           "YAML `group: [terms]` with extra identity terms to protect (relative to the recipe dir)"),
          MakeOption("mode", OptionType::kString, "drop", "drop documents, or flag them (signals + tag) and keep them", -1e300,
           1e300, {"drop", "flag"}),
          text::PerLanguageOption("{}"),
          text::PerScriptOption("{}"),
      },
      MakeLexiconFilter,
  };
});

}  // namespace sluice
