#include "pipelines/report_stats.h"

#include <simdjson.h>

#include <cstdio>

namespace sluice {

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr int kMaxDepth = 64;
constexpr const char* kRoot = "(root)";

// Converts a simdjson element and reports the first problem with its JSON path.
class StatsReader {
 public:
  Status error() const { return error_; }
  bool failed() const { return !error_.ok(); }

  // "a" + "b" -> "a.b"; the root has no prefix.
  static std::string Join(const std::string& path, std::string_view key) {
    if (path.empty() || path == kRoot) return std::string(key);
    return path + "." + std::string(key);
  }

  void Fail(const std::string& path, const std::string& what) {
    if (error_.ok()) error_ = Status::Io("stats.json: " + path + ": " + what);
  }

  // Looks up `key`; a missing key fails only when `required`.
  bool Member(object obj, std::string_view key, const std::string& path, element* out, bool required) {
    if (obj.at_key(key).get(*out) == simdjson::SUCCESS) return true;
    if (required) Fail(path, "missing key \"" + std::string(key) + "\"");
    return false;
  }

  bool Object(element e, const std::string& path, object* out) {
    if (e.get(*out) == simdjson::SUCCESS) return true;
    Fail(path, "expected an object");
    return false;
  }

  bool Array(element e, const std::string& path, array* out) {
    if (e.get(*out) == simdjson::SUCCESS) return true;
    Fail(path, "expected an array");
    return false;
  }

  // Calls fn(item, its path) for each element of the array at obj[key]; a
  // missing key fails only when `required`, anything but an array fails.
  template <typename F>
  void ForEach(object obj, std::string_view key, const std::string& path, bool required, F fn) {
    element e;
    array a;
    const std::string at = Join(path, key);
    if (!Member(obj, key, path, &e, required) || !Array(e, at, &a)) return;
    size_t i = 0;
    for (element item : a) {
      fn(item, at + "[" + std::to_string(i++) + "]");
      if (failed()) return;
    }
  }

  // The same for an array of objects: fn(object, its path).
  template <typename F>
  void ForEachObject(object obj, std::string_view key, const std::string& path, bool required, F fn) {
    ForEach(obj, key, path, required, [&](element item, const std::string& item_path) {
      object o;
      if (Object(item, item_path, &o)) fn(o, item_path);
    });
  }

  int64_t Int(element e, const std::string& path) {
    int64_t v = 0;
    if (e.get_int64().get(v) != simdjson::SUCCESS) {
      Fail(path, "expected an integer");
      return 0;
    }
    return v;
  }

  // A number, or null (the engine writes null for NaN and infinities) as 0.
  double Number(element e, const std::string& path) {
    if (e.is_null()) return 0;
    double v = 0;
    if (e.get_double().get(v) != simdjson::SUCCESS) {
      Fail(path, "expected a number");
      return 0;
    }
    return v;
  }

  std::string String(element e, const std::string& path) {
    std::string_view v;
    if (e.get_string().get(v) != simdjson::SUCCESS) {
      Fail(path, "expected a string");
      return {};
    }
    return std::string(v);
  }

  int64_t IntKey(object obj, std::string_view key, const std::string& path, bool required = true) {
    element e;
    if (!Member(obj, key, path, &e, required)) return 0;
    return Int(e, Join(path, key));
  }

  std::string StringKey(object obj, std::string_view key, const std::string& path, bool required = true) {
    element e;
    if (!Member(obj, key, path, &e, required)) return {};
    return String(e, Join(path, key));
  }

  // {"name": int, ...}
  Named<int64_t> IntMap(object parent, std::string_view key, const std::string& path) {
    Named<int64_t> out;
    element e;
    object obj;
    std::string p = Join(path, key);
    if (!Member(parent, key, path, &e, false) || !Object(e, p, &obj)) return out;
    for (auto field : obj) {
      out.emplace_back(std::string(field.key), Int(field.value, Join(p, field.key)));
    }
    return out;
  }

