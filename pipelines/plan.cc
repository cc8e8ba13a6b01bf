#include "pipelines/plan.h"

#include <filesystem>
#include <sstream>

#include "stages/record_writer.h"

namespace sluice {

namespace fs = std::filesystem;

bool IsGlobalStageType(const std::string& type) {
  return type == "exact_dedup" || type == "line_dedup" || type == "minhash_dedup";
}

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
    if (shards > 1 && IsGlobalStageType(s.type)) {
      return Status::Config("stage '" + s.name + "' (" + s.type +
                            ") needs all documents in one process, so it cannot run in " + std::to_string(shards) +
                            " shards; sluice has no cross-shard phase for it yet: run it with --shards 1, or use "
                            "`sluice minhash` phases with a minhash_filter stage instead of minhash_dedup");
    }
    plan.shard_stages.push_back(s.name);
  }
  std::string stage_list;
  for (const auto& n : plan.shard_stages) stage_list += (stage_list.empty() ? "" : ", ") + n;
  if (stage_list.empty()) stage_list = "(no stages: copy)";
  plan.phases.push_back(Phase{"shard", PhaseKind::kShard, shards,
                              "per shard I of N (inputs with index % N == I): read, run stages [" + stage_list +
                                  "], write kept/rejected parts and stats/shard-I-of-N.json"});
  plan.phases.push_back(Phase{"merge", PhaseKind::kMerge, 1,
                              "merge stats/shard-*-of-N.json into stats.json (counters and histograms summed, "
                              "inputs in input order)"});
  if (plan.tokenizer_stage >= 0) {
    plan.phases.push_back(Phase{"tokenizer", PhaseKind::kTokenizer, 1,
                                "sluice train-tokenizer over kept/ with stage '" +
                                    recipe.stages[plan.tokenizer_stage].name + "' options -> tokenizer/"});
  }
  plan.phases.push_back(Phase{"report", PhaseKind::kReport, 1, "report.html from stats.json"});
  return plan;
}

std::string FormatPlan(const Plan& plan, const Recipe& recipe) {
  std::ostringstream out;
  out << "plan for " << recipe.source << " with " << plan.shards << " shard" << (plan.shards == 1 ? "" : "s")
      << ":\n";
  int k = 1;
  for (const auto& p : plan.phases) {
    out << "  " << k++ << ". " << p.name << " (" << p.tasks << (p.tasks == 1 ? " task" : " tasks")
        << (p.kind == PhaseKind::kShard ? ", parallel" : "") << "): " << p.description << "\n";
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

std::vector<int> UnfinishedTasks(const std::string& output_dir, const Phase& phase) {
  std::vector<int> out;
  for (int t = 0; t < phase.tasks; ++t) {
    if (!PhaseTaskDone(output_dir, phase, t)) out.push_back(t);
  }
  return out;
}

}  // namespace sluice
