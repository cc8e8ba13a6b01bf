// The bias audit computed from stats.json tags: for every tag a stage saw, the
// removal rate among tagged documents against the stage's overall removal rate.
// A ratio above kBiasRatioThreshold means the stage removes tagged documents
// disproportionately (Dodge et al. 2021 found this for C4's bad-word rule).
// Pure functions over a parsed RunStats; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipelines/report_stats.h"

namespace sluice {

inline constexpr double kBiasRatioThreshold = 1.25;
// Below this many tagged documents a rate is shown but marked as a small sample.
inline constexpr int64_t kBiasMinSample = 30;

struct TagAuditRow {
  std::string stage;  // stage name, or "pipeline" for the whole chain from the tag's first stage on
  std::string tag;
  int64_t tagged_in = 0;       // tagged documents that reached the stage
  int64_t tagged_dropped = 0;  // of which the stage dropped
  int64_t stage_in = 0;        // all documents that reached the stage
  int64_t stage_dropped = 0;
  double tagged_rate = 0;  // tagged_dropped / tagged_in (NaN when tagged_in == 0)
  double stage_rate = 0;   // stage_dropped / stage_in (NaN when stage_in == 0)
  double ratio = 0;        // tagged_rate / stage_rate (NaN when undefined, +inf when stage_rate == 0 < tagged_rate)
  bool flagged = false;    // ratio > kBiasRatioThreshold
  bool small_sample = false;  // tagged_in < kBiasMinSample
};

// One row per (stage, tag) in stage order (tags in stats.json order), then one
// "pipeline" row per tag: documents tagged when first seen by a stage, removed
// by that stage or any later one, against all documents that reached that stage
// and did not end up kept.
std::vector<TagAuditRow> ComputeTagAudit(const RunStats& stats);

}  // namespace sluice
