#include "pipelines/plan.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "stages/engine/stage.h"
#include "stages/io/record_writer.h"

namespace sluice {

namespace fs = std::filesystem;

StatusOr<Plan> MakePlan(const Recipe& recipe, int shards) {
  if (shards < 1) return Status::Config("--shards must be at least 1");
  Plan plan;
  plan.shards = shards;
  for (size_t i = 0; i < recipe.stages.size(); ++i) {
    const RecipeStage& s = recipe.stages[i];
    if (s.type == "train_tokenizer") {
      if (i + 1 != recipe.stages.size()) {
        return Status::Config("stage '" + s.name +
                              "' (train_tokenizer) must be the last stage of a sharded run: it is a sink that "
                              "becomes a global phase after all shards");
      }
      plan.tokenizer_stage = static_cast<int>(i);
      continue;
    }
    if (shards > 1 && IsGlobalStageType(s.type)) plan.global_stages.push_back(static_cast<int>(i));
    plan.shard_stages.push_back(s.name);
  }
  // Global stages and the tokenizer name phases and work directories.
  std::vector<int> named = plan.global_stages;
  if (plan.tokenizer_stage >= 0) named.push_back(plan.tokenizer_stage);
  for (int idx : named) {
    const std::string& name = recipe.stages[idx].name;
    bool ok = !name.empty() && name[0] != '.' && name.size() <= 100;
    for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
    if (!ok) {
      return Status::Config("stage name '" + name + "' (" + recipe.stages[idx].type +
                            ") names phases and files of a sharded run: use letters, digits, '_', '-' or '.'");
    }
  }
  // Segments: the recipe cut at its global stages. Segment g runs, once per
  // shard, the stages after global stage g-1 (applying its decisions) up to
  // global stage g, whose keys it writes along with every document.
  const std::string n = std::to_string(shards);
  size_t next_stage = 0;
  std::vector<std::string> resolved;
  for (size_t g = 0; g < plan.global_stages.size(); ++g) {
    const RecipeStage& gs = recipe.stages[plan.global_stages[g]];
    std::string run;
    for (; next_stage < static_cast<size_t>(plan.global_stages[g]); ++next_stage) {
      run += (run.empty() ? "" : ", ") + recipe.stages[next_stage].name;
    }
    const std::string from = g == 0 ? "read its slice of the inputs"
                                    : "read the documents of keys-" + resolved.back() + ", apply the decisions of '" +
                                          resolved.back() + "'";
    Phase keys{"keys-" + gs.name, PhaseKind::kKeys, shards,
               "per shard I of N (a contiguous share of the inputs, big files cut at line starts): " + from +
                   (run.empty() ? "" : ", run [" + run + "]") + ", write the keys of '" + gs.name + "' (" + gs.type +
                   ") and every document to .sluice/work/" + gs.name + "/{keys,docs}-I-of-" + n,
               static_cast<int>(g)};
    Phase resolve{"resolve-" + gs.name, PhaseKind::kResolve, 1,
                  "merge the " + n + " key files in input order through the " + gs.type +
                      " resolver (first in input order survives) -> .sluice/work/" + gs.name + "/decisions-I-of-" + n +
                      " and its stats patch",
                  static_cast<int>(g)};
    plan.phases.push_back(keys);
    plan.phases.push_back(resolve);
    resolved.push_back(gs.name);
    next_stage = static_cast<size_t>(plan.global_stages[g]) + 1;
  }
  std::string stage_list;
  for (size_t i = next_stage; i < recipe.stages.size(); ++i) {
    if (static_cast<int>(i) == plan.tokenizer_stage) continue;
    stage_list += (stage_list.empty() ? "" : ", ") + recipe.stages[i].name;
  }
  const std::string from = resolved.empty() ? "read its slice of the inputs"
                                            : "read the documents of keys-" + resolved.back() +
                                                  ", apply the decisions of '" + resolved.back() + "'";
  plan.phases.push_back(Phase{"shard", PhaseKind::kShard, shards,
                              "per shard I of N: " + from + (stage_list.empty() ? "" : ", run [" + stage_list + "]") +
                                  ", write kept/rejected/malformed parts and stats/shard-I-of-N.json" +
                                  (plan.tokenizer_stage >= 0 ? " and the shard's tokenizer word counts" : "")});
  if (plan.tokenizer_stage >= 0) {
    const std::string& name = recipe.stages[plan.tokenizer_stage].name;
    plan.phases.push_back(Phase{"tokenizer", PhaseKind::kTokenizer, 1,
                                "merge the " + n + " word-count files of '" + name +
                                    "' and train the BPE tokenizer -> tokenizer/"});
  }
  plan.phases.push_back(Phase{"merge", PhaseKind::kMerge, 1,
                              "sum the shards' run states and the global phases' stats patches into stats.json "
                              "(as one process writes it: counters and histograms summed, inputs in input order, "
                              "reports recomputed over the whole run)"});
  plan.phases.push_back(Phase{"report", PhaseKind::kReport, 1, "report.html from stats.json"});
  return plan;
}

std::string WorkDir(const std::string& output_dir, const std::string& stage_name) {
  return (fs::path(output_dir) / ".sluice" / "work" / stage_name).string();
}

namespace {
std::string TaskFile(const std::string& dir, const char* kind, int task, int shards, const char* ext) {
  return dir + "/" + kind + "-" + std::to_string(task) + "-of-" + std::to_string(shards) + ext;
}
}  // namespace

std::string GlobalKeysPath(const std::string& output_dir, const std::string& stage_name, int task, int shards) {
  return TaskFile(WorkDir(output_dir, stage_name), "keys", task, shards, ".bin");
}

std::string GlobalDecisionsPath(const std::string& output_dir, const std::string& stage_name, int task, int shards) {
  return TaskFile(WorkDir(output_dir, stage_name), "decisions", task, shards, ".bin");
}

std::string SegmentDocsPath(const std::string& output_dir, const std::string& stage_name, int task, int shards) {
  return TaskFile(WorkDir(output_dir, stage_name), "docs", task, shards, ".work.zst");
}

std::string SegmentStatePath(const std::string& output_dir, const std::string& stage_name, int task, int shards) {
  return TaskFile(WorkDir(output_dir, stage_name), "state", task, shards, ".bin");
}

std::string ShardStatePath(const std::string& output_dir, int task, int shards) {
  return TaskFile((fs::path(output_dir) / ".sluice" / "work").string(), "shard-state", task, shards, ".bin");
}

std::string StatsPatchPath(const std::string& output_dir, const std::string& stage_name) {
  return WorkDir(output_dir, stage_name) + "/stats-patch.bin";
}

std::string WordCountsPath(const std::string& output_dir, const std::string& stage_name, int task, int shards) {
  return WorkDir(output_dir, stage_name) + "/counts-" + std::to_string(task) + "-of-" + std::to_string(shards) +
         ".bin";
}

std::string FormatPlan(const Plan& plan, const Recipe& recipe) {
  std::ostringstream out;
  out << "plan for " << recipe.source << " with " << plan.shards << " shard" << (plan.shards == 1 ? "" : "s")
      << ":\n";
  int k = 1;
  for (const auto& p : plan.phases) {
    out << "  " << k++ << ". " << p.name << " (" << p.tasks << (p.tasks == 1 ? " task" : " tasks")
        << (p.per_shard() && p.tasks > 1 ? ", parallel" : "") << "): " << p.description << "\n";
  }
  out << "markers: OUTDIR/.sluice/phases/<phase>/task-I-of-N.done; a rerun skips finished tasks\n";
  return out.str();
}

std::string PhaseMarkerPath(const std::string& output_dir, const Phase& phase, int task) {
  return (fs::path(output_dir) / ".sluice" / "phases" / phase.name /
          ("task-" + std::to_string(task) + "-of-" + std::to_string(phase.tasks) + ".done"))
      .string();
}

bool PhaseTaskDone(const std::string& output_dir, const Phase& phase, int task) {
  std::error_code ec;
  return fs::is_regular_file(PhaseMarkerPath(output_dir, phase, task), ec);
}

Status MarkPhaseTaskDone(const std::string& output_dir, const Phase& phase, int task) {
  fs::path marker = PhaseMarkerPath(output_dir, phase, task);
  std::error_code ec;
  fs::create_directories(marker.parent_path(), ec);
  if (ec) return Status::Io("cannot create '" + marker.parent_path().string() + "': " + ec.message());
  return WriteFileAtomically(marker.string(), "done\n");
}

Status CheckShardCount(const std::string& output_dir, int shards) {
  const fs::path path = fs::path(output_dir) / ".sluice" / "shards";
  std::ifstream in(path);
  int recorded = 0;
  if (in >> recorded) {
    if (recorded == shards) return Status::Ok();
    return Status::Config("'" + output_dir + "' holds a run with --shards " + std::to_string(recorded) +
                          "; rerun with --shards " + std::to_string(recorded) +
                          " to resume it, or start over (sluice run --overwrite, or remove the directory) to use --shards " +
                          std::to_string(shards));
  }
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Status::Io("cannot create '" + path.parent_path().string() + "': " + ec.message());
  return WriteFileAtomically(path.string(), std::to_string(shards) + "\n");
}

std::vector<int> UnfinishedTasks(const std::string& output_dir, const Phase& phase) {
  std::vector<int> out;
  for (int t = 0; t < phase.tasks; ++t) {
    if (!PhaseTaskDone(output_dir, phase, t)) out.push_back(t);
  }
  return out;
}

}  // namespace sluice
