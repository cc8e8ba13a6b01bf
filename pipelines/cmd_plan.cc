// `sluice plan [RECIPE] --shards N`: prints the phase plan of a sharded run.
// `sluice run-sharded [RECIPE] -i ... -o OUTDIR --shards N`: runs it on this
//   machine (what `sluice run --executor local --shards N` dispatches to).
// `sluice phase NAME --task I --shards N [RECIPE] -i ... -o OUTDIR`: one task
//   of one phase; what the local executor's children and Slurm jobs run.
#include <CLI/CLI.hpp>

#include <iostream>

#include "pipelines/cli_validators.h"
#include "pipelines/command.h"
#include "pipelines/local_executor.h"
#include "pipelines/plan.h"

namespace sluice {


namespace {

Command MakePlanCommand() {
  Command c;
  c.name = "plan";
  c.help = "Print the phases of a sharded run of RECIPE (per-shard stages, global phases, markers)";
  c.setup = [](CLI::App* app) {
    auto recipe_path = std::make_shared<std::string>();
    auto shards = std::make_shared<int>(1);
    app->add_option("recipe", *recipe_path, "Recipe YAML (default: the built-in recipe)");
    app->add_option("--shards", *shards, "Number of shards")->check(IntegerIn(1, 1000000));
    return [recipe_path, shards]() {
      RunArgs args;
      if (!recipe_path->empty()) args.positional.push_back(*recipe_path);
      Recipe recipe;
      auto plan = PlanFor(args, *shards, &recipe);
      if (!plan.ok()) return ExitCodeFor(plan.status());
      std::cout << FormatPlan(*plan, recipe);
      return 0;
    };
  };
  return c;
}

Command MakeRunShardedCommand() {
  Command c;
  c.name = "run-sharded";
  c.help = "Run a recipe's sharded phase plan on this machine (= sluice run --executor local --shards N)";
  c.setup = [](CLI::App* app) {
    auto args = std::make_shared<RunArgs>();
    auto shards = std::make_shared<int>(1);
    AddRunOptions(app, args.get());
    app->add_option("--shards", *shards, "Number of shards")->check(IntegerIn(1, 1000000))->required();
    app->add_flag("--overwrite", args->overwrite, "Remove earlier sluice outputs in OUTDIR first");
    app->add_flag("--no-resume", args->no_resume, "Rerun phases an earlier run finished");
    return [args, shards]() { return RunSharded(*args, *shards); };
  };
  return c;
}

Command MakePhaseCommand() {
  Command c;
  c.name = "phase";
  c.help = "(internal) Run one task of one phase of a sharded plan (used by run-sharded and Slurm jobs)";
  c.setup = [](CLI::App* app) {
    auto args = std::make_shared<RunArgs>();
    auto name = std::make_shared<std::string>();
    auto task = std::make_shared<int>(0);
    auto shards = std::make_shared<int>(1);
    app->add_option("phase", *name, "Phase name (see sluice plan)")->required();
    app->add_option("--task", *task, "Task index within the phase");
    app->add_option("--shards", *shards, "Number of shards of the plan")->required();
    AddRunOptions(app, args.get());
    return [args, name, task, shards]() {
      return ExitCodeFor(RunPhaseTask(*args, *name, *task, *shards));
    };
  };
  return c;
}

}  // namespace

SLUICE_REGISTER_COMMAND(Plan, MakePlanCommand);
SLUICE_REGISTER_COMMAND(RunSharded, MakeRunShardedCommand);
SLUICE_REGISTER_COMMAND(Phase, MakePhaseCommand);

}  // namespace sluice