  HistogramData Histogram(element e, const std::string& path) {
    HistogramData h;
    object obj;
    if (!Object(e, path, &obj)) return h;
    h.kind = StringKey(obj, "kind", path);
    if (!failed() && h.kind != "log" && h.kind != "linear") Fail(path + ".kind", "expected \"log\" or \"linear\"");
    h.total = IntKey(obj, "total", path);
    element b;
    array buckets;
    if (!Member(obj, "buckets", path, &b, true) || !Array(b, path + ".buckets", &buckets)) return h;
    size_t i = 0;
    for (element bucket : buckets) {
      std::string bp = path + ".buckets[" + std::to_string(i++) + "]";
      array triple;
      if (!Array(bucket, bp, &triple)) return h;
      if (triple.size() != 3) {
        Fail(bp, "expected [lo, hi, count]");
        return h;
      }
      HistogramBucket hb;
      element lo, hi, count;
      if (triple.at(0).get(lo) != simdjson::SUCCESS || triple.at(1).get(hi) != simdjson::SUCCESS ||
          triple.at(2).get(count) != simdjson::SUCCESS) {
        Fail(bp, "expected [lo, hi, count]");
        return h;
      }
      if (!lo.is_null()) hb.lo = Number(lo, bp + "[0]");
      if (!hi.is_null()) hb.hi = Number(hi, bp + "[1]");
      hb.count = Int(count, bp + "[2]");
      h.buckets.push_back(hb);
    }
    return h;
  }

  // {"name": histogram, ...}
  Named<HistogramData> HistogramMap(object parent, std::string_view key, const std::string& path) {
    Named<HistogramData> out;
    element e;
    object obj;
    std::string p = Join(path, key);
    if (!Member(parent, key, path, &e, false) || !Object(e, p, &obj)) return out;
    for (auto field : obj) {
      out.emplace_back(std::string(field.key), Histogram(field.value, Join(p, field.key)));
    }
    return out;
  }

  JsonValue Value(element e, const std::string& path, int depth) {
    JsonValue v;
    if (depth > kMaxDepth) {
      Fail(path, "nested too deeply");
      return v;
    }
    switch (e.type()) {
      case element_type::NULL_VALUE:
        break;
      case element_type::BOOL:
        v.kind = JsonValue::Kind::kBool;
        if (e.get_bool().get(v.boolean) != simdjson::SUCCESS) Fail(path, "bad boolean");
        break;
      case element_type::INT64:
        v.kind = JsonValue::Kind::kInt;
        if (e.get_int64().get(v.integer) != simdjson::SUCCESS) Fail(path, "bad integer");
        break;
      case element_type::UINT64:
      case element_type::DOUBLE:
        v.kind = JsonValue::Kind::kDouble;
        if (e.get_double().get(v.number) != simdjson::SUCCESS) Fail(path, "bad number");
        break;
      case element_type::STRING:
        v.kind = JsonValue::Kind::kString;
        v.string = String(e, path);
        break;
      case element_type::ARRAY: {
        v.kind = JsonValue::Kind::kArray;
        array a;
        if (!Array(e, path, &a)) break;
        size_t i = 0;
        for (element item : a) v.items.push_back(Value(item, path + "[" + std::to_string(i++) + "]", depth + 1));
        break;
      }
      case element_type::OBJECT: {
        v.kind = JsonValue::Kind::kObject;
        object o;
        if (!Object(e, path, &o)) break;
        for (auto field : o) {
          v.members.push_back(JsonMember{std::string(field.key), Value(field.value, Join(path, field.key), depth + 1)});
        }
        break;
      }
    }
    return v;
  }

  InputData Input(element e, const std::string& path, bool with_path) {
    InputData in;
    object obj;
    if (!Object(e, path, &obj)) return in;
    in.path = with_path ? StringKey(obj, "path", path) : "total";
    in.in = IntKey(obj, "in", path);
    in.kept = IntKey(obj, "kept", path);
    in.dropped = IntKey(obj, "dropped", path);
    in.malformed = IntKey(obj, "malformed", path);
    in.bytes_in = IntKey(obj, "bytes_in", path);
    in.bytes_kept = IntKey(obj, "bytes_kept", path);
    if (with_path) in.read_error = StringKey(obj, "read_error", path, false);
    return in;
  }

  StageData Stage(element e, const std::string& path) {
    StageData s;
    object obj;
    if (!Object(e, path, &obj)) return s;
    s.name = StringKey(obj, "name", path);
    s.type = StringKey(obj, "type", path);
    s.docs_in = IntKey(obj, "docs_in", path);
    s.docs_out = IntKey(obj, "docs_out", path);
    s.docs_dropped = IntKey(obj, "docs_dropped", path);
    s.bytes_in = IntKey(obj, "bytes_in", path);
    s.bytes_out = IntKey(obj, "bytes_out", path);
    s.dropped = IntMap(obj, "dropped", path);
    s.failed_rules = IntMap(obj, "failed_rules", path);
    s.counters = IntMap(obj, "counters", path);
    element tags_e;
    object tags;
    if (Member(obj, "tags", path, &tags_e, false) && Object(tags_e, path + ".tags", &tags)) {
      for (auto field : tags) {
        std::string tp = path + ".tags." + std::string(field.key);
        object t;
        if (!Object(field.value, tp, &t)) break;
        TagCounts c;
        c.in = IntKey(t, "in", tp);
        c.dropped = IntKey(t, "dropped", tp);
        s.tags.emplace_back(std::string(field.key), c);
      }
    }
    s.signals = HistogramMap(obj, "signals", path);
    s.histograms = HistogramMap(obj, "histograms", path);
    element report;
    if (Member(obj, "report", path, &report, false)) s.report = Value(report, path + ".report", 0);
    return s;
  }

