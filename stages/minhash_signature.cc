#include "stages/utf8.h"
#include "stages/minhash_signature.h"

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

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SLUICE_MINHASH_AVX2 1
#endif

#include "stages/word_segmenter.h"

namespace sluice {

namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// (a * x + b) mod 2^61-1 for a, b, x < 2^61. With 2^61 = 1 (mod p):
// a*x = hi*2^61 + lo61 = hi + lo61, and hi + lo61 + b < 3 * 2^61.
inline uint64_t MulAddMod61(uint64_t a, uint64_t x, uint64_t b) {
  unsigned __int128 prod = static_cast<unsigned __int128>(a) * x;
  uint64_t lo = static_cast<uint64_t>(prod);
  uint64_t hi = static_cast<uint64_t>(prod >> 61);
  uint64_t r = (lo & kMinHashPrime) + hi + b;
  r = (r & kMinHashPrime) + (r >> 61);  // <= p + 2
  return r >= kMinHashPrime ? r - kMinHashPrime : r;
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

// Runs a SIMD kernel when the CPU has its instruction set (false otherwise,
// and for n == 0, so the caller falls back to the next kernel).
template <typename X>
bool RunKernel(bool supported, void (*kernel)(const uint64_t*, const uint64_t*, int, const X*, size_t, uint64_t*),
               const uint64_t* a, const uint64_t* b, int k, const X* x, size_t n, uint64_t* mins) {
  if (!supported || n == 0) return false;
  kernel(a, b, k, x, n, mins);
  return true;
}

#ifdef SLUICE_MINHASH_AVX2
// SLUICE_MINHASH_ISA=avx2 or =scalar caps the instruction set (for benchmarks
// and for checking the fallbacks on a newer CPU); the values never change.
bool IsaAllowed(std::string_view isa) {
  static const std::string cap = [] {
    const char* env = std::getenv("SLUICE_MINHASH_ISA");
    return std::string(env ? env : "");
  }();
  if (cap == "scalar") return false;
  return !(cap == "avx2" && isa == "avx512");
}
bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2") && IsaAllowed("avx2");
  return has;
}
bool CpuHasAvx512() {
  static const bool has = __builtin_cpu_supports("avx512f") && IsaAllowed("avx512");
  return has;
}
#endif

}  // namespace

void MinHashMinsScalar(const uint64_t* a, const uint64_t* b, int k, const uint64_t* x, size_t n, uint64_t* mins) {
  // Permutation-outer, shingle-inner, four permutations per pass: the minima
  // stay in registers and the iterations are independent (good ILP).
  int i = 0;
  for (; i + 4 <= k; i += 4) {
    const uint64_t a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
    const uint64_t b0 = b[i], b1 = b[i + 1], b2 = b[i + 2], b3 = b[i + 3];
    uint64_t m0 = ~0ull, m1 = ~0ull, m2 = ~0ull, m3 = ~0ull;
    for (size_t j = 0; j < n; ++j) {
      const uint64_t v = x[j];
      uint64_t v0 = MulAddMod61(a0, v, b0), v1 = MulAddMod61(a1, v, b1);
      uint64_t v2 = MulAddMod61(a2, v, b2), v3 = MulAddMod61(a3, v, b3);
      m0 = v0 < m0 ? v0 : m0;
      m1 = v1 < m1 ? v1 : m1;
      m2 = v2 < m2 ? v2 : m2;
      m3 = v3 < m3 ? v3 : m3;
    }
    mins[i] = m0;
    mins[i + 1] = m1;
    mins[i + 2] = m2;
    mins[i + 3] = m3;
  }
  for (; i < k; ++i) {
    uint64_t m = ~0ull;
    for (size_t j = 0; j < n; ++j) {
      uint64_t v = MulAddMod61(a[i], x[j], b[i]);
      m = v < m ? v : m;
    }
    mins[i] = m;
  }
}

