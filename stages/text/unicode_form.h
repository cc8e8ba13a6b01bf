// One Unicode normalization of UTF-8 text, done only when the text needs it (ICU's
// quick check first): the normalize stage, the language detector's view of the
// text and the identity-term matcher all compare text in NFC.
#pragma once

#include <unicode/normalizer2.h>

#include <string>
#include <string_view>

namespace sluice {

// ICU's NFC instance (nullptr if ICU's data cannot be loaded).
const icu::Normalizer2* NfcNormalizer();

// Writes `in` in the form of `norm` to *out and returns true; returns false and
// leaves *out alone when `in` is already in that form or ICU fails.
bool NormalizeIfNeeded(const icu::Normalizer2& norm, std::string_view in, std::string* out);

// `*s` in NFC (unchanged when it already is).
void ToNfcInPlace(std::string* s);

}  // namespace sluice
