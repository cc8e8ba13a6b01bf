// The phase plan of a sharded run, derived from a recipe. The recipe is cut
// at its global stages (stages/engine/global_stage.h) into segments; every stage runs
// once per shard:
//   keys-<G>     per shard: the segment up to global stage G (reading the
//                inputs, or the previous segment's documents with the previous
//                global stage's decisions applied); writes G's keys and every
//                document to work files
//   resolve-<G>  one task: G's resolver over every shard's keys, in input order
//   shard        per shard: the last segment, writing kept/rejected/malformed
//   tokenizer    one task (train_tokenizer as the last stage): trains from
//                every shard's word counts
//   merge        one task: stats.json from every shard's run state
//   report       one task: report.html
// Shards get contiguous shares of the inputs, big uncompressed files cut at
// line starts (stages/engine/input_slices.h). A plain value; no I/O but the marker
// helpers. Used by `sluice plan`, the local executor and Slurm.
#pragma once

#include <string>
#include <vector>

#include "pipelines/recipe.h"
#include "stages/engine/status.h"

namespace sluice {

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
std::string GlobalKeysPath(const std::string& output_dir, const std::string& stage_name, int task, int shards);
// The decisions about the documents of shard `task`.
std::string GlobalDecisionsPath(const std::string& output_dir, const std::string& stage_name, int task, int shards);
// The documents (kept, dropped, malformed) segment keys-<stage> hands on, and its statistics so far.
std::string SegmentDocsPath(const std::string& output_dir, const std::string& stage_name, int task, int shards);
std::string SegmentStatePath(const std::string& output_dir, const std::string& stage_name, int task, int shards);
// The run state of a shard after its last segment (read by the merge).
std::string ShardStatePath(const std::string& output_dir, int task, int shards);
// The stats patch of a stage computed by a global phase (its resolver, or the tokenizer training).
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