#ifdef SLUICE_MINHASH_AVX2
namespace {
// Four lanes of (a*x + b) mod 2^61-1 from 32x32->64 products. With a, x < 2^61
// split at bit 32 (high halves < 2^29) and 2^61 = 1 (mod p):
//   a*x = hh*2^64 + (lh+hl)*2^32 + ll = 8*hh + mid_hi + mid_lo*2^32 + ll_hi + ll_lo  (mod p)
// where mid = lh+hl = mid_hi*2^29 + mid_lo and ll = ll_hi*2^61 + ll_lo; the sum
// plus b stays below 2^63. Values are < 2^62, so signed compares are safe.
__attribute__((target("avx2"), always_inline)) inline __m256i Avx2Step(__m256i a, __m256i ah, __m256i b, __m256i x,
                                                                        __m256i xh, __m256i m) {
  const __m256i p = _mm256_set1_epi64x(static_cast<long long>(kMinHashPrime));
  const __m256i pm1 = _mm256_set1_epi64x(static_cast<long long>(kMinHashPrime - 1));
  const __m256i lo29 = _mm256_set1_epi64x((1ll << 29) - 1);
  __m256i ll = _mm256_mul_epu32(a, x);
  __m256i mid = _mm256_add_epi64(_mm256_mul_epu32(a, xh), _mm256_mul_epu32(ah, x));
  __m256i hh = _mm256_mul_epu32(ah, xh);
  __m256i sum = _mm256_add_epi64(_mm256_slli_epi64(hh, 3), _mm256_srli_epi64(mid, 29));
  sum = _mm256_add_epi64(sum, _mm256_slli_epi64(_mm256_and_si256(mid, lo29), 32));
  sum = _mm256_add_epi64(sum, _mm256_srli_epi64(ll, 61));
  sum = _mm256_add_epi64(sum, _mm256_and_si256(ll, p));
  sum = _mm256_add_epi64(sum, b);
  __m256i r = _mm256_add_epi64(_mm256_and_si256(sum, p), _mm256_srli_epi64(sum, 61));
  r = _mm256_sub_epi64(r, _mm256_and_si256(_mm256_cmpgt_epi64(r, pm1), p));
  return _mm256_blendv_epi8(m, r, _mm256_cmpgt_epi64(m, r));
}
}  // namespace

__attribute__((target("avx2"))) static void MinHashMinsAvx2Impl(const uint64_t* a, const uint64_t* b, int k,
                                                                 const uint64_t* x, size_t n, uint64_t* mins) {
  const __m256i init = _mm256_set1_epi64x(1ll << 62);
  int i = 0;
  for (; i + 8 <= k; i += 8) {
    __m256i a0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
    __m256i a1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i + 4));
    __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
    __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i + 4));
    __m256i a0h = _mm256_srli_epi64(a0, 32), a1h = _mm256_srli_epi64(a1, 32);
    __m256i m0 = init, m1 = init;
    for (size_t j = 0; j < n; ++j) {
      __m256i vx = _mm256_set1_epi64x(static_cast<long long>(x[j]));
      __m256i xh = _mm256_srli_epi64(vx, 32);
      m0 = Avx2Step(a0, a0h, b0, vx, xh, m0);
      m1 = Avx2Step(a1, a1h, b1, vx, xh, m1);
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(mins + i), m0);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(mins + i + 4), m1);
  }
  for (; i + 4 <= k; i += 4) {
    __m256i a0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
    __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
    __m256i a0h = _mm256_srli_epi64(a0, 32);
    __m256i m0 = init;
    for (size_t j = 0; j < n; ++j) {
      __m256i vx = _mm256_set1_epi64x(static_cast<long long>(x[j]));
      m0 = Avx2Step(a0, a0h, b0, vx, _mm256_srli_epi64(vx, 32), m0);
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(mins + i), m0);
  }
  if (i < k) MinHashMinsScalar(a + i, b + i, k - i, x, n, mins + i);
}
#endif

