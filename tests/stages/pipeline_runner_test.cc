#include "stages/engine/pipeline_runner.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <set>

#include "stages/engine/global_stage.h"
#include "test_util.h"

using namespace sluice;
using sluice::testing::TempDir;
using sluice::testing::WriteText;

namespace {

// Test stages: a parallel filter and a serial, order-dependent one, registered
// only in this test binary.
class DropIfContains : public Stage {
 public:
  explicit DropIfContains(std::string needle) : needle_(std::move(needle)) {}
  Verdict Process(Document& doc, StageContext& ctx) const override {
    doc.AddSignal("test_drop.length", static_cast<double>(doc.text.size()));
    if (doc.text.find("identity") != std::string::npos) doc.AddTag("identity.test");
    if (doc.text.find(needle_) == std::string::npos) return Verdict::Keep();
    ctx.stats().Add("test_drop.hits");
    doc.all_reasons = {"test_drop.contains", "test_drop.also_failed"};
    return Verdict::Drop("test_drop.contains");
  }

 private:
  std::string needle_;
};

// A global stage (stages/engine/global_stage.h): the key is the text as edited by a
// parallel part, the resolver keeps the first id of every text.
class FirstSeenResolver : public GlobalResolver {
 public:
  void Add(uint64_t, std::string_view key, std::string* decision, Stats&) override {
    const size_t cut = key.find('\0');
    auto [it, inserted] = seen_.emplace(std::string(key.substr(cut + 1)), std::string(key.substr(0, cut)));
    if (!inserted) *decision = it->second;
  }
  Status Finish(FinishContext&) override { return Status::Ok(); }

 private:
  std::map<std::string, std::string> seen_;
};

class FirstSeen : public GlobalStage {
 public:
  void Key(const Document& doc, StageContext&, std::string* key) const override {
    *key = doc.id + '\0' + doc.text + "!";  // a parallel-part edit the resolver must see
  }
  StatusOr<std::unique_ptr<GlobalResolver>> NewResolver() const override {
    return std::unique_ptr<GlobalResolver>(new FirstSeenResolver());
  }
  Verdict Apply(Document& doc, std::string_view decision, StageContext&) const override {
    doc.text += "!";
    if (decision.empty()) return Verdict::Keep();
    doc.Annotate("duplicate_of", decision);
    return Verdict::Drop("test_first_seen.duplicate", "duplicate of " + std::string(decision));
  }
};

SLUICE_REGISTER_STAGE(TestDrop, [] {
  StageInfo info;
  info.type = "test_drop";
  info.folder = "tests";
  info.summary = "test stage: drops documents containing a needle";
  info.options = {OptionSpec{"needle", OptionType::kString, "DROP", "substring that drops a document"}};
  info.factory = [](const Options& o, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
    if (o.GetString("needle").empty()) return Status::Config("option 'needle' must not be empty");
    return std::unique_ptr<Stage>(new DropIfContains(o.GetString("needle")));
  };
  return info;
});

SLUICE_REGISTER_STAGE(TestFirstSeen, [] {
  StageInfo info;
  info.type = "test_first_seen";
  info.folder = "tests";
  info.summary = "test stage: drops repeated texts (serial, first survives)";
  info.global = true;
  info.factory = [](const Options&, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
    return std::unique_ptr<Stage>(new FirstSeen());
  };
  return info;
});

// Counts the documents it sees (to tell a resumed run's replay from a restore).
std::atomic<int64_t> g_counted{0};
class CountingStage : public Stage {
 public:
  Verdict Process(Document&, StageContext& ctx) const override {
    g_counted.fetch_add(1);
    ctx.stats().Add("test_count.docs");
    return Verdict::Keep();
  }
};

SLUICE_REGISTER_STAGE(TestCount, [] {
  StageInfo info;
  info.type = "test_count";
  info.folder = "tests";
  info.summary = "test stage: counts documents";
  info.factory = [](const Options&, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
    return std::unique_ptr<Stage>(new CountingStage());
  };
  return info;
});

std::string MakeCorpus(int n, int seed) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    int k = (i * 7919 + seed) % 997;
    if (k % 13 == 0) {
      out += "broken line " + std::to_string(i) + "\n";
      continue;
    }
    std::string text = "document " + std::to_string(k % 400);  // repeats -> serial duplicates
    if (k % 11 == 0) text += " DROP";
    if (k % 5 == 0) text += " identity";
    out += "{\"id\":\"" + std::to_string(seed) + "-" + std::to_string(i) + "\",\"text\":\"" + text +
           "\",\"meta\":{\"k\":" + std::to_string(k) + "}}\n";
  }
  return out;
}

