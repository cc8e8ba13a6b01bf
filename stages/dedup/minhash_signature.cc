#include "stages/text/utf8.h"
#include "stages/dedup/minhash_signature.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>
// Inlined XXH3 (the same algorithm and values as libxxhash): hashing 40-byte
// n-grams and short words is the hot loop, a call into the shared library costs.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>


#include "stages/text/word_segmenter.h"

namespace sluice {

namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Dedup-only normalization of one code point with ICU: 0 = drop it.
uint32_t NormalizeCodePointIcu(uint32_t cp) {
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') return cp + ('a' - 'A');
    if (cp >= 'a' && cp <= 'z') return cp;
    if (cp >= '0' && cp <= '9') return '0';
    return 0;  // ASCII punctuation, symbols, spaces and controls
  }
  UChar32 c = static_cast<UChar32>(cp);
  if (u_ispunct(c) || u_isUWhiteSpace(c) || u_iscntrl(c)) return 0;
  if (u_isdigit(c)) return '0';
  return static_cast<uint32_t>(u_foldCase(c, U_FOLD_CASE_DEFAULT));
}

// NormalizeCodePointIcu for the whole BMP, computed once (5 ICU property
// look-ups per code point otherwise; Chinese text is all non-ASCII). Entries
// are the result, or kBmpNotCached when it does not fit 16 bits.
constexpr uint16_t kBmpNotCached = 0xFFFF;
const uint16_t* BmpNormalizationTable() {
  static const std::vector<uint16_t> table = [] {
    std::vector<uint16_t> t(0x10000);
    for (uint32_t cp = 0; cp < 0x10000; ++cp) {
      uint32_t n = NormalizeCodePointIcu(cp);
      t[cp] = n < kBmpNotCached ? static_cast<uint16_t>(n) : kBmpNotCached;
    }
    return t;
  }();
  return table.data();
}

// Dedup-only normalization of one code point: 0 = drop it.
inline uint32_t NormalizeCodePoint(uint32_t cp) {
  if (cp < 0x10000) {
    static const uint16_t* const table = BmpNormalizationTable();
    uint16_t n = table[cp];
    if (n != kBmpNotCached) return n;
  }
  return NormalizeCodePointIcu(cp);
}

// ASCII bytes: lower-case letter, '0' for digits, 0 to drop.
constexpr std::array<char, 128> MakeAsciiNormalization() {
  std::array<char, 128> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = static_cast<char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<char>(c + ('a' - 'A'));
  for (int c = '0'; c <= '9'; ++c) t[c] = '0';
  return t;
}
constexpr std::array<char, 128> kAsciiNormalization = MakeAsciiNormalization();

struct Scratch {
  std::vector<WordSpan> spans;
  std::vector<uint64_t> word_hashes;
  std::vector<uint32_t> code_points;
  std::vector<uint64_t> shingles;
  std::string word;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

}  // namespace

namespace {

// The fastest kernel the CPU runs: AVX-512, else AVX2, else scalar (all give the same values).
template <typename X>
void RunBestKernel(bool (*avx512)(const uint64_t*, const uint64_t*, int, const X*, size_t, uint64_t*),
                   bool (*avx2)(const uint64_t*, const uint64_t*, int, const X*, size_t, uint64_t*),
                   void (*scalar)(const uint64_t*, const uint64_t*, int, const X*, size_t, uint64_t*),
                   const uint64_t* a, const uint64_t* b, int k, const X* x, size_t n, uint64_t* mins) {
  if (!avx512(a, b, k, x, n, mins) && !avx2(a, b, k, x, n, mins)) scalar(a, b, k, x, n, mins);
}

}  // namespace


double LshCandidateProbability(double s, int bands, int rows) {
  return 1.0 - std::pow(1.0 - std::pow(s, rows), bands);
}

std::pair<int, int> DeriveBandsRows(double threshold, int num_perm) {
  std::pair<int, int> out{num_perm, 1};
  for (int r = 1; r <= num_perm; ++r) {
    int b = num_perm / r;
    if (LshCandidateProbability(threshold, b, r) >= kDerivedRecallAtThreshold) out = {b, r};
  }
  return out;
}

MinHasher::MinHasher(const MinHashParams& params) : params_(params) {
  uint64_t state = params.seed;
  int k = params.num_perm();
  a_.resize(k);
  b_.resize(k);
  for (int i = 0; i < k; ++i) {
    if (params.family == MinHashFamily::kMersenne61) {
      a_[i] = SplitMix64(&state) % (kMinHashPrime - 1) + 1;
      b_[i] = SplitMix64(&state) % kMinHashPrime;
    } else {
      a_[i] = SplitMix64(&state);  // uniform over [0, 2^64)
      b_[i] = SplitMix64(&state);
    }
  }
}

