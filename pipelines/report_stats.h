// RunStats: stats.json ("sluice.stats/1", see docs/stats-schema.md) parsed into
// plain values, so the report renders from a typed model and simdjson stays
// behind this one file. Immutable after parsing; safe to share across threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "filters/bias_audit.h"
#include "filters/language_audit.h"
#include "stages/engine/status.h"

namespace sluice {

// The schema name this reader understands (written by the engine as "schema").
inline constexpr std::string_view kStatsSchema = "sluice.stats/1";

struct JsonMember;

// A free-form JSON value held by value (stage `report` objects). Object members
// keep their document order, so rendering is deterministic.
struct JsonValue {
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  std::string string;
  std::vector<JsonValue> items;                            // kArray
  std::vector<JsonMember> members;                         // kObject

  // The member `key` of an object, or nullptr.
  const JsonValue* Find(std::string_view key) const;
  bool is_number() const { return kind == Kind::kInt || kind == Kind::kDouble; }
  double AsDouble() const { return kind == Kind::kInt ? static_cast<double>(integer) : number; }
};

// One member of a JSON object (a named struct rather than std::pair: a pair of
// an incomplete type inside JsonValue does not compile with clang + libstdc++).
struct JsonMember {
  std::string key;
  JsonValue value;
};

// One histogram bucket [lo, hi); an absent edge is an open end (JSON null).
struct HistogramBucket {
  std::optional<double> lo;
  std::optional<double> hi;
  int64_t count = 0;
};

// A histogram as stats.json writes it (see docs/stats-schema.md#histogram).
struct HistogramData {
  std::string kind;  // "log" or "linear"
  int64_t total = 0;
  std::vector<HistogramBucket> buckets;  // in the engine's order (ascending)
};

// TagCounts (tagged documents in / dropped at a stage) is filters/bias_audit.h's.

// Name -> value pairs in stats.json order (object keys, sorted by the engine).
template <typename T>
using Named = std::vector<std::pair<std::string, T>>;

// One entry of stats.json "stages": what one recipe stage saw, dropped and recorded.
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
};

// Per-input (or total) accounting: in = kept + dropped + malformed.
struct InputData {
  std::string path;  // "total" for RunStats::totals
  int64_t in = 0, kept = 0, dropped = 0, malformed = 0;
  int64_t bytes_in = 0, bytes_kept = 0;
  std::string read_error;
};

// A rejected document kept as an example (text already cut by the engine).
struct SampleData {
  std::string stage, reason, id, text;
};

// Time spent in one stage (the only non-deterministic part of stats.json).
struct StageTiming {
  std::string name;
  double cpu_seconds = 0;
  double mb_per_cpu_second = 0;
};

// The whole stats.json.
struct RunStats {
  std::string schema;
  std::string sluice_version;
  std::string shard;  // "" unless the run was one shard ("2/8")
  InputData totals;
  std::vector<InputData> inputs;
  Named<int64_t> engine_counters;
  Named<HistogramData> engine_histograms;  // input_chars, kept_chars
  std::vector<StageData> stages;
  Named<HistogramData> kept_signals;  // signal -> histogram over kept documents
  std::vector<SampleData> samples;
  int64_t threads = 0;
  double wall_seconds = 0;
  std::vector<StageTiming> timing;  // in stats.json order (recipe order)
  // "bias_audit" as ComputeBiasAudit wrote it, rendered as is (never
  // recomputed, so the report flags what stats.json flags); absent when no
  // document carried an identity tag.
  std::optional<BiasAuditTable> bias_audit;
  // "language_audit" as ComputeLanguageAudit wrote it (the report renders it
  // as is, never recomputes it); absent when no stage tagged languages.
  std::optional<LanguageAuditTable> language_audit;
};

// Parses and checks stats.json text. Errors are Status::Io naming the JSON path
// of the first problem ("stages[1].docs_in: expected an integer").
StatusOr<RunStats> ParseRunStats(std::string_view json);

// Reads and parses a stats.json file (Status::Io when unreadable or invalid).
StatusOr<RunStats> LoadRunStats(const std::string& path);

}  // namespace sluice
