// `sluice report STATS.json [-o report.html]`: renders a run's stats.json (or a
// shard's) as the self-contained HTML report. Exit 2 when the stats cannot be
// read or are not a valid sluice.stats/1 document, or the report cannot be written.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "pipelines/command.h"
#include "pipelines/report.h"

namespace sluice {
namespace {

int ReportMain(const std::string& stats_path, std::string html_path) {
  namespace fs = std::filesystem;
  if (html_path.empty()) html_path = (fs::path(stats_path).parent_path() / "report.html").string();
  // A bare file name: OutputFile::Create cannot create the directory "" (it
  // reports an error), so name the current directory explicitly.
  if (fs::path(html_path).parent_path().empty()) html_path = (fs::path(".") / html_path).string();
  Status st = WriteRunReportFile(stats_path, html_path);
  if (!st.ok()) return ExitCodeFor(st);
  std::cout << "report: " << html_path << "\n";
  return 0;
}

Command MakeReportCommand() {
  Command c;
  c.name = "report";
  c.help = "Render a run's stats.json as a self-contained report.html";
  c.setup = [](CLI::App* app) {
    auto stats = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    app->add_option("stats", *stats, "stats.json written by `sluice run`")->required();
    app->add_option("-o,--output", *out, "HTML file to write (default: report.html next to STATS)");
    return [stats, out] { return ReportMain(*stats, *out); };
  };
  return c;
}

}  // namespace

SLUICE_REGISTER_COMMAND(Report, MakeReportCommand);

}  // namespace sluice
