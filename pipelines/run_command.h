// The pieces of `sluice run` that other commands reuse (the Slurm and sharded
// executors run the same thing per shard): recipe + command-line overrides ->
// a RunConfig, then the run and its summary.
#pragma once

#include <atomic>
#include <string>
#include <variant>
#include <vector>

#include "pipelines/recipe.h"
#include "stages/engine/pipeline_runner.h"
#include "stages/engine/status.h"

namespace CLI {
class App;
}

namespace sluice {

struct RunArgs {
  std::vector<std::string> positional;  // [RECIPE.yaml] INPUT...
  std::vector<std::string> inputs;      // -i
  std::string output_dir;               // -o
  int threads = 0;                      // 0 = all cores
  std::string shard;                    // "I/N" (0 <= I < N); "" = SLURM_ARRAY_TASK_* or all
  bool write_signals = false;
  std::string format;                   // overrides output.format
  std::string text_key, id_key, text_mode;
  int64_t max_record_bytes = 0;
  bool overwrite = false;
  bool no_resume = false;
  bool quiet = false;
  bool no_report = false;
  // Library callers (the Python API): a recipe as YAML text instead of a
  // RECIPE.yaml path (relative paths in it resolve against recipe_dir), and a
  // flag that stops the run early (then the run fails with "interrupted").
  std::string recipe_yaml;
  std::string recipe_dir = ".";
  const std::atomic<bool>* cancel = nullptr;
};

// The options of a run that a sharded plan hands on to every phase task,
// one row each: the row declares the CLI flag (AddRunOptions) and writes it
// back into a task's command line (PhaseTaskArgv), so a new option is added
// in one place. A row that overrides a recipe key takes its help text and
// range from the recipe's section table (pipelines/recipe.h).
struct PassedRunFlag {
  const char* flag;     // "--format"
  const char* section;  // recipe section and key it overrides, or nullptr
  const char* key;
  const char* help;     // when it overrides no recipe key
  std::variant<bool RunArgs::*, std::string RunArgs::*, int64_t RunArgs::*> member;
};
const std::vector<PassedRunFlag>& PassedRunFlags();

// Adds the options `sluice run` shares with the sharded and Slurm commands
// (inputs, output, threads, PassedRunFlags, quiet) to `app`.
void AddRunOptions(CLI::App* app, RunArgs* args);

// Parses "I/N" into shard index and count.
Status ParseShard(const std::string& spec, int* index, int* count);

// Loads the recipe (or the default), applies overrides, expands inputs, builds
// stages and fills *config. *recipe receives the resolved recipe.
Status PrepareRun(const RunArgs& args, Recipe* recipe, RunConfig* config, std::string* resolved_yaml);

// Locks OUTDIR for this process's lifetime (flock on OUTDIR/.sluice.lock,
// created with OUTDIR): exclusive for a whole run or a sharded plan's
// executor, shared for a hand-run shard (--shard I/N, Slurm array tasks of
// `sluice run`), so two runs cannot write one OUTDIR at once. A held lock is a
// Config error naming the directory. Phase tasks of an executor do not lock
// (their executor holds it).
Status LockOutputDir(const std::string& output_dir, bool shared);

// Removes temporary files an interrupted or failed earlier run left in OUTDIR
// (`*.tmp`, `*.tmp.<pid>` in OUTDIR, stats/ and .sluice/ and below .sluice/).
// Call only while holding the exclusive lock: then no other writer exists.
void RemoveStaleTempFiles(const std::string& output_dir);

// The whole `sluice run` but for printing its summary: prepare, lock OUTDIR,
// run, write recipe.resolved.yaml, stats (with audits) and report. *stats_path
// receives where stats.json went. Data problems are counted, not errors; an
// input that ended early is an Io error after everything was written.
Status RunAndReport(const RunArgs& args, RunResult* result, std::string* stats_path);

// `sluice run`: RunAndReport, then the accounting on stdout. Returns the
// process exit code.
int RunMain(const RunArgs& args);

}  // namespace sluice
