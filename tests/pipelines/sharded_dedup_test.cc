// Sharded runs of recipes with global dedup stages (exact_dedup, line_dedup,
// minhash_dedup) and a tokenizer: kept/rejected/malformed, stats.json (but for
// timing) and the tokenizer files equal the single-process run's
// byte for byte, with exact and near duplicates spread ACROSS shards; a failed
// dedup-phase task stops the run, and the rerun completes it.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>

#include "pipelines/plan.h"
#include "pipelines/recipe.h"
#include "slurm_test_util.h"

namespace sluice {
namespace {

using namespace sluice::testing;

const char* kDedupRecipe =
    "output: {format: jsonl}\n"
    "stages:\n"
    "  - {type: normalize}\n"
    "  - {type: line_dedup, min_line_chars: 15}\n"
    "  - {type: exact_dedup, fold_whitespace: true, index_out: exact.idx}\n"
    "  - {type: gopher_repetition}\n"
    "  - {type: minhash_dedup, threshold: 0.7}\n"
    "  - {type: train_tokenizer, vocab_size: 500}\n";

int DroppedBy(const fs::path& stats, const std::string& type) {
  simdjson::dom::parser p;
  simdjson::dom::element doc = p.load(stats.string()).value();
  simdjson::dom::array stages = doc["stages"].get_array().value();
  for (simdjson::dom::element st : stages) {
    if (st["type"].get_string().value() == type) return static_cast<int>(st["docs_dropped"].get_int64().value());
  }
  return -1;
}

TEST_CASE("sharded dedup: plan has keys and resolve phases per global stage", "[plan]") {
  auto recipe = ParseRecipe(kDedupRecipe, "<test>");
  REQUIRE(recipe.ok());
  auto plan = MakePlan(*recipe, 3);
  REQUIRE(plan.ok());
  std::vector<std::string> names;
  for (const auto& p : plan->phases) names.push_back(p.name + "/" + std::to_string(p.tasks));
  CHECK(names == std::vector<std::string>{"keys-line_dedup/3", "resolve-line_dedup/1", "keys-exact_dedup/3",
                                          "resolve-exact_dedup/1", "keys-minhash_dedup/3", "resolve-minhash_dedup/1",
                                          "shard/3", "tokenizer/1", "merge/1", "report/1"});
  CHECK(plan->global_stages == std::vector<int>{1, 2, 4});
  std::string text = FormatPlan(*plan, *recipe);
  // Each stage runs once: the segment after a global stage applies its decisions.
  CHECK(text.find("read the documents of keys-exact_dedup, apply the decisions of 'exact_dedup', run "
                  "[gopher_repetition]") != std::string::npos);
  // One shard: the dedup stages run inside it, no cross-shard phases.
  auto one = MakePlan(*recipe, 1);
  REQUIRE(one.ok());
  CHECK(one->phases.size() == 4);
  CHECK(one->global_stages.empty());
  // Global stage names become phase and file names.
  auto bad = ParseRecipe("stages:\n  - {type: exact_dedup, name: \"my dedup/1\"}\n", "<test>");
  REQUIRE(bad.ok());
  auto refused = MakePlan(*bad, 2);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("'my dedup/1'") != std::string::npos);
  CHECK(MakePlan(*bad, 1).ok());
  // The built-in default recipe can be sharded.
  auto def = MakePlan(DefaultRecipe(), 4);
  REQUIRE(def.ok());
  CHECK(def->global_stages.size() == 2);
}

TEST_CASE("sharded dedup: default recipe, 2 and 3 shards == one process, byte for byte - failed dedup task resumes",
          "[plan][slow]") {
  ScratchDir dir("sharded-dedup");
  std::string log;
  REQUIRE(MakeDuplicatedSample(dir.path, &log));
  const std::string bin = SLUICE_BINARY;
  const std::string base = "cd " + dir.path.string() + " && ";
  REQUIRE(RunShell(base + bin + " run -i in -o single -q --threads 2", &log) == 0);
  // The corpus has duplicates across shards for both dedup stages.
  CHECK(DroppedBy(dir.path / "single" / "stats.json", "exact_dedup") > 5);
  CHECK(DroppedBy(dir.path / "single" / "stats.json", "minhash_dedup") > 5);

  REQUIRE(RunShell(base + bin + " run -i in -o s2 -q --executor local --shards 2 --threads 2", &log) == 0);
  CheckSameOutputs(dir.path / "single", dir.path / "s2", false);
  // Its markers, keys and decisions are for 2 shards: another count is refused.
  CHECK(RunShell(base + bin + " run -i in -o s2 -q --executor local --shards 3", &log) == 1);
  CHECK(log.find("holds a run with --shards 2") != std::string::npos);

  // A failed task of a dedup phase stops the run before anything is promoted.
  int rc = RunShell(base + "SLUICE_FAIL_TASK=resolve-exact_dedup:0 " + bin +
                        " run -i in -o s3 -q --executor local --shards 3 --threads 2",
                    &log);
  CHECK(rc == 2);
  CHECK(log.find("phase resolve-exact_dedup: task(s) 0 of 1 failed") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path / "s3" / "stats.json"));
  CHECK_FALSE(fs::exists(dir.path / "s3" / "kept"));
  CHECK(fs::exists(dir.path / "s3/.sluice/phases/keys-exact_dedup/task-2-of-3.done"));
  rc = RunShell(base + "SLUICE_FAIL_TASK=keys-minhash_dedup:1 " + bin +
                    " run -i in -o s3 --executor local --shards 3 --threads 2",
                &log);
  CHECK(rc == 2);
  CHECK(log.find("phase keys-exact_dedup: finished earlier") != std::string::npos);
  CHECK(log.find("phase keys-minhash_dedup: task(s) 1 of 3 failed") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path / "s3/.sluice/work/minhash_dedup/keys-1-of-3.bin"));
  CHECK(fs::exists(dir.path / "s3/.sluice/work/exact_dedup/decisions-2-of-3.bin"));
  REQUIRE(RunShell(base + bin + " run -i in -o s3 --executor local --shards 3 --threads 2", &log) == 0);
  CHECK(log.find("phase keys-minhash_dedup: 1 task(s) done") != std::string::npos);
  CheckSameOutputs(dir.path / "single", dir.path / "s3", false);
}