  bool BoolKey(object obj, std::string_view key, const std::string& path) {
    element e;
    if (!Member(obj, key, path, &e, true)) return false;
    bool v = false;
    if (e.get_bool().get(v) != simdjson::SUCCESS) Fail(Join(path, key), "expected true or false");
    return v;
  }

  double NumberKey(object obj, std::string_view key, const std::string& path) {
    element e;
    if (!Member(obj, key, path, &e, true)) return 0;
    return Number(e, Join(path, key));
  }

  // A language_audit row: a language (with disparities and flags) or the run.
  LanguageAuditRow LanguageRow(element e, const std::string& path, bool is_language) {
    LanguageAuditRow r;
    object obj;
    if (!Object(e, path, &obj)) return r;
    if (is_language) r.language = StringKey(obj, "language", path);
    r.in = IntKey(obj, "in", path);
    r.kept = IntKey(obj, "kept", path);
    r.dropped = IntKey(obj, "dropped", path);
    r.dropped_filters = IntKey(obj, "dropped_filters", path);
    r.dropped_dedup = IntKey(obj, "dropped_dedup", path);
    r.rate = NumberKey(obj, "rate", path);
    r.rate_filters = NumberKey(obj, "rate_filters", path);
    if (is_language) {
      r.disparity = NumberKey(obj, "disparity", path);
      r.disparity_any = NumberKey(obj, "disparity_any", path);
      r.low_support = BoolKey(obj, "low_support", path);
      r.alert = BoolKey(obj, "alert", path);
    }
    ForEachObject(obj, "stages", path, false, [&](object so, const std::string& sp) {
      LanguageStageRow sr;
      sr.stage = StringKey(so, "stage", sp);
      sr.in = IntKey(so, "in", sp);
      sr.dropped = IntKey(so, "dropped", sp);
      sr.rate = NumberKey(so, "rate", sp);
      if (is_language) {
        sr.disparity = NumberKey(so, "disparity", sp);
        sr.low_support = BoolKey(so, "low_support", sp);
        sr.alert = BoolKey(so, "alert", sp);
      }
      r.stages.push_back(std::move(sr));
    });
    return r;
  }

  BiasAuditTable BiasAudit(element e, const std::string& path) {
    BiasAuditTable t;
    object obj;
    if (!Object(e, path, &obj)) return t;
    t.options.tag_prefix = StringKey(obj, "tag_prefix", path);
    t.options.min_docs = IntKey(obj, "min_docs", path);
    t.options.alert_disparity = NumberKey(obj, "alert_disparity", path);
    ForEachObject(obj, "rows", path, true, [&](object ro, const std::string& rp) {
      BiasAuditRow r;
      r.stage = StringKey(ro, "stage", rp);
      r.group = StringKey(ro, "group", rp);
      r.group_in = IntKey(ro, "group_in", rp);
      r.group_dropped = IntKey(ro, "group_dropped", rp);
      r.group_rate = NumberKey(ro, "group_rate", rp);
      r.all_in = IntKey(ro, "all_in", rp);
      r.all_dropped = IntKey(ro, "all_dropped", rp);
      r.all_rate = NumberKey(ro, "all_rate", rp);
      r.other_rate = NumberKey(ro, "other_rate", rp);
      r.disparity = NumberKey(ro, "disparity", rp);
      r.low_support = BoolKey(ro, "low_support", rp);
      r.alert = BoolKey(ro, "alert", rp);
      t.rows.push_back(std::move(r));
    });
    return t;
  }

