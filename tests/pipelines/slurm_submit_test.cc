// `sluice slurm submit/status` against a real local Slurm (scripts/slurm_test.sh
// starts it). Hidden ([.slurm]): the normal test run skips these; run them with
// `pipelines_test "[slurm]"`. The CTest registration's "~[slow]" filter also
// lists hidden tests, so each test first checks SLUICE_SLURM_TESTS=1 (set by
// scripts/slurm_test.sh once Slurm is up) and otherwise only warns.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "slurm_test_util.h"

namespace sluice {
namespace {

using namespace sluice::testing;

bool SlurmEnabled() {
  const char* on = std::getenv("SLUICE_SLURM_TESTS");
  if (on && std::string(on) == "1") return true;
  WARN("skipped: needs the local Slurm of scripts/slurm_test.sh (SLUICE_SLURM_TESTS=1)");
  return false;
}

void CheckSameAsLocal(const fs::path& a, const fs::path& b) { CheckSameOutputs(a, b, /*tokenizer=*/true); }

TEST_CASE("slurm: 4-shard run of the sample equals the local run - a failed shard is resubmitted",
          "[slurm][.slurm]") {
  if (!SlurmEnabled()) return;
  ScratchDir dir("slurm");
  std::string log;
  REQUIRE(MakeSplitSample(dir.path, 5, &log));
  {
    std::ofstream r(dir.path / "r.yaml");
    r << kShardedRecipe;
  }
  const std::string bin = SLUICE_BINARY;
  const std::string base = "cd " + dir.path.string() + " && ";
  REQUIRE(RunShell(base + bin + " run r.yaml -i in -o local -q --threads 2", &log) == 0);

  SECTION("clean run") {
    int rc = RunShell(base + bin + " slurm submit r.yaml -i in -o out --shards 4 --wait --poll-seconds 0.5", &log);
    INFO(log);
    REQUIRE(rc == 0);
    CHECK(fs::exists(dir.path / "out/slurm/1-shard.sbatch"));
    CHECK(Slurp(dir.path / "out/slurm/1-shard.sbatch").find("#SBATCH --array=0-3") != std::string::npos);
    CHECK(Slurp(dir.path / "out/slurm/3-merge.sbatch").find("phase") != std::string::npos);
    CheckSameAsLocal(dir.path / "local", dir.path / "out");
    REQUIRE(RunShell(bin + " slurm status " + (dir.path / "out").string(), &log) == 0);
    CHECK(log.find("shard: 4/4 done") != std::string::npos);
    CHECK(log.find("finished") != std::string::npos);
  }

  SECTION("shard 1 fails, dependents are cancelled, resubmit runs only what is missing") {
    int rc = RunShell(base + "SLUICE_FAIL_TASK=shard:1 " + bin +
                          " slurm submit r.yaml -i in -o out --shards 4 --wait --poll-seconds 0.5",
                      &log);
    INFO(log);
    CHECK(rc == 2);
    CHECK(log.find("shard: task(s) 1 of 4 not finished") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path / "out/stats.json"));
    REQUIRE(RunShell(bin + " slurm status " + (dir.path / "out").string(), &log) == 0);
    CHECK(log.find("shard: 3/4 done") != std::string::npos);
    CHECK(log.find("merge: 0/1 done") != std::string::npos);
    CHECK(log.find("not finished") != std::string::npos);

    rc = RunShell(base + bin + " slurm submit r.yaml -i in -o out --shards 4 --wait --poll-seconds 0.5", &log);
    INFO(log);
    REQUIRE(rc == 0);
    CHECK(Slurp(dir.path / "out/slurm/1-shard.sbatch").find("#SBATCH --array=1\n") != std::string::npos);
    CheckSameAsLocal(dir.path / "local", dir.path / "out");

    // Nothing left: a third submit submits nothing.
    REQUIRE(RunShell(base + bin + " slurm submit r.yaml -i in -o out --shards 4 --wait", &log) == 0);
    CHECK(log.find("nothing to submit") != std::string::npos);
  }

