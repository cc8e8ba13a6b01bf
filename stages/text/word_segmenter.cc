#include "stages/text/word_segmenter.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <unicode/brkiter.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>

#include "stages/text/utf8.h"

namespace sluice {

struct WordSegmenter::Impl {
  std::unique_ptr<icu::BreakIterator> iter;
  UText text = UTEXT_INITIALIZER;  // re-opened over each ICU piece (no allocation)
  std::vector<UChar> utf16;         // the piece in UTF-16 (fast-path mode)
  std::vector<uint32_t> utf8_offset;  // UTF-16 index -> byte offset in the piece
  ~Impl() { utext_close(&text); }
};

WordSegmenter::WordSegmenter(Mode mode) : mode_(mode), impl_(std::make_unique<Impl>()) {
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

// Word_Break classes of the ASCII characters as ICU's root word.txt sees them.
// ICU adds '@' to ALetter (e-mail addresses stay one word), removes ':' from
// MidLetter, and Double_Quote only matters next to Hebrew letters, so ':' and
// '"' are Other here. No ASCII character is Extend/Format/ZWJ.
enum class AsciiClass : uint8_t {
  kOther,
  kCr,
  kLf,
  kNewline,    // VT, FF
  kSpace,      // WSegSpace: ' '
  kLetter,     // ALetter: A-Z a-z @
  kDigit,      // Numeric: 0-9
  kUnderscore, // ExtendNumLet
  kMidNumLet,  // '.'
  kQuote,      // Single_Quote: '\''
  kMidNum,     // ',' ';'
};

constexpr std::array<AsciiClass, 128> MakeAsciiClasses() {
  std::array<AsciiClass, 128> t{};
  for (auto& c : t) c = AsciiClass::kOther;
  t['\r'] = AsciiClass::kCr;
  t['\n'] = AsciiClass::kLf;
  t['\v'] = AsciiClass::kNewline;
  t['\f'] = AsciiClass::kNewline;
  t[' '] = AsciiClass::kSpace;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = AsciiClass::kLetter;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = AsciiClass::kLetter;
  t['@'] = AsciiClass::kLetter;
  for (int c = '0'; c <= '9'; ++c) t[c] = AsciiClass::kDigit;
  t['_'] = AsciiClass::kUnderscore;
  t['.'] = AsciiClass::kMidNumLet;
  t['\''] = AsciiClass::kQuote;
  t[','] = AsciiClass::kMidNum;
  t[';'] = AsciiClass::kMidNum;
  return t;
}
constexpr std::array<AsciiClass, 128> kAsciiClasses = MakeAsciiClasses();

inline AsciiClass ClassOf(char c) { return kAsciiClasses[static_cast<unsigned char>(c) & 0x7F]; }

inline bool IsWordChar(AsciiClass c) {
  static_assert(static_cast<int>(AsciiClass::kDigit) == static_cast<int>(AsciiClass::kLetter) + 1 &&
                static_cast<int>(AsciiClass::kUnderscore) == static_cast<int>(AsciiClass::kLetter) + 2);
  return static_cast<uint8_t>(static_cast<uint8_t>(c) - static_cast<uint8_t>(AsciiClass::kLetter)) < 3;
}

// Whether the word ending at text[j - 1] continues across the middle
// character text[j] (needs j + 1 < size): WB6/7 letter (. ') letter, WB11/12
// digit (. ' , ;) digit.
inline bool JoinsAcrossMid(std::string_view text, size_t j) {
  const AsciiClass last = ClassOf(text[j - 1]), d = ClassOf(text[j]), e = ClassOf(text[j + 1]);
  const bool letter_mid =
      last == AsciiClass::kLetter && e == AsciiClass::kLetter && (d == AsciiClass::kMidNumLet || d == AsciiClass::kQuote);
  const bool digit_mid = last == AsciiClass::kDigit && e == AsciiClass::kDigit &&
                         (d == AsciiClass::kMidNumLet || d == AsciiClass::kQuote || d == AsciiClass::kMidNum);
  return letter_mid || digit_mid;
}

// ICU's rule status of the ASCII word text[i, j) comes from the state reached
// by its last character: a letter -> letter (200), a digit -> number (100),
// '_' -> number after a digit, letter otherwise; a lone '_' is no word (0).
// (A '_' never directly follows a Mid* character inside a word.)
inline WordKind KindOfAsciiWord(std::string_view text, size_t i, size_t j) {
  const AsciiClass last = ClassOf(text[j - 1]);
  if (last == AsciiClass::kLetter) return WordKind::kLetter;
  if (last == AsciiClass::kDigit) return WordKind::kNumber;
  if (j - i > 1) return ClassOf(text[j - 2]) == AsciiClass::kDigit ? WordKind::kNumber : WordKind::kLetter;
  return WordKind::kNone;
}

// Index of the first byte >= 0x80 in s[from, size), or size.
inline size_t FindNonAscii(std::string_view s, size_t from) {
  size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ull) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

// ASCII whitespace for the cut points: WSegSpace, Other (tab), CR, LF, Newline.
inline bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// ICU always breaks at `pos` (0 < pos < size) when both neighbours are ASCII and
// exactly one is whitespace: no rule of WB3-WB13b joins whitespace to a
// non-whitespace ASCII character (WB3 joins CR LF, WB3d space space, WB4 only
// attaches Extend/Format/ZWJ, none of which is ASCII, and WB5-WB13b need
// letters, digits, '_' or a Mid* character on both sides). The forward
// iterator restarts from every boundary with only the text after it, so the
// pieces between such positions can be segmented independently.
inline bool IsCut(std::string_view s, size_t pos) {
  unsigned char l = static_cast<unsigned char>(s[pos - 1]), r = static_cast<unsigned char>(s[pos]);
  return ((l | r) < 0x80) && IsAsciiSpace(l) != IsAsciiSpace(r);
}

}  // namespace

namespace {

// Words only (no non-word segments) of pure-ASCII text: the same spans and
// kinds as the general loop below, found as runs of set bits in a bitmask of
// word characters (letters, '@', digits, '_') joined across single Mid*
// characters, so there is no branch per character.
void AsciiWordsOnly(std::string_view text, uint32_t base, std::vector<WordSpan>* out) {
  const size_t n = text.size();
  const size_t words = n / 64 + 1;  // bits >= n stay clear
  thread_local std::vector<uint64_t> mask;
  mask.assign(words, 0);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t w = 0;
#ifdef __SSE2__
  // 16 bytes at a time (SSE2 is part of x86-64): letters ((c | 0x20) in
  // 'a'..'z'), '@', digits and '_'. All bytes are ASCII, so signed byte
  // compares are exact.
  const __m128i k20 = _mm_set1_epi8(0x20), ka = _mm_set1_epi8('a' - 1), kz = _mm_set1_epi8('z' + 1);
  const __m128i k0 = _mm_set1_epi8('0' - 1), k9 = _mm_set1_epi8('9' + 1);
  const __m128i kat = _mm_set1_epi8('@'), kus = _mm_set1_epi8('_');
  for (; (w + 1) * 64 <= n; ++w) {
    uint64_t m = 0;
    for (int q = 0; q < 4; ++q) {
      const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + w * 64 + q * 16));
      const __m128i lc = _mm_or_si128(c, k20);
      __m128i is = _mm_and_si128(_mm_cmpgt_epi8(lc, ka), _mm_cmpgt_epi8(kz, lc));
      is = _mm_or_si128(is, _mm_and_si128(_mm_cmpgt_epi8(c, k0), _mm_cmpgt_epi8(k9, c)));
      is = _mm_or_si128(is, _mm_or_si128(_mm_cmpeq_epi8(c, kat), _mm_cmpeq_epi8(c, kus)));
      m |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(is))) << (q * 16);
    }
    mask[w] = m;
  }
