// RunStats: a finished run's statistics as plain values — what stats.json
// ("sluice.stats/1", docs/stats-schema.md) holds, and the only thing that
// writes or reads it. RunState (run_state.h) is the state that runs and shards
// accumulate and merge; RunStatsOf finishes it into a RunStats; StatsJson writes
// one and ParseRunStats reads one back, the same values (a round trip through
// the file is exact, and byte-identical text for anything sluice wrote).
// `sluice run`, the shard merge and the report all go through this model.
// Immutable after construction; safe to share across threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stages/engine/status.h"
#include "stages/io/json_value.h"

namespace sluice {

struct RunState;        // run_state.h
struct StatsJsonInfo;   // run_state.h
class Histogram;        // stats.h

// The schema name this model writes and reads ("schema").
inline constexpr std::string_view kStatsSchema = "sluice.stats/1";

// Name -> value pairs in stats.json order (object keys, sorted by the engine).
template <typename T>
using Named = std::vector<std::pair<std::string, T>>;

// One histogram bucket [lo, hi); an absent edge is an open end (JSON null).
struct HistogramBucket {
  std::optional<double> lo;
  std::optional<double> hi;
  int64_t count = 0;
  bool operator==(const HistogramBucket&) const = default;
};

// A histogram as stats.json holds it (docs/stats-schema.md#histogram).
struct HistogramData {
  std::string kind;  // "log" or "linear"
  int64_t total = 0;
  std::vector<HistogramBucket> buckets;  // ascending
  static HistogramData Of(const Histogram& h);
  bool operator==(const HistogramData&) const = default;
};

// Tagged documents that reached a stage, and of those, dropped by it.
struct TagCounts {
  int64_t in = 0;
  int64_t dropped = 0;
  bool operator==(const TagCounts&) const = default;
};

// One entry of "stages": what one recipe stage saw, dropped and recorded.
struct StageData {
  std::string name;
  std::string type;
  int64_t docs_in = 0, docs_out = 0, docs_dropped = 0;
  int64_t bytes_in = 0, bytes_out = 0;
  Named<int64_t> dropped;       // reason -> documents dropped with it (first reason)
  Named<int64_t> failed_rules;  // reason -> documents failing it (every reason)
  Named<int64_t> counters;      // the stage's own counters
  Named<TagCounts> tags;
  Named<HistogramData> signals;     // signal -> histogram over documents that reached the stage
  Named<HistogramData> histograms;  // the stage's own histograms (e.g. cluster sizes)
  std::optional<JsonValue> report;  // the stage's Finish() report object
  bool operator==(const StageData&) const = default;
};

// Per-input (or total) accounting: in = kept + dropped + malformed.
struct InputData {
  std::string path;  // "total" for RunStats::totals
  int64_t in = 0, kept = 0, dropped = 0, malformed = 0;
  int64_t bytes_in = 0, bytes_kept = 0;
  std::string read_error;
  bool operator==(const InputData&) const = default;
};

// A rejected document kept as an example (text already cut by the engine).
struct SampleData {
  std::string stage, reason, id, text;
  int64_t input = 0;  // index into "inputs"
  int64_t line = 0;
  bool operator==(const SampleData&) const = default;
};

// Time spent in one stage (with threads and wall_seconds, the only
// non-deterministic part of stats.json).
struct StageTiming {
  std::string name;
  double cpu_seconds = 0;
  double mb_per_cpu_second = 0;
  bool operator==(const StageTiming&) const = default;
};

struct RunStats {
  std::string schema = std::string(kStatsSchema);
  std::string sluice_version;
  std::string shard;  // "" unless the run was one shard ("2/8")
  InputData totals;
  std::vector<InputData> inputs;
  Named<int64_t> skipped_records;  // WARC records that became no document, by kind
  Named<int64_t> engine_counters;
  Named<HistogramData> engine_histograms;  // input_chars, kept_chars
  std::vector<StageData> stages;
  Named<HistogramData> kept_signals;  // signal -> histogram over kept documents
  std::vector<SampleData> samples;
  // Top-level objects computed above the engine ("bias_audit",
  // "language_audit": filters/ owns their schema and typed form), in order.
  Named<JsonValue> sections;
  // "timing"
  int64_t threads = 0;
  double wall_seconds = 0;
  std::vector<StageTiming> timing;  // recipe order

  // The section `key`, or nullptr.
  const JsonValue* Section(std::string_view key) const;
  bool operator==(const RunStats&) const = default;
};

// Finishes a run's state: totals summed over the inputs, counters split into
// stats.json's groups, stage reports parsed (invalid JSON there is a
// programmer error and aborts with a message). No sections: the command that
// owns the run adds them (StatsSectionsFn).
RunStats RunStatsOf(const RunState& state, const StatsJsonInfo& info);

// Computes a run's sections from its statistics (the bias and language audits
// of filters/; set by the command that owns the run: `sluice run`, the shard
// merge); empty = none.
using StatsSectionsFn = std::function<Named<JsonValue>(const RunStats&)>;

// stats.json text (compact, one line, newline at the end).
std::string StatsJson(const RunStats& stats);

// Parses and checks stats.json text. Errors are Status::Io naming the JSON path
// of the first problem ("stats.json: stages[1].docs_in: expected an integer").
// Optional keys read as empty; any other top-level key is a section.
StatusOr<RunStats> ParseRunStats(std::string_view json);

// Reads and parses a stats.json file (Status::Io when unreadable or invalid).
StatusOr<RunStats> LoadRunStats(const std::string& path);

// Field-by-field comparison: the paths of the fields that differ, with both
// values ("stages[2].counters.dropped_pii: 5 != 6"), at most `limit` of them.
// Timing (threads, wall_seconds, per-stage times) is compared only when asked.
std::vector<std::string> RunStatsDifferences(const RunStats& a, const RunStats& b, bool compare_timing = false,
                                             size_t limit = 20);

}  // namespace sluice
