// Inline-SVG charts for the HTML report: horizontal bar lists (HTML labels,
// SVG bars, so text stays readable in a narrow window) and histograms (one
// series, or "before" and "after" drawn over common buckets). Output is plain
// markup with CSS classes styled by the report page; deterministic; no state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipelines/report_stats.h"

namespace sluice {

// Number of distinct series colours (CSS classes c0 .. c7).
inline constexpr int kChartColors = 8;
// The neutral grey used for "all documents (before)".
inline constexpr int kBeforeColor = -1;

// One row of a bar list: a solid segment, an optional lighter segment stacked
// after it (e.g. the dropped part of a stage's input), and the text after the bar.
struct BarRow {
  std::string label;       // plain text; escaped on output
  std::string sublabel;    // optional second, smaller line
  double value = 0;        // solid segment
  double extra = 0;        // light segment after `value`
  std::string value_text;  // plain text right of the bar
  int color = 0;           // palette index (mod kChartColors), or kBeforeColor
  bool flagged = false;    // highlighted row
};

// Rows as HTML; `scale` is the quantity that fills a whole bar track (values
// above it are clipped). `aria` labels the list for screen readers.
std::string RenderBarList(const std::vector<BarRow>& rows, double scale, std::string_view aria);

// A histogram chart as inline SVG. With both `before` and `after`, `after` is
// drawn over `before` on shared buckets (gaps between buckets are filled so the
// x axis is continuous); when their bucket kinds differ, both are drawn on one
// numeric axis, each bucket over its own [lo, hi). Either may be null (not
// both); a lone series is drawn in `color`.
std::string RenderHistogram(const HistogramData* before, const HistogramData* after, int color,
                            std::string_view aria);

// One row of a rate chart (RenderRateChart).
struct RateRow {
  std::string label;      // plain text; escaped on output
  double rate = 0;        // the solid bar, a fraction in [0, 1]
  double outer_rate = 0;  // a light bar behind it from 0 to here (>= rate; e.g. removal by any stage)
  std::string title;      // tooltip (plain text)
  bool flagged = false;   // drawn in the alert colour, label marked
  bool muted = false;     // drawn grey (e.g. too few documents to judge)
};

// Horizontal bars of rates against one reference rate drawn as a dashed
// vertical line over every row (e.g. each language's removal rate vs the
// run's). Inline SVG with CSS classes rate-*; the x axis runs from 0 to a round
// value at or above the largest rate (at most 100%).
std::string RenderRateChart(const std::vector<RateRow>& rows, double reference, std::string_view reference_label,
                            std::string_view aria);

// A short axis label for a number: 0.25, 3.4k, 12M.
std::string CompactNumber(double value);

}  // namespace sluice
