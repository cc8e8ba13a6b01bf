// Sub-file shards: how a run's inputs are cut into slices and dealt to the
// shards of a sharded run, so that one big input file gives every shard a real
// share. Line-oriented inputs (JSONL, text in line mode) are cut: uncompressed
// ones into byte ranges aligned to line starts, zstd ones (several frames) and
// BGZF gzip ones at frame / member boundaries (stages/engine/compressed_frames.h), a
// slice then owning the lines that start in its frames' decompressed bytes
// (InputSlice). Other inputs (plain gzip, a single zstd frame, whole-file or
// paragraph text, stdin) stay whole. Everything is a pure function of the
// input list, the file contents and the shard count, so every task of a run
// computes the same slices without talking to the others. One shard: every
// input is one whole slice (what `sluice run` always did).
#pragma once

#include <cstdint>
#include <vector>

#include "stages/io/record_reader.h"
#include "stages/engine/status.h"

namespace sluice {

// Smallest part a file is cut into (smaller files stay whole), in bytes of
// text (decompressed where a compressed file's frames declare their size).
inline constexpr uint64_t kMinSliceBytes = 64ull << 10;
// Most parts of one file (four digits in part file names).
inline constexpr uint64_t kMaxSliceParts = 9999;

// True when `input` can be read in byte ranges: a line-oriented file,
// uncompressed, zstd or BGZF gzip (its first bytes are read to tell).
bool IsSplittable(const InputFile& input, const ReaderOptions& options);

// Every slice of `inputs` for a run of `shards` shards, in input order, each
// with its weight. An input weighs its bytes of text: its size, or for a
// compressed splittable input big enough to be cut (more than
// total size / (2 * shards) on disk) whose every frame declares its decompressed
// size (zstd's Frame_Content_Size, BGZF's ISIZE) or whose undeclared frames
// could be measured by decompressing them (up to 1 GiB of them per file) the
// sum of those — a crawl's tail often compresses far better than its head, so
// compressed bytes would deal shards unequal shares of the records — else its
// size on disk.
// Splittable inputs are cut into parts of about total_weight / (2 * shards)
// (at least kMinSliceBytes): uncompressed ones at nominal offsets (AlignSlice
// moves them to line starts), compressed ones at the first frame boundary at
// or after each nominal point of their weight (found here from the frame
// headers; a file with fewer frames gives fewer parts, one frame one whole
// slice).
std::vector<InputSlice> PlanSlices(const std::vector<InputFile>& inputs, const ReaderOptions& options, int shards);

// The indexes into `slices` (from PlanSlices) that shard `shard` of `shards`
// reads: a contiguous run in input order, balanced by weight (a slice goes to
// the shard its middle byte of weight falls in).
std::vector<size_t> ShardSlices(const std::vector<InputSlice>& slices, int shard, int shards);

// Moves a nominal slice's begin and end to the next line starts and sets
// first_line (counting the newlines before begin). A compressed slice keeps
// its frame range; the frames before it are decompressed to set first_line,
// mid_line and after_read_error. Whole slices are left as they are. The same
// nominal offsets give the same aligned ones in every task.
Status AlignSlice(const InputFile& input, InputSlice* slice);

// The slices of shard `shard` of `shards`, aligned, ready for the runner.
StatusOr<std::vector<InputSlice>> SlicesForShard(const std::vector<InputFile>& inputs, const ReaderOptions& options,
                                                 int shard, int shards);

}  // namespace sluice