#ifdef SLUICE_MINHASH_AVX2
// GCC 12's avx512fintrin.h seeds shifts and multiplies with
// _mm512_undefined_epi32() and then warns about it (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
namespace {
// The same arithmetic as Avx2Step on eight lanes, with AVX-512's unsigned
// 64-bit min: the sum (< 2^64, unsigned) folds to r = (sum & p) + (sum >> 61)
// < p + 8, and min(r, r - p) is r mod p (r - p wraps above r when r < p).
// `ah8` = 8 * ah holds the 2^64 = 8 (mod p) factor of the high product.
struct Avx512Lane {
  __m512i a, ah, ah8, b, m;
};

__attribute__((target("avx512f"), always_inline)) inline __m512i Avx512Step(const Avx512Lane& l, __m512i x,
                                                                            __m512i xh) {
  const __m512i p = _mm512_set1_epi64(static_cast<long long>(kMinHashPrime));
  const __m512i lo29 = _mm512_set1_epi64((1ll << 29) - 1);
  __m512i ll = _mm512_mul_epu32(l.a, x);
  __m512i mid = _mm512_add_epi64(_mm512_mul_epu32(l.a, xh), _mm512_mul_epu32(l.ah, x));
  __m512i sum = _mm512_add_epi64(_mm512_mul_epu32(l.ah8, xh), _mm512_srli_epi64(mid, 29));
  sum = _mm512_add_epi64(sum, _mm512_slli_epi64(_mm512_and_si512(mid, lo29), 32));
  sum = _mm512_add_epi64(sum, _mm512_srli_epi64(ll, 61));
  sum = _mm512_add_epi64(sum, _mm512_and_si512(ll, p));
  sum = _mm512_add_epi64(sum, l.b);
  __m512i r = _mm512_add_epi64(_mm512_and_si512(sum, p), _mm512_srli_epi64(sum, 61));
  r = _mm512_min_epu64(r, _mm512_sub_epi64(r, p));
  return _mm512_min_epu64(l.m, r);
}

// kVecs x 8 permutations per pass over the shingles, minima in registers. The
// loops over kVecs must be unrolled (the pragmas): GCC 12 otherwise keeps the
// lane arrays on the stack, and every step then waits for its own store.
template <int kVecs>
__attribute__((target("avx512f"), always_inline)) inline void Avx512Block(const uint64_t* a, const uint64_t* b,
                                                                          const uint64_t* x, size_t n,
                                                                          uint64_t* mins) {
  Avx512Lane lanes[kVecs];
  #pragma GCC unroll 8
  for (int v = 0; v < kVecs; ++v) {
    lanes[v].a = _mm512_loadu_si512(a + 8 * v);
    lanes[v].b = _mm512_loadu_si512(b + 8 * v);
    lanes[v].ah = _mm512_srli_epi64(lanes[v].a, 32);
    lanes[v].ah8 = _mm512_slli_epi64(lanes[v].ah, 3);
    lanes[v].m = _mm512_set1_epi64(-1);
  }
  for (size_t j = 0; j < n; ++j) {
    const __m512i vx = _mm512_set1_epi64(static_cast<long long>(x[j]));
    const __m512i xh = _mm512_srli_epi64(vx, 32);
    #pragma GCC unroll 8
    for (int v = 0; v < kVecs; ++v) lanes[v].m = Avx512Step(lanes[v], vx, xh);
  }
  #pragma GCC unroll 8
  for (int v = 0; v < kVecs; ++v) _mm512_storeu_si512(mins + 8 * v, lanes[v].m);
}
}  // namespace

