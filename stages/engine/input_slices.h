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

// Smallest part a file is cut into (smaller files stay whole); on-disk
// (compressed) bytes.
inline constexpr uint64_t kMinSliceBytes = 64ull << 10;
// Most parts of one file (four digits in part file names).
inline constexpr uint64_t kMaxSliceParts = 9999;

// True when `input` can be read in byte ranges: a line-oriented file,
// uncompressed, zstd or BGZF gzip (its first bytes are read to tell).
bool IsSplittable(const InputFile& input, const ReaderOptions& options);

// Every slice of `inputs` for a run of `shards` shards, in input order.
// Splittable inputs are cut into parts of about total_bytes / (2 * shards)
// on-disk bytes (at least kMinSliceBytes): uncompressed ones at nominal
// offsets (AlignSlice moves them to line starts), compressed ones at the first
// frame boundary at or after each nominal offset (found here from the frame
// headers; a file with fewer frames gives fewer parts, one frame one whole
// slice).
std::vector<InputSlice> PlanSlices(const std::vector<InputFile>& inputs, const ReaderOptions& options, int shards);

// The indexes into `slices` that shard `shard` of `shards` reads: a contiguous
// run in input order, balanced by bytes (a slice goes to the shard its middle
// byte falls in).
std::vector<size_t> ShardSlices(const std::vector<InputSlice>& slices, const std::vector<InputFile>& inputs,
                                int shard, int shards);

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
