#include "pipelines/report_audit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "pipelines/report_charts.h"
#include "pipelines/report_html.h"

namespace sluice {

// ---------------------------------------------------------------- language audit

namespace {

constexpr size_t kMaxChartLanguages = 40;   // chart rows (the table has them all)
constexpr size_t kMaxStageRows = 600;       // per-stage detail rows

constexpr std::string_view kLanguageAuditCss =
    "#language-audit svg.rate-chart{width:100%;max-width:720px;height:auto;display:block;margin:.6rem 0}"
    "#language-audit .rate-bar{fill:#4e79a7}#language-audit .rate-bar.outer{opacity:.3}"
    "#language-audit .rate-row.flag .rate-bar{fill:#e15759}#language-audit .rate-row.muted .rate-bar{fill:#b3bac4}"
    "#language-audit .rate-hl{fill:#fff1e6}#language-audit .rate-grid{stroke:#e8ebef;stroke-width:1}"
    "#language-audit .rate-ref{stroke:#1d2330;stroke-width:1.5;stroke-dasharray:4 3}"
    "#language-audit svg text{font-size:12px;fill:#5b6472;font-family:inherit}"
    "#language-audit .rate-label{text-anchor:end;fill:#1d2330}#language-audit .rate-tick{text-anchor:middle}"
    "#language-audit .rate-ref-label{text-anchor:middle;fill:#1d2330}"
    "#language-audit .rate-row.flag .rate-label{fill:#c92a2a;font-weight:600}"
    "#language-audit table.sortable thead th{cursor:pointer;user-select:none}"
    "#language-audit th[aria-sort=ascending]::after{content:' \\25B2'}"
    "#language-audit th[aria-sort=descending]::after{content:' \\25BC'}"
    "#language-audit tfoot td{font-weight:600;border-top:2px solid #dde1e7}";

std::string Ratio2(double r) {
  if (!std::isfinite(r)) return "—";
  char buf[32];
  snprintf(buf, sizeof buf, "%.2f×", r);
  return buf;
}

// A numeric cell: the sort key in data-v (a plain decimal), the text formatted.
std::string NumCell(double sort_key, const std::string& text) {
  char buf[48];
  snprintf(buf, sizeof buf, "%.17g", std::isfinite(sort_key) ? sort_key : 0.0);
  return std::string("<td data-v=\"") + buf + "\">" + text + "</td>";
}

std::string IntCell(int64_t v) { return NumCell(static_cast<double>(v), FormatInt(v)); }

std::string Flags(bool alert, bool low_support) {
  std::string out;
  if (alert) out += "<span class=\"badge\">flagged</span> ";
  if (low_support) out += "<span class=\"badge soft\">low support</span>";
  return out;
}

}  // namespace

std::string RenderLanguageAuditSection(const ReportStats& stats) {
  std::string out = "<section id=\"language-audit\"><h2>Language audit</h2>";
  if (!stats.language_audit) {
    out += "<p class=\"empty\">No language audit: no stage tagged documents with their language (the language_id "
           "stage tags every document it processes language.&lt;code&gt;).</p></section>";
    return out;
  }
  const LanguageAuditTable& a = *stats.language_audit;
  const LanguageAuditOptions& o = a.options;
  out += "<style>";
  out += kLanguageAuditCss;
  out += "</style>";
  int flagged = 0;
  for (const auto& l : a.languages) flagged += l.alert ? 1 : 0;
  out += "<p class=\"note\">For each language detected by <b>" + HtmlEscape(a.language_stage) +
         "</b>: the share of its documents removed by that stage and every later one, against the same share "
         "over all documents. The disparity compares removal by filters only (without the dedup stages: removing "
         "copies is not a judgement on content); removal by any stage is shown beside it. A disparity of " +
         Ratio2(o.alert_disparity) + " or more is flagged when the language has at least " + FormatInt(o.min_docs) +
         " documents (fewer: low support, never flagged).</p>";
  out += "<p id=\"language-audit-before\" class=\"note\">" + FormatInt(a.docs_first_stage) +
         " documents entered the recipe; " + FormatInt(a.removed_before_language) +
         " of them were removed before their language was known (by stages before " + HtmlEscape(a.language_stage) +
         ") and are in no language row; " + FormatInt(a.run.in) + " reached " + HtmlEscape(a.language_stage) +
         ".</p>";
  out += "<p id=\"language-audit-flagged\">" +
         (flagged ? "<span class=\"badge\">" + FormatInt(flagged) + (flagged == 1 ? " language" : " languages") +
                        " flagged</span>"
                  : std::string("<span class=\"ok\">no language removed disproportionately</span>")) +
         "</p>";

  // The chart: the most frequent languages (stable by code), flagged ones always.
  std::vector<const LanguageAuditRow*> order;
  for (const auto& l : a.languages) order.push_back(&l);
  std::stable_sort(order.begin(), order.end(), [](const auto* x, const auto* y) { return x->in > y->in; });
  std::vector<RateRow> bars;
  size_t shown = 0;
  for (const auto* l : order) {
    if (shown >= kMaxChartLanguages && !l->alert) continue;
    ++shown;
    bars.push_back(RateRow{l->language, l->rate_filters, l->rate,
                           l->language + ": " + FormatPercent(l->rate_filters) + " removed by filters, " +
                               FormatPercent(l->rate) + " by any stage, of " + FormatInt(l->in) + " documents",
                           l->alert, l->low_support});
  }
  out += "<h3>Removal rate by filters, per language, against the run's</h3><p class=\"note\">Solid: removed by "
         "filters; light: removed by any stage (with dedup); dashed line: the run's rate by filters; flagged "
         "languages in red, low-support ones in grey.</p>";
  out += RenderRateChart(bars, a.run.rate_filters, "run", "Removal rate per language against the run's");
  if (order.size() > bars.size()) {
    out += "<p class=\"note\">" + FormatInt(static_cast<int64_t>(order.size() - bars.size())) +
           " less frequent languages are only in the table.</p>";
  }

  // The table.
  out += "<h3>Per language</h3><p class=\"note\">Click a column header to sort.</p>";
  out += "<div class=\"scroll\"><table id=\"language-audit-table\"><thead><tr><th class=\"t\">language</th>"
         "<th>documents in</th><th>kept</th><th>removed (any stage)</th><th>removed by filters</th>"
         "<th>removed by dedup</th><th>removal rate (any stage)</th><th>removal rate (filters)</th>"
         "<th>disparity (filters)</th><th>disparity (any stage)</th><th class=\"t\">flags</th></tr></thead><tbody>";
  auto row_cells = [&](const LanguageAuditRow& r) {
    return IntCell(r.in) + IntCell(r.kept) + IntCell(r.dropped) + IntCell(r.dropped_filters) +
           IntCell(r.dropped_dedup) + NumCell(r.rate, FormatPercent(r.rate)) +
           NumCell(r.rate_filters, FormatPercent(r.rate_filters));
  };
  for (const auto& r : a.languages) {
    out += std::string(r.alert ? "<tr class=\"flag\">" : "<tr>") + "<td class=\"t\">" + HtmlEscape(r.language) +
           "</td>" + row_cells(r) + NumCell(r.disparity, Ratio2(r.disparity)) +
           NumCell(r.disparity_any, Ratio2(r.disparity_any)) + "<td class=\"t\">" +
           Flags(r.alert, r.low_support) + "</td></tr>";
  }
  out += "</tbody><tfoot><tr><td class=\"t\">all (the run)</td>" + row_cells(a.run) +
         "<td>1.00×</td><td>1.00×</td><td class=\"t\"></td></tr></tfoot></table></div>";

  // Per stage.
  out += "<h3>Per stage</h3><p class=\"note\">The chain from " + HtmlEscape(a.language_stage) +
         " on; dedup stages are marked. Per language, only stages that removed documents are listed.</p>";
  out += "<div class=\"scroll\"><table id=\"language-audit-stages\"><tr><th class=\"t\">stage</th>"
         "<th class=\"t\">type</th><th>documents in</th><th>removed</th><th>removal rate</th></tr>";
  for (const auto& s : a.stages) {
    out += "<tr><td class=\"t\">" + HtmlEscape(s.name) + "</td><td class=\"t\">" + HtmlEscape(s.type) +
           (s.dedup ? " <span class=\"badge soft\">dedup</span>" : "") + "</td><td>" + FormatInt(s.docs_in) +
           "</td><td>" + FormatInt(s.dropped) + "</td><td>" + FormatPercent(s.rate) + "</td></tr>";
  }
  out += "</table></div>";
  size_t stage_rows = 0;
  for (const auto& l : a.languages) stage_rows += l.stages.size();
  if (stage_rows > 0) {
    out += "<details><summary>Removal per language and stage (" + FormatInt(static_cast<int64_t>(stage_rows)) +
           " rows)</summary><div class=\"scroll\"><table id=\"language-audit-stage-rows\"><tr>"
           "<th class=\"t\">language</th><th class=\"t\">stage</th><th>documents in</th><th>removed</th>"
           "<th>removal rate</th><th>stage's rate</th><th>disparity</th><th class=\"t\">flags</th></tr>";
    std::map<std::string, double> stage_rate;
    for (const auto& s : a.stages) stage_rate[s.name] = s.rate;
    size_t n = 0;
    for (const auto& l : a.languages) {
      for (const auto& s : l.stages) {
        if (n++ >= kMaxStageRows) break;
        out += std::string(s.alert ? "<tr class=\"flag\">" : "<tr>") + "<td class=\"t\">" + HtmlEscape(l.language) +
               "</td><td class=\"t\">" + HtmlEscape(s.stage) + "</td><td>" + FormatInt(s.in) + "</td><td>" +
               FormatInt(s.dropped) + "</td><td>" + FormatPercent(s.rate) + "</td><td>" +
               FormatPercent(stage_rate[s.stage]) + "</td><td>" + Ratio2(s.disparity) + "</td><td class=\"t\">" +
               Flags(s.alert, s.low_support) + "</td></tr>";
      }
    }
    out += "</table></div>";
    if (stage_rows > kMaxStageRows) {
      out += "<p class=\"note\">First " + FormatInt(static_cast<int64_t>(kMaxStageRows)) +
             " rows; stats.json language_audit has them all.</p>";
    }
    out += "</details>";
  }
  out += "<script>";
  out += kLanguageAuditScript;
  out += "</script></section>";
  return out;
}

}  // namespace sluice
