// Stage: one step of the curation chain, and the registry that builds stages
// from recipe entries. A stage is built once by its factory from validated
// options and is immutable afterwards: Process() is const and thread-safe.
// Stages whose decisions compare documents with each other (dedup) are global
// stages (stages/engine/global_stage.h): a parallel key, a serial resolver, a
// parallel apply.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stages/engine/document.h"
#include "stages/engine/stats.h"
#include "stages/engine/status.h"

namespace sluice {

// ---------------------------------------------------------------- options

enum class OptionType { kBool, kInt, kDouble, kString, kStringList, kYaml };

// One option of a stage: its type, default and allowed range. The schema is the
// single source of truth for `sluice stages`, validation and the resolved recipe.
struct OptionSpec {
  std::string name;
  OptionType type = OptionType::kString;
  std::string default_value;  // as YAML text ("0.8", "true", "[en, zh]", "" for none)
  std::string help;
  double min = -1e300;        // for kInt/kDouble, inclusive
  double max = 1e300;
  std::vector<std::string> choices;  // for kString; empty = any
  bool required = false;
};

// The builders stages declare their options with (field by field: adding a member
// to OptionSpec never shifts an aggregate initializer). One set for every stage.
OptionSpec MakeOption(std::string name, OptionType type, std::string default_value, std::string help,
                      double min = -1e300, double max = 1e300, std::vector<std::string> choices = {});
// A string option that takes one of `choices`.
OptionSpec ChoiceOption(std::string name, std::string default_value, std::string help,
                        std::vector<std::string> choices);

// Validated option values of one stage instance: every option of the schema is
// present (defaults filled in). kYaml options hold YAML text that the stage's
// factory parses and checks itself.
class Options {
 public:
  using Value = std::variant<bool, int64_t, double, std::string, std::vector<std::string>>;

  bool GetBool(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;
  double GetDouble(std::string_view name) const;
  const std::string& GetString(std::string_view name) const;
  const std::vector<std::string>& GetStringList(std::string_view name) const;
  // YAML text of a kYaml option ("" when unset).
  const std::string& GetYaml(std::string_view name) const { return GetString(name); }
  bool Has(std::string_view name) const { return values_.count(std::string(name)) != 0; }
  // True when the recipe set the option (as opposed to the default).
  bool IsSet(std::string_view name) const { return explicitly_set_.count(std::string(name)) != 0; }

  void Set(const std::string& name, Value value, bool explicitly) {
    values_[name] = std::move(value);
    if (explicitly) explicitly_set_[name] = true;
  }
  const std::map<std::string, Value>& values() const { return values_; }

 private:
  const Value& Get(std::string_view name) const;
  std::map<std::string, Value> values_;
  std::map<std::string, bool> explicitly_set_;
};

// ---------------------------------------------------------------- stage

// What a stage sees while processing: its own per-batch stats (merged by the
// engine in input order, so totals never depend on scheduling).
class StageContext {
 public:
  explicit StageContext(Stats* stats) : stats_(stats) {}
  Stats& stats() { return *stats_; }

 private:
  Stats* stats_;
};

// What a stage gets when the run ends.
struct FinishContext {
  std::string output_dir;  // the run's OUTDIR (write extra artifacts below it)
  Stats* stats = nullptr;  // this stage's merged stats; Finish may add to them
  // A JSON object (compact text) the stage wants in stats.json at stages[i].report.
  std::string report_json;
};

// Facts about the run a factory may need (paths in options are relative to recipe_dir).
struct StageEnv {
  std::string recipe_dir = ".";
  std::string output_dir;
  std::string instance_name;  // e.g. "gopher_quality" or the recipe's `name:`
  int threads = 1;
};

class Stage {
 public:
  virtual ~Stage() = default;
  // Parallel part: called concurrently on different documents. Must be thread-safe.
  virtual Verdict Process(Document& doc, StageContext& ctx) const = 0;
  // True for GlobalStage (stages/engine/global_stage.h).
  virtual bool is_global() const { return false; }
  // True when the stage keeps state besides its Stats across documents (a
  // tokenizer's word counts): a resumed run must then replay finished inputs
  // through it instead of restoring their saved statistics.
  virtual bool keeps_state() const { return false; }
  // Called once after the last document, with the stage's stats over the
  // whole run (in a sharded run: in the merge task, over every shard's stats).
  // May write artifacts and a report.
  virtual Status Finish(FinishContext& /*ctx*/) { return Status::Ok(); }
  // Signals with fixed histogram ranges; undeclared signals get log-scale buckets.
  virtual std::vector<HistogramSpec> signal_histograms() const { return {}; }
};

// ---------------------------------------------------------------- registry

using StageFactory =
    std::function<StatusOr<std::unique_ptr<Stage>>(const Options& options, const StageEnv& env)>;

struct StageInfo {
  std::string type;     // the recipe's `type:`
  std::string folder;   // "stages", "filters", "tokenizer" (for `sluice stages`)
  std::string summary;  // one line
  std::vector<OptionSpec> options;
  StageFactory factory;
  // A GlobalStage (its factory returns one): the sharded plan cuts the recipe
  // here; the language audit counts its removals apart from the filters'.
  bool global = false;
};

class StageRegistry {
 public:
  static StageRegistry& Global();
  void Register(StageInfo info);
  const StageInfo* Find(std::string_view type) const;
  std::vector<const StageInfo*> All() const;  // sorted by type

 private:
  std::map<std::string, StageInfo, std::less<>> infos_;
};

// Registers a stage at static-initialization time:
//   SLUICE_REGISTER_STAGE(GopherQuality, [] { return StageInfo{...}; });
struct StageRegistrar {
  explicit StageRegistrar(StageInfo (*make)()) { StageRegistry::Global().Register(make()); }
};
#define SLUICE_REGISTER_STAGE(ident, ...) \
  static const ::sluice::StageRegistrar kSluiceStageRegistrar_##ident(__VA_ARGS__)

// True when `type` is a registered global stage type.
bool IsGlobalStageType(std::string_view type);

// Validates a YAML mapping of options (as text, e.g. "{min_words: 10}") against
// `info` and fills defaults. Unknown keys and bad values are errors naming the
// stage instance and the key.
StatusOr<Options> ValidateOptions(const StageInfo& info, const std::string& instance,
                                  std::string_view yaml_options);

// Looks up `type`, validates `yaml_options` and runs the factory. The one way
// stages get built (recipes and tests alike).
StatusOr<std::unique_ptr<Stage>> BuildStage(std::string_view type, std::string_view yaml_options,
                                            StageEnv env = {});

// Writes a validated Options back out as a YAML flow mapping, in schema order
// (used for recipe.resolved.yaml).
std::string OptionsToYaml(const StageInfo& info, const Options& options);

}  // namespace sluice
