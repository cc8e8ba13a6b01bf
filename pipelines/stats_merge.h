// Merges the per-shard stats files of a sharded run (stats/shard-I-of-N.json,
// schema sluice.stats/1) into one stats document: totals, counters, tags and
// histogram buckets are summed; inputs are listed in global input order
// (shard I's j-th input is input I + j*N); per-stage Finish() reports, which
// cannot be summed, are kept per shard. Pure functions, thread-compatible.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "stages/status.h"

namespace sluice {

// `shard_jsons[i]` is the stats JSON of shard i of shard_jsons.size().
// `samples_per_reason` caps the merged rejected samples per (stage, reason).
// `patches` (stage name -> stats patch JSON, stages/dedup_phases.h) add what a
// global phase computed over the whole corpus: counters and histograms are
// summed into the stage's, and the patch's report replaces the per-shard ones.
StatusOr<std::string> MergeShardStats(const std::vector<std::string>& shard_jsons, int samples_per_reason,
                                      const std::map<std::string, std::string>& patches = {});

// Reads OUTDIR/stats/shard-I-of-N.json for every I and the patch files
// (stage name -> path), merges, and writes OUTDIR/stats.json. Missing files are
// an Io error naming them.
Status MergeShardStatsFiles(const std::string& output_dir, int shards, int samples_per_reason,
                            const std::map<std::string, std::string>& patch_files = {});

}  // namespace sluice
