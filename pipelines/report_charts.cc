#include "pipelines/report_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "pipelines/report_html.h"

namespace sluice {

namespace {

constexpr int kLogSubSteps = 4;     // the engine's log buckets: 4 per power of two
constexpr size_t kMaxFilledBins = 160;  // gap filling stops beyond this many bins

std::string Fixed(double v, int decimals) {
  char buf[48];
  snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Pct(double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  return Fixed(fraction * 100, 2) + "%";
}

// A bucket of the common x axis.
struct Bin {
  std::optional<double> lo, hi;
  int64_t before = 0, after = 0;
};

// Orders buckets: open lower end first, then by lower edge, then upper edge.
bool BinLess(const Bin& a, const Bin& b) {
  if (a.lo.has_value() != b.lo.has_value()) return !a.lo.has_value();
  if (a.lo && *a.lo != *b.lo) return *a.lo < *b.lo;
  if (a.hi.has_value() != b.hi.has_value()) return a.hi.has_value();
  if (a.hi && *a.hi != *b.hi) return *a.hi < *b.hi;
  return false;
}

bool SameRange(const Bin& a, const Bin& b) { return !BinLess(a, b) && !BinLess(b, a); }

void AddBuckets(const HistogramData& h, bool is_after, std::vector<Bin>* bins) {
  for (const auto& b : h.buckets) {
    Bin bin{b.lo, b.hi, 0, 0};
    auto it = std::lower_bound(bins->begin(), bins->end(), bin, BinLess);
    if (it == bins->end() || !SameRange(*it, bin)) it = bins->insert(it, bin);
    (is_after ? it->after : it->before) += b.count;
  }
}

// Inserts empty bins between non-adjacent finite buckets so the axis is continuous.
std::vector<Bin> FillGaps(const std::vector<Bin>& bins, const std::string& kind) {
  std::vector<Bin> out;
  for (size_t i = 0; i < bins.size(); ++i) {
    out.push_back(bins[i]);
    if (i + 1 == bins.size()) break;
    const Bin& a = bins[i];
    const Bin& b = bins[i + 1];
    if (!a.lo || !a.hi || !b.lo || !b.hi) continue;
    if (kind == "log") {
      if (*a.lo <= 0 || *b.lo <= 0) continue;
      long ia = std::lround(std::log2(*a.lo) * kLogSubSteps);
      long ib = std::lround(std::log2(*b.lo) * kLogSubSteps);
      for (long k = ia + 1; k < ib && out.size() < kMaxFilledBins; ++k) {
        out.push_back(Bin{std::exp2(static_cast<double>(k) / kLogSubSteps),
                          std::exp2(static_cast<double>(k + 1) / kLogSubSteps), 0, 0});
      }
    } else {
      double w = *a.hi - *a.lo;
      if (w <= 0) continue;
      long steps = std::lround((*b.lo - *a.hi) / w);
      for (long k = 0; k < steps && out.size() < kMaxFilledBins; ++k) {
        double lo = *a.hi + static_cast<double>(k) * w;
        out.push_back(Bin{lo, lo + w, 0, 0});
      }
    }
  }
  return out;
}

std::string RangeText(const Bin& b) {
  if (!b.lo && b.hi) return "< " + FormatNumber(*b.hi);
  if (b.lo && !b.hi) return "≥ " + FormatNumber(*b.lo);
  if (!b.lo && !b.hi) return "all";
  if (*b.lo == *b.hi) return FormatNumber(*b.lo);
  return "[" + FormatNumber(*b.lo) + ", " + FormatNumber(*b.hi) + ")";
}

std::string TickText(const Bin& b) {
  if (!b.lo && b.hi) return "<" + CompactNumber(*b.hi);
  if (!b.lo) return "";
  return CompactNumber(*b.lo);
}

// CSS class of a series colour; kBeforeColor is the grey of "all documents".
std::string ColorClass(int color) {
  if (color == kBeforeColor) return "before";
  return "c" + std::to_string(((color % kChartColors) + kChartColors) % kChartColors);
}

// The frame every histogram shares: SVG header, grid, y labels, axis, bars, ticks.
class ChartFrame {
 public:
  static constexpr double kW = 400, kH = 180, kLeft = 44, kRight = 12, kTop = 10, kBottom = 28;
  static constexpr double kPlotW = kW - kLeft - kRight, kPlotH = kH - kTop - kBottom;

  ChartFrame(int64_t ymax, std::string_view aria) : ymax_(std::max<int64_t>(1, ymax)) {
    s_ += "<svg class=\"hist\" viewBox=\"0 0 " + Fixed(kW, 0) + " " + Fixed(kH, 0) + "\" role=\"img\" aria-label=\"";
    AppendHtmlEscaped(s_, aria);
    s_ += "\" preserveAspectRatio=\"xMidYMid meet\">";
    // Grid lines and y labels at 0, 1/2, 1 of the maximum.
    for (int k = 0; k <= 2; ++k) {
      double y = kTop + kPlotH - kPlotH * k / 2.0;
      s_ += "<line class=\"grid\" x1=\"" + Fixed(kLeft, 1) + "\" x2=\"" + Fixed(kW - kRight, 1) + "\" y1=\"" +
            Fixed(y, 1) + "\" y2=\"" + Fixed(y, 1) + "\"/>";
      s_ += "<text class=\"ylab\" x=\"" + Fixed(kLeft - 4, 1) + "\" y=\"" + Fixed(y + 3.5, 1) + "\">" +
            HtmlEscape(CompactNumber(static_cast<double>(ymax_) * k / 2.0)) + "</text>";
    }
  }

  // A bar over [x, x + w) of height count / ymax; `title` is escaped HTML.
  void Bar(double x, double w, int64_t count, const std::string& cls, const std::string& title) {
    if (count <= 0) return;
    double h = std::max(0.8, kPlotH * static_cast<double>(count) / static_cast<double>(ymax_));
    s_ += "<rect class=\"" + cls + "\" x=\"" + Fixed(x, 2) + "\" y=\"" + Fixed(kTop + kPlotH - h, 2) +
          "\" width=\"" + Fixed(std::max(w, 0.5), 2) + "\" height=\"" + Fixed(h, 2) + "\"><title>" + title +
          "</title></rect>";
  }

  void Tick(double x, const std::string& text) {
    s_ += "<line class=\"tick\" x1=\"" + Fixed(x, 1) + "\" x2=\"" + Fixed(x, 1) + "\" y1=\"" +
          Fixed(kTop + kPlotH, 1) + "\" y2=\"" + Fixed(kTop + kPlotH + 4, 1) + "\"/>";
    s_ += "<text class=\"xlab\" x=\"" + Fixed(x, 1) + "\" y=\"" + Fixed(kTop + kPlotH + 16, 1) + "\">" +
          HtmlEscape(text) + "</text>";
  }

  std::string Finish() {
    s_ += "<line class=\"axis\" x1=\"" + Fixed(kLeft, 1) + "\" x2=\"" + Fixed(kW - kRight, 1) + "\" y1=\"" +
          Fixed(kTop + kPlotH, 1) + "\" y2=\"" + Fixed(kTop + kPlotH, 1) + "\"/></svg>";
    return std::move(s_);
  }

 private:
  int64_t ymax_;
  std::string s_;
};

// Bins side by side, equal widths (log or linear buckets of one layout).
std::string OneChart(const std::vector<Bin>& bins, const std::string& kind, bool two_series, int color,
                     std::string_view aria) {
  using F = ChartFrame;
  int64_t ymax = 1;
  for (const auto& b : bins) ymax = std::max({ymax, b.before, b.after});
  F frame(ymax, aria);
  const double bw = bins.empty() ? F::kPlotW : F::kPlotW / static_cast<double>(bins.size());
  for (size_t i = 0; i < bins.size(); ++i) {
    const Bin& b = bins[i];
    double x = F::kLeft + bw * static_cast<double>(i);
    double gap = bw > 4 ? 1 : 0;
    std::string title = HtmlEscape(RangeText(b));
    if (two_series) {
      title += ": " + FormatInt(b.before) + " before, " + FormatInt(b.after) + " kept";
      frame.Bar(x + gap / 2, bw - gap, b.before, "before", title);
      frame.Bar(x + gap / 2 + bw * 0.18, (bw - gap) * 0.64, b.after, ColorClass(color), title);
    } else {
      title += ": " + FormatInt(b.after);
      frame.Bar(x + gap / 2, bw - gap, b.after, ColorClass(color), title);
    }
  }
  // Ticks: log axes at powers of two (and 0), linear axes evenly; at most 7.
  std::vector<size_t> ticks;
  for (size_t i = 0; i < bins.size(); ++i) {
    if (kind != "log" || !bins[i].lo) {
      ticks.push_back(i);
    } else {
      double e = *bins[i].lo > 0 ? std::log2(*bins[i].lo) : 0;
      if (*bins[i].lo == 0 || std::fabs(e - std::round(e)) < 1e-9) ticks.push_back(i);
    }
  }
  if (ticks.size() < 3) {  // few powers of two in range: label bins evenly instead
    ticks.clear();
    for (size_t i = 0; i < bins.size(); ++i) ticks.push_back(i);
  }
  size_t step = std::max<size_t>(1, (ticks.size() + 6) / 7);
  for (size_t k = 0; k < ticks.size(); k += step) {
    std::string t = TickText(bins[ticks[k]]);
    if (!t.empty()) frame.Tick(F::kLeft + bw * static_cast<double>(ticks[k]), t);
  }
  return frame.Finish();
}

// Two histograms with different bucket layouts (a declared linear signal
// against the engine's log histogram of kept documents) on one numeric axis:
// every bucket is drawn over its own [lo, hi). Open-ended buckets get a slot at
// the side of the axis.
std::string ValueAxisChart(const HistogramData& before, const HistogramData& after, int color,
                           std::string_view aria) {
  using F = ChartFrame;
  double lo = INFINITY, hi = -INFINITY;
  bool open_lo = false, open_hi = false;
  int64_t ymax = 1;
  for (const HistogramData* h : {&before, &after}) {
    for (const auto& b : h->buckets) {
      for (const auto& edge : {b.lo, b.hi}) {
        if (edge) lo = std::min(lo, *edge), hi = std::max(hi, *edge);
      }
      open_lo = open_lo || !b.lo;
      open_hi = open_hi || !b.hi;
      ymax = std::max(ymax, b.count);
    }
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (!(lo < hi)) hi = lo + 1;
  const double slot = F::kPlotW * 0.1;
  const double x0 = F::kLeft + (open_lo ? slot : 0), x1 = F::kW - F::kRight - (open_hi ? slot : 0);
  auto X = [&](double v) { return x0 + (v - lo) / (hi - lo) * (x1 - x0); };
  F frame(ymax, aria);
  auto series = [&](const HistogramData& h, bool is_after) {
    for (const auto& b : h.buckets) {
      double a = b.lo ? X(*b.lo) : F::kLeft + 1;
      double z = b.hi ? X(*b.hi) : F::kW - F::kRight - 1;
      if (!b.lo) z = x0 - 2;
      if (!b.hi) a = x1 + 2;
      double w = z - a;
      if (w < 4) {  // a point bucket such as [0, 0]: a thin bar centred on the value
        a = (a + z) / 2 - 2;
        w = 4;
      }
      Bin bin{b.lo, b.hi, 0, 0};
      std::string title = HtmlEscape(RangeText(bin)) + ": " + FormatInt(b.count) + (is_after ? " kept" : " before");
      if (is_after) {
        frame.Bar(a + w * 0.18, w * 0.64, b.count, ColorClass(color), title);
      } else {
        frame.Bar(a + 0.5, w - 1, b.count, "before", title);
      }
    }
  };
  series(before, false);
  series(after, true);
  for (int k = 0; k <= 5; ++k) {
    double v = lo + (hi - lo) * k / 5.0;
    frame.Tick(X(v), CompactNumber(v));
  }
  if (open_lo) frame.Tick(F::kLeft + slot / 2, "<");
  if (open_hi) frame.Tick(F::kW - F::kRight - slot / 2, "≥");
  return frame.Finish();
}

}  // namespace

std::string CompactNumber(double v) {
  if (!std::isfinite(v)) return "—";
  double a = std::fabs(v);
  char buf[48];
  if (a == 0) return "0";
  if (a >= 1e9) {
    snprintf(buf, sizeof buf, "%.3gG", v / 1e9);
  } else if (a >= 1e6) {
    snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  } else if (a >= 1e4) {
    snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  } else if (a >= 1e-3) {
    snprintf(buf, sizeof buf, "%.3g", v);
  } else {
    snprintf(buf, sizeof buf, "%.1e", v);
  }
  return buf;
}

std::string RenderBarList(const std::vector<BarRow>& rows, double scale, std::string_view aria) {
  std::string s = "<div class=\"bars\" role=\"list\" aria-label=\"";
  AppendHtmlEscaped(s, aria);
  s += "\">";
  if (scale <= 0) scale = 1;
  for (const auto& r : rows) {
    double solid = std::clamp(r.value / scale, 0.0, 1.0);
    double light = std::clamp(r.extra / scale, 0.0, 1.0 - solid);
    std::string cls = ColorClass(r.color);
    s += r.flagged ? "<div class=\"bar-row flag\" role=\"listitem\">" : "<div class=\"bar-row\" role=\"listitem\">";
    s += "<div class=\"bar-label\">";
    AppendHtmlEscaped(s, r.label);
    if (!r.sublabel.empty()) {
      s += "<small>";
      AppendHtmlEscaped(s, r.sublabel);
      s += "</small>";
    }
    s += "</div><svg class=\"bar\" width=\"100%\" height=\"16\" aria-hidden=\"true\">"
         "<rect class=\"track\" x=\"0\" y=\"0\" width=\"100%\" height=\"16\"/>";
    if (solid > 0) {
      s += "<rect class=\"" + cls + "\" x=\"0\" y=\"0\" width=\"" + Pct(solid) + "\" height=\"16\"/>";
    }
    if (light > 0) {
      s += "<rect class=\"" + cls + " light\" x=\"" + Pct(solid) + "\" y=\"0\" width=\"" + Pct(light) +
           "\" height=\"16\"/>";
    }
    s += "</svg><div class=\"bar-value\">";
    AppendHtmlEscaped(s, r.value_text);
    s += "</div></div>";
  }
  s += "</div>";
  return s;
}

std::string RenderHistogram(const HistogramData* before, const HistogramData* after, int color,
                            std::string_view aria) {
  if (!before && !after) return {};
  if (before && after && before->kind != after->kind) return ValueAxisChart(*before, *after, color, aria);
  std::vector<Bin> bins;
  if (before) AddBuckets(*before, false, &bins);
  if (after) AddBuckets(*after, true, &bins);
  const std::string& kind = before ? before->kind : after->kind;
  bins = FillGaps(bins, kind);
  if (!before) {
    return OneChart(bins, kind, false, color, aria);
  }
  if (!after) {
    for (auto& b : bins) std::swap(b.before, b.after);
    return OneChart(bins, kind, false, color, aria);
  }
  return OneChart(bins, kind, true, color, aria);
}

std::string RenderRateChart(const std::vector<RateRow>& rows, double reference, std::string_view reference_label,
                            std::string_view aria) {
  constexpr double kWidth = 720, kLabelW = 120, kValueW = 150, kRowH = 22, kTop = 22, kBottom = 26;
  const double plot_w = kWidth - kLabelW - kValueW;
  double max = std::max(reference, 0.0);
  for (const auto& r : rows) max = std::max({max, r.rate, r.outer_rate});
  // A round scale: the smallest of these at or above the largest rate.
  double scale = 1.0;
  for (double s : {0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.8, 1.0}) {
    if (s >= max * 1.02) {
      scale = s;
      break;
    }
  }
  auto x = [&](double rate) { return kLabelW + plot_w * std::clamp(rate / scale, 0.0, 1.0); };
  const double height = kTop + kRowH * static_cast<double>(rows.size()) + kBottom;
  std::string out = "<svg class=\"rate-chart\" viewBox=\"0 0 " + Fixed(kWidth, 0) + " " + Fixed(height, 0) +
                    "\" role=\"img\" aria-label=\"" + HtmlEscape(aria) + "\">";
  // Grid and x axis: 0, 1/4, 1/2, 3/4, 1 of the scale.
  const double axis_y = kTop + kRowH * static_cast<double>(rows.size());
  for (int k = 0; k <= 4; ++k) {
    double gx = x(scale * k / 4);
    out += "<line class=\"rate-grid\" x1=\"" + Fixed(gx, 1) + "\" y1=\"" + Fixed(kTop, 1) + "\" x2=\"" +
           Fixed(gx, 1) + "\" y2=\"" + Fixed(axis_y, 1) + "\"/>";
    out += "<text class=\"rate-tick\" x=\"" + Fixed(gx, 1) + "\" y=\"" + Fixed(axis_y + 16, 1) + "\">" +
           FormatPercent(scale * k / 4) + "</text>";
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const RateRow& r = rows[i];
    const double y = kTop + kRowH * static_cast<double>(i);
    std::string cls = r.flagged ? "rate-row flag" : (r.muted ? "rate-row muted" : "rate-row");
    out += "<g class=\"" + cls + "\">";
    if (!r.title.empty()) out += "<title>" + HtmlEscape(r.title) + "</title>";
    if (r.flagged) {
      out += "<rect class=\"rate-hl\" x=\"0\" y=\"" + Fixed(y, 1) + "\" width=\"" + Fixed(kWidth, 0) +
             "\" height=\"" + Fixed(kRowH, 1) + "\"/>";
    }
    out += "<text class=\"rate-label\" x=\"" + Fixed(kLabelW - 8, 1) + "\" y=\"" + Fixed(y + 15, 1) + "\">" +
           HtmlEscape(TruncateUtf8(r.label, 16)) + (r.flagged ? " ⚑" : "") + "</text>";
    const double bar_y = y + 4, bar_h = kRowH - 8;
    if (r.outer_rate > r.rate) {
      out += "<rect class=\"rate-bar outer\" x=\"" + Fixed(kLabelW, 1) + "\" y=\"" + Fixed(bar_y, 1) +
             "\" width=\"" + Fixed(x(r.outer_rate) - kLabelW, 1) + "\" height=\"" + Fixed(bar_h, 1) + "\"/>";
    }
    out += "<rect class=\"rate-bar\" x=\"" + Fixed(kLabelW, 1) + "\" y=\"" + Fixed(bar_y, 1) + "\" width=\"" +
           Fixed(x(r.rate) - kLabelW, 1) + "\" height=\"" + Fixed(bar_h, 1) + "\"/>";
    out += "<text class=\"rate-value\" x=\"" + Fixed(kWidth - kValueW + 8, 1) + "\" y=\"" + Fixed(y + 15, 1) +
           "\">" + FormatPercent(r.rate) + (r.outer_rate > r.rate ? " (" + FormatPercent(r.outer_rate) + ")" : "") +
           "</text></g>";
  }
  const double rx = x(reference);
  out += "<line class=\"rate-ref\" x1=\"" + Fixed(rx, 1) + "\" y1=\"" + Fixed(kTop - 6, 1) + "\" x2=\"" +
         Fixed(rx, 1) + "\" y2=\"" + Fixed(axis_y, 1) + "\"/>";
  out += "<text class=\"rate-ref-label\" x=\"" + Fixed(rx, 1) + "\" y=\"" + Fixed(kTop - 9, 1) + "\">" +
         HtmlEscape(reference_label) + " " + FormatPercent(reference) + "</text>";
  out += "</svg>";
  return out;
}

}  // namespace sluice
