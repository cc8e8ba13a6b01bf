#include "stages/engine/run_state.h"

#include "stages/engine/byte_codec.h"
#include "stages/io/json_writer.h"

namespace sluice {

namespace {

constexpr char kStateMagic[] = "SLUICE-RUN-STATE 1\n";
constexpr char kPatchMagic[] = "SLUICE-STATS-PATCH 1\n";

}  // namespace

void InputAccount::Add(const InputAccount& later) {
  records += later.records;
  kept += later.kept;
  dropped += later.dropped;
  malformed += later.malformed;
  bytes_in += later.bytes_in;
  bytes_kept += later.bytes_kept;
  skipped = skipped && later.skipped;
  if (read_error.empty()) read_error = later.read_error;
  for (const auto& [error, kind] : later.malformed_by_error) {
    MalformedKind& mine = malformed_by_error[error];
    if (mine.count == 0) mine.first_message = kind.first_message;
    mine.count += kind.count;
  }
  opens_json_array = opens_json_array || later.opens_json_array;
}

void RunState::Resize(size_t stage_count) {
  stages.resize(stage_count);
  stage_nanos.resize(stage_count, 0);
  reports.resize(stage_count);
}

void RunState::AddStats(const RunState& other) {
  engine.Merge(other.engine);
  Resize(std::max(stages.size(), other.stages.size()));
  for (size_t i = 0; i < other.stages.size(); ++i) {
    stages[i].Merge(other.stages[i]);
    stage_nanos[i] += other.stage_nanos[i];
  }
}

void RunState::Append(const RunState& later, int samples_per_reason) {
  AddStats(later);
  for (const auto& a : later.inputs) {
    if (!inputs.empty() && inputs.back().path == a.path) {
      inputs.back().Add(a);  // the next part of an input cut across shards
    } else {
      inputs.push_back(a);
    }
  }
  for (const auto& [key, list] : later.samples) {
    auto& mine = samples[key];
    for (const auto& s : list) {
      if (static_cast<int>(mine.size()) >= samples_per_reason) break;
      mine.push_back(s);
    }
  }
}

std::string RunState::Encode() const {
  std::string out = kStateMagic;
  engine.EncodeTo(&out);
  PutU32(&out, static_cast<uint32_t>(stages.size()));
  for (size_t i = 0; i < stages.size(); ++i) {
    stages[i].EncodeTo(&out);
    PutI64(&out, stage_nanos[i]);
    PutStr(&out, reports[i]);
  }
  PutU32(&out, static_cast<uint32_t>(inputs.size()));
  for (const auto& a : inputs) {
    PutStr(&out, a.path);
    for (int64_t v : {a.records, a.kept, a.dropped, a.malformed, a.bytes_in, a.bytes_kept}) PutI64(&out, v);
    PutU8(&out, a.skipped ? 1 : 0);
    PutStr(&out, a.read_error);
  }
  PutU32(&out, static_cast<uint32_t>(samples.size()));
  for (const auto& [key, list] : samples) {
    PutStr(&out, key);
    PutU32(&out, static_cast<uint32_t>(list.size()));
    for (const auto& s : list) {
      for (const std::string* f : {&s.stage, &s.reason, &s.id, &s.text}) PutStr(&out, *f);
      PutU32(&out, s.input_index);
      PutU64(&out, s.line);
    }
  }
  return out;
}

Status RunState::Decode(std::string_view data) {
  *this = RunState();
  const std::string_view magic = kStateMagic;
  if (data.substr(0, magic.size()) != magic) return Status::Io("not a sluice run-state file");
  ByteReader in(data.substr(magic.size()));
  engine.DecodeFrom(in);
  const uint32_t n = in.U32();
  if (!in.ok() || n > (1u << 20)) return Status::Io("damaged sluice run-state file");
  Resize(n);
  for (uint32_t i = 0; i < n && in.ok(); ++i) {
    stages[i].DecodeFrom(in);
    stage_nanos[i] = in.I64();
    reports[i] = std::string(in.Str());
  }
  for (uint32_t k = in.U32(); k > 0 && in.ok(); --k) {
    InputAccount a;
    a.path = std::string(in.Str());
    for (int64_t* v : {&a.records, &a.kept, &a.dropped, &a.malformed, &a.bytes_in, &a.bytes_kept}) *v = in.I64();
    a.skipped = in.U8() != 0;
    a.read_error = std::string(in.Str());
    inputs.push_back(std::move(a));
  }
  for (uint32_t k = in.U32(); k > 0 && in.ok(); --k) {
    auto& list = samples[std::string(in.Str())];
    for (uint32_t j = in.U32(); j > 0 && in.ok(); --j) {
      RunSample s;
      for (std::string* f : {&s.stage, &s.reason, &s.id, &s.text}) *f = std::string(in.Str());
      s.input_index = in.U32();
      s.line = in.U64();
      list.push_back(std::move(s));
    }
  }
  if (!in.ok() || !in.done()) return Status::Io("damaged sluice run-state file");
  return Status::Ok();
}

std::string EncodeStatsPatch(const Stats& stats, const std::string& report_json) {
  std::string out = kPatchMagic;
  stats.EncodeTo(&out);
  PutStr(&out, report_json);
  return out;
}

Status DecodeStatsPatch(std::string_view data, Stats* stats, std::string* report_json) {
  const std::string_view magic = kPatchMagic;
  if (data.substr(0, magic.size()) != magic) return Status::Io("not a sluice stats patch");
  ByteReader in(data.substr(magic.size()));
  stats->DecodeFrom(in);
  *report_json = std::string(in.Str());
  if (!in.ok() || !in.done()) return Status::Io("damaged sluice stats patch");
  return Status::Ok();
}

std::map<std::string, int64_t> SkippedRecordsOf(const Stats& engine) {
  std::map<std::string, int64_t> out;
  for (const auto& [k, v] : engine.counters()) {
    if (k.rfind(kSkippedRecordPrefix, 0) == 0) out[k.substr(kSkippedRecordPrefix.size())] += v;
  }
  return out;
}

std::string StatsJsonOf(const RunState& state, const StatsJsonInfo& info) {
  JsonBuilder b;
  b.BeginObject();
  b.Key("schema").String("sluice.stats/1");
  b.Key("sluice_version").String(SLUICE_STAGES_VERSION);
  if (!info.shard_label.empty()) b.Key("shard").String(info.shard_label);
  InputAccount total;
  for (const auto& a : state.inputs) total.Add(a);
  b.Key("totals").BeginObject();
  b.Key("in").Int(total.records).Key("kept").Int(total.kept).Key("dropped").Int(total.dropped);
  b.Key("malformed").Int(total.malformed).Key("bytes_in").Int(total.bytes_in).Key("bytes_kept").Int(total.bytes_kept);
  b.EndObject();
  b.Key("inputs").BeginArray();
  for (const auto& a : state.inputs) {
    b.BeginObject();
    b.Key("path").String(a.path).Key("in").Int(a.records).Key("kept").Int(a.kept).Key("dropped").Int(a.dropped);
    b.Key("malformed").Int(a.malformed).Key("bytes_in").Int(a.bytes_in).Key("bytes_kept").Int(a.bytes_kept);
    if (!a.read_error.empty()) b.Key("read_error").String(a.read_error);
    b.EndObject();
  }
  b.EndArray();
  // Input records that are not records (WARC warcinfo, request, redirects, ...), by kind.
  b.Key("skipped_records").BeginObject();
  for (const auto& [kind, n] : SkippedRecordsOf(state.engine)) b.Key(kind).Int(n);
  b.EndObject();
  // Engine counters and histograms.
  b.Key("engine").BeginObject();
  b.Key("counters").BeginObject();
  for (const auto& [k, v] : state.engine.counters()) b.Key(k).Int(v);
  b.EndObject();
  b.Key("histograms").BeginObject();
  for (const auto& [k, h] : state.engine.histograms()) {
    if (k.rfind("kept_signal:", 0) == 0) continue;
    b.Key(k).Raw(h.ToJson());
  }
  b.EndObject();
  b.EndObject();
  // Stages, in recipe order.
  b.Key("stages").BeginArray();
  for (size_t i = 0; i < info.stage_names.size(); ++i) {
    static const Stats kNone;
    const Stats& st = i < state.stages.size() ? state.stages[i] : kNone;
    b.BeginObject();
    b.Key("name").String(info.stage_names[i]).Key("type").String(info.stage_types[i]);
    b.Key("docs_in").Int(st.Get(kDocsIn)).Key("docs_out").Int(st.Get(kDocsOut));
    b.Key("docs_dropped").Int(st.Get(kDocsDropped));
    b.Key("bytes_in").Int(st.Get(kBytesIn)).Key("bytes_out").Int(st.Get(kBytesOut));
    auto section = [&](std::string_view key, std::string_view prefix) {
      b.Key(key).BeginObject();
      for (const auto& [k, v] : st.counters()) {
        if (k.rfind(prefix, 0) == 0) b.Key(std::string_view(k).substr(prefix.size())).Int(v);
      }
      b.EndObject();
    };
    section("dropped", kDroppedPrefix);
    section("failed_rules", kFailedPrefix);
    b.Key("counters").BeginObject();
    for (const auto& [k, v] : st.counters()) {
      if (k == kDocsIn || k == kDocsOut || k == kDocsDropped || k == kBytesIn || k == kBytesOut) continue;
      if (k.find(':') != std::string::npos) continue;
      b.Key(k).Int(v);
    }
    b.EndObject();
    b.Key("tags").BeginObject();
    for (const auto& [k, v] : st.counters()) {
      if (k.rfind(kTagInPrefix, 0) != 0) continue;
      std::string tag = k.substr(kTagInPrefix.size());
      b.Key(tag).BeginObject().Key("in").Int(v).Key("dropped").Int(st.Get(std::string(kTagDroppedPrefix) + tag));
      b.EndObject();
    }
    b.EndObject();
    b.Key("signals").BeginObject();
    for (const auto& [k, h] : st.histograms()) {
      if (k.rfind(kSignalPrefix, 0) == 0) b.Key(std::string_view(k).substr(kSignalPrefix.size())).Raw(h.ToJson());
    }
    b.EndObject();
    b.Key("histograms").BeginObject();
    for (const auto& [k, h] : st.histograms()) {
      if (k.rfind(kSignalPrefix, 0) != 0) b.Key(k).Raw(h.ToJson());
    }
    b.EndObject();
    if (i < state.reports.size() && !state.reports[i].empty()) b.Key("report").Raw(state.reports[i]);
    b.EndObject();
  }
  b.EndArray();
  b.Key("kept_signals").BeginObject();
  for (const auto& [k, h] : state.engine.histograms()) {
    if (k.rfind("kept_signal:", 0) == 0) b.Key(std::string_view(k).substr(12)).Raw(h.ToJson());
  }
  b.EndObject();
  b.Key("samples").BeginArray();
  for (const auto& [key, list] : state.samples) {
    for (const auto& s : list) {
      b.BeginObject().Key("stage").String(s.stage).Key("reason").String(s.reason).Key("id").String(s.id);
      b.Key("input").Int(s.input_index).Key("line").Int(static_cast<int64_t>(s.line));
      b.Key("text").String(s.text).EndObject();
    }
  }
  b.EndArray();
  for (const StatsSection& section : info.sections) b.Key(section.key).Raw(section.json);
  // Everything above is deterministic; timing is not.
  b.Key("timing").BeginObject();
  b.Key("threads").Int(info.threads);
  b.Key("wall_seconds").Number(info.wall_seconds);
  b.Key("stages").BeginObject();
  for (size_t i = 0; i < info.stage_names.size(); ++i) {
    const int64_t nanos = i < state.stage_nanos.size() ? state.stage_nanos[i] : 0;
    const double secs = static_cast<double>(nanos) / 1e9;
    const int64_t bytes = i < state.stages.size() ? state.stages[i].Get(kBytesIn) : 0;
    b.Key(info.stage_names[i]).BeginObject().Key("cpu_seconds").Number(secs);
    b.Key("mb_per_cpu_second").Number(secs > 0 ? static_cast<double>(bytes) / 1e6 / secs : 0);
    b.EndObject();
  }
  b.EndObject();
  b.EndObject();
  b.EndObject();
  return b.Take() + "\n";
}

}  // namespace sluice
