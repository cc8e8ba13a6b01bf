// ReportStats: what the report renders — a run's stats.json read into the one
// statistics model (stages/engine/run_stats.h: RunStats, written by `sluice
// run` and the shard merge, read here), with its two audit sections in the
// typed form filters/ defines and reads (BiasAuditTable, LanguageAuditTable).
// The audits are rendered as stats.json holds them, never recomputed.
// Immutable after parsing; safe to share across threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "filters/bias_audit.h"
#include "filters/language_audit.h"
#include "stages/engine/run_stats.h"
#include "stages/engine/status.h"

namespace sluice {

struct ReportStats : RunStats {
  // "bias_audit" as ComputeBiasAudit wrote it; absent when no document carried
  // an identity tag.
  std::optional<BiasAuditTable> bias_audit;
  // "language_audit" as ComputeLanguageAudit wrote it; absent when no stage
  // tagged languages.
  std::optional<LanguageAuditTable> language_audit;
};

// The typed audits of parsed stats (errors name the JSON path, as ParseRunStats's).
StatusOr<ReportStats> ReportStatsOf(RunStats stats);

// ParseRunStats / LoadRunStats, then ReportStatsOf.
StatusOr<ReportStats> ParseReportStats(std::string_view json);
StatusOr<ReportStats> LoadReportStats(const std::string& path);

}  // namespace sluice
