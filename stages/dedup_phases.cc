#include "stages/dedup_phases.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <queue>
#include <unordered_map>

#include "stages/exact_dedup.h"
#include "stages/json_writer.h"
#include "stages/minhash_lsh_index.h"
#include "stages/minhash_phases.h"
#include "stages/minhash_signature.h"

namespace sluice {

bool IsDedupStageType(std::string_view type) {
  return type == "exact_dedup" || type == "line_dedup" || type == "minhash_dedup";
}

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[] = "SLUICE-DEDUP-RECORDS 1\n";
constexpr size_t kMagicLen = sizeof(kMagic) - 1;
constexpr char kKeysWrittenReason[] = "dedup_phase.keys_written";

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t GetLE(const char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
void PutString(std::string* out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}
// Reads a length-prefixed string from the front of *in.
bool TakeString(std::string_view* in, std::string_view* s) {
  if (in->size() < 4) return false;
  uint64_t n = GetLE(in->data(), 4);
  if (in->size() < 4 + n) return false;
  *s = in->substr(4, n);
  in->remove_prefix(4 + n);
  return true;
}

// Sequential reader of one record file.
class RecordReader {
 public:
  ~RecordReader() {
    if (f_) std::fclose(f_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    f_ = std::fopen(path.c_str(), "rb");
    if (!f_) return Status::Io("cannot read '" + path + "': " + std::strerror(errno));
    char magic[kMagicLen];
    if (std::fread(magic, 1, kMagicLen, f_) != kMagicLen || std::memcmp(magic, kMagic, kMagicLen) != 0) {
      return Status::Io("'" + path + "' is not a sluice dedup record file");
    }
    return Status::Ok();
  }
  // False at the end; a truncated record is an error.
  StatusOr<bool> Next(uint64_t* key, std::string* payload) {
    char head[12];
    size_t n = std::fread(head, 1, sizeof head, f_);
    if (n == 0) return false;
    if (n != sizeof head) return Status::Io("'" + path_ + "': truncated record");
    *key = GetLE(head, 8);
    payload->resize(GetLE(head + 8, 4));
    if (!payload->empty() && std::fread(payload->data(), 1, payload->size(), f_) != payload->size()) {
      return Status::Io("'" + path_ + "': truncated record");
    }
    return true;
  }

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
};

Status WriteText(const std::string& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::Io("cannot write '" + tmp + "': " + std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) return Status::Io("cannot write '" + path + "'");
  return Status::Ok();
}

// The in-process minhash_dedup stash of one text (band keys, then the compact
// signature or, verify: exact, the shingle set), "" for a text without shingles.
void AppendMinHashStash(const MinHasher& hasher, const MinHashDedupConfig& config, std::string_view text,
                        std::string* out) {
  thread_local SignatureRecord r;
  thread_local std::string stash;
  ComputeSignatureRecord(hasher, config.exact_verify, text, &r);
  if (r.empty) return;
  static const std::vector<uint16_t> kNoCompact;  // exact verification does not stash it
  EncodeMinHashStash(r.band_keys, config.exact_verify ? kNoCompact : r.compact,
                     config.exact_verify ? &r.shingle_set : nullptr, &stash);
  out->append(stash);
}

// ---------------------------------------------------------------- key writer

// Process (parallel) computes the key payload; ProcessSerial (input order)
// appends it. The writer is the only state, touched by the serial part only.
class DedupKeyWriter final : public Stage {
 public:
  DedupKeyWriter(GlobalDedupSpec spec, std::unique_ptr<DedupRecordWriter> writer)
      : spec_(std::move(spec)), hasher_(spec_.minhash.params), writer_(std::move(writer)) {}

  Verdict Process(Document& doc, StageContext&) const override {
    Payload(doc, &doc.ScratchFor(this));
    return Verdict::Keep();
  }

  bool has_serial_part() const override { return true; }

  Verdict ProcessSerial(Document& doc, StageContext&) override {
    if (!doc.TakeScratch(this, &payload_)) Payload(doc, &payload_);  // Process was skipped (not expected)
    if (status_.ok()) status_ = writer_->Append(MinHashOrderKey(doc.input_index, doc.line), payload_);
    return Verdict::Drop(kKeysWrittenReason);
  }

  Status Finish(FinishContext&) override {
    SLUICE_RETURN_IF_ERROR(status_);
    return writer_->Finish();
  }

 private:
  // The key record payload of `doc` (see dedup_phases.h).
  void Payload(const Document& doc, std::string* out) const {
    std::string& payload = *out;
    payload.clear();
    if (spec_.type == "exact_dedup") {
      DedupKey k = DedupKeyOf(doc.text, spec_.fold_case, spec_.fold_whitespace);
      PutU64(&payload, k.high);
      PutU64(&payload, k.low);
      payload.append(doc.id);
    } else if (spec_.type == "line_dedup") {
      thread_local std::vector<DedupLine> lines;
      SplitDedupLines(doc.text, spec_.line, &lines);
      for (const DedupLine& l : lines) {
        if (l.eligible) PutU64(&payload, l.key);
      }
    } else {
      PutString(&payload, doc.id);
      AppendMinHashStash(hasher_, spec_.minhash, doc.text, &payload);
    }
  }

  GlobalDedupSpec spec_;
  MinHasher hasher_;
  std::unique_ptr<DedupRecordWriter> writer_;
  Status status_ = Status::Ok();
  std::string payload_;  // serial-part scratch
};

// ---------------------------------------------------------------- decision filter

class DedupDecisionFilter final : public Stage {
 public:
  DedupDecisionFilter(GlobalDedupSpec spec, std::unordered_map<uint64_t, std::string> decisions)
      : spec_(std::move(spec)), decisions_(std::move(decisions)) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    auto it = decisions_.find(MinHashOrderKey(doc.input_index, doc.line));
    const std::string* d = it == decisions_.end() ? nullptr : &it->second;
    if (spec_.type == "exact_dedup") return ExactDedupVerdict(doc, ctx, d);
    if (spec_.type == "line_dedup") {
      thread_local std::vector<DedupLine> lines;
      thread_local std::vector<bool> remove;
      SplitDedupLines(doc.text, spec_.line, &lines);
      remove.assign(lines.size(), false);
      if (d != nullptr) {
        // Ordinals of removed lines among the eligible ones, ascending.
        std::vector<size_t> eligible;
        for (size_t i = 0; i < lines.size(); ++i) {
          if (lines[i].eligible) eligible.push_back(i);
        }
        for (size_t p = 0; p + 4 <= d->size(); p += 4) {
          uint64_t ordinal = GetLE(d->data() + p, 4);
          if (ordinal < eligible.size()) remove[eligible[ordinal]] = true;
        }
      }
      return ApplyLineRemovals(doc, ctx, spec_.line, lines, remove);
    }
    if (d == nullptr) return Verdict::Keep();
    std::string_view in = *d, survivor;
    double similarity = 0;
    uint32_t cluster_size = 0;
    if (TakeString(&in, &survivor) && in.size() == 12) {
      std::memcpy(&similarity, in.data(), 8);
      cluster_size = static_cast<uint32_t>(GetLE(in.data() + 8, 4));
    }
    return MarkNearDuplicate(doc, survivor, similarity, cluster_size);
  }

  std::vector<HistogramSpec> signal_histograms() const override {
    if (spec_.type == "line_dedup") return {LineDedupSignalHistogram()};
    if (spec_.type == "minhash_dedup") return {HistogramSpec::Linear(kMinHashSimilaritySignal, 0.0, 1.0, 20)};
    return {};
  }

 private:
  GlobalDedupSpec spec_;
  std::unordered_map<uint64_t, std::string> decisions_;
};

// ---------------------------------------------------------------- resolve

// Routes each decision to the file of its document's shard.
class DecisionSink {
 public:
  explicit DecisionSink(std::vector<std::unique_ptr<DedupRecordWriter>>* writers) : writers_(writers) {}
  Status Append(uint64_t order_key, std::string_view payload) {
    return (*writers_)[(order_key >> 40) % writers_->size()]->Append(order_key, payload);
  }

 private:
  std::vector<std::unique_ptr<DedupRecordWriter>>* writers_;
};

Status ResolveExact(const GlobalDedupSpec& spec, const std::vector<std::string>& files, const std::string& output_dir,
                    DecisionSink* out, std::string* report) {
  ExactDedupIndex index;
  if (!spec.exact_index_in.empty()) {
    SLUICE_RETURN_IF_ERROR(index.Load(spec.exact_index_in).WithContext("stage " + spec.name + ", option 'index_in'"));
  }
  const size_t preloaded = index.size();
  std::string survivor;
  SLUICE_RETURN_IF_ERROR(MergeDedupRecordFiles(files, [&](uint64_t order_key, std::string_view p) -> Status {
    if (p.size() < 16) return Status::Io("stage " + spec.name + ": bad exact_dedup key record");
    DedupKey key{GetLE(p.data(), 8), GetLE(p.data() + 8, 8)};
    if (index.Insert(key, p.substr(16), &survivor)) return Status::Ok();
    return out->Append(order_key, survivor);
  }));
  *report = ExactDedupReport(index, preloaded);
  if (spec.exact_index_out.empty()) return Status::Ok();
  std::string path = spec.exact_index_out;
  if (fs::path(path).is_relative() && !output_dir.empty()) path = (fs::path(output_dir) / path).string();
  return index.Save(path).WithContext("stage exact_dedup, option 'index_out'");
}

Status ResolveLine(const GlobalDedupSpec& spec, const std::vector<std::string>& files, DecisionSink* out,
                   std::string* report) {
  LineCounter counter;
  std::vector<uint64_t> keys;
  std::string removed;
  SLUICE_RETURN_IF_ERROR(MergeDedupRecordFiles(files, [&](uint64_t order_key, std::string_view p) -> Status {
    removed.clear();
    keys.clear();
    for (size_t i = 0; i + 8 <= p.size(); i += 8) {
      uint64_t k = GetLE(p.data() + i, 8);
      if (counter.Count(k) >= static_cast<uint64_t>(spec.line.min_docs)) PutU32(&removed, static_cast<uint32_t>(i / 8));
      keys.push_back(k);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (uint64_t k : keys) counter.Increment(k);
    return removed.empty() ? Status::Ok() : out->Append(order_key, removed);
  }));
  *report = LineDedupReport(counter);
  return Status::Ok();
}

Status ResolveMinHash(const GlobalDedupSpec& spec, const std::vector<std::string>& files, DecisionSink* out,
                      Stats* stats, std::string* report) {
  // Exactly the in-process stage's serial part (minhash_dedup.h), in input order.
  auto dedup = MinHashDeduplicator::Create(spec.minhash);
  if (!dedup.ok()) return dedup.status().WithContext("stage " + spec.name);
  std::string decision;
  SLUICE_RETURN_IF_ERROR(MergeDedupRecordFiles(files, [&](uint64_t order_key, std::string_view p) -> Status {
    std::string_view id;
    if (!TakeString(&p, &id)) return Status::Io("stage " + spec.name + ": bad minhash_dedup key record");
    MinHashDeduplicator::Decision d = (*dedup)->Decide(p, order_key, id, stats);
    if (!d.duplicate) return Status::Ok();
    decision.clear();
    PutString(&decision, d.survivor_id);
    char sim[8];
    std::memcpy(sim, &d.similarity, 8);
    decision.append(sim, 8);
    PutU32(&decision, static_cast<uint32_t>(d.cluster_size));
    return out->Append(order_key, decision);
  }));
  return (*dedup)->Finish(stats, report);
}

}  // namespace

// ---------------------------------------------------------------- record files

DedupRecordWriter::~DedupRecordWriter() {
  if (f_) {
    std::fclose(f_);
    std::remove(tmp_.c_str());
  }
}

Status DedupRecordWriter::Open(const std::string& path) {
  path_ = path;
  tmp_ = path + ".tmp";
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  f_ = std::fopen(tmp_.c_str(), "wb");
  if (!f_) return Status::Io("cannot write '" + tmp_ + "': " + std::strerror(errno));
  if (std::fwrite(kMagic, 1, kMagicLen, f_) != kMagicLen) return Status::Io("cannot write '" + tmp_ + "'");
  return Status::Ok();
}

Status DedupRecordWriter::Append(uint64_t order_key, std::string_view payload) {
  if (!f_) return Status::Internal("DedupRecordWriter::Append before Open");
  if (records_ > 0 && order_key < last_) return Status::Internal("dedup records out of input order in '" + path_ + "'");
  last_ = order_key;
  char head[12];
  for (int i = 0; i < 8; ++i) head[i] = static_cast<char>((order_key >> (8 * i)) & 0xFF);
  for (int i = 0; i < 4; ++i) head[8 + i] = static_cast<char>((payload.size() >> (8 * i)) & 0xFF);
  if (std::fwrite(head, 1, sizeof head, f_) != sizeof head ||
      std::fwrite(payload.data(), 1, payload.size(), f_) != payload.size()) {
    return Status::Io("cannot write '" + tmp_ + "': " + std::strerror(errno));
  }
  ++records_;
  return Status::Ok();
}

Status DedupRecordWriter::Finish() {
  if (!f_) return Status::Internal("DedupRecordWriter::Finish before Open");
  bool ok = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!ok || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_.c_str());
    return Status::Io("cannot write '" + path_ + "'");
  }
  return Status::Ok();
}

