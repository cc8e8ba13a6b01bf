// The AVX-512F kernels: eight 64-bit lanes, unsigned 64-bit min.
#include "stages/dedup/minhash_kernels.h"

namespace sluice {

using minhash_kernels::RunKernel;

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

#ifdef SLUICE_MINHASH_AVX2
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC bug 105593, as above
#endif
namespace {
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

bool MinHashMinsAvx512(const uint64_t* a, const uint64_t* b, int k, const uint64_t* x, size_t n, uint64_t* mins) {
#ifdef SLUICE_MINHASH_AVX2
  return RunKernel<uint64_t>(minhash_kernels::CpuHasAvx512(), MinHashMinsAvx512Impl, a, b, k, x, n, mins);
#else
  return RunKernel<uint64_t>(false, nullptr, a, b, k, x, n, mins);
#endif
}

bool MulShiftMinsAvx512(const uint64_t* a, const uint64_t* b, int k, const uint32_t* x, size_t n, uint64_t* mins) {
#ifdef SLUICE_MINHASH_AVX2
  return RunKernel<uint32_t>(minhash_kernels::CpuHasAvx512(), MulShiftMinsAvx512Impl, a, b, k, x, n, mins);
#else
  return RunKernel<uint32_t>(false, nullptr, a, b, k, x, n, mins);
#endif
}

}  // namespace sluice
