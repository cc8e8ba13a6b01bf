// Cross-shard phases of the global dedup stages (exact_dedup, line_dedup,
// minhash_dedup), so that a sharded run decides exactly what one process
// decides:
//   1. keys (per shard): a key-writer stage stands where the dedup stage
//      stands and writes, in input order, each arriving document's key record
//      (order key MinHashOrderKey(input_index, line) + the stage's key: the
//      XXH3-128 text hash, the line hashes, or the MinHash stash).
//   2. resolve (one task): merges every shard's key file by order key (= input
//      order) and replays the stage's serial, first-in-input-order logic,
//      writing a decision file (the documents to drop / lines to remove) and a
//      stats patch (the stage's whole-corpus counters, histograms and report).
//   3. filter (per shard): a decision filter stands where the dedup stage
//      stands and applies the decisions with the same reason, detail,
//      annotations, signals and counters as the in-process stage.
// Record files: "SLUICE-DEDUP-RECORDS 1\n", then per record u64 order key,
// u32 payload length, payload (little-endian), sorted by order key. Payloads:
// exact keys = u64 high, u64 low, id; line keys = u64 per eligible line;
// minhash keys = u32 id length, id, the stage's stash (EncodeMinHashStash,
// native byte order: all tasks of a run must share it); decisions = the
// survivor id (exact), u32 ordinals of removed eligible lines (line), or
// u32 length, survivor id, f64 similarity, u32 cluster size (minhash).
// Everything here is thread-compatible; the stages are thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stages/line_dedup.h"
#include "stages/minhash_dedup.h"
#include "stages/stage.h"
#include "stages/stats.h"
#include "stages/status.h"

namespace sluice {

// The stage types that decide by comparing documents with each other and
// remove copies, not content: exact_dedup, line_dedup, minhash_dedup. The
// sharded plan cuts recipes at them; the language audit counts their removals
// apart from the filters'.
bool IsDedupStageType(std::string_view type);

// Writes a record file; the final path appears only after Finish() (a temp
// file is renamed), so a failed task never leaves a partial file behind.
// Not thread-safe.
class DedupRecordWriter {
 public:
  ~DedupRecordWriter();
  Status Open(const std::string& path);
  // Order keys must not decrease.
  Status Append(uint64_t order_key, std::string_view payload);
  Status Finish();
  int64_t records() const { return records_; }

 private:
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
  int64_t records_ = 0;
  uint64_t last_ = 0;
};

// Calls `on_record` for every record of `files`, merged by order key (input
// order across shards). Errors name the file.
Status MergeDedupRecordFiles(const std::vector<std::string>& files,
                             const std::function<Status(uint64_t order_key, std::string_view payload)>& on_record);

// The resolved options of one global dedup stage instance.
struct GlobalDedupSpec {
  std::string type;  // exact_dedup | line_dedup | minhash_dedup
  std::string name;  // the recipe's stage name
  // exact_dedup
  bool fold_case = false;
  bool fold_whitespace = false;
  std::string exact_index_in;   // resolved against the recipe directory
  std::string exact_index_out;  // as given (relative to the output directory)
  // line_dedup
  LineDedupConfig line;
  // minhash_dedup
  MinHashDedupConfig minhash;
};

// From the stage's validated options (`options` of `type`'s schema).
StatusOr<GlobalDedupSpec> MakeGlobalDedupSpec(const std::string& type, const std::string& name,
                                              const Options& options, const StageEnv& env);

// Phase 1: a stage that writes key records to `keys_path` (final on Finish) and
// drops every document with reason "dedup_phase.keys_written" (a keys pass
// keeps nothing).
StatusOr<std::unique_ptr<Stage>> MakeDedupKeyWriter(const GlobalDedupSpec& spec, const std::string& keys_path);

// Phase 2: replays the stage over the merged key files; writes the decision
// files and the stats patch (JSON, see StatsPatchJson). A document of input
// i goes to decision_paths[i % decision_paths.size()] (its shard's file, so a
// shard loads only its own decisions). `output_dir` resolves exact_dedup's
// index_out.
Status ResolveGlobalDedup(const GlobalDedupSpec& spec, const std::vector<std::string>& key_files,
                          const std::string& output_dir, const std::vector<std::string>& decision_paths,
                          const std::string& patch_path);

// Phase 3: the stage that applies a decision file (loaded here, read-only after).
StatusOr<std::unique_ptr<Stage>> MakeDedupDecisionFilter(const GlobalDedupSpec& spec,
                                                         const std::string& decisions_path);

// A stats patch: what a global phase adds to one stage's merged stats,
// {"counters":{...},"histograms":{...},"report":{...}} (report omitted when "").
std::string StatsPatchJson(const Stats& stats, const std::string& report_json);

}  // namespace sluice
