#include "pipelines/local_executor.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "pipelines/command.h"
#include "pipelines/report_hook.h"
#include "pipelines/shard_merge.h"
#include "pipelines/tokenizer_stages.h"
#include "stages/engine/global_stage.h"
#include "stages/engine/run_state.h"
#include "stages/io/record_writer.h"
#include "stages/engine/stage.h"

namespace sluice {

namespace {

namespace fs = std::filesystem;

const Phase* FindPhase(const Plan& plan, const std::string& name) {
  for (const auto& p : plan.phases) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

StatusOr<std::string> ReadFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::Io("cannot read '" + path + "'");
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

// Runs argv as a child; returns its exit code (128+signal when killed).
int Spawn(const std::vector<std::string>& argv, pid_t* pid_out) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execv(cargv[0], cargv.data());
    std::perror("sluice: exec");
    _exit(127);
  }
  *pid_out = pid;
  return 0;
}

int ExitOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 2;
}

Status WriteResolvedRecipe(const std::string& output_dir, const std::string& resolved) {
  // Every shard writes the same recipe.resolved.yaml, possibly at the same time:
  // AtomicFile's per-process temporary name, then an atomic rename.
  return WriteFileAtomically(output_dir + "/recipe.resolved.yaml", resolved);
}

StatusOr<Options> StageOptions(const RecipeStage& rs) {
  const StageInfo* info = StageRegistry::Global().Find(rs.type);
  if (!info) return Status::Internal("stage type '" + rs.type + "' is not registered");
  return ValidateOptions(*info, rs.name, rs.options_yaml);
}

// The training options of a recipe's train_tokenizer stage.
Status TokenizerConfigOf(const RecipeStage& rs, TokenizerTrainConfig* tc, tokenizer::PreTokenizer* pre) {
  auto options = StageOptions(rs);
  if (!options.ok()) return options.status();
  return TrainConfigFromOptions(*options, tc, pre);
}

// Runs segment `g` of the plan on shard `task` (g = plan.global_stages.size()
// for the last segment, the `shard` phase): see pipelines/plan.h.
Status RunSegmentTask(const RunArgs& base, const Plan& plan, int task, int shards, size_t g) {
  RunArgs args = base;
  args.shard = std::to_string(task) + "/" + std::to_string(shards);
  Recipe recipe;
  RunConfig config;
  std::string resolved;
  SLUICE_RETURN_IF_ERROR(PrepareRun(args, &recipe, &config, &resolved));
  const std::string out = config.output_dir;
  if (config.stages.size() != recipe.stages.size()) return Status::Internal("stages and recipe disagree");
  const size_t globals = plan.global_stages.size();
  RunConfig::Segment& seg = config.segment;
  if (g > 0) {
    const std::string& prev = recipe.stages[plan.global_stages[g - 1]].name;
    seg.first = static_cast<size_t>(plan.global_stages[g - 1]);
    seg.apply_decisions = GlobalDecisionsPath(out, prev, task, shards);
    seg.docs_in = SegmentDocsPath(out, prev, task, shards);
    seg.state_in = SegmentStatePath(out, prev, task, shards);
  }
  config.shard_label = args.shard;
  if (g < globals) {
    const std::string& name = recipe.stages[plan.global_stages[g]].name;
    seg.last = static_cast<size_t>(plan.global_stages[g]);
    seg.keys_out = GlobalKeysPath(out, name, task, shards);
    seg.docs_out = SegmentDocsPath(out, name, task, shards);
    seg.state_out = SegmentStatePath(out, name, task, shards);
    config.resume = false;
    RunResult result;
    SLUICE_RETURN_IF_ERROR(RunPipeline(config, &result));
    for (const auto& in : result.inputs) {
      if (!in.read_error.empty()) return Status::Io("input '" + in.path + "' ended early: " + in.read_error);
    }
    return Status::Ok();
  }
  if (plan.tokenizer_stage >= 0) {
    const RecipeStage& rs = recipe.stages[plan.tokenizer_stage];
    TokenizerTrainConfig tc;
    tokenizer::PreTokenizer pre;
    SLUICE_RETURN_IF_ERROR(TokenizerConfigOf(rs, &tc, &pre));
    config.stages[plan.tokenizer_stage].stage =
        MakeWordCountWriter(std::move(tc), std::move(pre), WordCountsPath(out, rs.name, task, shards));
  }
  // Always a shard stats file (even for N = 1), so the merge phase is uniform.
  config.stats_path = out + "/stats/shard-" + std::to_string(task) + "-of-" + std::to_string(shards) + ".json";
  seg.state_out = ShardStatePath(out, task, shards);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return Status::Io("cannot create '" + out + "': " + ec.message());
  SLUICE_RETURN_IF_ERROR(WriteResolvedRecipe(out, resolved));
  RunResult result;
  SLUICE_RETURN_IF_ERROR(RunPipeline(config, &result));
  if (!args.quiet) std::cout << FormatAccounting(result);
  std::cerr << FormatInputWarnings(result);
  for (const auto& in : result.inputs) {
    if (!in.read_error.empty()) return Status::Io("input '" + in.path + "' ended early: " + in.read_error);
  }
  return Status::Ok();
}

