// The bit mixer of the dedup stages' open-addressing tables: a hash's bits
// spread over the low bits the table's mask keeps (MurmurHash3's fmix64 half).
#pragma once

#include <cstdint>

namespace sluice {

inline uint64_t MixHashBits(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

}  // namespace sluice
