// classifier: scores documents (or lines) with a fastText supervised model and
// keeps or drops them by label and threshold. Signals "<instance>.<label>" hold
// the probability of each recorded label (instance defaults to "classifier").
//   drop_labels: [toxic], threshold: 0.5   -> drop when P(toxic) >= 0.5
//   keep_labels: [hq], threshold: 0.018   -> keep only when P(hq) >= 0.018 (DCLM)
// With neither, the stage only scores. level: line removes the failing lines and
// drops the document when none is left; its signals are the length-weighted mean
// over lines. The model is loaded once in the factory; Process is thread-safe.
#pragma once

namespace sluice {

inline constexpr char kClassifierType[] = "classifier";
// Drop reasons (stable).
inline constexpr char kClassifierReasonDropLabel[] = "classifier.drop_label";
inline constexpr char kClassifierReasonBelowKeep[] = "classifier.below_keep_threshold";
inline constexpr char kClassifierReasonNoLinesLeft[] = "classifier.no_lines_left";
// Stats counter: lines removed at level: line.
inline constexpr char kClassifierStatLinesRemoved[] = "classifier.lines_removed";

}  // namespace sluice