Status RunResolveTask(const RunArgs& args, const Plan& plan, const Phase& phase, const std::string& out) {
  Recipe recipe;
  RunConfig config;
  std::string resolved;
  SLUICE_RETURN_IF_ERROR(PrepareRun(args, &recipe, &config, &resolved));
  const int idx = plan.global_stages[phase.global];
  const std::string& name = recipe.stages[idx].name;
  if (!config.stages[idx].stage->is_global()) return Status::Internal("stage '" + name + "' is not global");
  const auto& stage = static_cast<const GlobalStage&>(*config.stages[idx].stage);
  std::vector<std::string> keys, decisions;
  for (int t = 0; t < plan.shards; ++t) {
    keys.push_back(GlobalKeysPath(out, name, t, plan.shards));
    decisions.push_back(GlobalDecisionsPath(out, name, t, plan.shards));
  }
  Stats stats;
  std::string report;
  SLUICE_RETURN_IF_ERROR(
      ResolveGlobalStage(stage, keys, decisions, out, &stats, &report).WithContext("phase " + phase.name));
  SLUICE_RETURN_IF_ERROR(WriteFileAtomically(StatsPatchPath(out, name), EncodeStatsPatch(stats, report)));
  // The keys are decided: the decisions are all later phases need.
  std::error_code ec;
  for (const auto& k : keys) fs::remove(k, ec);
  return Status::Ok();
}

// Trains into a scratch directory and renames it to OUTDIR/tokenizer, so a
// failed training never leaves partial tokenizer files.
Status RunTokenizerTask(const Plan& plan, const Recipe& recipe, const std::string& out) {
  const RecipeStage& rs = recipe.stages[plan.tokenizer_stage];
  TokenizerTrainConfig tc;
  tokenizer::PreTokenizer pre;
  SLUICE_RETURN_IF_ERROR(TokenizerConfigOf(rs, &tc, &pre));
  std::vector<std::string> files;
  for (int t = 0; t < plan.shards; ++t) files.push_back(WordCountsPath(out, rs.name, t, plan.shards));
  const std::string scratch = WorkDir(out, rs.name) + "/tokenizer.partial";
  std::error_code ec;
  fs::remove_all(scratch, ec);
  std::string patch;
  SLUICE_RETURN_IF_ERROR(TrainFromCountFiles(tc, pre, files, scratch, &patch));  // EncodeStatsPatch
  SLUICE_RETURN_IF_ERROR(WriteFileAtomically(StatsPatchPath(out, rs.name), patch));
  const fs::path final_dir = fs::path(out) / "tokenizer";
  fs::remove_all(final_dir, ec);
  fs::rename(scratch, final_dir, ec);
  if (ec) return Status::Io("cannot rename '" + scratch + "' to '" + final_dir.string() + "': " + ec.message());
  return Status::Ok();
}

