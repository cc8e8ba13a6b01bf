#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice::text {

// Counts 64-bit hashes (open addressing, linear probing): the per-document
// duplicate and n-gram tables, without a heap node per entry. Reused across
// documents by one thread (Reset keeps the memory). Not thread-safe.
class HashCounter {
 public:
  // Empties the table and sizes it for about `expected` distinct keys.
  void Reset(size_t expected);
  // Adds one to `key`'s count and returns the new count.
  uint32_t Add(uint64_t key);
  size_t distinct() const { return distinct_; }

 private:
  void Grow();
  std::vector<uint64_t> keys_;  // 0 = empty slot (key 0 is stored as 1)
  std::vector<uint32_t> counts_;
  size_t mask_ = 0;
  size_t distinct_ = 0;
};

}  // namespace sluice::text
