#include "stages/engine/run_stats.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "stages/engine/run_state.h"
#include "stages/engine/stats.h"
#include "stages/io/json_writer.h"

namespace sluice {

namespace {

constexpr std::string_view kKeptSignalPrefix = "kept_signal:";

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// A stage report or a section as the model holds it; our own writers made the
// text, so invalid JSON is a bug.
JsonValue ParseOwnJson(const std::string& json, const std::string& what) {
  auto value = ParseJsonValue(json, what);
  if (!value.ok()) {
    std::fprintf(stderr, "sluice: internal error: %s\n", value.status().message().c_str());
    std::abort();
  }
  return std::move(value).value();
}

InputData InputDataOf(const InputAccount& a) {
  InputData d;
  d.path = a.path;
  d.in = a.records;
  d.kept = a.kept;
  d.dropped = a.dropped;
  d.malformed = a.malformed;
  d.bytes_in = a.bytes_in;
  d.bytes_kept = a.bytes_kept;
  d.read_error = a.read_error;
  return d;
}

StageData StageDataOf(const Stats& st, const std::string& name, const std::string& type, const std::string& report) {
  StageData d;
  d.name = name;
  d.type = type;
  d.docs_in = st.Get(kDocsIn);
  d.docs_out = st.Get(kDocsOut);
  d.docs_dropped = st.Get(kDocsDropped);
  d.bytes_in = st.Get(kBytesIn);
  d.bytes_out = st.Get(kBytesOut);
  for (const auto& [k, v] : st.counters()) {
    if (StartsWith(k, kDroppedPrefix)) {
      d.dropped.emplace_back(k.substr(kDroppedPrefix.size()), v);
    } else if (StartsWith(k, kFailedPrefix)) {
      d.failed_rules.emplace_back(k.substr(kFailedPrefix.size()), v);
    } else if (StartsWith(k, kTagInPrefix)) {
      std::string tag = k.substr(kTagInPrefix.size());
      d.tags.emplace_back(tag, TagCounts{v, st.Get(std::string(kTagDroppedPrefix) + tag)});
    } else if (k.find(':') == std::string::npos && k != kDocsIn && k != kDocsOut && k != kDocsDropped &&
               k != kBytesIn && k != kBytesOut) {
      d.counters.emplace_back(k, v);
    }
  }
  for (const auto& [k, h] : st.histograms()) {
    if (StartsWith(k, kSignalPrefix)) {
      d.signals.emplace_back(k.substr(kSignalPrefix.size()), HistogramData::Of(h));
    } else {
      d.histograms.emplace_back(k, HistogramData::Of(h));
    }
  }
  if (!report.empty()) d.report = ParseOwnJson(report, "the report of stage '" + name + "'");
  return d;
}

// ---------------------------------------------------------------- writing

void PutInts(JsonBuilder& b, std::string_view key, const Named<int64_t>& values) {
  b.Key(key).BeginObject();
  for (const auto& [k, v] : values) b.Key(k).Int(v);
  b.EndObject();
}

void PutHistogram(JsonBuilder& b, const HistogramData& h) {
  b.BeginObject();
  b.Key("kind").String(h.kind);
  b.Key("total").Int(h.total);
  b.Key("buckets").BeginArray();
  for (const HistogramBucket& bucket : h.buckets) {
    b.BeginArray();
    // JSON has no infinity: open ends are null.
    if (bucket.lo) b.Number(*bucket.lo); else b.Null();
    if (bucket.hi) b.Number(*bucket.hi); else b.Null();
    b.Int(bucket.count);
    b.EndArray();
  }
  b.EndArray();
  b.EndObject();
}

void PutHistograms(JsonBuilder& b, std::string_view key, const Named<HistogramData>& values) {
  b.Key(key).BeginObject();
  for (const auto& [k, h] : values) {
    b.Key(k);
    PutHistogram(b, h);
  }
  b.EndObject();
}

void PutInput(JsonBuilder& b, const InputData& in, bool with_path) {
  b.BeginObject();
  if (with_path) b.Key("path").String(in.path);
  b.Key("in").Int(in.in).Key("kept").Int(in.kept).Key("dropped").Int(in.dropped);
  b.Key("malformed").Int(in.malformed).Key("bytes_in").Int(in.bytes_in).Key("bytes_kept").Int(in.bytes_kept);
  if (with_path && !in.read_error.empty()) b.Key("read_error").String(in.read_error);
  b.EndObject();
}

// ---------------------------------------------------------------- reading

class StatsReader : public JsonReader {
 public:
  StatsReader() : JsonReader("stats.json") {}