struct RunOutput {
  RunResult result;
  std::string kept, rejected, malformed, stats_without_timing;
  std::vector<std::string> files;
};

RunOutput RunOnce(const std::string& in_dir, const std::string& out_dir, int threads, uint64_t batch_bytes = 4096,
                  std::vector<std::string> types = {"test_drop", "test_first_seen"}) {
  RunConfig c;
  auto inputs = ExpandInputs({in_dir});
  REQUIRE(inputs.ok());
  c.inputs = *inputs;
  c.slices = WholeSlices(c.inputs.size());
  c.output_dir = out_dir;
  c.output.format = OutputFormat::kJsonlZst;
  c.output.max_file_bytes = 8192;  // several chunks per input
  c.threads = threads;
  c.batch_bytes = batch_bytes;
  c.progress = false;
  c.recipe_fingerprint = "test";
  for (const auto& type : types) {
    auto stage = BuildStage(type, "{}");
    REQUIRE(stage.ok());
    c.stages.push_back(StageInstance{type, type, std::move(stage).value()});
  }
  RunOutput out;
  Status st = RunPipeline(c, &out.result);
  REQUIRE(st.ok());
  out.kept = sluice::testing::ReadAllRecords(out_dir + "/kept");
  out.rejected = sluice::testing::ReadAllRecords(out_dir + "/rejected");
  out.malformed = sluice::testing::ReadAllRecords(out_dir + "/malformed");
  std::string stats = sluice::testing::ReadText(out_dir + "/stats.json");
  out.stats_without_timing = stats.substr(0, stats.find(",\"timing\":"));
  out.files = sluice::testing::ListFiles(out_dir);
  return out;
}

}  // namespace

// A run killed during input `part` (e.g. "part-00002"): its marker and
// committed parts are gone, a half-written temp file is left behind.
void SimulateKillDuring(const std::string& out, const std::string& part) {
  std::filesystem::remove(out + "/.sluice/done/" + part.substr(5) + ".json");
  for (const auto& f : sluice::testing::ListFiles(out + "/kept")) {
    if (f.find(part) != std::string::npos) std::filesystem::remove(out + "/kept/" + f);
  }
  WriteText(out + "/kept/" + part + "-0001.jsonl.zst.tmp", "partial");
}

TEST_CASE("every record ends kept, dropped or malformed", "[runner]") {
  TempDir dir;
  WriteText(dir / "in/a.jsonl", MakeCorpus(3000, 1));
  WriteText(dir / "in/b.jsonl", MakeCorpus(2000, 2));
  auto out = RunOnce(dir / "in", dir / "out", 2);
  const auto& t = out.result.total;
  CHECK(t.records == 5000);
  CHECK(t.records == t.kept + t.dropped + t.malformed);
  CHECK(t.malformed > 0);
  CHECK(t.dropped > 0);
  CHECK(sluice::testing::CountLines(out.kept) == static_cast<size_t>(t.kept));
  CHECK(sluice::testing::CountLines(out.rejected) == static_cast<size_t>(t.dropped));
  CHECK(sluice::testing::CountLines(out.malformed) == static_cast<size_t>(t.malformed));
  for (const auto& in : out.result.inputs) CHECK(in.records == in.kept + in.dropped + in.malformed);
  // Rejected records name stage, reason, every failing rule and the detail.
  CHECK(out.rejected.find("\"stage\":\"test_drop\",\"reason\":\"test_drop.contains\","
                          "\"reasons\":[\"test_drop.contains\",\"test_drop.also_failed\"]") != std::string::npos);
  CHECK(out.rejected.find("\"duplicate_of\":") != std::string::npos);
  CHECK(out.rejected.find("\"detail\":\"duplicate of ") != std::string::npos);
  // Per-stage accounting in stats.json.
  CHECK(out.stats_without_timing.find("\"failed_rules\":{\"test_drop.also_failed\":") != std::string::npos);
  CHECK(out.stats_without_timing.find("\"tags\":{\"identity.test\":{\"in\":") != std::string::npos);
}

