#include "filters/hash_counter.h"

#include <algorithm>
#include <utility>

namespace sluice::text {

namespace {

inline size_t SlotOf(uint64_t key, size_t mask) { return (key * 0x9E3779B97F4A7C15ull >> 17) & mask; }

}  // namespace

void HashCounter::NextEpoch() {
  if (++epoch_ == 0) {  // wrapped: old stamps could look live again
    std::fill(stamps_.begin(), stamps_.end(), 0);
    epoch_ = 1;
  }
}

void HashCounter::Prepare(size_t capacity) {
  // Keep a big table only while documents stay big: give the memory back after
  // a giant one.
  const bool too_small = stamps_.size() < capacity;
  const bool too_big = stamps_.size() > capacity * 8 && stamps_.size() > (size_t{1} << 16);
  if (too_small || too_big) {
    keys_.assign(capacity, 0);
    counts_.assign(capacity, 0);
    stamps_.assign(capacity, 0);
    epoch_ = 1;
  } else {
    NextEpoch();
  }
  mask_ = capacity - 1;
}

void HashCounter::Reset(size_t expected) {
  size_t cap = 16;
  while (cap < expected * 2) cap <<= 1;
  Prepare(cap);
  distinct_ = 0;
}

void HashCounter::Grow() {
  std::vector<std::pair<uint64_t, uint32_t>> live;
  live.reserve(distinct_);
  for (size_t i = 0; i < stamps_.size() && i <= mask_; ++i) {
    if (stamps_[i] == epoch_) live.emplace_back(keys_[i], counts_[i]);
  }
  Prepare((mask_ + 1) * 2);
  for (const auto& [key, count] : live) {
    size_t slot = SlotOf(key, mask_);
    while (stamps_[slot] == epoch_) slot = (slot + 1) & mask_;
    stamps_[slot] = epoch_;
    keys_[slot] = key;
    counts_[slot] = count;
  }
}

uint32_t HashCounter::Add(uint64_t key) {
  if ((distinct_ + 1) * 2 > mask_ + 1) Grow();
  size_t slot = SlotOf(key, mask_);
  while (stamps_[slot] == epoch_) {
    if (keys_[slot] == key) return ++counts_[slot];
    slot = (slot + 1) & mask_;
  }
  stamps_[slot] = epoch_;
  keys_[slot] = key;
  counts_[slot] = 1;
  ++distinct_;
  return 1;
}

}  // namespace sluice::text
