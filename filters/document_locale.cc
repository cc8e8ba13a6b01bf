#include "filters/document_locale.h"

#include <unicode/uchar.h>

#include <algorithm>

#include "filters/text_stats.h"
#include "stages/text/utf8.h"

namespace sluice::text {

std::string DocumentLanguage(const Document& doc) {
  // The language_id stage's annotation wins; an input field "language" (many
  // corpora carry one) comes next.
  for (const auto* list : {&doc.annotations, &doc.fields}) {
    for (const auto& f : *list) {
      if (f.key != "language") continue;
      std::string_view v = f.json;
      if (v.size() < 2 || v.front() != '"' || v.back() != '"') continue;  // not a JSON string
      v = v.substr(1, v.size() - 2);
      std::string lang = AsciiLower(v.substr(0, v.find_first_of("-_")));
      if (!lang.empty() && lang.size() <= 8) return lang;
    }
  }
  // No annotation: guess CJK from the script of the first ~4 KB.
  std::string_view full = doc.text;
  size_t cut = std::min<size_t>(full.size(), 4096);
  while (cut < full.size() && cut > 0 && (static_cast<unsigned char>(full[cut]) & 0xC0) == 0x80) --cut;
  std::string_view t = full.substr(0, cut);
  size_t han = 0, kana = 0, letters = 0, pos = 0;
  while (pos < t.size()) {
    unsigned char c = static_cast<unsigned char>(t[pos]);
    if (c < 0x80) {
      ++pos;
      letters += ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
      continue;
    }
    uint32_t cp = DecodeUtf8(t, &pos);
    if (cp >= 0x3040 && cp <= 0x30FF) {
      ++kana;
      ++letters;
    } else if (IsCjkLetter(cp)) {
      ++han;
      ++letters;
    } else if (u_isalpha(static_cast<UChar32>(cp))) {
      ++letters;
    }
  }
  if (letters == 0) return "";
  if (kana * 20 > letters && (han + kana) * 2 > letters) return "ja";
  // Latin letters are ~4 per word, Han ~1.5: weight Han so a mostly-Chinese text wins.
  if (han * 3 > letters) return "zh";
  return "";
}


DocumentLocale LocaleOf(const Document& doc) {
  DocumentLocale loc;
  loc.language = DocumentLanguage(doc);
  loc.script = DominantScript(doc.text);
  bool from_detector = false, has_score = false;
  for (const auto& f : doc.annotations) {
    if (f.key == "language") from_detector = true;
    if (f.key == "language_score") {
      has_score = true;
      loc.language_score = std::strtod(f.json.c_str(), nullptr);
    }
  }
  // A language annotated without a score (another tool's label) is taken as given.
  if (from_detector && !has_score) loc.language_score = 1.0;
  if (!from_detector) {
    bool from_field = false;
    for (const auto& f : doc.fields) from_field |= f.key == "language";
    // An input field is taken as given; a guess from the script is only ever
    // zh or ja, which the script alone tells apart from everything else.
    loc.language_score = from_field || !loc.language.empty() ? 1.0 : 0.0;
  }
  if (loc.language_score >= kMinCalibrationLanguageScore) {
    std::string_view expected = StopWordScript(loc.language);
    if (expected.empty() || loc.script.empty() || expected == loc.script) loc.calibration_language = loc.language;
  }
  return loc;
}

}  // namespace sluice::text