TEST_CASE("sharded dedup: line_dedup + exact + minhash + tokenizer recipe, 3 shards == one process",
          "[plan][slow]") {
  ScratchDir dir("sharded-line-dedup");
  std::string log;
  REQUIRE(MakeDuplicatedSample(dir.path, &log));
  {
    std::ofstream r(dir.path / "r.yaml");
    r << kDedupRecipe;
  }
  const std::string bin = SLUICE_BINARY;
  const std::string base = "cd " + dir.path.string() + " && ";
  REQUIRE(RunShell(base + bin + " run r.yaml -i in -o single -q --threads 1", &log) == 0);
  simdjson::dom::parser p;
  simdjson::dom::element doc = p.load((dir.path / "single" / "stats.json").string()).value();
  simdjson::dom::array stages = doc["stages"].get_array().value();
  CHECK(stages.at(1)["counters"]["line_dedup.lines_removed"].get_int64().value() > 10);
  const int rc = RunShell(base + bin + " run r.yaml -i in -o s3 -q --executor local --shards 3 --threads 2", &log);
  INFO(log);
  REQUIRE(rc == 0);
  CheckSameOutputs(dir.path / "single", dir.path / "s3", true);
  // exact_dedup's index_out is written by the resolve phase, the same bytes.
  CHECK_FALSE(Slurp(dir.path / "single" / "exact.idx").empty());
  CHECK(Slurp(dir.path / "single" / "exact.idx") == Slurp(dir.path / "s3" / "exact.idx"));
}

// The records each shard read, from its stats file.
std::vector<int64_t> ShardRecords(const fs::path& out, int shards) {
  std::vector<int64_t> in;
  for (int i = 0; i < shards; ++i) {
    simdjson::dom::parser p;
    simdjson::dom::element doc;
    const fs::path f = out / "stats" / ("shard-" + std::to_string(i) + "-of-" + std::to_string(shards) + ".json");
    if (p.load(f.string()).get(doc)) return {};
    in.push_back(doc["totals"]["in"].get_int64().value());
  }
  return in;
}

TEST_CASE("sharded: one big input file is cut across 4 shards, every shard gets a real share, == one process",
          "[plan][slow]") {
  ScratchDir dir("sharded-one-file");
  std::string log;
  REQUIRE(MakeOneFileSample(dir.path, &log));
  const std::string bin = SLUICE_BINARY;
  const std::string base = "cd " + dir.path.string() + " && ";
  REQUIRE(RunShell(base + bin + " run one.jsonl -o single -q --threads 2", &log) == 0);
  REQUIRE(RunShell(base + bin + " run one.jsonl -o s4 -q --executor local --shards 4 --threads 2", &log) == 0);
  CheckSameOutputs(dir.path / "single", dir.path / "s4", false);
  const std::vector<int64_t> in = ShardRecords(dir.path / "s4", 4);
  REQUIRE(in.size() == 4);
  const int64_t total = in[0] + in[1] + in[2] + in[3];
  CHECK(total == StatsTotal(dir.path / "single" / "stats.json", "in"));
  for (int64_t n : in) CHECK(n * 100 >= total * 15);
  // The cut input's later parts are files of their own, in input order by name.
  CHECK(FileNames(dir.path / "s4" / "kept").size() > 1);
  CHECK(FileNames(dir.path / "s4" / "kept").front() == "part-00000-0000.jsonl.zst");
  // Work files of finished segments are gone; only decisions and states stay.
  for (const auto& e : fs::recursive_directory_iterator(dir.path / "s4" / ".sluice" / "work")) {
    INFO(e.path().string());
    CHECK(e.path().string().find("docs-") == std::string::npos);
    CHECK(e.path().string().find("keys-") == std::string::npos);
  }
}

TEST_CASE("a shard's run leaves other shards' temp files alone, and removes its own stale ones", "[plan]") {
  // Tasks of one array start together: a task's clean-up of interrupted output
  // must not delete the part file another task is writing (it failed the
  // rename of shard 0's part with ENOENT under load).
  ScratchDir dir("shard-tmp");
  std::string log;
  REQUIRE(MakeSplitSample(dir.path, 2, &log));
  const fs::path kept = dir.path / "out" / "kept";
  fs::create_directories(kept);
  const fs::path other = kept / "part-00001-0000.jsonl.zst.424242.tmp";
  const fs::path own = kept / "part-00000-0000.jsonl.zst.424242.tmp";
  std::ofstream(other) << "being written by the task of shard 1\n";
  std::ofstream(own) << "left by an interrupted run of shard 0\n";
  const std::string bin = SLUICE_BINARY;
  const int rc = RunShell("cd " + dir.path.string() + " && " + bin + " run -i in -o out -q --shard 0/2", &log);
  INFO(log);
  REQUIRE(rc == 0);
  CHECK(fs::exists(other));
  CHECK_FALSE(fs::exists(own));
  CHECK(fs::exists(kept / "part-00000-0000.jsonl.zst"));
}

}  // namespace
}  // namespace sluice
