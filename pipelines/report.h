// The run report page: a parsed stats.json rendered as one self-contained HTML
// file (inline CSS and SVG, no JavaScript, nothing loaded from the network),
// readable in a narrow window and printable. The same ReportStats always gives the
// same bytes. WriteRunReport (report_hook.h) is the entry point `sluice run` uses.
#pragma once

#include <string>

#include "pipelines/report_stats.h"
#include "stages/engine/status.h"

namespace sluice {

// Renders the whole page.
std::string RenderRunReport(const ReportStats& stats);

// Renders a free-form JSON value (a stage's `report` object) as HTML: arrays of
// objects become tables, objects become key/value lists, scalars are formatted.
std::string RenderJsonValue(const JsonValue& value);

// Reads stats.json at `stats_path` and writes the report to `html_path`
// (the `sluice report` command). Status::Io when the stats are unreadable or invalid.
Status WriteRunReportFile(const std::string& stats_path, const std::string& html_path);

}  // namespace sluice
