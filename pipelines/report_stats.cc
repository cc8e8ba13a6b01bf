#include "pipelines/report_stats.h"

#include <utility>

namespace sluice {

StatusOr<ReportStats> ReportStatsOf(RunStats stats) {
  ReportStats out;
  static_cast<RunStats&>(out) = std::move(stats);
  JsonReader reader("stats.json");
  if (const JsonValue* audit = out.Section("bias_audit")) {
    out.bias_audit = BiasAuditTable::Read(*audit, reader, "bias_audit");
  }
  if (const JsonValue* audit = out.Section("language_audit")) {
    out.language_audit = LanguageAuditTable::Read(*audit, reader, "language_audit");
  }
  if (reader.failed()) return reader.status();
  return out;
}

StatusOr<ReportStats> ParseReportStats(std::string_view json) {
  auto stats = ParseRunStats(json);
  if (!stats.ok()) return stats.status();
  return ReportStatsOf(std::move(stats).value());
}

StatusOr<ReportStats> LoadReportStats(const std::string& path) {
  auto stats = LoadRunStats(path);
  if (!stats.ok()) return stats.status();
  auto report = ReportStatsOf(std::move(stats).value());
  if (!report.ok()) return report.status().WithContext(path);
  return report;
}

}  // namespace sluice
