#include "stages/text/language_id_alphabet.h"

#include <unicode/uchar.h>

#include <string>

#include "stages/text/utf8.h"

namespace sluice {

namespace {

struct Alphabet {
  std::string_view code;
  std::u16string_view letters;  // lower case
};

// Modern standard alphabets (lower case) of the Cyrillic languages CLD2 confuses with
// each other. Candidates are tried in this order. Languages whose alphabet is a superset
// of Russian's (kk, ky, mn, tg, ...) are not here: a text they fit would fit several.
constexpr Alphabet kCyrillicOrder[] = {
    {"ru", u"абвгдеёжзийклмнопрстуфхцчшщъыьэюя"},
    {"uk", u"абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"},
    {"bg", u"абвгдежзийклмнопрстуфхцчшщъьюя"},
    {"be", u"абвгдеёжзійклмнопрстуўфхцчшыьэюя"},
    {"sr", u"абвгдђежзијклљмнњопрстћуфхцчџш"},
    {"mk", u"абвгдѓежзѕијклљмнњопрстќуфхцчџш"},
};

const Alphabet* AlphabetOf(std::string_view code) {
  for (const Alphabet& a : kCyrillicOrder) {
    if (a.code == code) return &a;
  }
  return nullptr;
}

bool Fits(const AlphabetFit& fit) { return fit.outside < 2 || fit.outside * 100 < fit.letters; }

AlphabetFit FitOf(const Alphabet* alphabet, std::string_view utf8) {
  AlphabetFit fit;
  ForEachCodePoint(utf8, [&](UChar32 c) {
    if (c < 0x0400 || c > 0x04FF || !u_isalpha(c)) return;
    UChar32 lower = u_tolower(c);
    ++fit.letters;
    if (alphabet != nullptr && (lower > 0xFFFF || alphabet->letters.find(static_cast<char16_t>(lower)) ==
                                                      std::u16string_view::npos)) {
      ++fit.outside;
    }
  });
  return fit;
}

}  // namespace

AlphabetFit CyrillicAlphabetFit(std::string_view code, std::string_view utf8) {
  return FitOf(AlphabetOf(code), utf8);
}

std::string_view ResolveByAlphabet(std::string_view code, std::string_view utf8) {
  const Alphabet* answer = AlphabetOf(code);
  if (answer == nullptr || Fits(FitOf(answer, utf8))) return code;
  for (const Alphabet& candidate : kCyrillicOrder) {
    if (&candidate != answer && Fits(FitOf(&candidate, utf8))) return candidate.code;
  }
  return code;
}

}  // namespace sluice
