// ShingleSetStore: the exact shingle sets of indexed documents, kept for exact
// Jaccard verification of LSH candidates (minhash_dedup `verify: exact`, the
// default). A set is the sorted, distinct low 32 bits of the XXH3 shingle
// hashes (4 B per distinct shingle; a chance 32-bit collision inside one pair
// of documents changes J by < 1e-4 for 10k-shingle documents).
//
// Sets stay in RAM up to a byte budget; later ones go to an unlinked temporary
// file (the spill) that is read back with pread only when a candidate needs
// them, so RAM per document stays ~8 B (one offset) however long documents are,
// and the file disappears with the process. Not thread-safe: one serial owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stages/engine/status.h"

namespace sluice {

// Exact Jaccard similarity of two sorted, distinct 32-bit sets (0 when both are empty).
double SetJaccard32(const uint32_t* x, size_t nx, const uint32_t* y, size_t ny);

// Sorts `values` ascending and removes repeats (radix sort beyond 32 values).
void SortUnique32(std::vector<uint32_t>* values);

// Replaces 64-bit shingle hashes by the sorted, distinct set of their low 32 bits.
void ShingleSet32(const std::vector<uint64_t>& shingles, std::vector<uint32_t>* set);

class ShingleSetStore {
 public:
  // `memory_budget` bytes of sets stay in RAM; the rest spills to a temporary
  // file created in `spill_dir` ("" = $TMPDIR, else /var/tmp).
  ShingleSetStore(size_t memory_budget, std::string spill_dir);
  ~ShingleSetStore();
  ShingleSetStore(ShingleSetStore&& other) noexcept;
  ShingleSetStore& operator=(ShingleSetStore&& other) noexcept;
  ShingleSetStore(const ShingleSetStore&) = delete;
  ShingleSetStore& operator=(const ShingleSetStore&) = delete;

  // Adds the set of the next slot (0, 1, 2, ...). A failing spill (no space,
  // no directory) keeps the set in RAM instead and records the first error in
  // spill_error(): decisions never change.
  void Append(const uint32_t* set, size_t n);

  // The set of `slot`: a pointer valid until the next Get or Append, and its size.
  // A read error on the spill file returns false and sets read_error().
  bool Get(size_t slot, const uint32_t** set, size_t* n) const;

  size_t size() const { return counts_.size(); }
  size_t set_size(size_t slot) const { return counts_[slot]; }
  // RAM held (capacities), and bytes written to the spill file.
  size_t MemoryBytes() const;
  uint64_t SpilledBytes() const { return file_values_ * 4; }
  const Status& spill_error() const { return spill_error_; }
  const Status& read_error() const { return read_error_; }

 private:
  static constexpr uint64_t kInFile = uint64_t{1} << 63;
  bool OpenSpill();
  bool FlushWrites();

  // RAM sets live in chunks that are never reallocated (a growing vector would
  // copy everything and briefly hold twice the budget): chunk sizes double from
  // 1 Ki up to kMaxChunkValues values, a larger set gets a chunk of its own.
  static constexpr size_t kMaxChunkValues = size_t{1} << 20;  // 4 MiB
  uint32_t* AllocateRam(size_t n, uint64_t* location);

  size_t budget_values_;
  std::string spill_dir_;
  std::vector<std::unique_ptr<uint32_t[]>> chunks_;
  size_t ram_values_ = 0;     // values of the sets held in RAM
  size_t ram_capacity_ = 0;   // values allocated in chunks_
  size_t chunk_used_ = 0;     // values used in the last chunk
  size_t chunk_capacity_ = 0; // size of the last chunk
  std::vector<uint64_t> locations_;  // per slot: chunk << 32 | offset in it, or kInFile | offset in the file (values)
  std::vector<uint32_t> counts_;     // per slot: set size
  int fd_ = -1;
  uint64_t file_values_ = 0;      // values appended to the file (incl. those still in write_buf_)
  uint64_t flushed_values_ = 0;   // values actually written
  std::vector<uint32_t> write_buf_;
  mutable std::vector<uint32_t> read_buf_;  // Get's buffer
  Status spill_error_;
  mutable Status read_error_;
};

}  // namespace sluice
