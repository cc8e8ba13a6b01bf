// The AVX2 kernels: four 64-bit lanes.
#include "stages/dedup/minhash_kernels.h"

namespace sluice {

using minhash_kernels::RunKernel;

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

}  // namespace

__attribute__((target("avx2"))) static void MulShiftMinsAvx2Impl(const uint64_t* a, const uint64_t* b, int k,
                                                                  const uint32_t* x, size_t n, uint64_t* mins) {
  int i = 0;
  for (; i + 16 <= k; i += 16) MulShiftAvx2Block<4>(a + i, b + i, x, n, mins + i);
  for (; i + 4 <= k; i += 4) MulShiftAvx2Block<1>(a + i, b + i, x, n, mins + i);
  if (i < k) MulShiftMinsScalar(a + i, b + i, k - i, x, n, mins + i);
}
#endif

bool MinHashMinsAvx2(const uint64_t* a, const uint64_t* b, int k, const uint64_t* x, size_t n, uint64_t* mins) {
#ifdef SLUICE_MINHASH_AVX2
  return RunKernel<uint64_t>(minhash_kernels::CpuHasAvx2(), MinHashMinsAvx2Impl, a, b, k, x, n, mins);
#else
  return RunKernel<uint64_t>(false, nullptr, a, b, k, x, n, mins);
#endif
}

bool MulShiftMinsAvx2(const uint64_t* a, const uint64_t* b, int k, const uint32_t* x, size_t n, uint64_t* mins) {
#ifdef SLUICE_MINHASH_AVX2
  return RunKernel<uint32_t>(minhash_kernels::CpuHasAvx2(), MulShiftMinsAvx2Impl, a, b, k, x, n, mins);
#else
  return RunKernel<uint32_t>(false, nullptr, a, b, k, x, n, mins);
#endif
}

}  // namespace sluice
