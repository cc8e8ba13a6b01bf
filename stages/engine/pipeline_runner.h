// The engine: one tbb::parallel_pipeline per run. A serial in-order reader cuts
// inputs into batches; parallel filters parse records and run stages'
// Process() and global stages' Key()/Apply(); serial in-order filters run the
// global stages' resolvers (stages/engine/global_stage.h) and the writers. At most 2 x threads batches are in flight, so memory is bounded
// by batch size, not corpus size. Output and stats (but for "timing") are
// byte-identical for any thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "stages/io/record_reader.h"
#include "stages/io/record_writer.h"
#include "stages/engine/run_state.h"
#include "stages/engine/run_stats.h"
#include "stages/engine/stage_chain.h"
#include "stages/engine/stage.h"
#include "stages/engine/stats.h"

namespace sluice {

struct OutputOptions {
  OutputFormat format = OutputFormat::kJsonlZst;
  uint64_t max_file_bytes = 256ull << 20;  // uncompressed bytes per kept/rejected part file
  bool write_signals = false;
  bool write_rejected = true;
  int samples_per_reason = 3;  // rejected examples kept for the report
};

struct RunConfig {
  std::vector<InputFile> inputs;      // the whole sorted input list
  // What this run reads, in input order: whole inputs or parts of them
  // (stages/engine/input_slices.h). WholeSlices(n) = every input, whole.
  std::vector<InputSlice> slices;
  ReaderOptions reader;
  OutputOptions output;
  std::string output_dir;
  std::vector<StageInstance> stages;
  int threads = 1;
  uint64_t batch_bytes = 2ull << 20;
  // Text that identifies the recipe; a rerun into the same OUTDIR must match it.
  std::string recipe_fingerprint;
  // Resume: skip inputs whose completion marker matches (outputs already final).
  bool resume = true;
  // Set by another thread to stop the run early: reading stops, the batches in
  // flight finish, and RunPipeline fails with "interrupted" (nothing finished
  // is lost: completed inputs keep their markers).
  const std::atomic<bool>* cancel = nullptr;
  // Progress on stderr: a live line on a TTY, a plain line every few seconds otherwise.
  bool progress = true;
  std::string stats_path;             // default: <output_dir>/stats.json
  // Whole-run sections of stats.json computed from the final statistics (the
  // audits; `sluice run` sets it). Not called for a segment that writes work files.
  StatsSectionsFn stats_sections;
  std::string shard_label;            // "2/8" when sharded, written to stats
  // Shards the inputs were dealt to (slices depend on it). With the input list
  // it is recorded in OUTDIR/.sluice/layout; a rerun into the same OUTDIR with
  // other inputs or another shard count is refused (its part files would mix).
  int shards = 1;

  // One segment of a sharded plan (pipelines/plan.h): which stages run and
  // where documents, keys and statistics come from and go. The default is
  // the whole recipe, from the inputs to kept/rejected/malformed.
  struct Segment {
    size_t first = 0;               // first stage run
    size_t last = SIZE_MAX;         // one past the last stage run
    // stages[first] is global and was resolved by another task: apply these decisions.
    std::string apply_decisions;
    // Read the documents from this work file (the previous segment's) instead of the inputs.
    std::string docs_in;
    // stages[last] is global: write its keys here and every document (kept,
    // dropped, malformed) to docs_out instead of the outputs.
    std::string keys_out, docs_out;
    std::string state_in;   // statistics carried from the previous segment
    std::string state_out;  // statistics of the run so far (RunState), for the next segment or the merge
  } segment;
};

struct RunResult {
  std::vector<InputAccount> inputs;
  InputAccount total;
  // WARC records that became no document, by kind (not records: not in `in`).
  std::map<std::string, int64_t> skipped_records;
  std::string stats_json;
  double wall_seconds = 0;
};

// One whole slice per input, for inputs 0..n-1.
std::vector<InputSlice> WholeSlices(size_t n);

// Runs the pipeline. Data problems never fail the run (they are counted);
// I/O problems on outputs and stage Finish() errors do.
Status RunPipeline(RunConfig& config, RunResult* result);

// "in = kept + dropped + malformed" lines for every input and the total.
std::string FormatAccounting(const RunResult& result);

// Warnings for the end of a run, one line each ("" when none): an input whose
// records were mostly malformed (more than half of them, and at least
// kMalformedWarningMin or all of them) is named with its commonest error and
// a hint: a wrong --text-key for missing_text/text_not_string, JSONL expected
// for invalid_json/not_an_object or a file that opens a JSON array.
std::string FormatInputWarnings(const RunResult& result);
inline constexpr int64_t kMalformedWarningMin = 10;

}  // namespace sluice
