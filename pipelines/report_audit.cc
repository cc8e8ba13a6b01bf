#include "pipelines/report_audit.h"

#include <cmath>
#include <limits>
#include <map>

namespace sluice {

namespace {

TagAuditRow MakeRow(std::string stage, std::string tag, int64_t tagged_in, int64_t tagged_dropped, int64_t stage_in,
                    int64_t stage_dropped) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  TagAuditRow r;
  r.stage = std::move(stage);
  r.tag = std::move(tag);
  r.tagged_in = tagged_in;
  r.tagged_dropped = tagged_dropped;
  r.stage_in = stage_in;
  r.stage_dropped = stage_dropped;
  r.tagged_rate = tagged_in > 0 ? static_cast<double>(tagged_dropped) / static_cast<double>(tagged_in) : kNaN;
  r.stage_rate = stage_in > 0 ? static_cast<double>(stage_dropped) / static_cast<double>(stage_in) : kNaN;
  if (std::isnan(r.tagged_rate) || std::isnan(r.stage_rate)) {
    r.ratio = kNaN;
  } else if (r.stage_rate == 0) {
    r.ratio = r.tagged_rate > 0 ? std::numeric_limits<double>::infinity() : kNaN;
  } else {
    r.ratio = r.tagged_rate / r.stage_rate;
  }
  r.flagged = !std::isnan(r.ratio) && r.ratio > kBiasRatioThreshold;
  r.small_sample = tagged_in < kBiasMinSample;
  return r;
}

}  // namespace

std::vector<TagAuditRow> ComputeTagAudit(const RunStats& stats) {
  std::vector<TagAuditRow> rows;
  struct PipelineTag {
    size_t first_stage = 0;
    int64_t in = 0;
    int64_t dropped = 0;
  };
  std::vector<std::string> tag_order;
  std::map<std::string, PipelineTag> pipeline;
  for (size_t i = 0; i < stats.stages.size(); ++i) {
    const StageData& s = stats.stages[i];
    for (const auto& [tag, c] : s.tags) {
      rows.push_back(MakeRow(s.name, tag, c.in, c.dropped, s.docs_in, s.docs_dropped));
      auto it = pipeline.find(tag);
      if (it == pipeline.end()) {
        if (c.in == 0) continue;  // not yet seen entering a stage
        tag_order.push_back(tag);
        it = pipeline.emplace(tag, PipelineTag{i, c.in, 0}).first;
      }
      it->second.dropped += c.dropped;
    }
  }
  for (const auto& tag : tag_order) {
    const PipelineTag& p = pipeline[tag];
    const StageData& first = stats.stages[p.first_stage];
    int64_t removed = std::max<int64_t>(0, first.docs_in - stats.totals.kept);
    rows.push_back(MakeRow("pipeline", tag, p.in, p.dropped, first.docs_in, removed));
  }
  return rows;
}

}  // namespace sluice