  LanguageAuditTable LanguageAudit(element e, const std::string& path) {
    LanguageAuditTable t;
    object obj;
    if (!Object(e, path, &obj)) return t;
    t.options.tag_prefix = StringKey(obj, "tag_prefix", path);
    t.options.min_docs = IntKey(obj, "min_docs", path);
    t.options.alert_disparity = NumberKey(obj, "alert_disparity", path);
    t.language_stage = StringKey(obj, "language_stage", path);
    t.docs_first_stage = IntKey(obj, "docs_first_stage", path);
    t.removed_before_language = IntKey(obj, "removed_before_language", path);
    ForEachObject(obj, "stages", path, true, [&](object so, const std::string& sp) {
      LanguageAuditStage s;
      s.name = StringKey(so, "name", sp);
      s.type = StringKey(so, "type", sp);
      s.dedup = BoolKey(so, "dedup", sp);
      s.docs_in = IntKey(so, "docs_in", sp);
      s.dropped = IntKey(so, "dropped", sp);
      s.rate = NumberKey(so, "rate", sp);
      t.stages.push_back(std::move(s));
    });
    element x;
    if (Member(obj, "run", path, &x, true)) t.run = LanguageRow(x, Join(path, "run"), false);
    ForEach(obj, "languages", path, true,
            [&](element item, const std::string& lp) { t.languages.push_back(LanguageRow(item, lp, true)); });
    return t;
  }

  RunStats Root(element root) {
    RunStats r;
    object obj;
    if (!Object(root, kRoot, &obj)) return r;
    r.schema = StringKey(obj, "schema", kRoot);
    if (failed()) return r;
    if (r.schema != kStatsSchema) {
      Fail("schema", "unsupported schema \"" + r.schema + "\" (this sluice reads " + std::string(kStatsSchema) + ")");
      return r;
    }
    r.sluice_version = StringKey(obj, "sluice_version", kRoot, false);
    r.shard = StringKey(obj, "shard", kRoot, false);
    element e;
    if (Member(obj, "totals", kRoot, &e, true)) r.totals = Input(e, "totals", false);
    ForEach(obj, "inputs", kRoot, true,
            [&](element item, const std::string& ip) { r.inputs.push_back(Input(item, ip, true)); });
    object engine;
    if (Member(obj, "engine", kRoot, &e, false) && Object(e, "engine", &engine)) {
      r.engine_counters = IntMap(engine, "counters", "engine");
      r.engine_histograms = HistogramMap(engine, "histograms", "engine");
    }
    ForEach(obj, "stages", kRoot, true,
            [&](element item, const std::string& sp) { r.stages.push_back(Stage(item, sp)); });
    r.kept_signals = HistogramMap(obj, "kept_signals", kRoot);
    ForEachObject(obj, "samples", kRoot, false, [&](object so, const std::string& sp) {
      SampleData s;
      s.stage = StringKey(so, "stage", sp);
      s.reason = StringKey(so, "reason", sp);
      s.id = StringKey(so, "id", sp, false);
      s.text = StringKey(so, "text", sp);
      r.samples.push_back(std::move(s));
    });
    if (Member(obj, "bias_audit", kRoot, &e, false)) r.bias_audit = BiasAudit(e, "bias_audit");
    if (Member(obj, "language_audit", kRoot, &e, false)) r.language_audit = LanguageAudit(e, "language_audit");
    object timing;
    if (Member(obj, "timing", kRoot, &e, false) && Object(e, "timing", &timing)) {
      r.threads = IntKey(timing, "threads", "timing", false);
      element w;
      if (Member(timing, "wall_seconds", "timing", &w, false)) r.wall_seconds = Number(w, "timing.wall_seconds");
      object per_stage;
      if (Member(timing, "stages", "timing", &w, false) && Object(w, "timing.stages", &per_stage)) {
        for (auto field : per_stage) {
          std::string tp = "timing.stages." + std::string(field.key);
          object t;
          if (!Object(field.value, tp, &t)) break;
          StageTiming st;
          st.name = std::string(field.key);
          element n;
          if (Member(t, "cpu_seconds", tp, &n, false)) st.cpu_seconds = Number(n, tp + ".cpu_seconds");
          if (Member(t, "mb_per_cpu_second", tp, &n, false)) {
            st.mb_per_cpu_second = Number(n, tp + ".mb_per_cpu_second");
          }
          r.timing.push_back(st);
        }
      }
    }
    return r;
  }

 private:
  Status error_;
};

}  // namespace

StatusOr<RunStats> ParseRunStats(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    return Status::Io(std::string("stats.json is not valid JSON: ") + simdjson::error_message(err));
  }
  StatsReader reader;
  RunStats stats = reader.Root(root);
  if (reader.failed()) return reader.error();
  return stats;
}

StatusOr<RunStats> LoadRunStats(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) return Status::Io("cannot read '" + path + "'");
  std::string text;
  char buf[65536];
  while (size_t n = fread(buf, 1, sizeof buf, f)) text.append(buf, n);
  bool bad = ferror(f) != 0;
  fclose(f);
  if (bad) return Status::Io("error reading '" + path + "'");
  auto stats = ParseRunStats(text);
  if (!stats.ok()) return stats.status().WithContext(path);
  return stats;
}

}  // namespace sluice