  // {"name": int, ...}
  Named<int64_t> Ints(const JsonValue& parent, std::string_view key, std::string_view path) {
    Named<int64_t> out;
    ForEachMember(parent, key, path, [&](const std::string& k, const JsonValue& v, const std::string& p) {
      out.emplace_back(k, Int(v, p));
    });
    return out;
  }

  HistogramData HistogramAt(const JsonValue& v, const std::string& path) {
    HistogramData h;
    if (Object(v, path) == nullptr) return h;
    h.kind = StringKey(v, "kind", path);
    if (!failed() && h.kind != "log" && h.kind != "linear") Fail(path + ".kind", "expected \"log\" or \"linear\"");
    h.total = IntKey(v, "total", path);
    ForEach(v, "buckets", path, true, [&](const JsonValue& triple, const std::string& bp) {
      if (Array(triple, bp) == nullptr) return;
      if (triple.items.size() != 3) return Fail(bp, "expected [lo, hi, count]");
      HistogramBucket bucket;
      if (triple.items[0].kind != JsonValue::Kind::kNull) bucket.lo = Number(triple.items[0], bp + "[0]");
      if (triple.items[1].kind != JsonValue::Kind::kNull) bucket.hi = Number(triple.items[1], bp + "[1]");
      bucket.count = Int(triple.items[2], bp + "[2]");
      h.buckets.push_back(bucket);
    });
    return h;
  }

  // {"name": histogram, ...}
  Named<HistogramData> Histograms(const JsonValue& parent, std::string_view key, std::string_view path) {
    Named<HistogramData> out;
    ForEachMember(parent, key, path, [&](const std::string& k, const JsonValue& v, const std::string& p) {
      out.emplace_back(k, HistogramAt(v, p));
    });
    return out;
  }

  InputData Input(const JsonValue& v, const std::string& path, bool with_path) {
    InputData in;
    if (Object(v, path) == nullptr) return in;
    in.path = with_path ? StringKey(v, "path", path) : "total";
    in.in = IntKey(v, "in", path);
    in.kept = IntKey(v, "kept", path);
    in.dropped = IntKey(v, "dropped", path);
    in.malformed = IntKey(v, "malformed", path);
    in.bytes_in = IntKey(v, "bytes_in", path);
    in.bytes_kept = IntKey(v, "bytes_kept", path);
    if (with_path) in.read_error = StringKey(v, "read_error", path, false);
    return in;
  }

  StageData Stage(const JsonValue& v, const std::string& path) {
    StageData s;
    if (Object(v, path) == nullptr) return s;
    s.name = StringKey(v, "name", path);
    s.type = StringKey(v, "type", path);
    s.docs_in = IntKey(v, "docs_in", path);
    s.docs_out = IntKey(v, "docs_out", path);
    s.docs_dropped = IntKey(v, "docs_dropped", path);
    s.bytes_in = IntKey(v, "bytes_in", path);
    s.bytes_out = IntKey(v, "bytes_out", path);
    s.dropped = Ints(v, "dropped", path);
    s.failed_rules = Ints(v, "failed_rules", path);
    s.counters = Ints(v, "counters", path);
    ForEachMember(v, "tags", path, [&](const std::string& tag, const JsonValue& t, const std::string& tp) {
      if (Object(t, tp) == nullptr) return;
      s.tags.emplace_back(tag, TagCounts{IntKey(t, "in", tp), IntKey(t, "dropped", tp)});
    });
    s.signals = Histograms(v, "signals", path);
    s.histograms = Histograms(v, "histograms", path);
    if (const JsonValue* report = Member(v, "report", path, false)) s.report = *report;
    return s;
  }

