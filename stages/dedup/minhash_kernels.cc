#include "stages/dedup/minhash_kernels.h"

#include <cstdlib>
#include <string>
#include <string_view>

namespace sluice {

#ifdef SLUICE_MINHASH_AVX2
namespace {
// SLUICE_MINHASH_ISA=avx2 or =scalar caps the instruction set; the values never change.
bool IsaAllowed(std::string_view isa) {
  static const std::string cap = [] {
    const char* env = std::getenv("SLUICE_MINHASH_ISA");
    return std::string(env ? env : "");
  }();
  if (cap == "scalar") return false;
  return !(cap == "avx2" && isa == "avx512");
}
}  // namespace

namespace minhash_kernels {
bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2") && IsaAllowed("avx2");
  return has;
}
bool CpuHasAvx512() {
  static const bool has = __builtin_cpu_supports("avx512f") && IsaAllowed("avx512");
  return has;
}
}  // namespace minhash_kernels
#endif

namespace {
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

// mins[i] = min over j of hash(a[i], x[j], b[i]), then finish(mins[i]), for the
// k permutations. Permutation-outer, shingle-inner, four permutations per
// pass: the minima stay in registers and the iterations are independent (good
// ILP). Both scalar kernels are this loop; they differ in the hash and in what
// is kept of the minimum.
template <typename X, typename Hash, typename Finish>
inline void FourWayMins(const uint64_t* a, const uint64_t* b, int k, const X* x, size_t n, uint64_t* mins, Hash hash,
                        Finish finish) {
  int i = 0;
  for (; i + 4 <= k; i += 4) {
    const uint64_t a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
    const uint64_t b0 = b[i], b1 = b[i + 1], b2 = b[i + 2], b3 = b[i + 3];
    uint64_t m0 = ~0ull, m1 = ~0ull, m2 = ~0ull, m3 = ~0ull;
    for (size_t j = 0; j < n; ++j) {
      const uint64_t v = x[j];
      const uint64_t v0 = hash(a0, v, b0), v1 = hash(a1, v, b1), v2 = hash(a2, v, b2), v3 = hash(a3, v, b3);
      m0 = v0 < m0 ? v0 : m0;
      m1 = v1 < m1 ? v1 : m1;
      m2 = v2 < m2 ? v2 : m2;
      m3 = v3 < m3 ? v3 : m3;
    }
    mins[i] = finish(m0);
    mins[i + 1] = finish(m1);
    mins[i + 2] = finish(m2);
    mins[i + 3] = finish(m3);
  }
  for (; i < k; ++i) {
    uint64_t m = ~0ull;
    for (size_t j = 0; j < n; ++j) {
      const uint64_t v = hash(a[i], x[j], b[i]);
      m = v < m ? v : m;
    }
    mins[i] = finish(m);
  }
}

}  // namespace

void MinHashMinsScalar(const uint64_t* a, const uint64_t* b, int k, const uint64_t* x, size_t n, uint64_t* mins) {
  FourWayMins(a, b, k, x, n, mins, [](uint64_t ai, uint64_t v, uint64_t bi) { return MulAddMod61(ai, v, bi); },
              [](uint64_t m) { return m; });
}

void MulShiftMinsScalar(const uint64_t* a, const uint64_t* b, int k, const uint32_t* x, size_t n, uint64_t* mins) {
  // The minimum of the 64-bit values has the minimum high half.
  FourWayMins(a, b, k, x, n, mins, [](uint64_t ai, uint64_t v, uint64_t bi) { return ai * v + bi; },
              [](uint64_t m) { return m >> 32; });
}

}  // namespace sluice
