// libFuzzer target for the stats.json reader behind `sluice report`: any bytes
// either parse into ReportStats or give a status with a message, and parsed stats
// always render to a complete page.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "pipelines/report.h"
#include "pipelines/report_stats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 18)) return 0;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  auto stats = sluice::ParseReportStats(json);
  if (!stats.ok()) {
    if (stats.status().message().empty()) std::abort();
    return 0;
  }
  const std::string html = sluice::RenderRunReport(*stats);
  if (html.rfind("<!doctype html>", 0) != 0 || html.find("</html>") == std::string::npos) std::abort();
  return 0;
}
