#include "pipelines/shard_merge.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "filters/language_audit.h"
#include "stages/io/record_writer.h"
#include "stages/engine/run_state.h"
#include "stages/engine/run_stats.h"

namespace sluice {

namespace {

namespace fs = std::filesystem;

StatusOr<std::string> Slurp(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read '" + path + "' (" + what + ")");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Status MergeShardRuns(const RunArgs& base, const Plan& plan, const std::string& out) {
  RunArgs args = base;
  args.shard = "0/1";  // the stages of the recipe, as built for any task
  Recipe recipe;
  RunConfig config;
  std::string resolved;
  SLUICE_RETURN_IF_ERROR(PrepareRun(args, &recipe, &config, &resolved));
  RunState total;
  total.Resize(config.stages.size());
  for (int t = 0; t < plan.shards; ++t) {
    auto data = Slurp(ShardStatePath(out, t, plan.shards), "did shard " + std::to_string(t) + " finish?");
    if (!data.ok()) return data.status();
    RunState shard;
    SLUICE_RETURN_IF_ERROR(shard.Decode(*data).WithContext(ShardStatePath(out, t, plan.shards)));
    total.Append(shard, recipe.output.samples_per_reason);
  }
  std::vector<bool> patched(config.stages.size(), false);
  std::vector<int> patch_stages = plan.global_stages;
  if (plan.tokenizer_stage >= 0) patch_stages.push_back(plan.tokenizer_stage);
  for (int idx : patch_stages) {
    const std::string& name = recipe.stages[idx].name;
    auto data = Slurp(StatsPatchPath(out, name), "did the global phase of stage '" + name + "' finish?");
    if (!data.ok()) return data.status();
    Stats stats;
    std::string report;
    SLUICE_RETURN_IF_ERROR(DecodeStatsPatch(*data, &stats, &report).WithContext(StatsPatchPath(out, name)));
    total.stages[idx].Merge(stats);
    total.reports[idx] = report;
    patched[idx] = true;
  }
  // Reports of the other stages, over the whole run's stats (a shard's
  // report describes only its own documents).
  for (size_t i = 0; i < config.stages.size(); ++i) {
    if (patched[i] || config.stages[i].stage->is_global()) continue;
    FinishContext ctx;
    ctx.output_dir = out;
    ctx.stats = &total.stages[i];
    SLUICE_RETURN_IF_ERROR(config.stages[i].stage->Finish(ctx).WithContext("stage '" + config.stages[i].name + "'"));
    total.reports[i] = ctx.report_json;
  }
  StatsJsonInfo info;
  for (const auto& st : config.stages) {
    info.stage_names.push_back(st.name);
    info.stage_types.push_back(st.type);
  }
  info.threads = config.threads;
  RunStats stats = RunStatsOf(total, info);
  stats.sections = AuditSections(stats);  // as `sluice run` does, over the merged counts
  return WriteFileAtomically((fs::path(out) / "stats.json").string(), StatsJson(stats));
}

}  // namespace sluice
