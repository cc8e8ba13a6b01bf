// MinHashLshIndex: the near-duplicate index of kept documents. Per band, an
// open-addressing multimap from the 32-bit band key to a document slot
// (8 bytes per entry, load factor 0.375-0.75); per document, its 16-bit compact
// signature, an order key, its id and its cluster size, and (verify: exact)
// its exact shingle set in a ShingleSetStore (RAM up to a budget, then an
// unlinked spill file). Not thread-safe: used by one serial owner (the dedup
// stage's resolver).
//
// Memory per indexed document (14 x 8 = 112 permutations, verify: signature):
//   bands * 8 / load  (150-300 B)  + 2 * K (224 B) + 8 (order key)
//   + 8 + id length (id arena) + 4 (cluster size)   ~= 400-560 B + id
// (measured: 506 B/doc at 1 M and 4 M documents with ids "doc-<n>", i.e. ~5 GB for 10 M).
// verify: exact stores no compact signature (-224 B) but 12 B (location +
// size) plus 4 B per distinct shingle, the latter in RAM only up to the
// store's budget and on disk beyond it.
// MemoryBytes() reports the exact figure; bench/minhash/RESULTS.md has measurements.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stages/dedup/minhash_shingle_store.h"
#include "stages/engine/status.h"

namespace sluice {

class MinHashLshIndex {
 public:
  // `shingle_memory` bytes of exact shingle sets stay in RAM (keep_shingles);
  // the rest spills to a temporary file in `spill_dir` (see ShingleSetStore).
  static constexpr size_t kDefaultShingleMemory = size_t{1} << 30;
  MinHashLshIndex(int bands, int rows, bool keep_shingles, size_t shingle_memory = kDefaultShingleMemory,
                  std::string spill_dir = "");

  struct Match {
    int64_t slot = -1;  // -1: no candidate reached the threshold
    double similarity = 0.0;
    int64_t candidates = 0;  // distinct candidates verified
  };

  // The best indexed document whose similarity to the query is >= threshold:
  // highest similarity, ties to the smaller (earlier) slot. Candidates are the
  // documents sharing at least one band key. Similarity is estimated from the
  // compact signatures, or, when the index keeps shingle sets, exactly on them
  // (`shingle_set` from ShingleSet32; the signature is then unused).
  Match Query(const uint32_t* band_keys, const uint16_t* compact_sig, const std::vector<uint32_t>* shingle_set,
              double threshold);

  // Adds a kept document; returns its slot (0, 1, 2, ... in insertion order).
  uint32_t Insert(const uint32_t* band_keys, const uint16_t* compact_sig, const std::vector<uint32_t>* shingle_set,
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

  // Bytes of RAM held by the index (capacities, not sizes: what the process
  // pays), and bytes of shingle sets spilled to disk.
  size_t MemoryBytes() const;
  uint64_t SpilledBytes() const { return shingles_.SpilledBytes(); }
  // The first error of the shingle store: a failed spill (sets then stay in
  // RAM; decisions are unaffected) or a failed read (fatal for the run).
  const ShingleSetStore& shingle_store() const { return shingles_; }

  // Persists the index with `meta` (the parameters that must match on load).
  Status Save(const std::string& path, const std::string& meta) const;
  // Loads an index saved with the same `meta`; a mismatch is a Config error naming the file.
  static StatusOr<MinHashLshIndex> Load(const std::string& path, const std::string& meta,
                                        size_t shingle_memory = kDefaultShingleMemory, std::string spill_dir = "");

 private:
  struct Entry {
    uint32_t key;
    uint32_t slot;  // kEmpty when unused
  };
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  void Grow();
  // An empty table of `capacity` entries, its pages prepared at once.
  static std::vector<Entry> NewTable(size_t capacity);
  void Place(std::vector<Entry>& table, uint32_t key, uint32_t slot);

  int bands_;
  int rows_;
  bool keep_shingles_;
  size_t capacity_ = 0;  // per band, a power of two
  size_t entries_ = 0;   // per band
  std::vector<std::vector<Entry>> tables_;
  // Compact signatures in fixed chunks of kChunkDocs documents: no 2x vector
  // over-allocation and no copy of the whole array when it grows.
  static constexpr size_t kChunkDocs = 1 << 12;
  const uint16_t* Sig(uint32_t slot) const {
    return sig_chunks_[slot / kChunkDocs].get() + (slot % kChunkDocs) * static_cast<size_t>(bands_) * rows_;
  }
  uint16_t* MutableSig(uint32_t slot) { return const_cast<uint16_t*>(Sig(slot)); }
  std::vector<std::unique_ptr<uint16_t[]>> sig_chunks_;
  std::vector<uint64_t> order_keys_;
  std::string ids_;
  std::vector<uint64_t> id_offsets_{0};
  std::vector<uint32_t> cluster_sizes_;
  ShingleSetStore shingles_;
  std::vector<uint32_t> seen_;  // query scratch
  // Where the last Query's probe of each band ended (an empty entry) and for
  // which key: an Insert of the same keys right after it places there without
  // probing again. Valid until the tables change.
  std::vector<uint32_t> probe_keys_;
  std::vector<size_t> probe_end_;
  bool probe_valid_ = false;
};

}  // namespace sluice
