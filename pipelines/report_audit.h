// The report's audit sections: the language audit table, chart and sort script,
// rendered from the "language_audit" object of stats.json (never recomputed; the
// bias audit is rendered the same way in report.cc). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipelines/report_stats.h"

namespace sluice {

// ---------------------------------------------------------------- language audit

// The sort script of the language audit table: clicking (or Enter/Space on) a
// header sorts the rows by that column (numbers by their data-v attribute),
// again to reverse. Without JavaScript the table is a plain table.
inline constexpr std::string_view kLanguageAuditScript =
    "(function(){var t=document.getElementById('language-audit-table');if(!t)return;"
    "t.classList.add('sortable');var h=t.tHead.rows[0].cells;"
    "function key(c){var v=c.getAttribute('data-v');return v===null?null:parseFloat(v);}"
    "function sort(k){var c=h[k],d=c.getAttribute('aria-sort')==='descending'?1:-1;"
    "for(var j=0;j<h.length;j++)h[j].removeAttribute('aria-sort');"
    "c.setAttribute('aria-sort',d>0?'ascending':'descending');"
    "var b=t.tBodies[0],r=Array.prototype.slice.call(b.rows);"
    "r.sort(function(x,y){var p=key(x.cells[k]),q=key(y.cells[k]);"
    "if(p!==null&&q!==null&&p!==q)return d*(p-q);"
    "return d*x.cells[k].textContent.localeCompare(y.cells[k].textContent);});"
    "for(var i=0;i<r.length;i++)b.appendChild(r[i]);}"
    "for(var i=0;i<h.length;i++)(function(k){var c=h[k];c.tabIndex=0;"
    "c.addEventListener('click',function(){sort(k);});"
    "c.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort(k);}});"
    "})(i);})();";

// The CSP source that allows exactly kLanguageAuditScript (base64 SHA-256 of its
// bytes; tests/pipelines/language_audit_test.cc recomputes it). The page's
// Content-Security-Policy needs `script-src <this>` for the table to sort.
inline constexpr std::string_view kLanguageAuditScriptCspSource = "'sha256-95bN29XGlz+8OGBck2dIOFrBNq/SNSCT2iddhjQWdEQ='";

// The "Language audit" section of report.html (<section id="language-audit">):
// what stats.json "language_audit" holds (never recomputed) as a chart of each
// language's removal rate against the run's, a sortable table (flagged
// languages highlighted, the run in the footer), the per-stage rates, and how
// many documents were removed before their language was known. A note when the
// run has no language audit. Self-contained: its own <style> and <script>.
std::string RenderLanguageAuditSection(const ReportStats& stats);

}  // namespace sluice
