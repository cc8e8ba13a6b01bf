// PhraseMatcher: finds many phrases at once in linear time (Aho–Corasick over
// case-folded UTF-8 bytes, dense DFA over byte classes). A phrase either must sit
// on word boundaries (space-delimited languages: "ass" does not match "class") or
// matches anywhere (Chinese, Japanese, Thai). Built once, then immutable: FindAll
// is const and thread-safe. Memory: 4 bytes x states x byte classes (~2 MB for the
// English + Chinese LDNOOBW lists).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

class PhraseMatcher {
 public:
  enum class Boundary : uint8_t {
    kWord,       // the phrase must not be preceded or followed by a word character (IsWordCodePoint)
    kNone,       // substring match
    kWordStart,  // a stem: must start a word, may end inside one ("kadın" in "kadınlar")
  };
  struct Match {
    uint32_t begin;  // byte offsets into the folded text
    uint32_t end;
    uint32_t id;     // the id given to Add
  };

  // Adds a phrase (case-folded here; one of four or more characters with Turkish
  // dotless ı also as spelled with i, the spelling FoldCase gives its capitals);
  // empty phrases are ignored. `id` is returned with its matches; several phrases
  // may share an id and one phrase may be added under several ids. Must be called
  // before Build().
  void Add(std::string_view phrase, uint32_t id, Boundary boundary);
  // Compiles the automaton. Add() after Build() is a programmer error.
  void Build();
  bool empty() const { return phrases_.empty(); }
  size_t num_phrases() const { return phrases_.size(); }

  enum class Overlap : uint8_t {
    kLeftmostLongest,  // non-overlapping: "他妈的" counts once, not also as "他妈"
    kAll,              // every occurrence ("black women" and "women")
  };
  // Appends to *out, sorted by position, the occurrences in `folded` (text passed
  // through FoldCase) that satisfy their boundary rule. With kLeftmostLongest,
  // when one span matches phrases with different ids, every id is reported.
  // `enabled_ids` (optional, indexed by id, non-zero = enabled) leaves out the
  // other ids before overlaps are resolved.
  void FindAll(std::string_view folded, std::vector<Match>* out,
               Overlap overlap = Overlap::kLeftmostLongest,
               const std::vector<uint8_t>* enabled_ids = nullptr) const;

  // Lower-cases valid UTF-8 code point by code point (ICU simple case mapping),
  // so matching is case-insensitive for Latin, Cyrillic, Greek, ...; also writes
  // Thai/Lao SARA AM spelled NIKHAHIT + SARA AA (U+0E4D U+0E32, U+0ECD U+0EB2) as
  // the one code point (U+0E33, U+0EB3), so both spellings match each other;
  // drops Arabic tatweel and short-vowel marks (U+0640, U+064B..U+0652) and
  // writes Arabic kaf, yeh and alef maksura as Persian kaf and yeh (U+06A9,
  // U+06CC), the letters Persian and Urdu text may type either way; and
  // German ß/ẞ as "ss" (capitals and Swiss German write SS/ss); half-width
  // katakana (U+FF61..U+FF9F) as full-width kana (NFKC: ｾｯｸｽ -> セックス).
  static std::string FoldCase(std::string_view utf8);
  // Same into a reused buffer.
  static void FoldCaseInto(std::string_view utf8, std::string* out);

 private:
  struct Phrase {
    uint32_t length;
    uint32_t id;
    Boundary boundary;
  };
  std::vector<Phrase> phrases_;
  std::vector<std::string> pending_;        // folded phrase text until Build()
  std::vector<uint8_t> byte_class_;         // 256 entries
  int num_classes_ = 1;
  std::vector<int32_t> delta_;              // state * num_classes_ + class -> state
  std::vector<std::vector<uint32_t>> out_;  // state -> phrases ending exactly here
  std::vector<int32_t> dict_link_;          // state -> nearest proper suffix state with output, or -1
  std::vector<int32_t> report_;             // state -> itself if it has output, else dict_link_
  bool built_ = false;
};

// True when the code point is a letter, digit, combining mark or connector
// punctuation such as '_' (part of a word, as in ICU word breaking: "xx_YY" is
// one word).
bool IsWordCodePoint(uint32_t cp);

}  // namespace sluice

namespace sluice {

// The boundary rule a phrase gets by default: kNone when it contains a code point
// of a script written without spaces between words (Han, Hiragana, Katakana,
// Thai, Lao, Khmer, Myanmar), kWord otherwise. C4 decides by document language
// instead; deciding per phrase keeps Latin entries of the Japanese list ("sm")
// from matching inside English words.
PhraseMatcher::Boundary DefaultBoundary(std::string_view phrase);

// True for letters of the scripts written without spaces whose words ICU's
// segmenter finds with a dictionary: Thai, Lao, Myanmar, Khmer.
bool IsDictionaryWordCodePoint(uint32_t cp);

}  // namespace sluice
