// MinHashLshIndex: the near-duplicate index of kept documents. Per band, an
// open-addressing multimap from the 32-bit band key to a document slot
// (8 bytes per entry, load factor 0.375-0.75); per document, its 16-bit compact
// signature, an order key, its id and its cluster size (optionally its exact
// shingle set). Not thread-safe: used by one serial owner (the dedup stage's
// ProcessSerial or the clusters phase).
//
// Memory per indexed document (14 x 8 = 112 permutations, verify: signature):
//   bands * 8 / load  (~150-300 B)  + 2 * K (224 B) + 8 (order key)
//   + 8 + id length (id arena) + 4 (cluster size)   ~= 400-560 B + id.
// MemoryBytes() reports the exact figure; bench/minhash/RESULTS.md has measurements.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/status.h"

namespace sluice {

class MinHashLshIndex {
 public:
  MinHashLshIndex(int bands, int rows, bool keep_shingles);

  struct Match {
    int64_t slot = -1;  // -1: no candidate reached the threshold
    double similarity = 0.0;
    int64_t candidates = 0;  // distinct candidates verified
  };

  // The best indexed document whose similarity to the query is >= threshold:
  // highest similarity, ties to the smaller (earlier) slot. Candidates are the
  // documents sharing at least one band key. Similarity is estimated from the
  // compact signatures, or exact on shingle sets when the index keeps them
  // (`shingle_set` sorted and de-duplicated).
  Match Query(const uint32_t* band_keys, const uint16_t* compact_sig, const std::vector<uint64_t>* shingle_set,
              double threshold);

  // Adds a kept document; returns its slot (0, 1, 2, ... in insertion order).
  uint32_t Insert(const uint32_t* band_keys, const uint16_t* compact_sig, const std::vector<uint64_t>* shingle_set,
                  uint64_t order_key, std::string_view id);

  size_t size() const { return order_keys_.size(); }
  int bands() const { return bands_; }
  int rows() const { return rows_; }
  bool keeps_shingles() const { return keep_shingles_; }
  std::string_view id(uint32_t slot) const {
    return std::string_view(ids_).substr(id_offsets_[slot], id_offsets_[slot + 1] - id_offsets_[slot]);
  }
  uint64_t order_key(uint32_t slot) const { return order_keys_[slot]; }
  // Documents in the slot's cluster: the kept one plus the near-duplicates dropped for it.
  uint32_t cluster_size(uint32_t slot) const { return cluster_sizes_[slot]; }
  void AddToCluster(uint32_t slot) { ++cluster_sizes_[slot]; }

  // Bytes held by the index (capacities, not sizes: what the process pays).
  size_t MemoryBytes() const;

  // Persists the index with `meta` (the parameters that must match on load).
  Status Save(const std::string& path, const std::string& meta) const;
  // Loads an index saved with the same `meta`; a mismatch is a Config error naming the file.
  static StatusOr<MinHashLshIndex> Load(const std::string& path, const std::string& meta);

 private:
  struct Entry {
    uint32_t key;
    uint32_t slot;  // kEmpty when unused
  };
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  void Grow();
  void Place(std::vector<Entry>& table, uint32_t key, uint32_t slot);

  int bands_;
  int rows_;
  bool keep_shingles_;
  size_t capacity_ = 0;  // per band, a power of two
  size_t entries_ = 0;   // per band
  std::vector<std::vector<Entry>> tables_;
  std::vector<uint16_t> sigs_;
  std::vector<uint64_t> order_keys_;
  std::string ids_;
  std::vector<uint64_t> id_offsets_{0};
  std::vector<uint32_t> cluster_sizes_;
  std::vector<uint64_t> shingles_;
  std::vector<uint64_t> shingle_offsets_{0};
  std::vector<uint32_t> seen_;  // query scratch
};

}  // namespace sluice