void MinHasher::NormalizeWord(std::string_view word, std::string* out) {
  out->clear();
  size_t i = 0;
  while (i < word.size()) {
    unsigned char c = static_cast<unsigned char>(word[i]);
    if (c < 0x80) {
      ++i;
      char n = kAsciiNormalization[c];
      if (n != 0) out->push_back(n);
      continue;
    }
    uint32_t cp = DecodeUtf8(word, &i);
    uint32_t n = NormalizeCodePoint(cp);
    if (n != 0) AppendUtf8(out, n);
  }
}

namespace {

#ifdef __SSE2__
// The common case without a loop per byte: a word of at most 16 ASCII letters
// and digits whose 16 bytes from its start can be read (`readable`), normalized
// in one vector (letters lower-cased, digits to '0') and hashed like
// NormalizedWordHash. Returns false, touching nothing, for anything else
// (non-ASCII, punctuation to drop, longer words, the text's last bytes).
inline bool ShortAsciiWordHash(const char* word, size_t size, size_t readable, uint64_t* hash) {
  if (size == 0 || size > 16 || readable < 16) return false;
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(word));
  const unsigned in_word = (1u << size) - 1;
  // Non-ASCII bytes are negative as signed chars: in none of the ranges below.
  const __m128i lc = _mm_or_si128(c, _mm_set1_epi8(0x20));
  const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lc, _mm_set1_epi8('a' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), lc));
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), c));
  const unsigned kept = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(letter, digit)));
  if ((kept & in_word) != in_word) return false;
  const __m128i norm = _mm_or_si128(_mm_and_si128(letter, lc), _mm_and_si128(digit, _mm_set1_epi8('0')));
  alignas(16) char buf[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(buf), norm);
  *hash = XXH3_64bits(buf, size);
  return true;
}
#endif

// XXH3 of NormalizeWord(word) without building a string for short words.
// Returns false when the normalized word is empty. Every code point normalizes
// to at most 4 UTF-8 bytes, so 4 * size bytes always suffice.
bool NormalizedWordHash(std::string_view word, std::string* scratch, uint64_t* hash) {
  constexpr size_t kStackWord = 64;
  if (word.size() > kStackWord) {
    MinHasher::NormalizeWord(word, scratch);
    if (scratch->empty()) return false;
    *hash = XXH3_64bits(scratch->data(), scratch->size());
    return true;
  }
  char buf[4 * kStackWord];
  size_t len = 0;
  size_t i = 0;
  // Leading ASCII (all of most words) without the UTF-8 decoder.
  for (; i < word.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(word[i]);
    if (c >= 0x80) break;
    const char n = kAsciiNormalization[c];
    buf[len] = n;
    len += n != 0;
  }
  while (i < word.size()) {
    unsigned char c = static_cast<unsigned char>(word[i]);
    if (c < 0x80) {
      ++i;
      char n = kAsciiNormalization[c];
      buf[len] = n;
      len += n != 0;
      continue;
    }
    uint32_t n = NormalizeCodePoint(DecodeUtf8(word, &i));
    if (n == 0) continue;
    if (n < 0x80) {
      buf[len++] = static_cast<char>(n);
    } else if (n < 0x800) {
      buf[len++] = static_cast<char>(0xC0 | (n >> 6));
      buf[len++] = static_cast<char>(0x80 | (n & 0x3F));
    } else if (n < 0x10000) {
      buf[len++] = static_cast<char>(0xE0 | (n >> 12));
      buf[len++] = static_cast<char>(0x80 | ((n >> 6) & 0x3F));
      buf[len++] = static_cast<char>(0x80 | (n & 0x3F));
    } else {
      buf[len++] = static_cast<char>(0xF0 | (n >> 18));
      buf[len++] = static_cast<char>(0x80 | ((n >> 12) & 0x3F));
      buf[len++] = static_cast<char>(0x80 | ((n >> 6) & 0x3F));
      buf[len++] = static_cast<char>(0x80 | (n & 0x3F));
    }
  }
  if (len == 0) return false;
  *hash = XXH3_64bits(buf, len);
  return true;
}

}  // namespace

namespace {

// out[i] = XXH3 of words[i, i + N): a constant length lets the inlined XXH3
// drop its length dispatch.
template <size_t N>
void HashNgramsFixed(const uint64_t* words, size_t m, uint64_t* out) {
  for (size_t i = 0; i + N <= m; ++i) out[i] = XXH3_64bits(words + i, N * sizeof(uint64_t));
}

__attribute__((flatten)) void HashWordNgrams(const uint64_t* words, size_t m, size_t n, uint64_t* out) {
  switch (n) {
    case 3: return HashNgramsFixed<3>(words, m, out);
    case 4: return HashNgramsFixed<4>(words, m, out);
    case 5: return HashNgramsFixed<5>(words, m, out);
    case 6: return HashNgramsFixed<6>(words, m, out);
    case 7: return HashNgramsFixed<7>(words, m, out);
    default:
      for (size_t i = 0; i + n <= m; ++i) out[i] = XXH3_64bits(words + i, n * sizeof(uint64_t));
  }
}

}  // namespace

