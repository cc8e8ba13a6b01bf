// StreamProcessor: a recipe's stages run over records held in memory, batch
// after batch, exactly as `sluice run` runs them over a JSONL file of the same
// records: the same parser (ParseRecord), the same StageChain, the same
// output records (AppendKeptRecord / AppendRejectedRecord) and the same
// statistics model (RunState, StatsJsonOf). Global stages (dedup) keep their
// index from batch to batch, so order matters as in a file. Used by the
// Python API (python/). Not thread-safe: one caller at a time (it runs the
// parallel parts on its own TBB arena).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "stages/engine/pipeline_runner.h"
#include "stages/io/record_reader.h"
#include "stages/engine/run_state.h"
#include "stages/engine/stage_chain.h"
#include "stages/engine/status.h"

namespace sluice {

class StreamProcessor {
 public:
  struct Config {
    ReaderOptions reader;
    OutputOptions output;
    int threads = 1;
    std::string source_name = "records";  // the virtual input: generated ids are "<source_name>:<n>"
    std::string output_dir;               // where stages' Finish() may write (empty: none)
  };
  // What became of one record.
  struct Result {
    enum class Kind { kKept, kDropped, kMalformed } kind = Kind::kKept;
    std::string record;  // the output record's JSON (kept/ or rejected/ form); "" for malformed
    std::string stage, reason, detail;  // dropped: who and why; malformed: "", error, message
    std::vector<std::string> reasons;   // every failing rule of the dropping stage
  };

  static StatusOr<std::unique_ptr<StreamProcessor>> Create(std::vector<StageInstance> stages, Config config);

  // Parses every line (one JSONL record each) and runs the stages over them.
  // results->size() == lines.size(), in order.
  Status Process(const std::vector<std::string>& lines, std::vector<Result>* results);
  // After the last batch: the stages' and resolvers' Finish() (reports).
  Status Finish();
  // stats.json of everything processed so far (after Finish: with reports).
  std::string StatsJson() const;

 private:
  explicit StreamProcessor(std::vector<StageInstance> stages, Config config)
      : stages_(std::move(stages)), config_(std::move(config)) {}

  std::vector<StageInstance> stages_;
  Config config_;
  std::unique_ptr<StageChain> chain_;
  InputFile input_;
  RunState state_;
  uint64_t next_line_ = 1;
  bool finished_ = false;
};

}  // namespace sluice