  SECTION("a partition that does not exist is a config error") {
    int rc = RunShell(base + bin + " slurm submit r.yaml -i in -o out --shards 4 --partition nosuchpart", &log);
    CHECK(rc == 1);
    CHECK(log.find("'nosuchpart' does not exist") != std::string::npos);
  }
}

TEST_CASE("slurm: default recipe (exact + minhash dedup) in 4 shards equals the local run", "[slurm][.slurm]") {
  if (!SlurmEnabled()) return;
  ScratchDir dir("slurm-dedup");
  std::string log;
  REQUIRE(MakeDuplicatedSample(dir.path, &log));
  const std::string bin = SLUICE_BINARY;
  const std::string base = "cd " + dir.path.string() + " && ";
  REQUIRE(RunShell(base + bin + " run -i in -o local -q --threads 2", &log) == 0);
  int rc = RunShell(base + bin + " slurm submit -i in -o out --shards 4 --wait --poll-seconds 0.5", &log);
  INFO(log);
  REQUIRE(rc == 0);
  const std::string keys = Slurp(dir.path / "out/slurm/1-keys-exact_dedup.sbatch");
  CHECK(keys.find("#SBATCH --array=0-3") != std::string::npos);
  CHECK(Slurp(dir.path / "out/slurm/2-resolve-exact_dedup.sbatch").find("--array") == std::string::npos);
  CheckSameOutputs(dir.path / "local", dir.path / "out", false);
  REQUIRE(RunShell(bin + " slurm status " + (dir.path / "out").string(), &log) == 0);
  CHECK(log.find("resolve-minhash_dedup: 1/1 done") != std::string::npos);
}

TEST_CASE("slurm: one big input file, default recipe, 4 array tasks running together == the local run",
          "[slurm][.slurm]") {
  if (!SlurmEnabled()) return;
  ScratchDir dir("slurm-one-file");
  std::string log;
  REQUIRE(MakeOneFileSample(dir.path, &log));
  const std::string bin = SLUICE_BINARY;
  const std::string base = "cd " + dir.path.string() + " && ";
  REQUIRE(RunShell(base + bin + " run one.jsonl -o local -q --threads 2", &log) == 0);
  // Every task of a per-shard phase waits at a barrier until all 4 have
  // started: a scheduler running them one after another fails this run.
  const std::string barrier = (dir.path / "barrier").string();
  int rc = RunShell(base + "SLUICE_TASK_BARRIER=" + barrier + " " + bin +
                        " slurm submit one.jsonl -o out --shards 4 --wait --poll-seconds 0.5",
                    &log);
  INFO(log);
  REQUIRE(rc == 0);
  for (const char* phase : {"keys-exact_dedup", "keys-minhash_dedup", "shard"}) {
    for (int t = 0; t < 4; ++t) CHECK(fs::exists(dir.path / "barrier" / (std::string(phase) + "." + std::to_string(t))));
  }
  CheckSameOutputs(dir.path / "local", dir.path / "out", false);
  // Each task read a real share of the one file.
  for (int t = 0; t < 4; ++t) {
    const int64_t in = StatsTotal(dir.path / "out" / "stats" / ("shard-" + std::to_string(t) + "-of-4.json"), "in");
    CHECK(in * 100 >= StatsTotal(dir.path / "local" / "stats.json", "in") * 15);
  }
}

TEST_CASE("slurm: unreachable controller is a clear error", "[slurm][.slurm]") {
  if (!SlurmEnabled()) return;
  ScratchDir dir("slurm-down");
  std::string log;
  // A config naming a controller port where nothing listens.
  {
    std::ofstream r(dir.path / "r.yaml");
    r << kShardedRecipe;
  }
  {
    std::ofstream conf(dir.path / "slurm.conf");
    conf << "ClusterName=down\nSlurmctldHost=localhost\nSlurmctldPort=1\nAuthType=auth/munge\n"
            "NodeName=localhost CPUs=1\nPartitionName=p Nodes=localhost Default=YES\n";
  }
  int rc = RunShell("SLURM_CONF=" + (dir.path / "slurm.conf").string() + " " SLUICE_BINARY " slurm submit " +
                        (dir.path / "r.yaml").string() + " -i " + dir.path.string() + " -o " + (dir.path / "out").string() + " --shards 2",
                    &log);
  CHECK(rc == 2);
  CHECK(log.find("cannot reach the Slurm controller") != std::string::npos);
}

}  // namespace
}  // namespace sluice
