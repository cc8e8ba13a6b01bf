// The merge phase of a sharded run (pipelines/plan.h): stats.json from every
// shard's run state (stages/engine/run_state.h) and the stats patches of the global
// phases, exactly as one process writes it but for "timing": counters and
// histograms summed, inputs in input order (a cut input's parts joined), the
// first rejected samples in input order, and every stage's Finish() report
// recomputed over the whole run's stats.
#pragma once

#include <string>

#include "pipelines/plan.h"
#include "pipelines/run_command.h"
#include "stages/engine/status.h"

namespace sluice {

// Reads ShardStatePath(out, I, N) for every shard and StatsPatchPath for every
// global stage and the tokenizer, writes OUTDIR/stats.json (with the audits,
// as `sluice run` does). A missing file is an Io error naming it.
Status MergeShardRuns(const RunArgs& args, const Plan& plan, const std::string& out);

}  // namespace sluice