  void Timing(const JsonValue& timing, RunStats* r) {
    r->threads = IntKey(timing, "threads", "timing", false);
    r->wall_seconds = NumberKey(timing, "wall_seconds", "timing", false);
    ForEachMember(timing, "stages", "timing", [&](const std::string& name, const JsonValue& t, const std::string& tp) {
      if (Object(t, tp) == nullptr) return;
      StageTiming st;
      st.name = name;
      st.cpu_seconds = NumberKey(t, "cpu_seconds", tp, false);
      st.mb_per_cpu_second = NumberKey(t, "mb_per_cpu_second", tp, false);
      r->timing.push_back(st);
    });
  }

  RunStats Root(const JsonValue& root) {
    RunStats r;
    if (Object(root, kRoot) == nullptr) return r;
    r.schema = StringKey(root, "schema", kRoot);
    if (failed()) return r;
    if (r.schema != kStatsSchema) {
      Fail("schema", "unsupported schema \"" + r.schema + "\" (this sluice reads " + std::string(kStatsSchema) + ")");
      return r;
    }
    r.sluice_version = StringKey(root, "sluice_version", kRoot, false);
    r.shard = StringKey(root, "shard", kRoot, false);
    if (const JsonValue* totals = Member(root, "totals", kRoot, true)) r.totals = Input(*totals, "totals", false);
    ForEach(root, "inputs", kRoot, true,
            [&](const JsonValue& item, const std::string& ip) { r.inputs.push_back(Input(item, ip, true)); });
    r.skipped_records = Ints(root, "skipped_records", kRoot);
    if (const JsonValue* engine = ObjectKey(root, "engine", kRoot, false)) {
      r.engine_counters = Ints(*engine, "counters", "engine");
      r.engine_histograms = Histograms(*engine, "histograms", "engine");
    }
    ForEach(root, "stages", kRoot, true,
            [&](const JsonValue& item, const std::string& sp) { r.stages.push_back(Stage(item, sp)); });
    r.kept_signals = Histograms(root, "kept_signals", kRoot);
    ForEachObject(root, "samples", kRoot, false, [&](const JsonValue& so, const std::string& sp) {
      SampleData s;
      s.stage = StringKey(so, "stage", sp);
      s.reason = StringKey(so, "reason", sp);
      s.id = StringKey(so, "id", sp, false);
      s.input = IntKey(so, "input", sp, false);
      s.line = IntKey(so, "line", sp, false);
      s.text = StringKey(so, "text", sp);
      r.samples.push_back(std::move(s));
    });
    if (const JsonValue* timing = ObjectKey(root, "timing", kRoot, false)) Timing(*timing, &r);
    static const std::set<std::string_view> kKnown = {"schema", "sluice_version", "shard", "totals",
                                                      "inputs", "skipped_records", "engine", "stages",
                                                      "kept_signals", "samples", "timing"};
    for (const JsonMember& m : root.members) {
      if (!kKnown.count(m.key)) r.sections.emplace_back(m.key, m.value);
    }
    return r;
  }
};

// ---------------------------------------------------------------- comparing

void Differences(const JsonValue& a, const JsonValue& b, const std::string& path, size_t limit,
                 std::vector<std::string>* out) {
  if (out->size() >= limit || a == b) return;
  if (a.kind == b.kind && a.kind == JsonValue::Kind::kObject) {
    std::set<std::string> seen;
    for (const JsonMember& m : a.members) {
      seen.insert(m.key);
      const JsonValue* other = b.Find(m.key);
      if (other == nullptr) {
        out->push_back(JsonReader::Join(path, m.key) + ": only in the first");
      } else {
        Differences(m.value, *other, JsonReader::Join(path, m.key), limit, out);
      }
      if (out->size() >= limit) return;
    }
    for (const JsonMember& m : b.members) {
      if (!seen.count(m.key)) out->push_back(JsonReader::Join(path, m.key) + ": only in the second");
      if (out->size() >= limit) return;
    }
    return;
  }
  if (a.kind == b.kind && a.kind == JsonValue::Kind::kArray && a.items.size() == b.items.size()) {
    for (size_t i = 0; i < a.items.size() && out->size() < limit; ++i) {
      Differences(a.items[i], b.items[i], path + "[" + std::to_string(i) + "]", limit, out);
    }
    return;
  }
  auto brief = [](const JsonValue& v) {
    std::string text = JsonText(v);
    return text.size() > 80 ? text.substr(0, 77) + "..." : text;
  };
  out->push_back((path.empty() ? std::string(JsonReader::kRoot) : path) + ": " + brief(a) + " != " + brief(b));
}

}  // namespace

HistogramData HistogramData::Of(const Histogram& h) {
  HistogramData d;
  d.kind = h.spec().kind == HistogramSpec::Kind::kLinear ? "linear" : "log";
  d.total = h.total();
  for (const auto& [index, count] : h.counts()) {
    auto [lo, hi] = h.BucketRange(index);
    HistogramBucket bucket;
    if (std::isfinite(lo)) bucket.lo = lo == 0 ? 0.0 : lo;  // -0 reads back as 0
    if (std::isfinite(hi)) bucket.hi = hi == 0 ? 0.0 : hi;
    bucket.count = count;
    d.buckets.push_back(bucket);
  }
  return d;
}

const JsonValue* RunStats::Section(std::string_view key) const {
  for (const auto& [k, v] : sections) {
    if (k == key) return &v;
  }
  return nullptr;
}

RunStats RunStatsOf(const RunState& state, const StatsJsonInfo& info) {
  RunStats r;
  r.sluice_version = SLUICE_STAGES_VERSION;
  r.shard = info.shard_label;
  InputAccount total;
  for (const auto& a : state.inputs) {
    total.Add(a);
    r.inputs.push_back(InputDataOf(a));
  }
  r.totals = InputDataOf(total);
  r.totals.path = "total";
  r.totals.read_error.clear();
  for (const auto& [kind, n] : SkippedRecordsOf(state.engine)) r.skipped_records.emplace_back(kind, n);
  for (const auto& [k, v] : state.engine.counters()) r.engine_counters.emplace_back(k, v);
  for (const auto& [k, h] : state.engine.histograms()) {
    if (StartsWith(k, kKeptSignalPrefix)) {
      r.kept_signals.emplace_back(k.substr(kKeptSignalPrefix.size()), HistogramData::Of(h));
    } else {
      r.engine_histograms.emplace_back(k, HistogramData::Of(h));
    }
  }
  static const Stats kNone;
  for (size_t i = 0; i < info.stage_names.size(); ++i) {
    const Stats& st = i < state.stages.size() ? state.stages[i] : kNone;
    const std::string& report = i < state.reports.size() ? state.reports[i] : std::string();
    r.stages.push_back(StageDataOf(st, info.stage_names[i], info.stage_types[i], report));
  }
  for (const auto& [key, list] : state.samples) {
    for (const RunSample& s : list) {
      r.samples.push_back(SampleData{s.stage, s.reason, s.id, s.text, s.input_index, static_cast<int64_t>(s.line)});
    }
  }
  r.threads = info.threads;
  r.wall_seconds = info.wall_seconds;
  for (size_t i = 0; i < info.stage_names.size(); ++i) {
    const int64_t nanos = i < state.stage_nanos.size() ? state.stage_nanos[i] : 0;
    const double secs = static_cast<double>(nanos) / 1e9;
    const int64_t bytes = r.stages[i].bytes_in;
    r.timing.push_back(
        StageTiming{info.stage_names[i], secs, secs > 0 ? static_cast<double>(bytes) / 1e6 / secs : 0});
  }
  return r;
}

std::string StatsJson(const RunStats& r) {
  JsonBuilder b;
  b.BeginObject();
  b.Key("schema").String(r.schema);
  b.Key("sluice_version").String(r.sluice_version);
  if (!r.shard.empty()) b.Key("shard").String(r.shard);
  b.Key("totals");
  PutInput(b, r.totals, false);
  b.Key("inputs").BeginArray();
  for (const InputData& in : r.inputs) PutInput(b, in, true);
  b.EndArray();
  PutInts(b, "skipped_records", r.skipped_records);
  b.Key("engine").BeginObject();
  PutInts(b, "counters", r.engine_counters);
  PutHistograms(b, "histograms", r.engine_histograms);
  b.EndObject();
  b.Key("stages").BeginArray();
  for (const StageData& s : r.stages) {
    b.BeginObject();
    b.Key("name").String(s.name).Key("type").String(s.type);
    b.Key("docs_in").Int(s.docs_in).Key("docs_out").Int(s.docs_out).Key("docs_dropped").Int(s.docs_dropped);
    b.Key("bytes_in").Int(s.bytes_in).Key("bytes_out").Int(s.bytes_out);
    PutInts(b, "dropped", s.dropped);
    PutInts(b, "failed_rules", s.failed_rules);
    PutInts(b, "counters", s.counters);
    b.Key("tags").BeginObject();
    for (const auto& [tag, c] : s.tags) b.Key(tag).BeginObject().Key("in").Int(c.in).Key("dropped").Int(c.dropped).EndObject();
    b.EndObject();
    PutHistograms(b, "signals", s.signals);
    PutHistograms(b, "histograms", s.histograms);
    if (s.report) {
      b.Key("report");
      AppendJsonValue(*s.report, b);
    }
    b.EndObject();
  }
  b.EndArray();
  PutHistograms(b, "kept_signals", r.kept_signals);
  b.Key("samples").BeginArray();
  for (const SampleData& s : r.samples) {
    b.BeginObject().Key("stage").String(s.stage).Key("reason").String(s.reason).Key("id").String(s.id);
    b.Key("input").Int(s.input).Key("line").Int(s.line);
    b.Key("text").String(s.text).EndObject();
  }
  b.EndArray();
  for (const auto& [key, value] : r.sections) {
    b.Key(key);
    AppendJsonValue(value, b);
  }
  // Everything above is deterministic; timing is not.
  b.Key("timing").BeginObject();
  b.Key("threads").Int(r.threads);
  b.Key("wall_seconds").Number(r.wall_seconds);
  b.Key("stages").BeginObject();
  for (const StageTiming& t : r.timing) {
    b.Key(t.name).BeginObject().Key("cpu_seconds").Number(t.cpu_seconds);
    b.Key("mb_per_cpu_second").Number(t.mb_per_cpu_second).EndObject();
  }
  b.EndObject();
  b.EndObject();
  b.EndObject();
  return b.Take() + "\n";
}

StatusOr<RunStats> ParseRunStats(std::string_view json) {
  auto root = ParseJsonValue(json, "stats.json");
  if (!root.ok()) return root.status();
  StatsReader reader;
  RunStats stats = reader.Root(*root);
  if (reader.failed()) return reader.status();
  return stats;
}

StatusOr<RunStats> LoadRunStats(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::Io("cannot read '" + path + "'");
  std::string text;
  char buf[65536];
  while (size_t n = std::fread(buf, 1, sizeof buf, f)) text.append(buf, n);
  bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) return Status::Io("error reading '" + path + "'");
  auto stats = ParseRunStats(text);
  if (!stats.ok()) return stats.status().WithContext(path);
  return stats;
}

std::vector<std::string> RunStatsDifferences(const RunStats& a, const RunStats& b, bool compare_timing,
                                             size_t limit) {
  std::vector<std::string> out;
  if (a == b) return out;
  // Both sides as the tree stats.json holds: every field has its JSON path.
  auto tree = [&](const RunStats& s) {
    RunStats copy = s;
    if (!compare_timing) {
      copy.threads = 0;
      copy.wall_seconds = 0;
      copy.timing.clear();
    }
    return ParseOwnJson(StatsJson(copy), "stats.json");
  };
  Differences(tree(a), tree(b), "", limit, &out);
  return out;
}

}  // namespace sluice
