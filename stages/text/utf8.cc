#include "stages/text/utf8.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace sluice {

bool IsValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

bool IsAscii(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ull) return false;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) return false;
  }
  return true;
}

namespace {
// Length of the valid UTF-8 sequence at s[i], or 0 if invalid. *maximal gets the
// length of the maximal prefix of a valid sequence that is present (>= 1).
int ValidSequenceLength(std::string_view s, size_t i, int* maximal) {
  auto byte = [&](size_t k) -> unsigned { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0x100; };
  unsigned c = byte(i);
  *maximal = 1;
  if (c < 0x80) return 1;
  int len;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  for (int k = 1; k < len; ++k) {
    unsigned b = byte(i + k);
    unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) return 0;
    *maximal = k + 1;
  }
  return len;
}
}  // namespace

int64_t RepairUtf8(std::string* s) {
  if (IsValidUtf8(*s)) return 0;
  std::string out;
  out.reserve(s->size() + 16);
  int64_t repairs = 0;
  size_t i = 0;
  while (i < s->size()) {
    int maximal;
    int len = ValidSequenceLength(*s, i, &maximal);
    if (len > 0) {
      out.append(*s, i, len);
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++repairs;
      i += maximal;
    }
  }
  s->swap(out);
  return repairs;
}

size_t CountCodePoints(std::string_view s) {
  // Counts bytes that are not continuation bytes (10xxxxxx).
  size_t n = 0, i = 0;
#ifdef __SSE2__
  // 16 at a time: a byte is a continuation byte iff, as a signed char, it is
  // < -64 (0x80..0xBF). Per-lane counts add up in 8 bits for at most 255
  // steps, then _mm_sad_epu8 sums them.
  const __m128i limit = _mm_set1_epi8(-65);
  while (i + 16 <= s.size()) {
    size_t steps = std::min<size_t>((s.size() - i) / 16, 255);
    __m128i counts = _mm_setzero_si128();
    for (size_t k = 0; k < steps; ++k, i += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      counts = _mm_sub_epi8(counts, _mm_cmpgt_epi8(v, limit));  // +1 per lead or ASCII byte
    }
    __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
    n += static_cast<size_t>(_mm_cvtsi128_si64(sums)) + static_cast<size_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  // Then 8 at a time.
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    memcpy(&w, s.data() + i, 8);
    uint64_t continuation = w & ~(w << 1) & 0x8080808080808080ull;
    // One bit per byte at bit 7: shift down and sum the bytes with a multiply
    // (portable; no popcnt instruction needed).
    n += 8 - static_cast<size_t>(((continuation >> 7) * 0x0101010101010101ull) >> 56);
  }
  for (; i < s.size(); ++i) n += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  return n;
}

}  // namespace sluice
