#include "stages/engine/run_state.h"

#include "stages/engine/byte_codec.h"

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
  looks_wide = looks_wide || later.looks_wide;
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

}  // namespace sluice