void MinHasher::Shingles(std::string_view text, std::vector<uint64_t>* out) const {
  out->clear();
  Scratch& s = ThreadScratch();
  if (params_.shingle == ShingleMode::kWord) {
    WordSegmenter::ThreadLocal().Segment(text, &s.spans);
    s.word_hashes.clear();
    s.word_hashes.reserve(s.spans.size());
    for (const WordSpan& span : s.spans) {
      uint64_t h;
#ifdef __SSE2__
      if (ShortAsciiWordHash(text.data() + span.begin, span.end - span.begin, text.size() - span.begin, &h)) {
        s.word_hashes.push_back(h);
        continue;
      }
#endif
      if (NormalizedWordHash(span.in(text), &s.word, &h)) s.word_hashes.push_back(h);
    }
    size_t m = s.word_hashes.size();
    size_t n = static_cast<size_t>(params_.word_ngram);
    if (m == 0) return;
    if (m < n) {
      out->push_back(XXH3_64bits(s.word_hashes.data(), m * sizeof(uint64_t)));
      return;
    }
    out->resize(m - n + 1);
    HashWordNgrams(s.word_hashes.data(), m, n, out->data());
    return;
  }
  // Character n-grams over the normalized code points.
  s.code_points.clear();
  size_t i = 0;
  bool pending_space = false;
  while (i < text.size()) {
    uint32_t cp = DecodeUtf8(text, &i);
    if (cp < 0x80 ? (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) : u_isUWhiteSpace(static_cast<UChar32>(cp))) {
      pending_space = !s.code_points.empty();
      continue;
    }
    uint32_t n = NormalizeCodePoint(cp);
    if (n == 0) continue;
    if (pending_space) s.code_points.push_back(' ');
    pending_space = false;
    s.code_points.push_back(n);
  }
  size_t m = s.code_points.size();
  size_t n = static_cast<size_t>(params_.char_ngram);
  if (m == 0) return;
  if (m < n) {
    out->push_back(XXH3_64bits(s.code_points.data(), m * sizeof(uint32_t)));
    return;
  }
  out->reserve(m - n + 1);
  for (size_t j = 0; j + n <= m; ++j) {
    out->push_back(XXH3_64bits(s.code_points.data() + j, n * sizeof(uint32_t)));
  }
}

void MinHasher::Compute(std::string_view text, MinHashSignature* sig) const {
  Scratch& s = ThreadScratch();
  std::vector<uint64_t> shingles = std::move(s.shingles);
  Shingles(text, &shingles);
  ComputeFromShingles(shingles, sig);
  s.shingles = std::move(shingles);
}

void MinHasher::ComputeFromShingles(const std::vector<uint64_t>& shingles, MinHashSignature* sig) const {
  sig->shingles = shingles.size();
  sig->mins.clear();
  if (shingles.empty()) return;
  const int k = params_.num_perm();
  sig->mins.resize(k);
  if (params_.family == MinHashFamily::kMultiplyShift) {
    thread_local std::vector<uint32_t> ids;
    ids.resize(shingles.size());
    for (size_t j = 0; j < shingles.size(); ++j) ids[j] = static_cast<uint32_t>(shingles[j]);
    RunBestKernel<uint32_t>(MulShiftMinsAvx512, MulShiftMinsAvx2, MulShiftMinsScalar, a_.data(), b_.data(), k,
                            ids.data(), ids.size(), sig->mins.data());
    return;
  }
  thread_local std::vector<uint64_t> xs;
  xs.resize(shingles.size());
  for (size_t j = 0; j < shingles.size(); ++j) xs[j] = shingles[j] & kMinHashPrime;
  // The AVX-512 and AVX2 kernels (runtime-dispatched) and the scalar one compute
  // the same exact values; a test checks them against each other.
  RunBestKernel<uint64_t>(MinHashMinsAvx512, MinHashMinsAvx2, MinHashMinsScalar, a_.data(), b_.data(), k, xs.data(),
                          xs.size(), sig->mins.data());
}

uint32_t MinHasher::BandKey(const MinHashSignature& sig, int band) const {
  const int r = params_.rows;
  return static_cast<uint32_t>(
      XXH3_64bits_withSeed(sig.mins.data() + static_cast<size_t>(band) * r, r * sizeof(uint64_t),
                           static_cast<uint64_t>(band)));
}

void MinHasher::Compact(const MinHashSignature& sig, std::vector<uint16_t>* out) {
  out->resize(sig.mins.size());
  for (size_t i = 0; i < sig.mins.size(); ++i) (*out)[i] = static_cast<uint16_t>(sig.mins[i]);
}

double CompactSimilarity(const uint16_t* x, const uint16_t* y, int num_perm) {
  int equal = 0;
  for (int i = 0; i < num_perm; ++i) equal += x[i] == y[i];
  return static_cast<double>(equal) / num_perm;
}

}  // namespace sluice
