// The cross-shard dedup phases (keys -> resolve -> decision filter) decide
// exactly what the in-process exact_dedup / line_dedup / minhash_dedup stages
// decide: same verdicts, reasons, details, text, annotations, signals, stats
// and Finish() report, for documents split over shards in any way.
#include <catch2/catch.hpp>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "stages/dedup_phases.h"
#include "stages/document.h"
#include "stages/json_writer.h"
#include "stages/stage.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  bool keep = true;
  std::string reason, detail, text;
  std::vector<std::string> all_reasons;
  std::string annotations, signals;
  bool operator==(const Outcome& o) const {
    return keep == o.keep && reason == o.reason && detail == o.detail && text == o.text &&
           all_reasons == o.all_reasons && annotations == o.annotations && signals == o.signals;
  }
};

Outcome OutcomeOf(const Document& d, const Verdict& v) {
  Outcome o;
  o.keep = v.keep();
  o.reason = v.reason();
  o.detail = v.detail();
  o.text = d.text;
  o.all_reasons = d.all_reasons;
  for (const auto& f : d.annotations) o.annotations += f.key + "=" + f.json + ";";
  for (const auto& [k, x] : d.signals) o.signals += k + "=" + JsonNumber(x) + ";";
  return o;
}

// Documents spread over 4 input files; doc i is input i % 4, line i / 4 + 1.
std::vector<Document> Corpus() {
  const std::vector<std::string> texts = {
      "The quick brown fox jumps over the lazy dog near the quiet river bank today.\n"
      "Copyright 2024 Example Corporation, all rights reserved worldwide.",
      "A completely different story about a sailor who crossed the ocean in a small boat.",
      "The quick brown fox jumps over the lazy dog near the quiet river bank today.\n"
      "Copyright 2024 Example Corporation, all rights reserved worldwide.",
      "the quick brown fox jumps over the lazy dog near the quiet river bank TODAY.",
      "今天天气很好，我们一起去公园散步，然后在湖边喝茶聊天，度过了一个愉快的下午。\n"
      "Copyright 2023 Example Corporation, all rights reserved worldwide.",
      "A completely different story about a sailor who crossed the ocean in a small boat!",
      "今天天气很好，我们一起去公园散步，然后在湖边喝茶聊天，度过了一个愉快的下午。",
      "Copyright 2025 Example Corporation, all rights reserved worldwide.",
      "",
      "A completely different story about a sailor who crossed the ocean in a small boat.",
      "Short one.",
      "Another line that repeats across documents for sure, yes it does.\n"
      "Another line that repeats across documents for sure, yes it does.",
      "Another line that repeats across documents for sure, yes it does.\nplus some unique tail text here",
  };
  std::vector<Document> docs;
  for (size_t i = 0; i < texts.size(); ++i) {
    Document d;
    d.id = "doc-" + std::to_string(i);
    d.text = texts[i];
    d.input_index = static_cast<uint32_t>(i % 4);
    d.line = i / 4 + 1;
    docs.push_back(d);
  }
  // Input order: by input file, then line.
  std::stable_sort(docs.begin(), docs.end(), [](const Document& a, const Document& b) {
    return a.input_index != b.input_index ? a.input_index < b.input_index : a.line < b.line;
  });
  return docs;
}

