// Line-level deduplication across documents (the `line_dedup` stage, CCNet
// style): a line whose normalized 64-bit hash already occurred in >= min_docs
// earlier documents (input order) is removed, which strips menus, footers and
// copyright lines. Streaming, one pass: the first min_docs occurrences stay.
// LineCounter is the hash -> document count table; not thread-safe (the stage
// touches it only from its resolver, one thread, input order).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/engine/document.h"
#include "stages/engine/stage.h"

namespace sluice {

// The key of one line: lower-cased (Unicode), every digit -> '0', runs of
// whitespace, punctuation, symbols and controls -> one space, trimmed; XXH3-64
// of that. Returns false when nothing is left (a line of only punctuation).
//   "Copyright © 2023 ACME, Inc." and "copyright 2024 acme inc" share a key.
bool LineKey(std::string_view line, uint64_t* key);

// Open addressing, 12 bytes per slot (8-byte key, 4-byte count) at a load
// factor of 0.35..0.7: 17..34 bytes per distinct line.
class LineCounter {
 public:
  LineCounter();
  // Number of earlier documents that contained `key`.
  uint32_t Count(uint64_t key) const;
  // Adds one document to `key`'s count (saturating).
  void Increment(uint64_t key);
  size_t size() const { return size_; }
  size_t MemoryBytes() const { return keys_.capacity() * sizeof(uint64_t) + counts_.capacity() * sizeof(uint32_t); }

 private:
  size_t Find(uint64_t key) const;
  void Grow();
  std::vector<uint64_t> keys_;  // 0 = empty (a real key 0 is stored as 1)
  std::vector<uint32_t> counts_;
  size_t size_ = 0;
};

// Settings of a line_dedup instance (the stage's options).
struct LineDedupConfig {
  int64_t min_docs = 1;
  int64_t min_line_chars = 20;
  int64_t min_remaining_chars = 1;
  double max_removed_fraction = 1.0;
};
LineDedupConfig LineDedupConfigFromOptions(const Options& options);

// One line of a document as line_dedup sees it: byte range, code points, and
// whether it is long enough and non-empty after normalization (then `key`).
struct DedupLine {
  size_t begin = 0;
  size_t end = 0;
  int64_t chars = 0;
  bool eligible = false;
  uint64_t key = 0;
};
// Splits `text` at '\n' (a trailing '\n' gives a last empty line).
void SplitDedupLines(std::string_view text, const LineDedupConfig& cfg, std::vector<DedupLine>* lines);

// The per-document part of line_dedup once it is known which lines go
// (`remove[i]` for lines[i]): rewrites doc.text, records the signal
// line_dedup.removed_fraction, the counters and the drop reasons. Shared by the
// in-process stage and the sharded decision filter so both match byte for byte.
Verdict ApplyLineRemovals(Document& doc, StageContext& ctx, const LineDedupConfig& cfg,
                          const std::vector<DedupLine>& lines, const std::vector<bool>& remove);

// The signal histogram line_dedup declares.
HistogramSpec LineDedupSignalHistogram();

// The Finish() report of line_dedup over a counter.
std::string LineDedupReport(const LineCounter& counter);

}  // namespace sluice
