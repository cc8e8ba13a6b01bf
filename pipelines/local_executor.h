// Executes a phase plan (pipelines/plan.h): one phase task in this process
// (`sluice phase`), or the whole plan on one machine (`RunSharded`), each
// task a child process of the same binary, phase after phase. Finished tasks
// leave markers under OUTDIR/.sluice/phases/ and are skipped on a rerun.
#pragma once

#include <string>
#include <vector>

#include "pipelines/plan.h"
#include "pipelines/run_command.h"
#include "stages/engine/status.h"

namespace CLI {
class App;
}

namespace sluice {


// Fault injection for tests of failure and resume: when this environment
// variable equals "<phase>:<task>" (e.g. "shard:2"), that task fails (exit 2)
// before doing any work.
inline constexpr char kFailTaskEnv[] = "SLUICE_FAIL_TASK";

// Concurrency check for tests of executors: when this environment variable
// names a directory, every task of a per-shard phase marks its start there and
// waits until all tasks of its phase have started (failing after 120 s). A
// scheduler that runs a job array's tasks one after another fails the run.
inline constexpr char kTaskBarrierEnv[] = "SLUICE_TASK_BARRIER";

// Loads the recipe named by `args` and derives its plan.
StatusOr<Plan> PlanFor(const RunArgs& args, int shards, Recipe* recipe);

// Runs task `task` of phase `phase_name` of the `shards`-shard plan in this
// process and writes its marker. Already-finished tasks return Ok at once.
Status RunPhaseTask(const RunArgs& args, const std::string& phase_name, int task, int shards);

// The argv (after the binary) that runs one phase task: `phase NAME --task I
// --shards N` plus the run options of `args` (paths as given: run it in the same
// working directory).
std::vector<std::string> PhaseTaskArgv(const RunArgs& args, const std::string& phase_name, int task, int shards,
                                       int threads);

// Path of the running sluice binary (/proc/self/exe resolved).
std::string SelfExecutable();

// `sluice run ... --executor local --shards N`: runs every unfinished phase
// task as a child process (up to min(N, cores) at once for per-shard phases),
// stops at the first failed phase. Returns the process exit code.
int RunSharded(const RunArgs& args, int shards);

}  // namespace sluice
