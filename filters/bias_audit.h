// bias_audit: measures what the filters do to documents that mention social
// groups. The stage (put it first in a recipe) tags each document with
// "identity.<group>" for every identity group it mentions (filters/identity_terms.h);
// the engine counts, per stage and per tag, documents in and dropped; and
// ComputeBiasAudit turns those counts into removal rates and disparity ratios for
// stats.json and the report. The stage is immutable; Process is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "stages/engine/run_state.h"
#include "stages/engine/run_stats.h"
#include "stages/engine/status.h"

namespace sluice {

inline constexpr char kBiasAuditType[] = "bias_audit";
inline constexpr char kIdentityTagPrefix[] = "identity.";
// Stats counters (stable): documents seen, and documents per group
// ("bias_audit.identity.religion").
inline constexpr char kBiasAuditStatDocs[] = "bias_audit.docs";
inline constexpr char kBiasAuditStatTagged[] = "bias_audit.tagged_docs";

// ---------------------------------------------------------------- the audit

// TagCounts (tagged documents in / dropped at a stage) is stages/engine/run_stats.h's.

// Counts for one filtering stage, as the engine collects them.
struct StageFunnel {
  std::string stage;    // instance name
  int64_t docs_in = 0;  // all documents that reached the stage
  int64_t dropped = 0;
  std::map<std::string, TagCounts> tags;  // tag -> counts (tags without the audit's prefix are ignored)
  std::string type;  // recipe type ("" when unknown); the language audit sets dedup stages apart
};

// Per-stage counts in pipeline order.
struct TagFunnel {
  std::vector<StageFunnel> stages;
};

struct BiasAuditOptions {
  std::string tag_prefix = kIdentityTagPrefix;
  int64_t min_docs = 30;          // fewer tagged documents in -> low_support, never an alert
  double alert_disparity = 1.25;  // disparity at or above this (with support) -> alert
  // Rows for stages that removed no document at all (bias_audit itself, PII
  // redaction) say nothing; they still count in the all_stages rows.
  bool include_stages_without_drops = false;
};

// One group at one stage. rate = dropped / in. disparity = group rate / rate
// among all documents at the stage (1.0 when the stage removed nothing).
struct BiasAuditRow {
  std::string stage;  // instance name, or "all_stages" for the whole chain
  std::string group;  // tag without the prefix ("religion")
  int64_t group_in = 0;
  int64_t group_dropped = 0;
  double group_rate = 0;
  int64_t all_in = 0;
  int64_t all_dropped = 0;
  double all_rate = 0;
  double other_rate = 0;  // rate among documents that do not mention the group
  double disparity = 1.0;
  bool low_support = false;
  bool alert = false;
};

struct BiasAuditTable {
  BiasAuditOptions options;
  std::vector<BiasAuditRow> rows;  // stages in order, groups sorted; "all_stages" rows last
  // {"tag_prefix":..,"min_docs":..,"alert_disparity":..,"rows":[{...}, ...]}
  std::string ToJson() const;
  // The table back from what ToJson wrote (stats.json "bias_audit" at `path`);
  // problems go to `reader`.
  static BiasAuditTable Read(const JsonValue& json, JsonReader& reader, std::string_view path);
};

// Pure function of the counts. The "all_stages" rows compare the share of each
// group removed by any stage (dropped summed over stages / in at the first stage
// the group reaches) with the same share for all documents.
BiasAuditTable ComputeBiasAudit(const TagFunnel& funnel, const BiasAuditOptions& options = {});

// The funnel of a run, from its statistics (each stage's docs_in,
// docs_dropped and tags): what `sluice run` and the shard merge audit.
TagFunnel TagFunnelOf(const RunStats& stats);

}  // namespace sluice
