// language_audit: what the stages do to each language. The language_id stage tags
// every document it processes "language.<code>"; the engine counts, per stage
// and per tag, documents in and dropped (stats.json stages[].tags); and
// ComputeLanguageAudit turns that funnel into, per language, documents in, kept
// and removed (by any stage, and by filters only, i.e. without the dedup
// stages), removal rates overall and per stage, and the disparity against the
// run's removal rate. Pure functions over counts; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/engine/stage.h"  // IsGlobalStageType: their removals count in "any stage", not in the filters-only rates
#include "stages/text/language_id.h"
#include "stages/engine/run_state.h"
#include "stages/engine/run_stats.h"
#include "stages/engine/status.h"

namespace sluice {

struct TagFunnel;  // filters/bias_audit.h

// The tag prefix audited: the one the language_id stage writes.
inline constexpr const char* kLanguageAuditTagPrefix = kLanguageTagPrefix;

struct LanguageAuditOptions {
  std::string tag_prefix = kLanguageAuditTagPrefix;
  int64_t min_docs = 30;          // fewer documents of the language in -> low_support, never an alert
  double alert_disparity = 1.25;  // disparity at or above this (with support) -> alert
};

// One stage of the chain from the language stage on, over all documents.
struct LanguageAuditStage {
  std::string name;  // instance name
  std::string type;  // recipe type
  bool dedup = false;  // IsGlobalStageType(type)
  int64_t docs_in = 0;
  int64_t dropped = 0;
  double rate = 0;  // dropped / docs_in (0 when docs_in == 0)
};

// One language at one stage. disparity = rate / the stage's rate over all
// documents (1.0 when the stage removed nothing).
struct LanguageStageRow {
  std::string stage;
  int64_t in = 0;
  int64_t dropped = 0;
  double rate = 0;
  double disparity = 1.0;
  bool low_support = false;  // in < min_docs
  bool alert = false;        // !low_support && disparity >= alert_disparity
};

// One language over the whole chain from the stage that tagged it on.
// in = kept + dropped; dropped = dropped_filters + dropped_dedup.
struct LanguageAuditRow {
  std::string language;  // the code, tag without the prefix ("en", "zh", "und")
  int64_t in = 0;
  int64_t kept = 0;
  int64_t dropped = 0;          // by any stage
  int64_t dropped_filters = 0;  // by stages that are not dedup stages
  int64_t dropped_dedup = 0;    // by dedup stages
  double rate = 0;              // dropped / in
  double rate_filters = 0;      // dropped_filters / in
  double disparity = 1.0;       // rate_filters / run rate_filters (1.0 when the run's is 0)
  double disparity_any = 1.0;   // rate / run rate (1.0 when the run's is 0)
  bool low_support = false;     // in < min_docs
  bool alert = false;           // !low_support && disparity >= alert_disparity
  std::vector<LanguageStageRow> stages;  // stages that removed something (from the run), where in > 0
};

struct LanguageAuditTable {
  LanguageAuditOptions options;
  std::string language_stage;       // first stage where a language tag entered (normally language_id)
  int64_t docs_first_stage = 0;     // documents that entered the first stage of the recipe
  int64_t removed_before_language = 0;  // dropped by stages before language_stage: in no language row
  // The run over the same chain: every document that reached language_stage
  // (language "", disparities 1.0, flags false; `stages` = the stages' own rates).
  LanguageAuditRow run;
  std::vector<LanguageAuditStage> stages;   // language_stage and every later stage, in order
  std::vector<LanguageAuditRow> languages;  // sorted by code (byte order)
  // The stats.json "language_audit" object (docs/stats-schema.md).
  std::string ToJson() const;
  // The table back from what ToJson wrote (at `path`); problems go to `reader`.
  static LanguageAuditTable Read(const JsonValue& json, JsonReader& reader, std::string_view path);
};

// Pure function of the counts. Returns false (and leaves *table alone) when no
// stage saw a tag with options.tag_prefix (no language audit for this run).
bool ComputeLanguageAudit(const TagFunnel& funnel, const LanguageAuditOptions& options, LanguageAuditTable* table);

// Both audits of a run, as stats.json sections (written before "timing"):
// "bias_audit" (ComputeBiasAudit) when some tag has the identity prefix, then
// "language_audit" when some tag has the language prefix; none when no stage
// saw a tag. Computed once, from the run's statistics: `sluice run` sets it as
// RunConfig::stats_sections and the merge of a sharded run's shards calls it
// on the merged statistics, so both write the same file.
Named<JsonValue> AuditSections(const RunStats& stats);

}  // namespace sluice
