#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice::text {

// Counts 64-bit hashes (open addressing, linear probing): the per-document
// duplicate and n-gram tables, without a heap node per entry. Reused across
// documents by one thread. Not thread-safe.
//
// Reset is O(1): a slot is live only when its stamp equals the current epoch,
// so a new document needs no clearing of the table (the callers reset once per
// document and n-gram size, on tables sized for their longest document); the
// document uses only the first `capacity` slots its own size calls for.
class HashCounter {
 public:
  // Empties the table and sizes it for about `expected` distinct keys.
  void Reset(size_t expected);
  // Adds one to `key`'s count and returns the new count.
  uint32_t Add(uint64_t key);
  size_t distinct() const { return distinct_; }

 private:
  void Grow();
  // Makes the slots [0, capacity) usable and empty.
  void Prepare(size_t capacity);
  // Starts a new epoch: every slot becomes empty.
  void NextEpoch();

  std::vector<uint64_t> keys_;
  std::vector<uint32_t> counts_;
  std::vector<uint32_t> stamps_;  // == epoch_: the slot is live
  uint32_t epoch_ = 0;
  size_t mask_ = 0;  // capacity in use - 1 (a power of two minus one)
  size_t distinct_ = 0;
};

}  // namespace sluice::text
