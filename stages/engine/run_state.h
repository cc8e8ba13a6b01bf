// RunState: everything a run's stats.json is made of, as values that merge —
// engine and per-stage Stats, per-input accounting, the rejected samples and
// the stages' reports. One process fills one; a sharded run's segments carry
// theirs from task to task in a binary form, and the merge task sums every
// shard's into the state one process would have had. RunStatsOf
// (run_stats.h) finishes a state into the one statistics model that stats.json
// is written from and read into, so one process and N shards write the same
// file (but for "timing").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "stages/engine/stats.h"
#include "stages/engine/status.h"

namespace sluice {

// Per-input accounting: every record ends as kept, dropped or malformed.
struct InputAccount {
  std::string path;
  int64_t records = 0;
  int64_t kept = 0;
  int64_t dropped = 0;
  int64_t malformed = 0;
  int64_t bytes_in = 0;     // text bytes of parsed records
  int64_t bytes_kept = 0;
  bool skipped = false;     // finished by an earlier run (resume)
  std::string read_error;   // truncated / corrupt input, if any

  // What this process saw of the malformed records, for the end-of-run
  // warnings (FormatInputWarnings); not in stats.json nor in the encoded
  // state, so empty for a part restored from a work file or a marker.
  struct MalformedKind {
    int64_t count = 0;
    std::string first_message;  // the first record's message
  };
  std::map<std::string, MalformedKind> malformed_by_error;
  bool opens_json_array = false;  // line 1 is malformed and starts with '['
  // Line 1 is malformed and a third or more of its bytes are NUL: UTF-16 or
  // UTF-32 text without a byte order mark (with one it is decoded).
  bool looks_wide = false;

  // Adds a later part of the same input.
  void Add(const InputAccount& later);
};

// A rejected document shown in the report.
struct RunSample {
  std::string stage, reason, id, text;
  uint32_t input_index = 0;
  uint64_t line = 0;
};

struct RunState {
  Stats engine;
  std::vector<Stats> stages;           // one per recipe stage
  std::vector<int64_t> stage_nanos;    // CPU time per stage (timing only)
  std::vector<InputAccount> inputs;    // per input, in input order
  // First samples per "stage\treason", in input order.
  std::map<std::string, std::vector<RunSample>> samples;
  std::vector<std::string> reports;    // per stage, JSON object text or ""

  void Resize(size_t stage_count);
  // Adds the state of a run over later inputs (the next shard): sums stats,
  // appends inputs (joining a cut input's parts), appends samples up to
  // `samples_per_reason`. Reports are not merged (recomputed from the stats).
  void Append(const RunState& later, int samples_per_reason);
  // Adds only the statistics (engine, stages, timing) of `other`.
  void AddStats(const RunState& other);

  std::string Encode() const;
  Status Decode(std::string_view data);  // replaces *this
};

// What stats.json says about the run besides the state.
struct StatsJsonInfo {
  std::vector<std::string> stage_names, stage_types;
  std::string shard_label;  // "" for a whole run
  int threads = 1;
  double wall_seconds = 0;
};

// Engine counter "skipped_record:<kind>": a WARC record that became no
// document (stats.json "skipped_records").
inline constexpr std::string_view kSkippedRecordPrefix = "skipped_record:";
// The skipped records by kind, from the engine counters.
std::map<std::string, int64_t> SkippedRecordsOf(const Stats& engine);

// A stats patch: what a task other than the shards computed for one stage
// (a global stage's resolver, the tokenizer training): counters, histograms
// and the report.
std::string EncodeStatsPatch(const Stats& stats, const std::string& report_json);
Status DecodeStatsPatch(std::string_view data, Stats* stats, std::string* report_json);

// Engine counter names inside each stage's Stats (used by the engine and the
// language and bias audits).
inline constexpr std::string_view kDocsIn = "docs_in";
inline constexpr std::string_view kDocsOut = "docs_out";
inline constexpr std::string_view kDocsDropped = "docs_dropped";
inline constexpr std::string_view kBytesIn = "bytes_in";
inline constexpr std::string_view kBytesOut = "bytes_out";
inline constexpr std::string_view kDroppedPrefix = "dropped:";
inline constexpr std::string_view kFailedPrefix = "failed:";
inline constexpr std::string_view kTagInPrefix = "tag_in:";
inline constexpr std::string_view kTagDroppedPrefix = "tag_dropped:";
inline constexpr std::string_view kSignalPrefix = "signal:";

}  // namespace sluice
