// The permutation kernels of MinHasher (declared in stages/dedup/minhash_signature.h),
// one file per instruction set: minhash_kernels.cc (scalar, and which SIMD sets
// this CPU may use), minhash_kernels_avx2.cc, minhash_kernels_avx512.cc. Every
// kernel gives the same values; tests check them against each other. Internal
// to those files.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stages/dedup/minhash_signature.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SLUICE_MINHASH_AVX2 1
#endif

namespace sluice::minhash_kernels {

#ifdef SLUICE_MINHASH_AVX2
// Whether this CPU runs AVX2 / AVX-512F and SLUICE_MINHASH_ISA (avx2, scalar)
// does not cap the instruction set below it (for benchmarks and for checking
// the fallbacks on a newer CPU).
bool CpuHasAvx2();
bool CpuHasAvx512();
#endif

// Runs a SIMD kernel when the CPU has its instruction set (false otherwise,
// and for n == 0, so the caller falls back to the next kernel).
template <typename X>
bool RunKernel(bool supported, void (*kernel)(const uint64_t*, const uint64_t*, int, const X*, size_t, uint64_t*),
               const uint64_t* a, const uint64_t* b, int k, const X* x, size_t n, uint64_t* mins) {
  if (!supported || n == 0) return false;
  kernel(a, b, k, x, n, mins);
  return true;
}

}  // namespace sluice::minhash_kernels
