#include "pipelines/stats_merge.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "filters/language_audit.h"
#include "stages/json_writer.h"
#include "stages/record_writer.h"

namespace sluice {

namespace {

namespace fs = std::filesystem;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

int64_t IntOr0(const element& e) {
  int64_t v = 0;
  if (e.is_int64()) return e.get_int64().value();
  if (e.is_uint64()) return static_cast<int64_t>(e.get_uint64().value());
  if (e.is_double()) return static_cast<int64_t>(e.get_double().value());
  return v;
}

int64_t Field(const object& o, std::string_view key) {
  element e;
  if (o.at_key(key).get(e)) return 0;
  return IntOr0(e);
}

std::string Str(const object& o, std::string_view key) {
  std::string_view sv;
  if (o.at_key(key).get_string().get(sv)) return "";
  return std::string(sv);
}

struct Bucket {
  bool lo_null = false, hi_null = false;
  double lo = 0, hi = 0;
  int64_t count = 0;
};

struct Hist {
  std::string kind;
  int64_t total = 0;
  std::map<double, Bucket> buckets;  // by lower edge (-inf for an open lower end)

  void Add(const object& h) {
    if (kind.empty()) kind = Str(h, "kind");
    total += Field(h, "total");
    array list;
    if (h.at_key("buckets").get_array().get(list)) return;
    for (element b : list) {
      array triple;
      if (b.get_array().get(triple) || triple.size() != 3) continue;
      Bucket bk;
      element lo = triple.at(0).value(), hi = triple.at(1).value();
      bk.lo_null = lo.is_null();
      bk.hi_null = hi.is_null();
      if (!bk.lo_null) bk.lo = lo.get_double().value();
      if (!bk.hi_null) bk.hi = hi.get_double().value();
      bk.count = IntOr0(triple.at(2).value());
      double key = bk.lo_null ? -std::numeric_limits<double>::infinity() : bk.lo;
      auto [it, fresh] = buckets.emplace(key, bk);
      if (!fresh) it->second.count += bk.count;
    }
  }

