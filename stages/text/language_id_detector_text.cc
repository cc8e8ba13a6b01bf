#include "stages/text/language_id_detector_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "stages/text/unicode_form.h"
#include "stages/text/utf8.h"

namespace sluice {

namespace {

bool IsArabicScript(char32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(static_cast<UChar32>(c), &status) == USCRIPT_ARABIC && U_SUCCESS(status);
}

// Lead bytes of U+0600-U+077F (Arabic, Arabic Supplement) and the 3-byte lead
// of U+0800-U+0FFF (Arabic Extended-A/B among others): text without any of them
// has no Arabic mark to remove.
bool MayHaveArabic(std::string_view s) {
  for (unsigned char b : s) {
    if ((b >= 0xD8 && b <= 0xDD) || b == 0xE0) return true;
  }
  return false;
}

// Removes the Arabic detector marks; false when there were none.
bool StripArabicMarks(std::string_view in, std::string* out) {
  std::string result;
  bool removed = false;
  bool after_arabic = false;
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(in.size());
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) c = 0xFFFD;
    if (IsArabicDetectorMark(static_cast<char32_t>(c), after_arabic)) {
      if (!removed) {
        result.reserve(in.size());
        result.assign(in.data(), static_cast<size_t>(start));
        removed = true;
      }
      continue;
    }
    if (u_charType(c) != U_NON_SPACING_MARK) after_arabic = IsArabicScript(static_cast<char32_t>(c));
    if (removed) result.append(in.data() + start, static_cast<size_t>(i - start));
  }
  if (removed) *out = std::move(result);
  return removed;
}

}  // namespace

bool IsArabicDetectorMark(char32_t c, bool after_arabic) {
  if ((c >= 0x0610 && c <= 0x061A) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640 ||
      (c >= 0x06D6 && c <= 0x06ED)) {
    return true;
  }
  if (c < 0x0300 || u_charType(static_cast<UChar32>(c)) != U_NON_SPACING_MARK) return false;
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
  if (U_FAILURE(status)) return false;
  return script == USCRIPT_ARABIC || (script == USCRIPT_INHERITED && after_arabic);
}

bool MakeDetectorText(std::string_view utf8, std::string* out) {
  if (IsAscii(utf8)) return false;
  std::string composed;
  bool changed = false;
  std::string_view view = utf8;
  const icu::Normalizer2* nfc = NfcNormalizer();
  if (nfc != nullptr && NormalizeIfNeeded(*nfc, utf8, &composed)) {
    view = composed;
    changed = true;
  }
  std::string stripped;
  if (MayHaveArabic(view) && StripArabicMarks(view, &stripped)) {
    *out = std::move(stripped);
    return true;
  }
  if (changed) *out = std::move(composed);
  return changed;
}

}  // namespace sluice
