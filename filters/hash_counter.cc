#include "filters/hash_counter.h"

namespace sluice::text {

void HashCounter::Reset(size_t expected) {
  size_t cap = 16;
  while (cap < expected * 2) cap <<= 1;
  // Keep a big table only while documents stay big: shrink after a giant one.
  if (keys_.size() != cap && (keys_.size() < cap || keys_.size() > cap * 8)) {
    keys_.assign(cap, 0);
    counts_.assign(cap, 0);
  } else {
    std::fill(keys_.begin(), keys_.end(), 0);
  }
  mask_ = keys_.size() - 1;
  distinct_ = 0;
}

void HashCounter::Grow() {
  std::vector<uint64_t> old_keys = std::move(keys_);
  std::vector<uint32_t> old_counts = std::move(counts_);
  keys_.assign(old_keys.size() * 2, 0);
  counts_.assign(old_keys.size() * 2, 0);
  mask_ = keys_.size() - 1;
  for (size_t i = 0; i < old_keys.size(); ++i) {
    if (old_keys[i] == 0) continue;
    size_t slot = (old_keys[i] * 0x9E3779B97F4A7C15ull >> 17) & mask_;
    while (keys_[slot] != 0) slot = (slot + 1) & mask_;
    keys_[slot] = old_keys[i];
    counts_[slot] = old_counts[i];
  }
}

uint32_t HashCounter::Add(uint64_t key) {
  if (key == 0) key = 1;
  if ((distinct_ + 1) * 2 > keys_.size()) Grow();
  size_t slot = (key * 0x9E3779B97F4A7C15ull >> 17) & mask_;
  while (true) {
    if (keys_[slot] == key) return ++counts_[slot];
    if (keys_[slot] == 0) {
      keys_[slot] = key;
      counts_[slot] = 1;
      ++distinct_;
      return 1;
    }
    slot = (slot + 1) & mask_;
  }
}

}  // namespace sluice::text
