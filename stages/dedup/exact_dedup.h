// Exact deduplication (the `exact_dedup` stage): XXH3-128 of the document text
// (optionally case- and whitespace-folded); the first document in input order
// with a key survives, later ones are dropped naming the survivor's id.
// ExactDedupIndex is the key -> survivor id table; not thread-safe (the stage
// uses it only from its resolver, one thread, input order).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/engine/document.h"
#include "stages/engine/stage.h"
#include "stages/engine/status.h"

namespace sluice {

struct DedupKey {
  uint64_t high = 0;
  uint64_t low = 0;
  bool operator==(const DedupKey& o) const { return high == o.high && low == o.low; }
};

// XXH3-128 (seed 0) of `text`, after folding when asked: fold_case applies
// Unicode simple case folding; fold_whitespace turns every run of Unicode
// whitespace into one space and trims both ends.
//   DedupKeyOf("Hello  World\n", true, true) == DedupKeyOf("hello world", false, false)
DedupKey DedupKeyOf(std::string_view text, bool fold_case, bool fold_whitespace);

// Open-addressing hash table from key to the survivor's id. Memory per
// distinct document: 24-byte slots at a load factor of 0.35..0.7 (34..69 bytes)
// plus the id's bytes.
class ExactDedupIndex {
 public:
  ExactDedupIndex();
  // If `key` is new, records `id` and returns true; otherwise returns false and
  // sets *survivor to the id recorded first.
  bool Insert(const DedupKey& key, std::string_view id, std::string* survivor);
  size_t size() const { return size_; }
  // Bytes held by the table and the id arena.
  size_t MemoryBytes() const;

  // Binary file: "SLUICE-EXACT-DEDUP 1\n", u64 count, then per entry u64 high,
  // u64 low, u32 id length, id bytes (little-endian).
  Status Save(const std::string& path) const;
  // Adds the entries of a saved index (keys already present keep their id).
  Status Load(const std::string& path);

 private:
  struct Slot {
    uint64_t high;
    uint64_t low;
    uint64_t id_ref;  // offset << 24 | length; 0 with high == low == 0 means empty
  };
  void Grow();
  size_t Find(const DedupKey& key) const;
  std::string_view IdOf(const Slot& s) const;

  std::vector<Slot> slots_;
  std::string ids_;
  size_t size_ = 0;
};

// What exact_dedup records for one document once its fate is known (survivor
// == nullptr: first of its key): counters, annotation, reason and verdict.
// Shared by the in-process stage and the sharded decision filter.
Verdict ExactDedupVerdict(Document& doc, StageContext& ctx, const std::string* survivor);

// exact_dedup's Finish() report over its index.
std::string ExactDedupReport(const ExactDedupIndex& index, size_t preloaded);

}  // namespace sluice
