// report.html: a self-contained rendering of stats.json. (First version: the
// funnel and drop reasons; see issue 8 for the full report.)
#include <simdjson.h>

#include <string>

#include "pipelines/report_hook.h"
#include "stages/record_writer.h"

namespace sluice {

namespace {
std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}
}  // namespace

Status WriteRunReport(const std::string& stats_json, const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(stats_json).get(root)) return Status::Internal("stats.json is not valid JSON");
  std::string html =
      "<!doctype html><html><head><meta charset=utf-8><title>sluice run report</title>"
      "<style>body{font:14px system-ui,sans-serif;margin:1.5em;max-width:60em}"
      "table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:right}"
      "td:first-child,th:first-child{text-align:left}</style></head><body><h1>sluice run report</h1>";
  int64_t in = 0, kept = 0, dropped = 0, malformed = 0;
  if (root["totals"]["in"].get(in)) {}
  if (root["totals"]["kept"].get(kept)) {}
  if (root["totals"]["dropped"].get(dropped)) {}
  if (root["totals"]["malformed"].get(malformed)) {}
  html += "<p id=totals>in = kept + dropped + malformed: <b>" + std::to_string(in) + "</b> = " +
          std::to_string(kept) + " + " + std::to_string(dropped) + " + " + std::to_string(malformed) + "</p>";
  html += "<h2>Stages</h2><table><tr><th>stage</th><th>docs in</th><th>docs out</th><th>dropped</th></tr>";
  simdjson::dom::array stages;
  if (!root["stages"].get(stages)) {
    for (auto st : stages) {
      std::string_view name;
      int64_t a = 0, b = 0, c = 0;
      if (st["name"].get(name)) {}
      if (st["docs_in"].get(a)) {}
      if (st["docs_out"].get(b)) {}
      if (st["docs_dropped"].get(c)) {}
      html += "<tr><td>" + Escape(name) + "</td><td>" + std::to_string(a) + "</td><td>" + std::to_string(b) +
              "</td><td>" + std::to_string(c) + "</td></tr>";
    }
  }
  html += "</table></body></html>\n";
  return WriteFileAtomically(path, html);
}

}  // namespace sluice
