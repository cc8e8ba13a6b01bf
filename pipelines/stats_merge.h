// Merges the per-shard stats files of a sharded run (stats/shard-I-of-N.json,
// schema sluice.stats/1) into one stats document: totals, counters, tags and
// histogram buckets are summed; inputs are listed in global input order
// (shard I's j-th input is input I + j*N); per-stage Finish() reports, which
// cannot be summed, are kept per shard. Pure functions, thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "stages/status.h"

namespace sluice {

// `shard_jsons[i]` is the stats JSON of shard i of shard_jsons.size().
// `samples_per_reason` caps the merged rejected samples per (stage, reason).
StatusOr<std::string> MergeShardStats(const std::vector<std::string>& shard_jsons, int samples_per_reason);

// Reads OUTDIR/stats/shard-I-of-N.json for every I, merges, and writes
// OUTDIR/stats.json. Missing shard files are an Io error naming them.
Status MergeShardStatsFiles(const std::string& output_dir, int shards, int samples_per_reason);

}  // namespace sluice
