// Sharded runs of recipes with global dedup stages (exact_dedup, line_dedup,
// minhash_dedup) and a tokenizer: kept/rejected/malformed, stats.json (but for
// timing and samples) and the tokenizer files equal the single-process run's
// byte for byte, with exact and near duplicates spread ACROSS shards; a failed
// dedup-phase task stops the run, and the rerun completes it.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>

#include "pipelines/plan.h"
#include "pipelines/recipe.h"
#include "slurm_test_util.h"
#include "stages/json_writer.h"

namespace sluice {
namespace {

using namespace sluice::testing;

// The sample split in 5 files plus in/zz-dups.jsonl (the last input, so in
// other shards than the originals): exact copies, near-duplicates (one word
// added) and copies with a shared boilerplate line of documents of part-00
// and part-01.
bool MakeDuplicatedSample(const fs::path& dir, std::string* log) {
  if (!MakeSplitSample(dir, 5, log)) return false;
  std::ofstream dups(dir / "in" / "zz-dups.jsonl", std::ios::binary);
  int n = 0;
  for (const char* part : {"part-00.jsonl", "part-01.jsonl"}) {
    std::ifstream in(dir / "in" / part, std::ios::binary);
    for (std::string line; std::getline(in, line) && n < 80; ++n) {
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      if (parser.parse(line).get(doc)) continue;
      std::string_view id, text;
      if (doc["id"].get_string().get(id) || doc["text"].get_string().get(text)) continue;
      const std::string sid(id), stext(text);
      switch (n % 3) {
        case 0:
          dups << "{\"id\":" << JsonString(sid + "-copy") << ",\"text\":" << JsonString(stext) << "}\n";
          break;
        case 1:
          dups << "{\"id\":" << JsonString(sid + "-near") << ",\"text\":" << JsonString("Indeed, " + stext)
               << "}\n";
          break;
        default:
          dups << "{\"id\":" << JsonString(sid + "-boiler") << ",\"text\":"
               << JsonString(stext + "\nShare this page with your friends and family on every social network.")
               << "}\n";
          dups << "{\"id\":" << JsonString(sid + "-boiler2") << ",\"text\":"
               << JsonString("Share this page with your friends and family on every social network.\n" + stext +
                             " More words follow here.")
               << "}\n";
      }
    }
  }
  return n > 0;
}

const char* kDedupRecipe =
    "output: {format: jsonl}\n"
    "stages:\n"
    "  - {type: normalize}\n"
    "  - {type: line_dedup, min_line_chars: 15}\n"
    "  - {type: exact_dedup, fold_whitespace: true}\n"
    "  - {type: gopher_repetition}\n"
    "  - {type: minhash_dedup, threshold: 0.7}\n"
    "  - {type: train_tokenizer, vocab_size: 500}\n";

// A stage's stats without its Finish() reports (one per shard for per-document stages).
std::string StageWithoutReports(simdjson::dom::element stage) {
  std::string out = "{";
  for (auto [k, v] : stage.get_object().value()) {
    if (k == "shard_reports" || k == "report") continue;
    out += JsonString(k) + ":" + simdjson::minify(v) + ",";
  }
  return out + "}";
}

void CheckSameOutputs(const fs::path& a, const fs::path& b, bool tokenizer) {
  INFO(a.string() << " vs " << b.string());
  for (const char* sub : {"kept", "rejected", "malformed"}) {
    INFO(sub);
    CHECK(FileNames(a / sub) == FileNames(b / sub));
    CHECK(Concatenated(a / sub) == Concatenated(b / sub));
  }
  CHECK_FALSE(Concatenated(a / "kept").empty());
  CHECK_FALSE(Concatenated(a / "rejected").empty());
  if (tokenizer) {
    CHECK(FileNames(a / "tokenizer") == FileNames(b / "tokenizer"));
    CHECK(FileNames(a / "tokenizer").size() >= 3);
    for (const auto& f : FileNames(a / "tokenizer")) {
      INFO(f);
      CHECK(Slurp(a / "tokenizer" / f) == Slurp(b / "tokenizer" / f));
    }
  }
  for (const char* key : {"totals", "inputs", "engine", "kept_signals"}) {
    INFO(key);
    CHECK(StatsValue(a / "stats.json", key) == StatsValue(b / "stats.json", key));
    CHECK_FALSE(StatsValue(a / "stats.json", key).empty());
  }
  simdjson::dom::parser pa, pb;
  simdjson::dom::array sa = pa.load((a / "stats.json").string())["stages"].get_array().value();
  simdjson::dom::array sb = pb.load((b / "stats.json").string())["stages"].get_array().value();
  REQUIRE(sa.size() == sb.size());
  for (size_t i = 0; i < sa.size(); ++i) {
    simdjson::dom::element x = sa.at(i).value(), y = sb.at(i).value();
    std::string_view type = x["type"].get_string().value();
    INFO("stage " << i << " " << type);
    if (type == "exact_dedup" || type == "line_dedup" || type == "minhash_dedup" || type == "train_tokenizer") {
      // Global stages: everything, Finish() report included.
      CHECK(simdjson::minify(x) == simdjson::minify(y));
    } else {
      // Per-document stages: a Finish() report is per shard (as before).
      CHECK(StageWithoutReports(x) == StageWithoutReports(y));
    }
  }
}

int DroppedBy(const fs::path& stats, const std::string& type) {
  simdjson::dom::parser p;
  for (simdjson::dom::element st : p.load(stats.string())["stages"].get_array().value()) {
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
  CHECK(text.find("decided dedups as filters: line_dedup, exact_dedup") != std::string::npos);
  // One shard: the dedup stages run inside it, no cross-shard phases.
  auto one = MakePlan(*recipe, 1);
  REQUIRE(one.ok());
  CHECK(one->phases.size() == 4);
  CHECK(one->global_stages.empty());
  // The built-in default recipe can be sharded.
  auto def = MakePlan(DefaultRecipe(), 4);
  REQUIRE(def.ok());
  CHECK(def->global_stages.size() == 2);
}

TEST_CASE("sharded dedup: default recipe, 2 and 3 shards == one process, byte for byte; failed dedup task resumes",
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
  auto stages = p.load((dir.path / "single" / "stats.json").string())["stages"];
  CHECK(stages.at(1)["counters"]["line_dedup.lines_removed"].get_int64().value() > 10);
  REQUIRE(RunShell(base + bin + " run r.yaml -i in -o s3 -q --executor local --shards 3 --threads 2", &log) == 0);
  CheckSameOutputs(dir.path / "single", dir.path / "s3", true);
}

}  // namespace
}  // namespace sluice
