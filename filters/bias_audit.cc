#include "filters/bias_audit.h"

#include <filesystem>
#include <memory>
#include <set>

#include "filters/identity_terms.h"
#include "filters/phrase_matcher.h"
#include "stages/io/json_writer.h"
#include "stages/engine/stage.h"

namespace sluice {

namespace {

double Rate(int64_t dropped, int64_t in) {
  return in > 0 ? static_cast<double>(dropped) / static_cast<double>(in) : 0.0;
}

BiasAuditRow MakeRow(const std::string& stage, const std::string& group, TagCounts g, int64_t all_in,
                     int64_t all_dropped, const BiasAuditOptions& o) {
  BiasAuditRow r;
  r.stage = stage;
  r.group = group;
  r.group_in = g.in;
  r.group_dropped = g.dropped;
  r.group_rate = Rate(g.dropped, g.in);
  r.all_in = all_in;
  r.all_dropped = all_dropped;
  r.all_rate = Rate(all_dropped, all_in);
  r.other_rate = Rate(all_dropped - g.dropped, all_in - g.in);
  r.disparity = r.all_rate > 0 ? r.group_rate / r.all_rate : 1.0;
  r.low_support = g.in < o.min_docs;
  r.alert = !r.low_support && r.disparity >= o.alert_disparity;
  return r;
}

}  // namespace

BiasAuditTable ComputeBiasAudit(const TagFunnel& funnel, const BiasAuditOptions& options) {
  BiasAuditTable table;
  table.options = options;
  const std::string& prefix = options.tag_prefix;
  std::map<std::string, TagCounts> total;  // group -> (in at first stage reached, dropped summed)
  int64_t total_in = 0, total_dropped = 0;
  bool first_stage = true;
  for (const StageFunnel& s : funnel.stages) {
    if (first_stage) total_in = s.docs_in;
    first_stage = false;
    total_dropped += s.dropped;
    for (const auto& [tag, counts] : s.tags) {
      if (tag.compare(0, prefix.size(), prefix) != 0 || counts.in == 0) continue;
      const std::string group = tag.substr(prefix.size());
      if (s.dropped > 0 || options.include_stages_without_drops) {
        table.rows.push_back(MakeRow(s.stage, group, counts, s.docs_in, s.dropped, options));
      }
      auto [it, inserted] = total.try_emplace(group, TagCounts{counts.in, 0});
      it->second.dropped += counts.dropped;
    }
  }
  for (const auto& [group, counts] : total) {
    table.rows.push_back(MakeRow("all_stages", group, counts, total_in, total_dropped, options));
  }
  return table;
}

std::string BiasAuditTable::ToJson() const {
  JsonBuilder b;
  b.BeginObject();
  b.Key("tag_prefix").String(options.tag_prefix);
  b.Key("min_docs").Int(options.min_docs);
  b.Key("alert_disparity").Number(options.alert_disparity);
  b.Key("rows").BeginArray();
  for (const BiasAuditRow& r : rows) {
    b.BeginObject();
    b.Key("stage").String(r.stage);
    b.Key("group").String(r.group);
    b.Key("group_in").Int(r.group_in);
    b.Key("group_dropped").Int(r.group_dropped);
    b.Key("group_rate").Number(r.group_rate);
    b.Key("all_in").Int(r.all_in);
    b.Key("all_dropped").Int(r.all_dropped);
    b.Key("all_rate").Number(r.all_rate);
    b.Key("other_rate").Number(r.other_rate);
    b.Key("disparity").Number(r.disparity);
    b.Key("low_support").Bool(r.low_support);
    b.Key("alert").Bool(r.alert);
    b.EndObject();
  }
  b.EndArray();
  b.EndObject();
  return b.Take();
}

BiasAuditTable BiasAuditTable::Read(const JsonValue& json, JsonReader& reader, std::string_view path) {
  BiasAuditTable t;
  if (reader.Object(json, path) == nullptr) return t;
  t.options.tag_prefix = reader.StringKey(json, "tag_prefix", path);
  t.options.min_docs = reader.IntKey(json, "min_docs", path);
  t.options.alert_disparity = reader.NumberKey(json, "alert_disparity", path);
  reader.ForEachObject(json, "rows", path, true, [&](const JsonValue& ro, const std::string& rp) {
    BiasAuditRow r;
    r.stage = reader.StringKey(ro, "stage", rp);
    r.group = reader.StringKey(ro, "group", rp);
    r.group_in = reader.IntKey(ro, "group_in", rp);
    r.group_dropped = reader.IntKey(ro, "group_dropped", rp);
    r.group_rate = reader.NumberKey(ro, "group_rate", rp);
    r.all_in = reader.IntKey(ro, "all_in", rp);
    r.all_dropped = reader.IntKey(ro, "all_dropped", rp);
    r.all_rate = reader.NumberKey(ro, "all_rate", rp);
    r.other_rate = reader.NumberKey(ro, "other_rate", rp);
    r.disparity = reader.NumberKey(ro, "disparity", rp);
    r.low_support = reader.BoolKey(ro, "low_support", rp);
    r.alert = reader.BoolKey(ro, "alert", rp);
    t.rows.push_back(std::move(r));
  });
  return t;
}

TagFunnel TagFunnelOf(const RunStats& stats) {
  TagFunnel funnel;
  for (const StageData& s : stats.stages) {
    StageFunnel f;
    f.stage = s.name;
    f.type = s.type;
    f.docs_in = s.docs_in;
    f.dropped = s.docs_dropped;
    for (const auto& [tag, counts] : s.tags) f.tags[tag] = counts;
    funnel.stages.push_back(std::move(f));
  }
  return funnel;
}

// ---------------------------------------------------------------- the stage

namespace {

class BiasAuditStage : public Stage {
 public:
  explicit BiasAuditStage(std::vector<IdentityGroup> groups) : matcher_(std::move(groups)) {
    for (const auto& g : matcher_.groups()) {
      tags_.push_back(std::string(kIdentityTagPrefix) + g.name);
      counters_.push_back(std::string(kBiasAuditType) + "." + kIdentityTagPrefix + g.name);
    }
  }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    ctx.stats().Add(kBiasAuditStatDocs);
    const std::vector<int> groups = matcher_.GroupsIn(doc.text);
    if (!groups.empty()) ctx.stats().Add(kBiasAuditStatTagged);
    for (int g : groups) {
      doc.AddTag(tags_[g]);
      ctx.stats().Add(counters_[g]);
    }
    return Verdict::Keep();
  }

