// GlobalStage: a stage whose decision about a document depends on other
// documents (exact, line and MinHash dedup; decontamination tomorrow). It is
// split into three parts so that one process and a sharded cluster run decide
// exactly alike:
//
//   Key(doc)      parallel   what the decision needs from the document (a hash,
//                            line hashes, a MinHash stash), as bytes;
//   resolver      serial     a GlobalResolver owns the index: Add() sees every
//                            key in input order and returns the decision;
//                            Finish() reports and saves persisted state;
//   Apply(doc, d) parallel   carries the decision out: drop, rewrite, annotate,
//                            with the counters and signals of the stage.
//
// The in-process runner (stages/engine/pipeline_runner.h) calls Key in its parallel
// step, Add in a serial in-order step and Apply in the next parallel step. The
// sharded plan (pipelines/plan.h) runs Key in every shard and writes the keys
// to a record file, merges all shards' key files by order key in one resolve
// task (the same Add calls in the same order), writes each shard's decisions,
// and lets every shard Apply them. A decision "" means "nothing to do" and is
// not stored; Apply must accept it.
//
// Adding a global stage: derive from GlobalStage and GlobalResolver in one file
// pair, register it with SLUICE_REGISTER_STAGE and `info.global = true`.
// Nothing else names it (see HACKING.md).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stages/engine/atomic_file.h"
#include "stages/engine/document.h"
#include "stages/engine/stage.h"
#include "stages/engine/stats.h"
#include "stages/engine/status.h"

namespace sluice {

// Input order of a document across every input: input index in the high 24
// bits, line in the low 40. Slices of one input keep their lines, so the order
// key of a record never depends on how the run was sharded.
inline uint64_t OrderKeyOf(uint32_t input_index, uint64_t line) {
  return (static_cast<uint64_t>(input_index) << 40) | (line & ((uint64_t{1} << 40) - 1));
}

// The serial half of a global stage. Not thread-safe: one thread, input order.
class GlobalResolver {
 public:
  virtual ~GlobalResolver() = default;
  // Decides the document with `order_key` whose key Key() wrote. Sets
  // *decision ("" = nothing to do). Counters of the decision go to `stats`.
  virtual void Add(uint64_t order_key, std::string_view key, std::string* decision, Stats& stats) = 0;
  // After the last Add: observes whole-run histograms into *ctx.stats, sets
  // ctx.report_json, writes persisted state (index_out). Errors fail the run.
  virtual Status Finish(FinishContext& ctx) = 0;
};

class GlobalStage : public Stage {
 public:
  // Parallel part 1: appends the document's key to *key (empty on entry).
  virtual void Key(const Document& doc, StageContext& ctx, std::string* key) const = 0;
  // A resolver with an empty (or index_in-preloaded) index.
  virtual StatusOr<std::unique_ptr<GlobalResolver>> NewResolver() const = 0;
  // Parallel part 2: carries out `decision` on `doc`.
  virtual Verdict Apply(Document& doc, std::string_view decision, StageContext& ctx) const = 0;

  // A global stage is never run as a plain stage: the engine calls the three
  // parts above. This is only for tools that feed documents one at a time.
  Verdict Process(Document& doc, StageContext& ctx) const final;
  bool is_global() const final { return true; }
};

// Runs a global stage on documents one at a time, in order, with its own
// resolver (tests and benchmarks; the engine does the same in steps).
class GlobalStageRunner {
 public:
  static StatusOr<GlobalStageRunner> Create(const GlobalStage* stage);
  Verdict Run(Document& doc, StageContext& ctx);
  Status Finish(FinishContext& ctx) { return resolver_->Finish(ctx); }

 private:
  const GlobalStage* stage_ = nullptr;
  std::unique_ptr<GlobalResolver> resolver_;
  std::string key_, decision_;
};

// ---------------------------------------------------------------- record files

// Key and decision files of the sharded plan: "SLUICE-GLOBAL-RECORDS 1\n", then
// per record u64 order key, u32 payload length, payload (little-endian), order
// keys not decreasing. The final path appears only after Finish() (a temp file
// renamed), so a failed task never leaves a partial file. Not thread-safe.
class GlobalRecordWriter {
 public:
  Status Open(const std::string& path);
  Status Append(uint64_t order_key, std::string_view payload);
  Status Finish();
  int64_t records() const { return records_; }

 private:
  AtomicFile file_;
  int64_t records_ = 0;
  uint64_t last_ = 0;
  std::string buf_;
};

// Calls `on_record` for every record of `files`, merged by order key (input
// order across shards; `file` is the index of the record's file). Errors name
// the file.
Status MergeGlobalRecordFiles(
    const std::vector<std::string>& files,
    const std::function<Status(size_t file, uint64_t order_key, std::string_view payload)>& on_record);

// Resolves a global stage over the key files of every shard: feeds them to a
// fresh resolver in input order, writes each non-empty decision to the
// decision file of the shard its key came from (decision_paths[i] for
// key_paths[i]), then finishes the resolver into *stats / *report_json.
Status ResolveGlobalStage(const GlobalStage& stage, const std::vector<std::string>& key_paths,
                          const std::vector<std::string>& decision_paths, const std::string& output_dir,
                          Stats* stats, std::string* report_json);

// The decisions of one shard, loaded for Apply (read-only afterwards).
class GlobalDecisions {
 public:
  Status Load(const std::string& path);
  // "" when the file holds no decision for `order_key`.
  std::string_view Find(uint64_t order_key) const;
  size_t size() const { return keys_.size(); }

 private:
  std::vector<uint64_t> keys_;    // sorted
  std::vector<uint64_t> offsets_;  // into blob_, size keys_ + 1
  std::string blob_;
};

}  // namespace sluice
