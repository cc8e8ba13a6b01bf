#include "tokenizer/unicode_classes.h"

#include <unicode/uchar.h>

#include <vector>

namespace sluice::tokenizer {
namespace {

CharClass ClassFromIcu(UChar32 cp) {
  if (u_hasBinaryProperty(cp, UCHAR_WHITE_SPACE)) return CharClass::kSpace;
  switch (u_charType(cp)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
      return CharClass::kLetter;
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
      return CharClass::kNumber;
    default:
      return CharClass::kOther;
  }
}

// The Basic Multilingual Plane as a flat table (64 KiB): nearly every lookup.
const std::vector<CharClass>& BmpTable() {
  static const std::vector<CharClass> table = [] {
    std::vector<CharClass> t(0x10000);
    for (UChar32 cp = 0; cp < 0x10000; ++cp) t[cp] = ClassFromIcu(cp);
    return t;
  }();
  return table;
}

}  // namespace

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

CharClass ClassOf(uint32_t cp) {
  if (cp < 0x10000) return BmpTable()[cp];
  if (cp == kInvalidCodePoint) return CharClass::kOther;
  return ClassFromIcu(static_cast<UChar32>(cp));
}

}  // namespace sluice::tokenizer
