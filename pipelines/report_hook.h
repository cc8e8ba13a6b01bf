// The run report (report.html) written after every `sluice run`.
#pragma once

#include <string>

#include "stages/engine/status.h"

namespace sluice {

// Renders stats.json text into a self-contained HTML report at `path`.
Status WriteRunReport(const std::string& stats_json, const std::string& path);

}  // namespace sluice
