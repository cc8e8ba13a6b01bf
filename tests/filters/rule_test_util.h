// Helpers shared by the rule-filter tests: build a stage from YAML options, run
// one document through it, and check a threshold on both of its sides.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "stages/engine/stage.h"

namespace sluice::testing {

struct RunResult {
  Verdict verdict;
  Document doc;
  Stats stats;
  bool HasReason(std::string_view r) const {
    return std::find(doc.all_reasons.begin(), doc.all_reasons.end(), r) != doc.all_reasons.end();
  }
};

inline std::unique_ptr<Stage> Build(std::string_view type, std::string_view options) {
  auto stage = BuildStage(type, options);
  INFO(type << " " << options << ": " << (stage.ok() ? "" : stage.status().message()));
  REQUIRE(stage.ok());
  return std::move(stage).value();
}

inline RunResult Run(std::string_view type, std::string_view options, std::string_view text,
                     std::string_view lang = "") {
  auto stage = Build(type, options);
  RunResult r;
  r.doc.text = std::string(text);
  if (!lang.empty()) r.doc.Annotate("language", lang);
  StageContext ctx(&r.stats);
  r.verdict = stage->Process(r.doc, ctx);
  // The contract: a drop's reason is the first of all_reasons.
  if (!r.verdict.keep()) {
    REQUIRE_FALSE(r.doc.all_reasons.empty());
    CHECK(r.doc.all_reasons.front() == r.verdict.reason());
  } else {
    CHECK(r.doc.all_reasons.empty());
  }
  return r;
}

inline std::string Num(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// One threshold: option `param` bounds signal `signal`; breaking it gives `reason`.
struct ThresholdCase {
  std::string param;
  std::string signal;
  std::string reason;
  bool is_max;        // value must be <= param (else >= param)
  bool integer = false;
  bool inclusive_fails = false;  // the rule fails AT the threshold (FineWeb's >=)
};

// Runs `text` with the threshold set exactly at the measured value (the document
// passes that rule) and just beyond it (the rule fails with its reason).
inline void CheckBothSides(std::string_view type, std::string_view base_options, std::string_view text,
                           std::string_view lang, const ThresholdCase& c, bool via_per_language = false) {
  auto baseline = Run(type, std::string("{") + std::string(base_options) + "}", text, lang);
  const double v = baseline.doc.Signal(c.signal, -12345);
  INFO(type << " " << c.param << " signal " << c.signal << " = " << v << " lang=" << lang);
  REQUIRE(v != -12345);
  const double step = c.integer ? 1.0 : std::max(1e-6, std::abs(v) * 1e-6);
  // The case's own key replaces one of the same name in base_options.
  std::string base;
  for (size_t start = 0; start < base_options.size();) {
    size_t comma = base_options.find(", ", start);
    std::string_view item = base_options.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (!(item.starts_with(c.param + ":") && !via_per_language)) base += (base.empty() ? "" : ", ") + std::string(item);
    if (comma == std::string_view::npos) break;
    start = comma + 2;
  }
  std::string sep = base.empty() ? "" : ", ";
  double pass = c.inclusive_fails ? (c.is_max ? v + step : v - step) : v;
  double fail = c.inclusive_fails ? v : (c.is_max ? v - step : v + step);
  REQUIRE(fail >= 0);
  // Either the stage-wide option, or the same key inside per_language for `lang`.
  auto with = [&](double value) {
    std::string kv = c.param + ": " + Num(value);
    if (via_per_language) kv = "per_language: {" + std::string(lang) + ": {" + kv + "}}";
    return "{" + base + sep + kv + "}";
  };
  auto ok = Run(type, with(pass), text, lang);
  CHECK_FALSE(ok.HasReason(c.reason));
  auto bad = Run(type, with(fail), text, lang);
  CHECK(bad.HasReason(c.reason));
  CHECK_FALSE(bad.verdict.keep());
}

}  // namespace sluice::testing