  Status Finish(FinishContext& ctx) override {
    // Documents per group as seen by this stage; the per-stage removal table is
    // built by the engine with ComputeBiasAudit from its tag counts.
    JsonBuilder b;
    b.BeginObject();
    const int64_t docs = ctx.stats ? ctx.stats->Get(kBiasAuditStatDocs) : 0;
    b.Key("docs").Int(docs);
    b.Key("groups").BeginObject();
    for (size_t i = 0; i < tags_.size(); ++i) {
      const int64_t n = ctx.stats ? ctx.stats->Get(counters_[i]) : 0;
      b.Key(matcher_.groups()[i].name).BeginObject();
      b.Key("docs").Int(n);
      b.Key("share").Number(docs > 0 ? static_cast<double>(n) / static_cast<double>(docs) : 0.0);
      b.EndObject();
    }
    b.EndObject();
    b.EndObject();
    ctx.report_json = b.Take();
    return Status::Ok();
  }

 private:
  IdentityTermMatcher matcher_;
  std::vector<std::string> tags_;
  std::vector<std::string> counters_;
};

StatusOr<std::unique_ptr<Stage>> MakeBiasAudit(const Options& o, const StageEnv& env) {
  std::vector<IdentityGroup> groups;
  if (o.GetBool("builtin_groups")) groups = BuiltinIdentityGroups();
  if (const std::string& gf = o.GetString("groups_file"); !gf.empty()) {
    std::filesystem::path p(gf);
    if (!p.is_absolute() && !env.recipe_dir.empty()) p = std::filesystem::path(env.recipe_dir) / p;
    auto extra = LoadIdentityGroupsFile(p.string());
    if (!extra.ok()) return extra.status().WithContext("bias_audit option 'groups_file'");
    groups = MergeIdentityGroups(std::move(groups), *extra);
  }
  if (const auto& only = o.GetStringList("groups"); !only.empty()) {
    std::set<std::string> want(only.begin(), only.end());
    std::vector<IdentityGroup> kept;
    for (auto& g : groups) {
      if (want.erase(g.name)) kept.push_back(std::move(g));
    }
    if (!want.empty()) return Status::Config("bias_audit option 'groups': unknown group '" + *want.begin() + "'");
    groups = std::move(kept);
  }
  if (groups.empty()) return Status::Config("bias_audit: no identity groups (builtin_groups is false and no groups_file)");
  return std::unique_ptr<Stage>(new BiasAuditStage(std::move(groups)));
}

}  // namespace

SLUICE_REGISTER_STAGE(BiasAudit, [] {
  return StageInfo{
      kBiasAuditType,
      "filters",
      "tag documents with the identity groups they mention (identity.<group>) for the bias audit",
      {
          MakeOption("builtin_groups", OptionType::kBool, "true",
           "use the shipped groups (English, Chinese and 23 more languages): gender, religion, "
           "ethnicity_nationality, sexual_orientation, disability"),
          MakeOption("groups_file", OptionType::kString, "",
           "YAML `group: [terms]` adding groups or terms; a term ending in '*' is a stem matched at word "
           "starts (relative to the recipe dir)"),
          MakeOption("groups", OptionType::kStringList, "[]", "audit only these groups ([] = all)"),
      },
      MakeBiasAudit,
  };
});

}  // namespace sluice
