// The phase plan of a sharded run, derived from a recipe: per global dedup
// stage a keys phase (per shard) and a resolve phase (one task), then the
// per-shard phase running every stage, then the global phases (tokenizer
// training from merged word counts, stats merge, report); where each phase's
// files and completion markers live. A plain value; no I/O but the marker
// helpers. Used by `sluice plan`, the local executor and Slurm.
#pragma once

#include <string>
#include <vector>

#include "pipelines/recipe.h"
#include "stages/status.h"

namespace sluice {

// kKeys / kResolve exist for each global (dedup) stage of a run with more
// than one shard (stages/dedup_phases.h): per shard, the recipe runs up to the
// global stage (earlier global stages applied as decision filters) and writes
// its keys; one resolve task turns all keys into decisions. The kShard phase
// then runs every stage, global ones as decision filters.
enum class PhaseKind { kKeys, kResolve, kShard, kTokenizer, kMerge, kReport };

struct Phase {
  // Stable: "keys-<stage>", "resolve-<stage>", "shard", "tokenizer", "merge", "report".
  std::string name;
  PhaseKind kind = PhaseKind::kShard;
  int tasks = 1;            // > 1 only for per-shard phases
  std::string description;  // one line for `sluice plan`
  int global = -1;          // kKeys/kResolve: index into Plan::global_stages
  bool per_shard() const { return kind == PhaseKind::kKeys || kind == PhaseKind::kShard; }
};

struct Plan {
  int shards = 1;
  std::vector<std::string> shard_stages;  // stage names run per shard, in order
  // Recipe indexes of the global stages resolved across shards, in recipe
  // order (empty for one shard: then they run inside the shard).
  std::vector<int> global_stages;
  // The recipe's train_tokenizer sink: per-shard word counts, trained in the
  // tokenizer phase; or -1.
  int tokenizer_stage = -1;
  std::vector<Phase> phases;
};

// Builds the plan, or a Config error naming the first stage that cannot be
// sharded (a train_tokenizer that is not the last stage; a global stage or
// tokenizer whose name is not usable in file names).
StatusOr<Plan> MakePlan(const Recipe& recipe, int shards);

// Files the phases exchange, below OUTDIR/.sluice/work/<stage name>/.
std::string WorkDir(const std::string& output_dir, const std::string& stage_name);
std::string DedupKeysPath(const std::string& output_dir, const std::string& stage_name, int task, int shards);
// The decisions about the documents of shard `task` (inputs with index % shards == task).
std::string DedupDecisionsPath(const std::string& output_dir, const std::string& stage_name, int task, int shards);
// The stats patch of a stage computed by a global phase (merged into stats.json).
std::string StatsPatchPath(const std::string& output_dir, const std::string& stage_name);
std::string WordCountsPath(const std::string& output_dir, const std::string& stage_name, int task, int shards);

// Human-readable plan, one block per phase.
std::string FormatPlan(const Plan& plan, const Recipe& recipe);

// Completion markers: OUTDIR/.sluice/phases/<phase>/task-<I>-of-<N>.done.
std::string PhaseMarkerPath(const std::string& output_dir, const Phase& phase, int task);
bool PhaseTaskDone(const std::string& output_dir, const Phase& phase, int task);
Status MarkPhaseTaskDone(const std::string& output_dir, const Phase& phase, int task);
// Records the shard count of the plan run into OUTDIR (.sluice/shards), or,
// when an earlier run recorded another one, a Config error: markers, keys and
// decisions of an N-shard run do not fit an M-shard one (rerun with the same
// --shards, or start over with --overwrite).
Status CheckShardCount(const std::string& output_dir, int shards);

// Tasks of `phase` without a marker, in order.
std::vector<int> UnfinishedTasks(const std::string& output_dir, const Phase& phase);

}  // namespace sluice