__attribute__((target("avx512f"))) static void MinHashMinsAvx512Impl(const uint64_t* a, const uint64_t* b, int k,
                                                                      const uint64_t* x, size_t n, uint64_t* mins) {
  int i = 0;
  for (; i + 32 <= k; i += 32) Avx512Block<4>(a + i, b + i, x, n, mins + i);
  for (; i + 16 <= k; i += 16) Avx512Block<2>(a + i, b + i, x, n, mins + i);
  for (; i + 8 <= k; i += 8) Avx512Block<1>(a + i, b + i, x, n, mins + i);
  if (i < k) MinHashMinsScalar(a + i, b + i, k - i, x, n, mins + i);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

bool MinHashMinsAvx512(const uint64_t* a, const uint64_t* b, int k, const uint64_t* x, size_t n, uint64_t* mins) {
#ifdef SLUICE_MINHASH_AVX2
  return RunKernel<uint64_t>(CpuHasAvx512(), MinHashMinsAvx512Impl, a, b, k, x, n, mins);
#else
  return RunKernel<uint64_t>(false, nullptr, a, b, k, x, n, mins);
#endif
}

bool MinHashMinsAvx2(const uint64_t* a, const uint64_t* b, int k, const uint64_t* x, size_t n, uint64_t* mins) {
#ifdef SLUICE_MINHASH_AVX2
  return RunKernel<uint64_t>(CpuHasAvx2(), MinHashMinsAvx2Impl, a, b, k, x, n, mins);
#else
  return RunKernel<uint64_t>(false, nullptr, a, b, k, x, n, mins);
#endif
}

void MulShiftMinsScalar(const uint64_t* a, const uint64_t* b, int k, const uint32_t* x, size_t n, uint64_t* mins) {
  int i = 0;
  for (; i + 4 <= k; i += 4) {
    const uint64_t a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
    const uint64_t b0 = b[i], b1 = b[i + 1], b2 = b[i + 2], b3 = b[i + 3];
    uint64_t m0 = ~0ull, m1 = ~0ull, m2 = ~0ull, m3 = ~0ull;
    for (size_t j = 0; j < n; ++j) {
      const uint64_t v = x[j];
      const uint64_t v0 = a0 * v + b0, v1 = a1 * v + b1, v2 = a2 * v + b2, v3 = a3 * v + b3;
      m0 = v0 < m0 ? v0 : m0;
      m1 = v1 < m1 ? v1 : m1;
      m2 = v2 < m2 ? v2 : m2;
      m3 = v3 < m3 ? v3 : m3;
    }
    // The minimum of the 64-bit values has the minimum high half.
    mins[i] = m0 >> 32;
    mins[i + 1] = m1 >> 32;
    mins[i + 2] = m2 >> 32;
    mins[i + 3] = m3 >> 32;
  }
  for (; i < k; ++i) {
    uint64_t m = ~0ull;
    for (size_t j = 0; j < n; ++j) {
      const uint64_t v = a[i] * x[j] + b[i];
      m = v < m ? v : m;
    }
    mins[i] = m >> 32;
  }
}

#ifdef SLUICE_MINHASH_AVX2
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC bug 105593, as above
#endif
namespace {
// a * x mod 2^64 for 32-bit x from two 32x32->64 products: lo(a)*x + (hi(a)*x << 32).
// AVX2 has no unsigned 64-bit compare: it keeps the minimum of the high halves
// (< 2^32, so the signed compare is right).
template <int kVecs>
__attribute__((target("avx2"), always_inline)) inline void MulShiftAvx2Block(const uint64_t* a, const uint64_t* b,
                                                                             const uint32_t* x, size_t n,
                                                                             uint64_t* mins) {
  __m256i va[kVecs], vah[kVecs], vb[kVecs], vm[kVecs];
  #pragma GCC unroll 8
  for (int v = 0; v < kVecs; ++v) {
    va[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + 4 * v));
    vb[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 4 * v));
    vah[v] = _mm256_srli_epi64(va[v], 32);
    vm[v] = _mm256_set1_epi64x(0xFFFFFFFFll);
  }
  for (size_t j = 0; j < n; ++j) {
    const __m256i vx = _mm256_set1_epi64x(static_cast<long long>(x[j]));
    #pragma GCC unroll 8
    for (int v = 0; v < kVecs; ++v) {
      __m256i s = _mm256_add_epi64(_mm256_mul_epu32(va[v], vx), _mm256_slli_epi64(_mm256_mul_epu32(vah[v], vx), 32));
      s = _mm256_srli_epi64(_mm256_add_epi64(s, vb[v]), 32);
      vm[v] = _mm256_blendv_epi8(vm[v], s, _mm256_cmpgt_epi64(vm[v], s));
    }
  }
  #pragma GCC unroll 8
  for (int v = 0; v < kVecs; ++v) _mm256_storeu_si256(reinterpret_cast<__m256i*>(mins + 4 * v), vm[v]);
}

