// The phase plan, the per-shard stats merge and the sharded local executor
// (`sluice run-sharded`): same kept output, stats and tokenizer as one process.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "pipelines/plan.h"
#include "pipelines/recipe.h"
#include "pipelines/stats_merge.h"
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
    CHECK(FormatPlan(*plan, r).find(std::string(type) + " keys of 'my_dedup'") != std::string::npos);
    auto one = MakePlan(r, 1);  // one shard sees every document
    REQUIRE(one.ok());
    CHECK(one->phases.size() == 3);
    CHECK(one->global_stages.empty());
  }
  auto mid = MakePlan(MustParse("stages:\n  - {type: train_tokenizer, vocab_size: 300}\n  - {type: normalize}\n"), 2);
  REQUIRE_FALSE(mid.ok());
  CHECK(mid.status().message().find("last stage") != std::string::npos);
}

TEST_CASE("stats merge: sums counters and buckets, inputs back in input order", "[plan]") {
  auto shard = [](const std::string& label, const std::string& inputs, int in, int hist_a, int hist_b) {
    return "{\"schema\":\"sluice.stats/1\",\"sluice_version\":\"t\",\"shard\":\"" + label +
           "\",\"totals\":{\"in\":" + std::to_string(in) +
           ",\"kept\":1,\"dropped\":0,\"malformed\":0,\"bytes_in\":10,\"bytes_kept\":5},\"inputs\":[" + inputs +
           "],\"engine\":{\"counters\":{\"c\":2},\"histograms\":{}},\"stages\":[{\"name\":\"s\",\"type\":\"t\","
           "\"docs_in\":3,\"docs_out\":2,\"docs_dropped\":1,\"bytes_in\":9,\"bytes_out\":8,\"dropped\":{\"r\":1},"
           "\"failed_rules\":{},\"counters\":{\"x\":4},\"tags\":{\"en\":{\"in\":3,\"dropped\":1}},\"signals\":{\"h\":"
           "{\"kind\":\"linear\",\"total\":" +
           std::to_string(hist_a + hist_b) + ",\"buckets\":[[null,0,1],[0,0.5," + std::to_string(hist_a) +
           "],[0.5,1," + std::to_string(hist_b) + "]]}},\"histograms\":{}}],\"kept_signals\":{},\"samples\":[],"
           "\"timing\":{\"threads\":2,\"wall_seconds\":1.5,\"stages\":{\"s\":{\"cpu_seconds\":1}}}}";
  };
  std::vector<std::string> shards = {shard("0/2", "{\"path\":\"a\"},{\"path\":\"c\"}", 5, 1, 0),
                                     shard("1/2", "{\"path\":\"b\"}", 7, 2, 3)};
  auto merged = MergeShardStats(shards, 3);
  REQUIRE(merged.ok());
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(*merged).value();
  CHECK(doc["totals"]["in"].get_int64().value() == 12);
  CHECK(doc["totals"]["kept"].get_int64().value() == 2);
  CHECK(simdjson::minify(doc["inputs"]) == "[{\"path\":\"a\"},{\"path\":\"b\"},{\"path\":\"c\"}]");
  CHECK(doc["engine"]["counters"]["c"].get_int64().value() == 4);
  auto st = doc["stages"].at(0);
  CHECK(st["docs_in"].get_int64().value() == 6);
  CHECK(st["dropped"]["r"].get_int64().value() == 2);
  CHECK(st["counters"]["x"].get_int64().value() == 8);
  CHECK(st["tags"]["en"]["dropped"].get_int64().value() == 2);
  CHECK(simdjson::minify(st["signals"]["h"]) ==
        "{\"kind\":\"linear\",\"total\":6,\"buckets\":[[null,0,2],[0,0.5,3],[0.5,1,3]]}");
  CHECK(doc["timing"]["stages"]["s"]["cpu_seconds"].get_double().value() == Approx(2.0));
  simdjson::dom::element shard_key;
  CHECK(doc["shard"].get(shard_key) != simdjson::SUCCESS);

  // Stage lists that disagree (different recipes) are an error.
  std::string other = shards[1];
  other.replace(other.find("\"name\":\"s\""), 10, "\"name\":\"q\"");
  CHECK_FALSE(MergeShardStats({shards[0], other}, 3).ok());
  CHECK_FALSE(MergeShardStats({shards[0], "{}"}, 3).ok());
}

TEST_CASE("run-sharded: same kept output, stats and tokenizer as one process; failed shard resumes",
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
  CHECK(FileNames(a / "kept") == FileNames(b / "kept"));
  CHECK(FileNames(a / "kept").size() == 5);
  CHECK(Concatenated(a / "kept") == Concatenated(b / "kept"));
  CHECK(Concatenated(a / "rejected") == Concatenated(b / "rejected"));
  CHECK(FileNames(a / "tokenizer") == FileNames(b / "tokenizer"));
  CHECK_FALSE(FileNames(a / "tokenizer").empty());
  for (const auto& f : FileNames(a / "tokenizer")) CHECK(Slurp(a / "tokenizer" / f) == Slurp(b / "tokenizer" / f));
  for (const char* key : {"totals", "inputs", "engine", "kept_signals", "samples"}) {
    INFO(key);
    CHECK(StatsValue(a / "stats.json", key) == StatsValue(b / "stats.json", key));
    CHECK_FALSE(StatsValue(a / "stats.json", key).empty());
  }
  // Per-stage stats (the per-shard stages; timing aside) match too.
  simdjson::dom::parser pa, pb;
  simdjson::dom::array sa = pa.load((a / "stats.json").string())["stages"].get_array().value();
  simdjson::dom::array sb = pb.load((b / "stats.json").string())["stages"].get_array().value();
  REQUIRE(sa.size() == 3);
  REQUIRE(sb.size() == 3);  // train_tokenizer: per-shard word counts + the tokenizer phase's stats patch
  for (size_t i = 0; i < 3; ++i) CHECK(simdjson::minify(sa.at(i).value()) == simdjson::minify(sb.at(i).value()));
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