// kTaskBarrierEnv: marks this task's start, waits for every task of the phase.
Status AwaitAllTasks(const std::string& dir, const Phase& phase, int task) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  SLUICE_RETURN_IF_ERROR(WriteFileAtomically(dir + "/" + phase.name + "." + std::to_string(task), "started\n"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (true) {
    int started = 0;
    for (int t = 0; t < phase.tasks; ++t) started += fs::exists(dir + "/" + phase.name + "." + std::to_string(t), ec);
    if (started == phase.tasks) return Status::Ok();
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Io("phase " + phase.name + " task " + std::to_string(task) + ": only " + std::to_string(started) +
                        " of " + std::to_string(phase.tasks) + " tasks started within 120 s (" + kTaskBarrierEnv +
                        "): the tasks did not run at the same time");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

std::string SelfExecutable() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "sluice" : p.string();
}

StatusOr<Plan> PlanFor(const RunArgs& args, int shards, Recipe* recipe) {
  std::string recipe_path;
  for (const auto& p : args.positional) {
    if (p.size() > 5 && (p.ends_with(".yaml") || p.ends_with(".yml"))) recipe_path = p;
    break;
  }
  if (recipe_path.empty()) {
    std::vector<std::string> inputs = args.positional;
    inputs.insert(inputs.end(), args.inputs.begin(), args.inputs.end());
    *recipe = DefaultRecipeFor(inputs);  // as `sluice run` chooses it
  } else {
    auto r = LoadRecipeFile(recipe_path);
    if (!r.ok()) return r.status();
    *recipe = std::move(r).value();
  }
  return MakePlan(*recipe, shards);
}

Status RunPhaseTask(const RunArgs& args, const std::string& phase_name, int task, int shards) {
  Recipe recipe;
  auto plan = PlanFor(args, shards, &recipe);
  if (!plan.ok()) return plan.status();
  const Phase* phase = FindPhase(*plan, phase_name);
  if (!phase) return Status::Config("the plan of this recipe has no phase '" + phase_name + "'");
  if (task < 0 || task >= phase->tasks) {
    return Status::Config("phase '" + phase_name + "' has tasks 0.." + std::to_string(phase->tasks - 1) +
                          ", not " + std::to_string(task));
  }
  std::string out = args.output_dir.empty() ? recipe.output_dir : args.output_dir;
  if (out.empty()) return Status::Config("no output directory: give -o OUTDIR (or output.dir in the recipe)");
  if (PhaseTaskDone(out, *phase, task)) return Status::Ok();
  if (const char* dir = std::getenv(kTaskBarrierEnv); dir && *dir && phase->per_shard()) {
    SLUICE_RETURN_IF_ERROR(AwaitAllTasks(dir, *phase, task));
  }
  if (const char* fail = std::getenv(kFailTaskEnv); fail && phase_name + ":" + std::to_string(task) == fail) {
    return Status::Io("phase " + phase_name + " task " + std::to_string(task) + " failed on purpose (" +
                      kFailTaskEnv + "=" + fail + ")");
  }
  switch (phase->kind) {
    case PhaseKind::kKeys:
      SLUICE_RETURN_IF_ERROR(RunSegmentTask(args, *plan, task, shards, static_cast<size_t>(phase->global)));
      break;
    case PhaseKind::kResolve:
      SLUICE_RETURN_IF_ERROR(RunResolveTask(args, *plan, *phase, out));
      break;
    case PhaseKind::kShard:
      SLUICE_RETURN_IF_ERROR(RunSegmentTask(args, *plan, task, shards, plan->global_stages.size()));
      break;
    case PhaseKind::kMerge:
      SLUICE_RETURN_IF_ERROR(MergeShardRuns(args, *plan, out));
      break;
    case PhaseKind::kTokenizer:
      SLUICE_RETURN_IF_ERROR(RunTokenizerTask(*plan, recipe, out));
      break;
    case PhaseKind::kReport: {
      auto stats = ReadFile(out + "/stats.json");
      if (!stats.ok()) return stats.status();
      if (!args.no_report) SLUICE_RETURN_IF_ERROR(WriteRunReport(*stats, out + "/report.html"));
      break;
    }
  }
  SLUICE_RETURN_IF_ERROR(MarkPhaseTaskDone(out, *phase, task));
  // A finished segment's input documents are read by no later phase.
  if ((phase->kind == PhaseKind::kKeys && phase->global > 0) ||
      (phase->kind == PhaseKind::kShard && !plan->global_stages.empty())) {
    const int g = phase->kind == PhaseKind::kKeys ? phase->global : static_cast<int>(plan->global_stages.size());
    const std::string& prev = recipe.stages[plan->global_stages[g - 1]].name;
    std::error_code ec;
    fs::remove(SegmentDocsPath(out, prev, task, shards), ec);
  }
  return Status::Ok();
}

std::vector<std::string> PhaseTaskArgv(const RunArgs& args, const std::string& phase_name, int task, int shards,
                                       int threads) {
  std::vector<std::string> v = {"phase", phase_name, "--task", std::to_string(task), "--shards",
                                std::to_string(shards)};
  // Paths stay as given (children and Slurm jobs run in the same working
  // directory), so stats list inputs exactly as a single-process run does.
  for (const auto& p : args.positional) v.push_back(p);
  for (const auto& p : args.inputs) v.insert(v.end(), {"-i", p});
  if (!args.output_dir.empty()) v.insert(v.end(), {"-o", args.output_dir});
  if (threads > 0) v.insert(v.end(), {"--threads", std::to_string(threads)});
  for (const PassedRunFlag& f : PassedRunFlags()) {
    if (auto* b = std::get_if<bool RunArgs::*>(&f.member)) {
      if (args.*(*b)) v.push_back(f.flag);
    } else if (auto* str = std::get_if<std::string RunArgs::*>(&f.member)) {
      if (!(args.*(*str)).empty()) v.insert(v.end(), {f.flag, args.*(*str)});
    } else if (const int64_t n = args.*std::get<int64_t RunArgs::*>(f.member); n > 0) {
      v.insert(v.end(), {f.flag, std::to_string(n)});
    }
  }
  v.push_back("-q");
  return v;
}

int RunSharded(const RunArgs& args, int shards) {
  Recipe recipe;
  auto plan = PlanFor(args, shards, &recipe);
  if (!plan.ok()) return ExitCodeFor(plan.status());
  std::string out = args.output_dir.empty() ? recipe.output_dir : args.output_dir;
  if (out.empty()) return ExitCodeFor(Status::Config("no output directory: give -o OUTDIR (or output.dir in the recipe)"));
  if (Status st = LockOutputDir(out, /*shared=*/false); !st.ok()) return ExitCodeFor(st);
  RemoveStaleTempFiles(out);  // no task of this plan runs yet, and the lock keeps others out
  if (args.overwrite) {
    std::error_code ec;
    for (const char* sub : {"kept", "rejected", "malformed", ".sluice", "stats", "tokenizer"}) {
      fs::remove_all(fs::path(out) / sub, ec);
    }
    fs::remove(fs::path(out) / "stats.json", ec);
    fs::remove(fs::path(out) / "report.html", ec);
  }
  if (args.no_resume) {
    std::error_code ec;
    fs::remove_all(fs::path(out) / ".sluice" / "phases", ec);
    fs::remove(fs::path(out) / ".sluice" / "shards", ec);
  }
  if (Status st = CheckShardCount(out, shards); !st.ok()) return ExitCodeFor(st);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int total_threads = args.threads > 0 ? args.threads : cores;
  const std::string self = SelfExecutable();
  for (const Phase& phase : plan->phases) {
    std::vector<int> todo = UnfinishedTasks(out, phase);
    if (todo.empty()) {
      if (!args.quiet) std::cerr << "sluice: phase " << phase.name << ": finished earlier, skipped\n";
      continue;
    }
    const int parallel = std::min<int>(static_cast<int>(todo.size()), std::max(1, std::min(cores, total_threads)));
    const int threads = std::max(1, total_threads / parallel);
    std::vector<std::pair<pid_t, int>> running;
    std::vector<int> failed;
    size_t next = 0;
    auto reap_one = [&]() {
      int status = 0;
      pid_t pid = wait(&status);
      if (pid < 0) return;
      for (size_t k = 0; k < running.size(); ++k) {
        if (running[k].first != pid) continue;
        if (int rc = ExitOf(status); rc != 0) {
          failed.push_back(running[k].second);
          std::cerr << "sluice: phase " << phase.name << " task " << running[k].second << " failed (exit " << rc
                    << ")\n";
        }
        running.erase(running.begin() + static_cast<long>(k));
        return;
      }
    };
    while (next < todo.size() || !running.empty()) {
      while (next < todo.size() && static_cast<int>(running.size()) < parallel) {
        std::vector<std::string> argv = {self};
        auto rest = PhaseTaskArgv(args, phase.name, todo[next], shards, threads);
        argv.insert(argv.end(), rest.begin(), rest.end());
        pid_t pid = 0;
        if (Spawn(argv, &pid) != 0) return ExitCodeFor(Status::Io("cannot start " + self));
        running.emplace_back(pid, todo[next]);
        ++next;
      }
      if (!running.empty()) reap_one();
    }
    if (!failed.empty()) {
      std::sort(failed.begin(), failed.end());
      std::string list;
      for (int t : failed) list += (list.empty() ? "" : ", ") + std::to_string(t);
      return ExitCodeFor(Status::Io("phase " + phase.name + ": task(s) " + list + " of " +
                                    std::to_string(phase.tasks) +
                                    " failed; later phases did not run. Rerun the same command to retry only what "
                                    "did not finish"));
    }
    if (!args.quiet) {
      std::cerr << "sluice: phase " << phase.name << ": " << todo.size() << " task(s) done\n";
    }
  }
  if (!args.quiet) {
    auto stats = ReadFile(out + "/stats.json");
    if (stats.ok()) std::cout << "outputs: " << out << "/{kept,rejected,malformed}/, " << out << "/stats.json\n";
  }
  return 0;
}

}  // namespace sluice