template <int kVecs>
__attribute__((target("avx512f"), always_inline)) inline void MulShiftAvx512Block(const uint64_t* a,
                                                                                  const uint64_t* b,
                                                                                  const uint32_t* x, size_t n,
                                                                                  uint64_t* mins) {
  __m512i va[kVecs], vah[kVecs], vb[kVecs], vm[kVecs];
  #pragma GCC unroll 8
  for (int v = 0; v < kVecs; ++v) {
    va[v] = _mm512_loadu_si512(a + 8 * v);
    vb[v] = _mm512_loadu_si512(b + 8 * v);
    vah[v] = _mm512_srli_epi64(va[v], 32);
    vm[v] = _mm512_set1_epi64(-1);
  }
  for (size_t j = 0; j < n; ++j) {
    const __m512i vx = _mm512_set1_epi64(static_cast<long long>(x[j]));
    #pragma GCC unroll 8
    for (int v = 0; v < kVecs; ++v) {
      __m512i s = _mm512_add_epi64(_mm512_mul_epu32(va[v], vx), _mm512_slli_epi64(_mm512_mul_epu32(vah[v], vx), 32));
      vm[v] = _mm512_min_epu64(vm[v], _mm512_add_epi64(s, vb[v]));
    }
  }
  #pragma GCC unroll 8
  for (int v = 0; v < kVecs; ++v) _mm512_storeu_si512(mins + 8 * v, _mm512_srli_epi64(vm[v], 32));
}
}  // namespace

__attribute__((target("avx2"))) static void MulShiftMinsAvx2Impl(const uint64_t* a, const uint64_t* b, int k,
                                                                  const uint32_t* x, size_t n, uint64_t* mins) {
  int i = 0;
  for (; i + 16 <= k; i += 16) MulShiftAvx2Block<4>(a + i, b + i, x, n, mins + i);
  for (; i + 4 <= k; i += 4) MulShiftAvx2Block<1>(a + i, b + i, x, n, mins + i);
  if (i < k) MulShiftMinsScalar(a + i, b + i, k - i, x, n, mins + i);
}

__attribute__((target("avx512f"))) static void MulShiftMinsAvx512Impl(const uint64_t* a, const uint64_t* b, int k,
                                                                       const uint32_t* x, size_t n, uint64_t* mins) {
  int i = 0;
  for (; i + 32 <= k; i += 32) MulShiftAvx512Block<4>(a + i, b + i, x, n, mins + i);
  for (; i + 16 <= k; i += 16) MulShiftAvx512Block<2>(a + i, b + i, x, n, mins + i);
  for (; i + 8 <= k; i += 8) MulShiftAvx512Block<1>(a + i, b + i, x, n, mins + i);
  if (i < k) MulShiftMinsScalar(a + i, b + i, k - i, x, n, mins + i);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

bool MulShiftMinsAvx2(const uint64_t* a, const uint64_t* b, int k, const uint32_t* x, size_t n, uint64_t* mins) {
#ifdef SLUICE_MINHASH_AVX2
  return RunKernel<uint32_t>(CpuHasAvx2(), MulShiftMinsAvx2Impl, a, b, k, x, n, mins);
#else
  return RunKernel<uint32_t>(false, nullptr, a, b, k, x, n, mins);
#endif
}

bool MulShiftMinsAvx512(const uint64_t* a, const uint64_t* b, int k, const uint32_t* x, size_t n, uint64_t* mins) {
#ifdef SLUICE_MINHASH_AVX2
  return RunKernel<uint32_t>(CpuHasAvx512(), MulShiftMinsAvx512Impl, a, b, k, x, n, mins);
#else
  return RunKernel<uint32_t>(false, nullptr, a, b, k, x, n, mins);
#endif
}

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
