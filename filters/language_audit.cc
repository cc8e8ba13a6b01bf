#include "filters/language_audit.h"

#include <cassert>
#include <map>

#include "filters/bias_audit.h"
#include "stages/io/json_writer.h"

namespace sluice {

namespace {

double Rate(int64_t dropped, int64_t in) {
  return in > 0 ? static_cast<double>(dropped) / static_cast<double>(in) : 0.0;
}

double Disparity(double rate, double reference) { return reference > 0 ? rate / reference : 1.0; }

// At or above the threshold, with a margin for the rounding of two divisions
// (400 of 1000 vs 100 of 500 is exactly 2.0, whatever the doubles say).
bool AtOrAbove(double disparity, double threshold) { return disparity >= threshold - 1e-12; }

bool HasPrefix(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool AnyTagWithPrefix(const TagFunnel& funnel, const std::string& prefix) {
  for (const StageFunnel& s : funnel.stages) {
    for (const auto& [tag, counts] : s.tags) {
      if (HasPrefix(tag, prefix) && tag.size() > prefix.size() && counts.in > 0) return true;
    }
  }
  return false;
}

void FinishRow(LanguageAuditRow* r, const LanguageAuditRow& run, const LanguageAuditOptions& o) {
  r->dropped = r->dropped_filters + r->dropped_dedup;
  r->kept = r->in - r->dropped;
  r->rate = Rate(r->dropped, r->in);
  r->rate_filters = Rate(r->dropped_filters, r->in);
  r->disparity = Disparity(r->rate_filters, run.rate_filters);
  r->disparity_any = Disparity(r->rate, run.rate);
  r->low_support = r->in < o.min_docs;
  r->alert = !r->low_support && AtOrAbove(r->disparity, o.alert_disparity);
}

void WriteStageRows(JsonBuilder& b, const std::vector<LanguageStageRow>& rows, bool with_flags) {
  b.Key("stages").BeginArray();
  for (const LanguageStageRow& s : rows) {
    b.BeginObject();
    b.Key("stage").String(s.stage);
    b.Key("in").Int(s.in);
    b.Key("dropped").Int(s.dropped);
    b.Key("rate").Number(s.rate);
    if (with_flags) {
      b.Key("disparity").Number(s.disparity);
      b.Key("low_support").Bool(s.low_support);
      b.Key("alert").Bool(s.alert);
    }
    b.EndObject();
  }
  b.EndArray();
}

void WriteRow(JsonBuilder& b, const LanguageAuditRow& r, bool is_language) {
  b.BeginObject();
  if (is_language) b.Key("language").String(r.language);
  b.Key("in").Int(r.in);
  b.Key("kept").Int(r.kept);
  b.Key("dropped").Int(r.dropped);
  b.Key("dropped_filters").Int(r.dropped_filters);
  b.Key("dropped_dedup").Int(r.dropped_dedup);
  b.Key("rate").Number(r.rate);
  b.Key("rate_filters").Number(r.rate_filters);
  if (is_language) {
    b.Key("disparity").Number(r.disparity);
    b.Key("disparity_any").Number(r.disparity_any);
    b.Key("low_support").Bool(r.low_support);
    b.Key("alert").Bool(r.alert);
  }
  WriteStageRows(b, r.stages, is_language);
  b.EndObject();
}

// A row as WriteRow wrote it.
LanguageAuditRow ReadRow(const JsonValue& v, JsonReader& reader, const std::string& path, bool is_language) {
  LanguageAuditRow r;
  if (reader.Object(v, path) == nullptr) return r;
  if (is_language) r.language = reader.StringKey(v, "language", path);
  r.in = reader.IntKey(v, "in", path);
  r.kept = reader.IntKey(v, "kept", path);
  r.dropped = reader.IntKey(v, "dropped", path);
  r.dropped_filters = reader.IntKey(v, "dropped_filters", path);
  r.dropped_dedup = reader.IntKey(v, "dropped_dedup", path);
  r.rate = reader.NumberKey(v, "rate", path);
  r.rate_filters = reader.NumberKey(v, "rate_filters", path);
  if (is_language) {
    r.disparity = reader.NumberKey(v, "disparity", path);
    r.disparity_any = reader.NumberKey(v, "disparity_any", path);
    r.low_support = reader.BoolKey(v, "low_support", path);
    r.alert = reader.BoolKey(v, "alert", path);
  }
  reader.ForEachObject(v, "stages", path, false, [&](const JsonValue& so, const std::string& sp) {
    LanguageStageRow sr;
    sr.stage = reader.StringKey(so, "stage", sp);
    sr.in = reader.IntKey(so, "in", sp);
    sr.dropped = reader.IntKey(so, "dropped", sp);
    sr.rate = reader.NumberKey(so, "rate", sp);
    if (is_language) {
      sr.disparity = reader.NumberKey(so, "disparity", sp);
      sr.low_support = reader.BoolKey(so, "low_support", sp);
      sr.alert = reader.BoolKey(so, "alert", sp);
    }
    r.stages.push_back(std::move(sr));
  });
  return r;
}

}  // namespace

LanguageAuditTable LanguageAuditTable::Read(const JsonValue& json, JsonReader& reader, std::string_view path) {
  LanguageAuditTable t;
  if (reader.Object(json, path) == nullptr) return t;
  t.options.tag_prefix = reader.StringKey(json, "tag_prefix", path);
  t.options.min_docs = reader.IntKey(json, "min_docs", path);
  t.options.alert_disparity = reader.NumberKey(json, "alert_disparity", path);
  t.language_stage = reader.StringKey(json, "language_stage", path);
  t.docs_first_stage = reader.IntKey(json, "docs_first_stage", path);
  t.removed_before_language = reader.IntKey(json, "removed_before_language", path);
  reader.ForEachObject(json, "stages", path, true, [&](const JsonValue& so, const std::string& sp) {
    LanguageAuditStage s;
    s.name = reader.StringKey(so, "name", sp);
    s.type = reader.StringKey(so, "type", sp);
    s.dedup = reader.BoolKey(so, "dedup", sp);
    s.docs_in = reader.IntKey(so, "docs_in", sp);
    s.dropped = reader.IntKey(so, "dropped", sp);
    s.rate = reader.NumberKey(so, "rate", sp);
    t.stages.push_back(std::move(s));
  });
  if (const JsonValue* run = reader.Member(json, "run", path, true)) {
    t.run = ReadRow(*run, reader, JsonReader::Join(path, "run"), false);
  }
  reader.ForEach(json, "languages", path, true, [&](const JsonValue& item, const std::string& lp) {
    t.languages.push_back(ReadRow(item, reader, lp, true));
  });
  return t;
}

bool ComputeLanguageAudit(const TagFunnel& funnel, const LanguageAuditOptions& options, LanguageAuditTable* table) {
  const std::string& prefix = options.tag_prefix;
  if (!AnyTagWithPrefix(funnel, prefix)) return false;
  LanguageAuditTable t;
  t.options = options;
  if (!funnel.stages.empty()) t.docs_first_stage = funnel.stages.front().docs_in;

  // The language stage: the first stage a language tag entered.
  size_t first = 0;
  for (; first < funnel.stages.size(); ++first) {
    bool tagged = false;
    for (const auto& [tag, counts] : funnel.stages[first].tags) {
      tagged = tagged || (HasPrefix(tag, prefix) && tag.size() > prefix.size() && counts.in > 0);
    }
    if (tagged) break;
  }
  const StageFunnel& lang_stage = funnel.stages[first];
  t.language_stage = lang_stage.stage;
  for (size_t i = 0; i < first; ++i) t.removed_before_language += funnel.stages[i].dropped;

  // The run over the chain from the language stage on.
  t.run.in = lang_stage.docs_in;
  std::map<std::string, LanguageAuditRow> rows;  // code -> row, sorted
  for (size_t i = first; i < funnel.stages.size(); ++i) {
    const StageFunnel& s = funnel.stages[i];
    LanguageAuditStage st;
    st.name = s.stage;
    st.type = s.type;
    st.dedup = IsGlobalStageType(s.type);
    st.docs_in = s.docs_in;
    st.dropped = s.dropped;
    st.rate = Rate(s.dropped, s.docs_in);
    t.stages.push_back(st);
    (st.dedup ? t.run.dropped_dedup : t.run.dropped_filters) += s.dropped;
    // A stage that removed nothing says nothing per language (it still counts:
    // with zero removals).
    if (s.dropped > 0) t.run.stages.push_back(LanguageStageRow{s.stage, s.docs_in, s.dropped, st.rate, 1.0, false, false});
    for (const auto& [tag, counts] : s.tags) {
      if (!HasPrefix(tag, prefix) || tag.size() == prefix.size()) continue;
      auto it = rows.find(tag.substr(prefix.size()));
      if (it == rows.end()) {
        if (counts.in == 0) continue;  // not yet seen entering a stage
        it = rows.emplace(tag.substr(prefix.size()), LanguageAuditRow{}).first;
        it->second.language = it->first;
        it->second.in = counts.in;  // in at the first stage the language reached
      }
      LanguageAuditRow& r = it->second;
      (st.dedup ? r.dropped_dedup : r.dropped_filters) += counts.dropped;
      if (s.dropped > 0 && counts.in > 0) {
        LanguageStageRow sr;
        sr.stage = s.stage;
        sr.in = counts.in;
        sr.dropped = counts.dropped;
        sr.rate = Rate(counts.dropped, counts.in);
        sr.disparity = Disparity(sr.rate, st.rate);
        sr.low_support = counts.in < options.min_docs;
        sr.alert = !sr.low_support && AtOrAbove(sr.disparity, options.alert_disparity);
        r.stages.push_back(sr);
      }
    }
  }
  t.run.dropped = t.run.dropped_filters + t.run.dropped_dedup;
  t.run.kept = t.run.in - t.run.dropped;
  t.run.rate = Rate(t.run.dropped, t.run.in);
  t.run.rate_filters = Rate(t.run.dropped_filters, t.run.in);
  for (auto& [code, r] : rows) {
    FinishRow(&r, t.run, options);
    t.languages.push_back(std::move(r));
  }
  *table = std::move(t);
  return true;
}

std::string LanguageAuditTable::ToJson() const {
  JsonBuilder b;
  b.BeginObject();
  b.Key("tag_prefix").String(options.tag_prefix);
  b.Key("min_docs").Int(options.min_docs);
  b.Key("alert_disparity").Number(options.alert_disparity);
  b.Key("language_stage").String(language_stage);
  b.Key("docs_first_stage").Int(docs_first_stage);
  b.Key("removed_before_language").Int(removed_before_language);
  b.Key("stages").BeginArray();
  for (const LanguageAuditStage& s : stages) {
    b.BeginObject();
    b.Key("name").String(s.name);
    b.Key("type").String(s.type);
    b.Key("dedup").Bool(s.dedup);
    b.Key("docs_in").Int(s.docs_in);
    b.Key("dropped").Int(s.dropped);
    b.Key("rate").Number(s.rate);
    b.EndObject();
  }
  b.EndArray();
  b.Key("run");
  WriteRow(b, run, false);
  b.Key("languages").BeginArray();
  for (const LanguageAuditRow& r : languages) WriteRow(b, r, true);
  b.EndArray();
  b.EndObject();
  return b.Take();
}

Named<JsonValue> AuditSections(const RunStats& stats) {
  Named<JsonValue> sections;
  // The tables' own writers make the text; the model holds it parsed.
  auto add = [&](const char* key, const std::string& json) {
    auto value = ParseJsonValue(json, key);
    assert(value.ok());
    sections.emplace_back(key, std::move(value).value());
  };
  const TagFunnel funnel = TagFunnelOf(stats);
  if (AnyTagWithPrefix(funnel, kIdentityTagPrefix)) add("bias_audit", ComputeBiasAudit(funnel).ToJson());
  LanguageAuditTable language;
  if (ComputeLanguageAudit(funnel, LanguageAuditOptions{}, &language)) add("language_audit", language.ToJson());
  return sections;
}

}  // namespace sluice
