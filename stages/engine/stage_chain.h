// StageChain: a run's stages as the engine drives them — the ordered steps
// (parallel ops; serial ops of global stages' resolvers and key files), the
// per-stage signal histograms, and the accounting every stage gets (docs and
// bytes in/out, drops, failed rules, tags). The pipeline runner
// (stages/engine/pipeline_runner.h) and the in-memory StreamProcessor
// (stages/engine/stream_processor.h, used by the Python API) run the same chain, so
// one document gets the same verdict, signals and stats on either path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "stages/engine/document.h"
#include "stages/engine/global_stage.h"
#include "stages/engine/run_state.h"
#include "stages/engine/stage.h"
#include "stages/engine/stats.h"
#include "stages/engine/status.h"

namespace sluice {

struct StageInstance {
  std::string name;  // unique in the run ("normalize", or the recipe's name:)
  std::string type;
  std::unique_ptr<Stage> stage;
};

class StageChain {
 public:
  enum class OpKind {
    kProcess,      // a plain stage's Process()
    kKey,          // GlobalStage::Key() into the document's scratch
    kResolve,      // serial: the resolver turns the key into the decision
    kApply,        // GlobalStage::Apply() of the decision in the scratch
    kApplyLoaded,  // GlobalStage::Apply() of a decision from the decisions file
    kWriteKeys,    // serial: the key goes to the keys file (sharded segment)
  };
  struct Op {
    OpKind kind;
    size_t stage;
  };
  struct Step {
    bool serial = false;
    std::vector<Op> ops;  // a serial step holds one op
  };
  // Which stages run and how global stages at the cut points are handled
  // (pipelines/plan.h): the default is every stage, global ones resolved here.
  struct Bounds {
    size_t first = 0;
    size_t last = SIZE_MAX;
    std::string apply_decisions;  // stages[first] is global: apply these decisions
    std::string keys_out;         // stages[last] is global: write its keys here
  };

  // `stages` must outlive the chain. Creates the resolvers of the global
  // stages resolved here, loads decisions, opens the keys file.
  static StatusOr<std::unique_ptr<StageChain>> Create(const std::vector<StageInstance>& stages, Bounds bounds);

  const std::vector<Step>& steps() const { return steps_; }
  bool runs(size_t i) const { return i >= bounds_.first && i < std::min(bounds_.last, stages_.size()); }
  // No resolver and no stage that keeps state across documents: a finished
  // input's saved statistics can stand in for running it again.
  bool stateless() const;

  // The engine's own per-document observations, the same on every path:
  // input_chars of a parsed record; kept_chars and kept_signal:* of a kept one.
  static void ObserveParsed(const Document& doc, Stats* engine);
  void ObserveKept(const Document& doc, Stats* engine) const;
  // A dropped document as a report sample (text cut to ~600 bytes).
  static RunSample SampleOf(const Document& doc);

  // Runs `op` on `doc` (nothing when it was dropped), counting into
  // stage_stats[op.stage]. Parallel ops are thread-safe; serial ones must be
  // called from one thread in input order. Fails only when a key file cannot
  // be written.
  Status RunOp(const Op& op, Document& doc, std::vector<Stats>& stage_stats);

  // End of the run: closes the keys file, finishes the resolvers and the
  // stages that ran (their reports go to state->reports, with state->stages
  // as their stats).
  Status Finish(const std::string& output_dir, RunState* state);

 private:
  StageChain(const std::vector<StageInstance>& stages, Bounds bounds) : stages_(stages), bounds_(std::move(bounds)) {}
  const GlobalStage& global(size_t i) const { return static_cast<const GlobalStage&>(*stages_[i].stage); }
  void Enter(size_t i, Document& doc, Stats& st) const;
  void After(size_t i, Document& doc, Stats& st, size_t signals_before, const Verdict& v) const;

  const std::vector<StageInstance>& stages_;
  Bounds bounds_;
  std::vector<Step> steps_;
  std::vector<std::unique_ptr<GlobalResolver>> resolvers_;  // by stage index
  GlobalDecisions decisions_;
  std::unique_ptr<GlobalRecordWriter> keys_;
  std::vector<std::map<std::string, HistogramSpec, std::less<>>> signal_specs_;
  std::map<std::string, HistogramSpec, std::less<>> kept_signal_specs_;
};

}  // namespace sluice