  void Write(JsonBuilder& b) const {
    b.BeginObject();
    b.Key("kind").String(kind);
    b.Key("total").Int(total);
    b.Key("buckets").BeginArray();
    for (const auto& [k, bk] : buckets) {
      b.BeginArray();
      if (bk.lo_null) b.Null(); else b.Number(bk.lo);
      if (bk.hi_null) b.Null(); else b.Number(bk.hi);
      b.Int(bk.count);
      b.EndArray();
    }
    b.EndArray();
    b.EndObject();
  }
};

using IntMap = std::map<std::string, int64_t>;
using HistMap = std::map<std::string, Hist>;

void SumInts(const object& parent, std::string_view key, IntMap* out) {
  object o;
  if (parent.at_key(key).get_object().get(o)) return;
  for (auto [k, v] : o) (*out)[std::string(k)] += IntOr0(v);
}

void SumHists(const object& parent, std::string_view key, HistMap* out) {
  object o;
  if (parent.at_key(key).get_object().get(o)) return;
  for (auto [k, v] : o) {
    object h;
    if (!v.get_object().get(h)) (*out)[std::string(k)].Add(h);
  }
}

void WriteInts(JsonBuilder& b, std::string_view key, const IntMap& m) {
  b.Key(key).BeginObject();
  for (const auto& [k, v] : m) b.Key(k).Int(v);
  b.EndObject();
}

void WriteHists(JsonBuilder& b, std::string_view key, const HistMap& m) {
  b.Key(key).BeginObject();
  for (const auto& [k, h] : m) {
    b.Key(k);
    h.Write(b);
  }
  b.EndObject();
}

constexpr const char* kTotalFields[] = {"in", "kept", "dropped", "malformed", "bytes_in", "bytes_kept"};
constexpr const char* kStageFields[] = {"docs_in", "docs_out", "docs_dropped", "bytes_in", "bytes_out"};

struct StageAcc {
  std::string name, type;
  std::map<std::string, int64_t> fields;
  IntMap dropped, failed_rules, counters;
  std::map<std::string, std::pair<int64_t, int64_t>> tags;
  HistMap signals, histograms;
  std::vector<std::string> reports;  // minified, one per shard that had one
  double cpu_seconds = 0;
};

}  // namespace

StatusOr<std::string> MergeShardStats(const std::vector<std::string>& shard_jsons, int samples_per_reason,
                                      const std::map<std::string, std::string>& patches) {
  const size_t n = shard_jsons.size();
  if (n == 0) return Status::Internal("no shard stats to merge");
  std::vector<simdjson::dom::parser> parsers(n);
  std::vector<object> docs(n);
  for (size_t i = 0; i < n; ++i) {
    if (parsers[i].parse(shard_jsons[i]).get_object().get(docs[i]) || Str(docs[i], "schema") != "sluice.stats/1") {
      return Status::Io("shard " + std::to_string(i) + " stats: not a sluice.stats/1 JSON object");
    }
  }
  std::map<std::string, int64_t> totals;
  std::vector<std::vector<element>> shard_inputs(n);
  IntMap engine_counters;
  HistMap engine_hists, kept_signals;
  std::vector<StageAcc> stages;
  // "stage\treason" -> ((input, line), {stage, reason, id, text}), from every shard.
  std::map<std::string, std::vector<std::pair<std::pair<int64_t, int64_t>, std::array<std::string, 4>>>> samples;
  int threads = 0;
  double wall = 0;
  for (size_t s = 0; s < n; ++s) {
    const object& d = docs[s];
    object t;
    if (!d.at_key("totals").get_object().get(t)) {
      for (const char* f : kTotalFields) totals[f] += Field(t, f);
    }
    array ins;
    if (!d.at_key("inputs").get_array().get(ins)) {
      for (element e : ins) shard_inputs[s].push_back(e);
    }
    object engine;
    if (!d.at_key("engine").get_object().get(engine)) {
      SumInts(engine, "counters", &engine_counters);
      SumHists(engine, "histograms", &engine_hists);
    }
    SumHists(d, "kept_signals", &kept_signals);
    array st;
    if (!d.at_key("stages").get_array().get(st)) {
      size_t k = 0;
      for (element e : st) {
        object so;
        if (e.get_object().get(so)) continue;
        if (stages.size() <= k) stages.emplace_back();
        StageAcc& acc = stages[k];
        std::string name = Str(so, "name");
        if (s == 0) {
          acc.name = name;
          acc.type = Str(so, "type");
        } else if (acc.name != name) {
          return Status::Io("shard " + std::to_string(s) + " stats: stage " + std::to_string(k) + " is '" + name +
                            "', shard 0 has '" + acc.name + "' (different recipes?)");
        }
        for (const char* f : kStageFields) acc.fields[f] += Field(so, f);
        SumInts(so, "dropped", &acc.dropped);
        SumInts(so, "failed_rules", &acc.failed_rules);
        SumInts(so, "counters", &acc.counters);
        object tags;
        if (!so.at_key("tags").get_object().get(tags)) {
          for (auto [tag, v] : tags) {
            object tv;
            if (v.get_object().get(tv)) continue;
            auto& p = acc.tags[std::string(tag)];
            p.first += Field(tv, "in");
            p.second += Field(tv, "dropped");
          }
        }
        SumHists(so, "signals", &acc.signals);
        SumHists(so, "histograms", &acc.histograms);
        element report;
        if (!so.at_key("report").get(report)) acc.reports.push_back(simdjson::minify(report));
        ++k;
      }
      if (s > 0 && k != stages.size()) {
        return Status::Io("shard " + std::to_string(s) + " stats: " + std::to_string(k) + " stages, shard 0 has " +
                          std::to_string(stages.size()));
      }
    }
    array smp;
    if (!d.at_key("samples").get_array().get(smp)) {
      for (element e : smp) {
        object so;
        if (e.get_object().get(so)) continue;
        // Each shard lists its first samples in input order; the run's first
        // ones (what one process lists) are the first by (input, line) of all.
        samples[Str(so, "stage") + "\t" + Str(so, "reason")].push_back(
            {{Field(so, "input"), Field(so, "line")},
             {Str(so, "stage"), Str(so, "reason"), Str(so, "id"), Str(so, "text")}});
      }
    }
    object timing;
    if (!d.at_key("timing").get_object().get(timing)) {
      threads = std::max<int>(threads, static_cast<int>(Field(timing, "threads")));
      double w = 0;
      if (!timing.at_key("wall_seconds").get_double().get(w)) wall = std::max(wall, w);
      object ts;
      if (!timing.at_key("stages").get_object().get(ts)) {
        for (auto& acc : stages) {
          object one;
          double cpu = 0;
          if (!ts.at_key(acc.name).get_object().get(one) && !one.at_key("cpu_seconds").get_double().get(cpu)) {
            acc.cpu_seconds += cpu;
          }
        }
      }
    }
  }

  std::vector<std::string> patch_reports(stages.size());
  for (const auto& patch_entry : patches) {
    const std::string& name = patch_entry.first;
    const std::string& json = patch_entry.second;
    auto it = std::find_if(stages.begin(), stages.end(), [&](const StageAcc& a) { return a.name == name; });
    if (it == stages.end()) return Status::Io("stats patch for stage '" + name + "', which the shards do not have");
    simdjson::dom::parser parser;
    object patch;
    if (parser.parse(json).get_object().get(patch)) {
      return Status::Io("stats patch of stage '" + name + "' is not a JSON object");
    }
    SumInts(patch, "counters", &it->counters);
    SumHists(patch, "histograms", &it->histograms);
    element report;
    patch_reports[it - stages.begin()] = patch.at_key("report").get(report) ? "" : simdjson::minify(report);
  }

  JsonBuilder b;
  b.BeginObject();
  b.Key("schema").String("sluice.stats/1");
  b.Key("sluice_version").String(Str(docs[0], "sluice_version"));
  b.Key("shards").Int(static_cast<int64_t>(n));
  b.Key("totals").BeginObject();
  for (const char* f : kTotalFields) b.Key(f).Int(totals[f]);
  b.EndObject();
  // Shard s processed inputs s, s+N, s+2N, ...: interleave back into input order.
  b.Key("inputs").BeginArray();
  for (size_t j = 0;; ++j) {
    bool any = false;
    for (size_t s = 0; s < n; ++s) {
      if (j < shard_inputs[s].size()) {
        b.Raw(simdjson::minify(shard_inputs[s][j]));
        any = true;
      }
    }
    if (!any) break;
  }
  b.EndArray();
  b.Key("engine").BeginObject();
  WriteInts(b, "counters", engine_counters);
  WriteHists(b, "histograms", engine_hists);
  b.EndObject();
  b.Key("stages").BeginArray();
  for (size_t si = 0; si < stages.size(); ++si) {
    const StageAcc& acc = stages[si];
    b.BeginObject();
    b.Key("name").String(acc.name).Key("type").String(acc.type);
    for (const char* f : kStageFields) b.Key(f).Int(acc.fields.count(f) ? acc.fields.at(f) : 0);
    WriteInts(b, "dropped", acc.dropped);
    WriteInts(b, "failed_rules", acc.failed_rules);
    WriteInts(b, "counters", acc.counters);
    b.Key("tags").BeginObject();
    for (const auto& [tag, p] : acc.tags) b.Key(tag).BeginObject().Key("in").Int(p.first).Key("dropped").Int(p.second).EndObject();
    b.EndObject();
    WriteHists(b, "signals", acc.signals);
    WriteHists(b, "histograms", acc.histograms);
    if (!patch_reports[si].empty()) {
      // Computed over the whole corpus by a global phase: as one process reports it.
      b.Key("report").Raw(patch_reports[si]);
    } else if (!acc.reports.empty()) {
      // A Finish() report describes one shard's documents; keep shard 0's as
      // "report" (what the HTML report shows) and all of them per shard.
      b.Key("report").Raw(acc.reports[0]);
      b.Key("shard_reports").BeginArray();
      for (const auto& r : acc.reports) b.Raw(r);
      b.EndArray();
    }
    b.EndObject();
  }
  b.EndArray();
  WriteHists(b, "kept_signals", kept_signals);
  b.Key("samples").BeginArray();
  for (auto& [key, list] : samples) {
    std::stable_sort(list.begin(), list.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    if (static_cast<int>(list.size()) > samples_per_reason) list.resize(samples_per_reason);
    for (const auto& [pos, s] : list) {
      b.BeginObject().Key("stage").String(s[0]).Key("reason").String(s[1]).Key("id").String(s[2]);
      b.Key("input").Int(pos.first).Key("line").Int(pos.second);
      b.Key("text").String(s[3]).EndObject();
    }
  }
  b.EndArray();
  b.Key("timing").BeginObject();
  b.Key("threads").Int(threads);
  b.Key("wall_seconds").Number(wall);
  b.Key("stages").BeginObject();
  for (const auto& acc : stages) {
    double bytes = static_cast<double>(acc.fields.count("bytes_in") ? acc.fields.at("bytes_in") : 0);
    b.Key(acc.name).BeginObject().Key("cpu_seconds").Number(acc.cpu_seconds);
    b.Key("mb_per_cpu_second").Number(acc.cpu_seconds > 0 ? bytes / 1e6 / acc.cpu_seconds : 0);
    b.EndObject();
  }
  b.EndObject();
  b.EndObject();
  b.EndObject();
  return b.Take() + "\n";
}

Status MergeShardStatsFiles(const std::string& output_dir, int shards, int samples_per_reason,
                            const std::map<std::string, std::string>& patch_files) {
  std::vector<std::string> jsons;
  for (int i = 0; i < shards; ++i) {
    fs::path p = fs::path(output_dir) / "stats" /
                 ("shard-" + std::to_string(i) + "-of-" + std::to_string(shards) + ".json");
    std::ifstream in(p, std::ios::binary);
    if (!in) return Status::Io("cannot read '" + p.string() + "' (did shard " + std::to_string(i) + " finish?)");
    std::ostringstream ss;
    ss << in.rdbuf();
    jsons.push_back(ss.str());
  }
  std::map<std::string, std::string> patches;
  for (const auto& [name, path] : patch_files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Io("cannot read '" + path + "' (did the global phase of stage '" + name + "' finish?)");
    std::ostringstream ss;
    ss << in.rdbuf();
    patches[name] = ss.str();
  }
  auto merged = MergeShardStats(jsons, samples_per_reason, patches);
  if (!merged.ok()) return merged.status();
  // As `sluice run` does: the audits over the merged per-tag counts.
  if (Status st = AddAuditsToStatsJson(&*merged); !st.ok()) return st;
  return WriteFileAtomically((fs::path(output_dir) / "stats.json").string(), *merged);
}

}  // namespace sluice
