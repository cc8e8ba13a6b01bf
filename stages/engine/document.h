// Document: one input record as it flows through the stage chain, and Verdict:
// what a stage decided about it. A Document is owned by its batch; exactly one
// thread touches it at a time, so it needs no locking.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

// Keep, or drop with a stable snake_case reason such as "gopher.mean_word_length".
// Reasons are API: define them as constants next to the stage that emits them.
class Verdict {
 public:
  static Verdict Keep() { return Verdict(); }
  static Verdict Drop(std::string reason, std::string detail = {}) {
    Verdict v;
    v.keep_ = false;
    v.reason_ = std::move(reason);
    v.detail_ = std::move(detail);
    return v;
  }
  bool keep() const { return keep_; }
  const std::string& reason() const { return reason_; }
  // Free-form, human-readable extra (e.g. "duplicate of doc-17"); written to rejected/.
  const std::string& detail() const { return detail_; }

 private:
  bool keep_ = true;
  std::string reason_;
  std::string detail_;
};

// One top-level JSON field carried through unchanged: the unescaped key and the
// value as compact JSON text.
struct JsonField {
  std::string key;
  std::string json;
};

struct Document {
  // Identity and provenance.
  std::string id;           // from the id key, or "<input-stem>:<line>" when absent
  bool id_from_input = false;
  std::string text;         // valid UTF-8 (the reader repairs it)
  uint32_t input_index = 0; // index of the input file in the run's sorted input list
  uint64_t line = 0;        // 1-based line (JSONL) or record number (text) in that input

  // Every other field of the input object, in input order, written back out.
  std::vector<JsonField> fields;
  // Fields added by stages (e.g. "language"), written after `fields`; a key set
  // here replaces an input field of the same name.
  std::vector<JsonField> annotations;

  // Named numeric scores computed by stages (`<stage>.<name>`), in the order set.
  std::vector<std::pair<std::string, double>> signals;
  // Labels that group documents for audits (e.g. "identity.gender"): the run's
  // stats count, per tag, how many documents each stage removed.
  std::vector<std::string> tags;

  // Where the kept record is written below kept/ ("" = kept/ itself, "en" = kept/en/).
  std::string route;

  // Filled in by the engine when a stage drops the document.
  bool dropped = false;
  std::string drop_stage;
  std::string drop_reason;
  std::string drop_detail;
  // Every reason a stage found (a stage that evaluates several rules lists all
  // failing ones here; the first is the drop reason).
  std::vector<std::string> all_reasons;

  // Private binary data the engine passes between a global stage's parts (its
  // key, then its decision; stages/engine/global_stage.h), keyed by the stage instance.
  // Never written out; the owner erases its entry when done.
  std::vector<std::pair<const void*, std::string>> scratch;

  // Back to the state of a new Document(), but strings and vectors keep their
  // capacity (the engine parses each batch into the documents of an earlier
  // one). A member added to Document must be reset there too.
  void Clear();

  void AddSignal(std::string name, double value) { signals.emplace_back(std::move(name), value); }
  // Sets a string annotation (replaces a previous one with the same key).
  void Annotate(std::string_view key, std::string_view string_value);
  // Sets a numeric annotation.
  void AnnotateNumber(std::string_view key, double value);
  void AddTag(std::string tag) { tags.push_back(std::move(tag)); }
  // Returns the signal's value, or `fallback` when it was not set.
  double Signal(std::string_view name, double fallback = 0.0) const;

  // The scratch entry of `owner`, created empty when absent.
  std::string& ScratchFor(const void* owner);
  // Moves out and erases the scratch entry of `owner`; false when absent.
  bool TakeScratch(const void* owner, std::string* out);
};

}  // namespace sluice
