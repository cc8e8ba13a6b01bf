#include "stages/text/unicode_form.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include "stages/text/utf8.h"

namespace sluice {

const icu::Normalizer2* NfcNormalizer() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  return U_SUCCESS(status) ? nfc : nullptr;
}

bool NormalizeIfNeeded(const icu::Normalizer2& norm, std::string_view in, std::string* out) {
  if (IsAscii(in)) return false;  // most documents: no ICU pass at all
  const icu::StringPiece piece(in.data(), static_cast<int32_t>(in.size()));
  UErrorCode status = U_ZERO_ERROR;
  if (norm.isNormalizedUTF8(piece, status) || U_FAILURE(status)) return false;
  std::string result;
  icu::StringByteSink<std::string> sink(&result, static_cast<int32_t>(in.size()));
  status = U_ZERO_ERROR;
  norm.normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) return false;
  out->swap(result);
  return true;
}

void ToNfcInPlace(std::string* s) {
  const icu::Normalizer2* nfc = NfcNormalizer();
  std::string composed;
  if (nfc != nullptr && NormalizeIfNeeded(*nfc, *s, &composed)) s->swap(composed);
}

}  // namespace sluice
