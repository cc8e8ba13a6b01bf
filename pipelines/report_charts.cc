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

std::string OneChart(const std::vector<Bin>& bins, const std::string& kind, bool two_series, int color,
                     std::string_view aria) {
  constexpr double kW = 400, kH = 180, kLeft = 44, kRight = 12, kTop = 10, kBottom = 28;
  const double plot_w = kW - kLeft - kRight, plot_h = kH - kTop - kBottom;
  int64_t ymax = 1;
  for (const auto& b : bins) ymax = std::max({ymax, b.before, b.after});
  const double bw = bins.empty() ? plot_w : plot_w / static_cast<double>(bins.size());
  std::string s;
  s += "<svg class=\"hist\" viewBox=\"0 0 " + Fixed(kW, 0) + " " + Fixed(kH, 0) +
       "\" role=\"img\" aria-label=\"";
  AppendHtmlEscaped(s, aria);
  s += "\" preserveAspectRatio=\"xMidYMid meet\">";
  // Grid lines and y labels at 0, 1/2, 1 of the maximum.
  for (int k = 0; k <= 2; ++k) {
    double y = kTop + plot_h - plot_h * k / 2.0;
    s += "<line class=\"grid\" x1=\"" + Fixed(kLeft, 1) + "\" x2=\"" + Fixed(kW - kRight, 1) + "\" y1=\"" +
         Fixed(y, 1) + "\" y2=\"" + Fixed(y, 1) + "\"/>";
    s += "<text class=\"ylab\" x=\"" + Fixed(kLeft - 4, 1) + "\" y=\"" + Fixed(y + 3.5, 1) + "\">" +
         HtmlEscape(CompactNumber(static_cast<double>(ymax) * k / 2.0)) + "</text>";
  }
  auto bar = [&](double x, double w, int64_t count, const std::string& cls, const std::string& title) {
    if (count <= 0) return;
    double h = std::max(0.8, plot_h * static_cast<double>(count) / static_cast<double>(ymax));
    s += "<rect class=\"" + cls + "\" x=\"" + Fixed(x, 2) + "\" y=\"" + Fixed(kTop + plot_h - h, 2) +
         "\" width=\"" + Fixed(std::max(w, 0.5), 2) + "\" height=\"" + Fixed(h, 2) + "\"><title>" + title +
         "</title></rect>";
  };
  for (size_t i = 0; i < bins.size(); ++i) {
    const Bin& b = bins[i];
    double x = kLeft + bw * static_cast<double>(i);
    double gap = bw > 4 ? 1 : 0;
    std::string title = HtmlEscape(RangeText(b));
    if (two_series) {
      title += ": " + FormatInt(b.before) + " before, " + FormatInt(b.after) + " kept";
      bar(x + gap / 2, bw - gap, b.before, "before", title);
      bar(x + gap / 2 + bw * 0.18, (bw - gap) * 0.64, b.after, ColorClass(color), title);
    } else {
      title += ": " + FormatInt(b.after);
      bar(x + gap / 2, bw - gap, b.after, ColorClass(color), title);
    }
  }
  // Axis and up to 6 x tick labels at bucket lower edges.
  s += "<line class=\"axis\" x1=\"" + Fixed(kLeft, 1) + "\" x2=\"" + Fixed(kW - kRight, 1) + "\" y1=\"" +
       Fixed(kTop + plot_h, 1) + "\" y2=\"" + Fixed(kTop + plot_h, 1) + "\"/>";
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
    size_t i = ticks[k];
    std::string t = TickText(bins[i]);
    if (t.empty()) continue;
    double x = kLeft + bw * static_cast<double>(i);
    s += "<line class=\"tick\" x1=\"" + Fixed(x, 1) + "\" x2=\"" + Fixed(x, 1) + "\" y1=\"" +
         Fixed(kTop + plot_h, 1) + "\" y2=\"" + Fixed(kTop + plot_h + 4, 1) + "\"/>";
    s += "<text class=\"xlab\" x=\"" + Fixed(x, 1) + "\" y=\"" + Fixed(kTop + plot_h + 16, 1) + "\">" +
         HtmlEscape(t) + "</text>";
  }
  s += "</svg>";
  return s;
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
  if (before && after && before->kind != after->kind) {
    return "<div class=\"pair\"><div><p class=\"note\">all documents</p>" +
           RenderHistogram(nullptr, before, kBeforeColor, std::string(aria) + " (all documents)") +
           "</div><div><p class=\"note\">kept documents</p>" +
           RenderHistogram(nullptr, after, color, std::string(aria) + " (kept documents)") + "</div></div>";
  }
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

}  // namespace sluice