void CheckPhasesMatch(const std::string& type, const std::string& options, int shards) {
  INFO(type << " " << options << " shards=" << shards);
  const fs::path dir = fs::temp_directory_path() / ("sluice-dedup-phases-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  // In process.
  std::vector<Document> docs = Corpus();
  auto stage = BuildStage(type, options);
  REQUIRE(stage.ok());
  Stats single_stats;
  std::vector<Outcome> single;
  for (Document& d : docs) {
    StageContext ctx(&single_stats);
    Verdict v = (*stage)->Process(d, ctx);
    if (v.keep() && (*stage)->has_serial_part()) v = (*stage)->ProcessSerial(d, ctx);
    single.push_back(OutcomeOf(d, v));
  }
  FinishContext fin;
  fin.stats = &single_stats;
  REQUIRE((*stage)->Finish(fin).ok());

  // Phases: shard s holds inputs with index % shards == s.
  const StageInfo* info = StageRegistry::Global().Find(type);
  REQUIRE(info != nullptr);
  auto opts = ValidateOptions(*info, type, options);
  REQUIRE(opts.ok());
  auto spec = MakeGlobalDedupSpec(type, type, *opts, StageEnv{});
  REQUIRE(spec.ok());
  std::vector<std::string> key_files;
  for (int s = 0; s < shards; ++s) {
    key_files.push_back((dir / ("keys-" + std::to_string(s))).string());
    auto writer = MakeDedupKeyWriter(*spec, key_files.back());
    REQUIRE(writer.ok());
    Stats ignored;
    for (Document d : Corpus()) {
      if (static_cast<int>(d.input_index) % shards != s) continue;
      StageContext ctx(&ignored);
      // ProcessSerial computes the key itself when Process did not run.
      if (d.line % 2 == 1) REQUIRE((*writer)->Process(d, ctx).keep());
      CHECK_FALSE((*writer)->ProcessSerial(d, ctx).keep());
      CHECK(d.scratch.empty());
    }
    FinishContext f;
    REQUIRE((*writer)->Finish(f).ok());
  }
  const std::string patch = (dir / "patch.json").string();
  std::vector<std::string> decisions;
  for (int s = 0; s < shards; ++s) decisions.push_back((dir / ("decisions-" + std::to_string(s))).string());
  REQUIRE(ResolveGlobalDedup(*spec, key_files, dir.string(), decisions, patch).ok());
  // Shard s loads only the decisions about its own documents.
  std::vector<std::unique_ptr<Stage>> filters;
  for (int s = 0; s < shards; ++s) {
    auto filter = MakeDedupDecisionFilter(*spec, decisions[s]);
    REQUIRE(filter.ok());
    CHECK_FALSE((*filter)->has_serial_part());
    filters.push_back(std::move(filter).value());
  }
  Stats phased_stats;
  std::vector<Outcome> phased;
  for (Document& d : Corpus()) {
    StageContext ctx(&phased_stats);
    phased.push_back(OutcomeOf(d, filters[d.input_index % shards]->Process(d, ctx)));
  }
  REQUIRE(phased.size() == single.size());
  // The corpus exercises the stage: some documents are dropped, some kept.
  const auto dropped = std::count_if(single.begin(), single.end(), [](const Outcome& o) { return !o.keep; });
  CHECK(dropped >= 2);
  CHECK(dropped < static_cast<long>(single.size()));
  for (size_t i = 0; i < single.size(); ++i) {
    INFO("document " << i << ": " << single[i].reason << " / " << phased[i].reason << " | " << single[i].detail
                     << " / " << phased[i].detail << " | " << single[i].signals << " / " << phased[i].signals);
    CHECK(single[i] == phased[i]);
  }
  // The patch carries what only the whole corpus knows (Finish's report and
  // histograms, minhash's counters): per-document stats + patch == in-process.
  std::string patch_text;
  {
    std::FILE* f = std::fopen(patch.c_str(), "rb");
    REQUIRE(f != nullptr);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) patch_text.append(buf, n);
    std::fclose(f);
  }
  simdjson::dom::parser parser;
  simdjson::dom::object pj = parser.parse(patch_text).get_object().value();
  simdjson::dom::element report;
  if (fin.report_json.empty()) {
    CHECK(pj.at_key("report").get(report) != simdjson::SUCCESS);
  } else {
    REQUIRE(pj.at_key("report").get(report) == simdjson::SUCCESS);
    CHECK(simdjson::minify(report) == fin.report_json);
  }
  // Per-document stats (summed over shards) + the patch == the in-process stats.
  Stats combined = phased_stats;
  simdjson::dom::object patch_counters = pj["counters"].get_object().value();
  simdjson::dom::object patch_histograms = pj["histograms"].get_object().value();
  for (auto [k, v] : patch_counters) combined.Add(k, v.get_int64().value());
  std::string patch_hists;
  for (auto [k, v] : patch_histograms) {
    patch_hists += std::string(k) + "=" + simdjson::minify(v) + "\n";
  }
  std::string single_hists, phased_hists;
  for (const auto& [k, h] : single_stats.histograms()) {
    if (phased_stats.histograms().count(k)) {
      CHECK(phased_stats.histograms().at(k).ToJson() == h.ToJson());
    } else {
      single_hists += k + "=" + h.ToJson() + "\n";
    }
  }
  CHECK(single_hists == patch_hists);
  CHECK(combined.counters() == single_stats.counters());
  fs::remove_all(dir);
}

