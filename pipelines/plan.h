// The phase plan of a sharded run, derived from a recipe: which stages run per
// shard, which global phases follow (stats merge, tokenizer training, report),
// and where each phase's completion markers live. A plain value; no I/O but
// the marker helpers. Used by `sluice plan`, the local executor and Slurm.
#pragma once

#include <string>
#include <vector>

#include "pipelines/recipe.h"
#include "stages/status.h"

namespace sluice {

// Stage types that need every document of the corpus in one place and so
// cannot run inside a shard.
bool IsGlobalStageType(const std::string& type);

enum class PhaseKind { kShard, kMerge, kTokenizer, kReport };

struct Phase {
  std::string name;  // stable: "shard", "merge", "tokenizer", "report"
  PhaseKind kind = PhaseKind::kShard;
  int tasks = 1;            // > 1 only for per-shard phases
  std::string description;  // one line for `sluice plan`
};

struct Plan {
  int shards = 1;
  std::vector<std::string> shard_stages;  // stage names run per shard, in order
  // The recipe's train_tokenizer sink (run as a global phase), or -1.
  int tokenizer_stage = -1;
  std::vector<Phase> phases;
};

// Builds the plan, or a Config error naming the first stage that cannot be
// sharded (exact_dedup, line_dedup, minhash_dedup when shards > 1; a
// train_tokenizer that is not the last stage).
StatusOr<Plan> MakePlan(const Recipe& recipe, int shards);

// Human-readable plan, one block per phase.
std::string FormatPlan(const Plan& plan, const Recipe& recipe);

// Completion markers: OUTDIR/.sluice/phases/<phase>/task-<I>-of-<N>.done.
std::string PhaseMarkerPath(const std::string& output_dir, const Phase& phase, int task);
bool PhaseTaskDone(const std::string& output_dir, const Phase& phase, int task);
Status MarkPhaseTaskDone(const std::string& output_dir, const Phase& phase, int task);
// Tasks of `phase` without a marker, in order.
std::vector<int> UnfinishedTasks(const std::string& output_dir, const Phase& phase);

}  // namespace sluice
