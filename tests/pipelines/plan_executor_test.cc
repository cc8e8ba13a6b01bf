// The phase plan, the per-shard stats merge and the sharded local executor
// (`sluice run-sharded`): same kept output, stats and tokenizer as one process.
#include <catch2/catch.hpp>

#include <cstdlib>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <variant>

#include "pipelines/local_executor.h"
#include "pipelines/plan.h"
#include "pipelines/run_command.h"
#include "pipelines/recipe.h"
#include "slurm_test_util.h"

namespace sluice {
namespace {

using namespace sluice::testing;

Recipe MustParse(const std::string& yaml) {
  auto r = ParseRecipe(yaml, "<test>");
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("plan: per-shard stages, then tokenizer, merge and report", "[plan]") {
  auto plan = MakePlan(MustParse(kShardedRecipe), 4);
  REQUIRE(plan.ok());
  REQUIRE(plan->phases.size() == 4);
  CHECK(plan->phases[0].name == "shard");
  CHECK(plan->phases[0].tasks == 4);
  CHECK(plan->phases[1].name == "tokenizer");
  CHECK(plan->phases[2].name == "merge");
  CHECK(plan->phases[3].name == "report");
  CHECK(plan->shard_stages == std::vector<std::string>{"normalize", "gopher_quality"});
  CHECK(plan->tokenizer_stage == 2);
  std::string text = FormatPlan(*plan, MustParse(kShardedRecipe));
  CHECK(text.find("normalize, gopher_quality") != std::string::npos);

  auto no_tok = MakePlan(MustParse("stages:\n  - {type: normalize}\n"), 2);
  REQUIRE(no_tok.ok());
  CHECK(no_tok->phases.size() == 3);
  CHECK(no_tok->tokenizer_stage == -1);
}

TEST_CASE("plan: global stages get keys and resolve phases across shards, none in one shard", "[plan]") {
  for (const char* type : {"exact_dedup", "line_dedup", "minhash_dedup"}) {
    Recipe r = MustParse(std::string("stages:\n  - {type: normalize}\n  - {type: ") + type + ", name: my_dedup}\n");
    auto plan = MakePlan(r, 3);
    REQUIRE(plan.ok());
    REQUIRE(plan->phases.size() == 5);
    CHECK(plan->phases[0].name == "keys-my_dedup");
    CHECK(plan->phases[0].tasks == 3);
    CHECK(plan->phases[0].kind == PhaseKind::kKeys);
    CHECK(plan->phases[1].name == "resolve-my_dedup");
    CHECK(plan->phases[1].tasks == 1);
    CHECK(plan->phases[2].name == "shard");
    CHECK(plan->global_stages == std::vector<int>{1});
    CHECK(FormatPlan(*plan, r).find("keys of 'my_dedup' (" + std::string(type) + ")") != std::string::npos);
    auto one = MakePlan(r, 1);  // one shard sees every document
    REQUIRE(one.ok());
    CHECK(one->phases.size() == 3);
    CHECK(one->global_stages.empty());
  }
  auto mid = MakePlan(MustParse("stages:\n  - {type: train_tokenizer, vocab_size: 300}\n  - {type: normalize}\n"), 2);
  REQUIRE_FALSE(mid.ok());
  CHECK(mid.status().message().find("last stage") != std::string::npos);
}

TEST_CASE("run-sharded: same kept output, stats and tokenizer as one process - failed shard resumes",
          "[plan][slow]") {
  ScratchDir dir("sharded");
  std::string log;
  REQUIRE(MakeSplitSample(dir.path, 5, &log));
  {
    std::ofstream r(dir.path / "r.yaml");
    r << kShardedRecipe;
  }
  const std::string bin = SLUICE_BINARY;
  const std::string base = "cd " + dir.path.string() + " && ";
  REQUIRE(RunShell(base + bin + " run r.yaml -i in -o single -q --threads 2", &log) == 0);

  // Shard 2 of 4 fails: later phases do not run and nothing is merged.
  int rc = RunShell(base + "SLUICE_FAIL_TASK=shard:2 " + bin + " run-sharded r.yaml -i in -o sharded --shards 4 -q",
                    &log);
  CHECK(rc == 2);
  CHECK(log.find("task(s) 2 of 4 failed") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path / "sharded" / "stats.json"));
  CHECK_FALSE(fs::exists(dir.path / "sharded" / "tokenizer"));
  CHECK(fs::exists(dir.path / "sharded/.sluice/phases/shard/task-0-of-4.done"));
  CHECK_FALSE(fs::exists(dir.path / "sharded/.sluice/phases/shard/task-2-of-4.done"));

  // The rerun runs only shard 2 and the later phases.
  REQUIRE(RunShell(base + bin + " run-sharded r.yaml -i in -o sharded --shards 4", &log) == 0);
  CHECK(log.find("phase shard: 1 task(s) done") != std::string::npos);

  const fs::path a = dir.path / "single", b = dir.path / "sharded";
  CHECK(FileNames(a / "kept").size() == 5);
  CheckSameOutputs(a, b, /*tokenizer=*/true);
  CHECK(fs::exists(b / "report.html"));

  // Everything finished: a third run does nothing.
  REQUIRE(RunShell(base + bin + " run-sharded r.yaml -i in -o sharded --shards 4", &log) == 0);
  CHECK(log.find("phase shard: finished earlier") != std::string::npos);
}

TEST_CASE("slurm submit: clear error without sbatch", "[plan]") {
  ScratchDir dir("nosbatch");
  {
    std::ofstream r(dir.path / "r.yaml");
    r << kShardedRecipe;
  }
  std::string log;
  int rc = RunShell("PATH=/nonexistent " SLUICE_BINARY " slurm submit " + (dir.path / "r.yaml").string() + " -i " +
                        dir.path.string() + " -o " +
                        (dir.path / "out").string() + " --shards 2",
                    &log);
  CHECK(rc == 2);
  CHECK(log.find("sbatch not found") != std::string::npos);
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

TEST_CASE("a phase task's command line carries every passed run option back to the same RunArgs",
          "[plan]") {
  RunArgs given;
  given.positional = {"recipe.yaml", "a.jsonl"};
  given.inputs = {"more/*.jsonl"};
  given.output_dir = "out dir";
  given.write_signals = true;
  given.format = "jsonl.gz";
  given.text_key = "content";
  given.id_key = "doc_id";
  given.text_mode = "paragraph";
  given.max_record_bytes = 12345;
  given.no_report = true;
  const std::vector<std::string> argv = PhaseTaskArgv(given, "shard", 2, 4, 3);
  REQUIRE(argv.size() > 6);
  CHECK(std::vector<std::string>(argv.begin(), argv.begin() + 6) ==
        std::vector<std::string>{"phase", "shard", "--task", "2", "--shards", "4"});
  // Parse the rest as `sluice phase` does (the run options of AddRunOptions).
  CLI::App app;
  RunArgs parsed;
  AddRunOptions(&app, &parsed);
  std::vector<std::string> rest(argv.begin() + 6, argv.end());
  std::reverse(rest.begin(), rest.end());  // CLI11 takes the arguments last-first
  REQUIRE_NOTHROW(app.parse(rest));
  CHECK(parsed.positional == given.positional);
  CHECK(parsed.inputs == given.inputs);
  CHECK(parsed.output_dir == given.output_dir);
  CHECK(parsed.threads == 3);
  CHECK(parsed.quiet);
  // Every row of the table, whatever its type.
  for (const PassedRunFlag& f : PassedRunFlags()) {
    INFO(f.flag);
    CHECK(std::find(argv.begin(), argv.end(), std::string(f.flag)) != argv.end());
    std::visit([&](auto member) { CHECK(parsed.*member == given.*member); }, f.member);
  }
  // Defaults are not written: a plain run passes only what it must.
  const std::vector<std::string> plain = PhaseTaskArgv(RunArgs{}, "shard", 0, 1, 0);
  CHECK(plain == std::vector<std::string>{"phase", "shard", "--task", "0", "--shards", "1", "-q"});
}

}  // namespace
}  // namespace sluice