TEST_CASE("dedup phases: exact_dedup across shards equals in-process", "[dedup_phases]") {
  for (int shards : {1, 2, 3, 4}) {
    CheckPhasesMatch("exact_dedup", "{}", shards);
    CheckPhasesMatch("exact_dedup", "{fold_case: true, fold_whitespace: true}", shards);
  }
}

TEST_CASE("dedup phases: line_dedup across shards equals in-process", "[dedup_phases]") {
  for (int shards : {1, 2, 3}) {
    CheckPhasesMatch("line_dedup", "{}", shards);
    CheckPhasesMatch("line_dedup", "{min_docs: 2, min_line_chars: 10, max_removed_fraction: 0.4}", shards);
  }
}

TEST_CASE("dedup phases: minhash_dedup across shards equals in-process", "[dedup_phases]") {
  for (int shards : {2, 3}) {
    CheckPhasesMatch("minhash_dedup", "{}", shards);
    CheckPhasesMatch("minhash_dedup", "{shingle: char, threshold: 0.5, verify: exact}", shards);
  }
}

TEST_CASE("dedup phases: stats patch sums with per-shard stats to the in-process stats", "[dedup_phases]") {
  Stats s;
  s.Add("x.count", 3);
  s.Observe(HistogramSpec::Log("x.sizes"), 2);
  std::string patch = StatsPatchJson(s, "{\"a\":1}");
  CHECK(patch.find("\"counters\":{\"x.count\":3}") != std::string::npos);
  CHECK(patch.find("\"x.sizes\":{") != std::string::npos);
  CHECK(patch.find("\"report\":{\"a\":1}") != std::string::npos);
}

TEST_CASE("dedup phases: record files are merged in order key order; truncation is an error", "[dedup_phases]") {
  const fs::path dir = fs::temp_directory_path() / ("sluice-dedup-records-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  {
    DedupRecordWriter w;
    REQUIRE(w.Open(a).ok());
    REQUIRE(w.Append(1, "one").ok());
    REQUIRE(w.Append(5, "five").ok());
    CHECK_FALSE(w.Append(4, "late").ok());  // out of order
    CHECK_FALSE(fs::exists(a));              // not final before Finish
    REQUIRE(w.Finish().ok());
  }
  {
    DedupRecordWriter w;
    REQUIRE(w.Open(b).ok());
    REQUIRE(w.Append(2, "two").ok());
    REQUIRE(w.Append(9, "").ok());
    REQUIRE(w.Finish().ok());
  }
  std::string seen;
  REQUIRE(MergeDedupRecordFiles({a, b}, [&](uint64_t k, std::string_view p) {
            seen += std::to_string(k) + ":" + std::string(p) + ",";
            return Status::Ok();
          }).ok());
  CHECK(seen == "1:one,2:two,5:five,9:,");
  fs::resize_file(b, fs::file_size(b) - 1);
  CHECK_FALSE(MergeDedupRecordFiles({a, b}, [](uint64_t, std::string_view) { return Status::Ok(); }).ok());
  CHECK_FALSE(MergeDedupRecordFiles({(dir / "missing").string()}, [](uint64_t, std::string_view) {
                return Status::Ok();
              }).ok());
  {
    // A writer destroyed without Finish leaves nothing behind.
    DedupRecordWriter w;
    REQUIRE(w.Open((dir / "c").string()).ok());
    REQUIRE(w.Append(1, "x").ok());
  }
  CHECK_FALSE(fs::exists(dir / "c"));
  CHECK_FALSE(fs::exists(dir / "c.tmp"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice
