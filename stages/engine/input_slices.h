// Sub-file shards: how a run's inputs are cut into slices and dealt to the
// shards of a sharded run, so that one big input file gives every shard a real
// share. Uncompressed line-oriented inputs (JSONL, text in line mode) are cut
// into byte ranges aligned to line starts; other inputs (compressed, whole-file
// or paragraph text, stdin) stay whole. Everything is a pure function of the
// input list, the file contents and the shard count, so every task of a run
// computes the same slices without talking to the others. One shard: every
// input is one whole slice (what `sluice run` always did).
#pragma once

#include <cstdint>
#include <vector>

#include "stages/io/record_reader.h"
#include "stages/engine/status.h"

namespace sluice {

// Smallest part a file is cut into (smaller files stay whole).
inline constexpr uint64_t kMinSliceBytes = 64ull << 10;

// True when `input` can be read in byte ranges.
bool IsSplittable(const InputFile& input, const ReaderOptions& options);

// Every slice of `inputs` for a run of `shards` shards, in input order, with
// nominal (not yet aligned) byte ranges. Splittable inputs are cut into parts
// of about total_bytes / (2 * shards) (at least kMinSliceBytes).
std::vector<InputSlice> PlanSlices(const std::vector<InputFile>& inputs, const ReaderOptions& options, int shards);

// The indexes into `slices` that shard `shard` of `shards` reads: a contiguous
// run in input order, balanced by bytes (a slice goes to the shard its middle
// byte falls in).
std::vector<size_t> ShardSlices(const std::vector<InputSlice>& slices, const std::vector<InputFile>& inputs,
                                int shard, int shards);

// Moves a nominal slice's begin and end to the next line starts and sets
// first_line (counting the newlines before begin). Whole slices are left as
// they are. The same nominal offsets give the same aligned ones in every task.
Status AlignSlice(const InputFile& input, InputSlice* slice);

// The slices of shard `shard` of `shards`, aligned, ready for the runner.
StatusOr<std::vector<InputSlice>> SlicesForShard(const std::vector<InputFile>& inputs, const ReaderOptions& options,
                                                 int shard, int shards);

}  // namespace sluice