TEST_CASE("output and stats are identical for 1 and 4 threads", "[runner][determinism]") {
  TempDir dir;
  WriteText(dir / "in/a.jsonl", MakeCorpus(4000, 3));
  WriteText(dir / "in/b.jsonl", MakeCorpus(1500, 4));
  auto one = RunOnce(dir / "in", dir / "out1", 1);
  auto four = RunOnce(dir / "in", dir / "out4", 4);
  CHECK(one.files == four.files);
  CHECK(one.kept == four.kept);
  CHECK(one.rejected == four.rejected);
  CHECK(one.malformed == four.malformed);
  CHECK(one.stats_without_timing == four.stats_without_timing);
  // The serial stage saw documents in input order: the first copy survived.
  CHECK(one.kept.find("\"id\":\"3-0\"") != std::string::npos);
  // Batch size only moves chunk boundaries, never the records or the stats.
  auto small = RunOnce(dir / "in", dir / "out_small", 4, 512);
  CHECK(small.kept == one.kept);
  CHECK(small.rejected == one.rejected);
  CHECK(small.stats_without_timing == one.stats_without_timing);
}

TEST_CASE("a resumed run without global stages restores finished slices' saved stats instead of replaying them",
          "[runner][resume]") {
  TempDir dir;
  WriteText(dir / "in/a.jsonl", MakeCorpus(1000, 5));
  WriteText(dir / "in/b.jsonl", MakeCorpus(1000, 6));
  WriteText(dir / "in/c.jsonl", MakeCorpus(1000, 7));
  const std::vector<std::string> stateless = {"test_count", "test_drop"};
  auto full = RunOnce(dir / "in", dir / "full", 2, 4096, stateless);
  RunOnce(dir / "in", dir / "resumed", 2, 4096, stateless);
  SimulateKillDuring(dir / "resumed", "part-00001");  // killed during input b
  g_counted = 0;
  auto resumed = RunOnce(dir / "in", dir / "resumed", 2, 4096, stateless);
  // Only input b went through the stages again.
  CHECK(g_counted.load() == resumed.result.inputs[1].records - resumed.result.inputs[1].malformed);
  CHECK(resumed.result.inputs[0].skipped);
  CHECK_FALSE(resumed.result.inputs[1].skipped);
  CHECK(resumed.result.inputs[2].skipped);
  CHECK(resumed.kept == full.kept);
  CHECK(resumed.rejected == full.rejected);
  CHECK(resumed.malformed == full.malformed);
  CHECK(resumed.stats_without_timing == full.stats_without_timing);
  // A damaged saved state falls back to replaying that slice: same result.
  WriteText(dir / "resumed/.sluice/done/00000.state", "damaged");
  g_counted = 0;
  auto replayed = RunOnce(dir / "in", dir / "resumed", 2, 4096, stateless);
  CHECK(g_counted.load() == replayed.result.inputs[0].records - replayed.result.inputs[0].malformed);
  CHECK(replayed.stats_without_timing == full.stats_without_timing);
}

TEST_CASE("a rerun into the same directory skips finished inputs and reproduces the outputs", "[runner][resume]") {
  TempDir dir;
  WriteText(dir / "in/a.jsonl", MakeCorpus(1000, 5));
  WriteText(dir / "in/b.jsonl", MakeCorpus(1000, 6));
  WriteText(dir / "in/c.jsonl", MakeCorpus(1000, 7));
  auto full = RunOnce(dir / "in", dir / "full", 2);
  auto first = RunOnce(dir / "in", dir / "resumed", 2);
  SimulateKillDuring(dir / "resumed", "part-00002");  // killed during input c
  auto resumed = RunOnce(dir / "in", dir / "resumed", 2);
  CHECK(resumed.result.inputs[0].skipped);
  CHECK(resumed.result.inputs[1].skipped);
  CHECK_FALSE(resumed.result.inputs[2].skipped);
  CHECK(resumed.files == full.files);
  CHECK(resumed.kept == full.kept);
  CHECK(resumed.rejected == full.rejected);
  CHECK(resumed.stats_without_timing == full.stats_without_timing);
}