#endif
  for (; w < words; ++w) {
    const size_t begin = w * 64, end = std::min(n, begin + 64);
    uint64_t m = 0;
    for (size_t i = begin; i < end; ++i) m |= static_cast<uint64_t>(IsWordChar(kAsciiClasses[p[i] & 0x7F])) << (i - begin);
    mask[w] = m;
  }
  auto next = [&](size_t pos, bool set) -> size_t {  // first position >= pos with the bit == set, or n
    size_t w = pos >> 6;
    if (w >= words) return n;
    uint64_t x = (set ? mask[w] : ~mask[w]) & (~0ull << (pos & 63));
    while (x == 0) {
      if (++w == words) return n;
      x = set ? mask[w] : ~mask[w];
    }
    return std::min(n, (w << 6) + static_cast<size_t>(__builtin_ctzll(x)));
  };
  size_t pos = 0;
  while (true) {
    const size_t i = next(pos, true);
    if (i >= n) break;
    size_t j = next(i + 1, false);
    // WB6/7: letter (. ') letter; WB11/12: digit (. ' , ;) digit.
    while (j + 1 < n) {
      if (!JoinsAcrossMid(text, j)) break;
      j = next(j + 2, false);
    }
    const WordKind kind = KindOfAsciiWord(text, i, j);
    if (kind != WordKind::kNone) {
      out->push_back(WordSpan{base + static_cast<uint32_t>(i), base + static_cast<uint32_t>(j), kind});
    }
    pos = j;
  }
}

}  // namespace

