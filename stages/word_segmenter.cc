#include "stages/word_segmenter.h"

#include <unicode/brkiter.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <cassert>

namespace sluice {

struct WordSegmenter::Impl {
  std::unique_ptr<icu::BreakIterator> iter;
};

WordSegmenter::WordSegmenter() : impl_(std::make_unique<Impl>()) {
  UErrorCode status = U_ZERO_ERROR;
  impl_->iter.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  // ICU data is linked into libicudata: failure here means a broken installation.
  assert(U_SUCCESS(status) && impl_->iter);
}

WordSegmenter::~WordSegmenter() = default;

WordSegmenter& WordSegmenter::ThreadLocal() {
  thread_local WordSegmenter segmenter;
  return segmenter;
}

namespace {
WordKind KindFromStatus(int32_t rule) {
  if (rule >= UBRK_WORD_IDEO && rule < UBRK_WORD_IDEO_LIMIT) return WordKind::kIdeo;
  if (rule >= UBRK_WORD_KANA && rule < UBRK_WORD_KANA_LIMIT) return WordKind::kKana;
  if (rule >= UBRK_WORD_LETTER && rule < UBRK_WORD_LETTER_LIMIT) return WordKind::kLetter;
  if (rule >= UBRK_WORD_NUMBER && rule < UBRK_WORD_NUMBER_LIMIT) return WordKind::kNumber;
  return WordKind::kNone;
}
}  // namespace

void WordSegmenter::Segment(std::string_view utf8, std::vector<WordSpan>* out, bool include_non_words) {
  out->clear();
  if (utf8.empty()) return;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, utf8.data(), static_cast<int64_t>(utf8.size()), &status);
  if (U_FAILURE(status)) return;
  impl_->iter->setText(ut, status);
  if (U_FAILURE(status)) {
    utext_close(ut);
    return;
  }
  // With a UTF-8 UText, break positions are native (byte) indexes.
  int32_t begin = impl_->iter->first();
  for (int32_t end = impl_->iter->next(); end != icu::BreakIterator::DONE; begin = end, end = impl_->iter->next()) {
    WordKind kind = KindFromStatus(impl_->iter->getRuleStatus());
    if (kind == WordKind::kNone && !include_non_words) continue;
    out->push_back(WordSpan{static_cast<uint32_t>(begin), static_cast<uint32_t>(end), kind});
  }
  // Detach the iterator from the UText before closing it.
  icu::UnicodeString empty;
  impl_->iter->setText(empty);
  utext_close(ut);
}

bool IsCjkCodePoint(uint32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x2FDF) ||   // CJK radicals, Kangxi
         (cp >= 0x3000 && cp <= 0x303F) ||   // CJK symbols and punctuation
         (cp >= 0x3040 && cp <= 0x30FF) ||   // Hiragana, Katakana
         (cp >= 0x3100 && cp <= 0x31FF) ||   // Bopomofo, Hangul compat, Kanbun...
         (cp >= 0x3400 && cp <= 0x4DBF) ||   // CJK ext A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||   // CJK unified
         (cp >= 0xAC00 && cp <= 0xD7AF) ||   // Hangul syllables
         (cp >= 0xF900 && cp <= 0xFAFF) ||   // CJK compatibility
         (cp >= 0xFF00 && cp <= 0xFFEF) ||   // full/half width forms
         (cp >= 0x20000 && cp <= 0x3FFFF);   // CJK ext B..
}

uint32_t DecodeUtf8(std::string_view s, size_t* pos) {
  size_t i = *pos;
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *pos = i + 1;
    return c;
  }
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (i + len > s.size()) {  // defensive: callers pass valid UTF-8
    *pos = s.size();
    return 0xFFFD;
  }
  uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *pos = i + len;
  return cp;
}

}  // namespace sluice