Status MergeDedupRecordFiles(const std::vector<std::string>& files,
                             const std::function<Status(uint64_t, std::string_view)>& on_record) {
  const size_t n = files.size();
  std::vector<RecordReader> readers(n);
  std::vector<std::string> payloads(n);
  std::vector<uint64_t> keys(n);
  using Head = std::pair<uint64_t, size_t>;  // (order key, file): ties go to the lower file index
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heap;
  for (size_t i = 0; i < n; ++i) {
    SLUICE_RETURN_IF_ERROR(readers[i].Open(files[i]));
    auto more = readers[i].Next(&keys[i], &payloads[i]);
    if (!more.ok()) return more.status();
    if (*more) heap.emplace(keys[i], i);
  }
  while (!heap.empty()) {
    size_t i = heap.top().second;
    heap.pop();
    SLUICE_RETURN_IF_ERROR(on_record(keys[i], payloads[i]));
    auto more = readers[i].Next(&keys[i], &payloads[i]);
    if (!more.ok()) return more.status();
    if (*more) heap.emplace(keys[i], i);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- public

StatusOr<GlobalDedupSpec> MakeGlobalDedupSpec(const std::string& type, const std::string& name,
                                              const Options& options, const StageEnv& env) {
  GlobalDedupSpec spec;
  spec.type = type;
  spec.name = name;
  if (type == "exact_dedup") {
    spec.fold_case = options.GetBool("fold_case");
    spec.fold_whitespace = options.GetBool("fold_whitespace");
    spec.exact_index_in = options.GetString("index_in");
    if (!spec.exact_index_in.empty() && fs::path(spec.exact_index_in).is_relative()) {
      spec.exact_index_in = (fs::path(env.recipe_dir) / spec.exact_index_in).string();
    }
    spec.exact_index_out = options.GetString("index_out");
  } else if (type == "line_dedup") {
    spec.line = LineDedupConfigFromOptions(options);
  } else if (type == "minhash_dedup") {
    auto config = MinHashDedupConfigFromOptions(options, env);
    if (!config.ok()) return config.status().WithContext("stage '" + name + "'");
    spec.minhash = std::move(config).value();
  } else {
    return Status::Internal("'" + type + "' is not a global dedup stage");
  }
  return spec;
}

StatusOr<std::unique_ptr<Stage>> MakeDedupKeyWriter(const GlobalDedupSpec& spec, const std::string& keys_path) {
  auto writer = std::make_unique<DedupRecordWriter>();
  SLUICE_RETURN_IF_ERROR(writer->Open(keys_path));
  return std::unique_ptr<Stage>(new DedupKeyWriter(spec, std::move(writer)));
}

Status ResolveGlobalDedup(const GlobalDedupSpec& spec, const std::vector<std::string>& key_files,
                          const std::string& output_dir, const std::vector<std::string>& decision_paths,
                          const std::string& patch_path) {
  if (decision_paths.empty()) return Status::Internal("ResolveGlobalDedup: no decision files");
  std::vector<std::unique_ptr<DedupRecordWriter>> writers;
  for (const auto& path : decision_paths) {
    writers.push_back(std::make_unique<DedupRecordWriter>());
    SLUICE_RETURN_IF_ERROR(writers.back()->Open(path));
  }
  DecisionSink out(&writers);
  Stats stats;
  std::string report;
  if (spec.type == "exact_dedup") {
    SLUICE_RETURN_IF_ERROR(ResolveExact(spec, key_files, output_dir, &out, &report));
  } else if (spec.type == "line_dedup") {
    SLUICE_RETURN_IF_ERROR(ResolveLine(spec, key_files, &out, &report));
  } else {
    SLUICE_RETURN_IF_ERROR(ResolveMinHash(spec, key_files, &out, &stats, &report));
  }
  for (auto& w : writers) SLUICE_RETURN_IF_ERROR(w->Finish());
  return WriteText(patch_path, StatsPatchJson(stats, report));
}

StatusOr<std::unique_ptr<Stage>> MakeDedupDecisionFilter(const GlobalDedupSpec& spec,
                                                         const std::string& decisions_path) {
  std::unordered_map<uint64_t, std::string> decisions;
  SLUICE_RETURN_IF_ERROR(MergeDedupRecordFiles({decisions_path}, [&](uint64_t key, std::string_view p) {
    decisions.emplace(key, std::string(p));
    return Status::Ok();
  }));
  return std::unique_ptr<Stage>(new DedupDecisionFilter(spec, std::move(decisions)));
}

std::string StatsPatchJson(const Stats& stats, const std::string& report_json) {
  JsonBuilder b;
  b.BeginObject();
  b.Key("counters").BeginObject();
  for (const auto& [k, v] : stats.counters()) b.Key(k).Int(v);
  b.EndObject();
  b.Key("histograms").BeginObject();
  for (const auto& [k, h] : stats.histograms()) b.Key(k).Raw(h.ToJson());
  b.EndObject();
  if (!report_json.empty()) b.Key("report").Raw(report_json);
  b.EndObject();
  return b.Take() + "\n";
}

}  // namespace sluice