void SegmentAsciiWords(std::string_view text, uint32_t base, std::vector<WordSpan>* out, bool include_non_words) {
  if (!include_non_words) {
    AsciiWordsOnly(text, base, out);
    return;
  }
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const AsciiClass c = ClassOf(text[i]);
    size_t j = i + 1;
    WordKind kind = WordKind::kNone;
    if (IsWordChar(c)) {
      // WB5, WB8-WB10, WB13a/b join letters, digits and '_'; WB6/7 join
      // letter (. or ') letter; WB11/12 join digit (. ' , ;) digit.
      while (true) {
        while (j < n && IsWordChar(ClassOf(text[j]))) ++j;
        if (j + 1 >= n) break;
        if (!JoinsAcrossMid(text, j)) break;
        j += 2;
      }
      kind = KindOfAsciiWord(text, i, j);
    } else if (c == AsciiClass::kCr) {
      if (j < n && text[j] == '\n') ++j;  // WB3
    } else if (c == AsciiClass::kSpace) {
      while (j < n && text[j] == ' ') ++j;  // WB3d
    }
    if (kind != WordKind::kNone || include_non_words) {
      out->push_back(WordSpan{base + static_cast<uint32_t>(i), base + static_cast<uint32_t>(j), kind});
    }
    i = j;
  }
}

void WordSegmenter::SegmentIcu(std::string_view utf8, size_t begin, size_t end, std::vector<WordSpan>* out,
                               bool include_non_words) {
  UErrorCode status = U_ZERO_ERROR;
  const uint32_t base = static_cast<uint32_t>(begin);
  const uint32_t* offset = nullptr;  // UTF-16 index -> byte offset, or null for native UTF-8 indexes
  if (mode_ == Mode::kIcuOnly) {
    utext_openUTF8(&impl_->text, utf8.data() + begin, static_cast<int64_t>(end - begin), &status);
  } else {
    // ICU runs on UTF-16: a UTF-8 UText converts chunk by chunk, and the CJK
    // dictionary engine copies such text (with an index map) before every
    // dictionary range. Convert once, with our own index map.
    std::vector<UChar>& u16 = impl_->utf16;
    std::vector<uint32_t>& map = impl_->utf8_offset;
    u16.resize(end - begin + 1);
    map.resize(end - begin + 2);
    size_t k = 0;
    for (size_t i = begin; i < end;) {
      const size_t at = i - begin;
      const uint32_t cp = DecodeUtf8(utf8.substr(0, end), &i);
      if (cp < 0x10000) {
        map[k] = static_cast<uint32_t>(at);
        u16[k++] = static_cast<UChar>(cp);
      } else {
        map[k] = static_cast<uint32_t>(at);
        u16[k++] = static_cast<UChar>(0xD7C0 + (cp >> 10));
        map[k] = static_cast<uint32_t>(at);
        u16[k++] = static_cast<UChar>(0xDC00 | (cp & 0x3FF));
      }
    }
    map[k] = static_cast<uint32_t>(end - begin);
    offset = map.data();
    utext_openUChars(&impl_->text, u16.data(), static_cast<int64_t>(k), &status);
  }
  if (U_FAILURE(status)) return;
  impl_->iter->setText(&impl_->text, status);
  if (U_FAILURE(status)) return;
  // Break positions are native indexes: bytes for UTF-8, UTF-16 units otherwise.
  auto to_byte = [&](int32_t pos) { return base + (offset ? offset[pos] : static_cast<uint32_t>(pos)); };
  int32_t b = impl_->iter->first();
  for (int32_t e = impl_->iter->next(); e != icu::BreakIterator::DONE; b = e, e = impl_->iter->next()) {
    WordKind kind = KindFromStatus(impl_->iter->getRuleStatus());
    if (kind == WordKind::kNone && !include_non_words) continue;
    out->push_back(WordSpan{to_byte(b), to_byte(e), kind});
  }
}

void WordSegmenter::Segment(std::string_view utf8, std::vector<WordSpan>* out, bool include_non_words) {
  out->clear();
  const size_t n = utf8.size();
  if (n == 0) return;
  bool used_icu = false;
  if (mode_ == Mode::kIcuOnly) {
    SegmentIcu(utf8, 0, n, out, include_non_words);
    used_icu = true;
  } else {
    // [done, n) is left to segment; `done` is always an ICU boundary.
    size_t done = 0;
    while (done < n) {
      const size_t na = FindNonAscii(utf8, done);
      if (na == n) {
        SegmentAsciiWords(utf8.substr(done, n - done), static_cast<uint32_t>(done), out, include_non_words);
        break;
      }
      // ASCII up to the last cut before the non-ASCII byte: fast path.
      size_t icu_begin = na;
      while (icu_begin > done && !IsCut(utf8, icu_begin)) --icu_begin;
      if (icu_begin > done) {
        SegmentAsciiWords(utf8.substr(done, icu_begin - done), static_cast<uint32_t>(done), out, include_non_words);
      }
      // ICU from there to the first cut after it (which may span several
      // non-ASCII runs: one ICU call for all of them).
      size_t icu_end = na + 1;
      while (icu_end < n && !IsCut(utf8, icu_end)) ++icu_end;
      SegmentIcu(utf8, icu_begin, icu_end, out, include_non_words);
      used_icu = true;
      done = icu_end;
    }
  }
  if (used_icu) {
    // Detach the iterator from the caller's buffer.
    UErrorCode status = U_ZERO_ERROR;
    utext_openUTF8(&impl_->text, "", 0, &status);
    impl_->iter->setText(&impl_->text, status);
  }
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

}  // namespace sluice
