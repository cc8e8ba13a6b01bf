#include "stages/engine/global_stage.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <queue>

namespace sluice {

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[] = "SLUICE-GLOBAL-RECORDS 1\n";
constexpr size_t kMagicLen = sizeof(kMagic) - 1;

uint64_t GetLE(const char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void PutLE(std::string* out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// Sequential reader of one record file, buffered.
class RecordFileReader {
 public:
  ~RecordFileReader() {
    if (f_) std::fclose(f_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    f_ = std::fopen(path.c_str(), "rb");
    if (!f_) return Status::Io("cannot read '" + path + "': " + std::strerror(errno));
    std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
    char magic[kMagicLen];
    if (std::fread(magic, 1, kMagicLen, f_) != kMagicLen || std::memcmp(magic, kMagic, kMagicLen) != 0) {
      return Status::Io("'" + path + "' is not a sluice global-stage record file");
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

}  // namespace

Verdict GlobalStage::Process(Document& doc, StageContext& ctx) const {
  // Only reached by tools that bypass the engine; decide the document alone.
  auto resolver = NewResolver();
  if (!resolver.ok()) return Verdict::Keep();
  std::string key, decision;
  Key(doc, ctx, &key);
  (*resolver)->Add(OrderKeyOf(doc.input_index, doc.line), key, &decision, ctx.stats());
  return Apply(doc, decision, ctx);
}

StatusOr<GlobalStageRunner> GlobalStageRunner::Create(const GlobalStage* stage) {
  auto resolver = stage->NewResolver();
  if (!resolver.ok()) return resolver.status();
  GlobalStageRunner r;
  r.stage_ = stage;
  r.resolver_ = std::move(resolver).value();
  return r;
}

Verdict GlobalStageRunner::Run(Document& doc, StageContext& ctx) {
  key_.clear();
  decision_.clear();
  stage_->Key(doc, ctx, &key_);
  resolver_->Add(OrderKeyOf(doc.input_index, doc.line), key_, &decision_, ctx.stats());
  return stage_->Apply(doc, decision_, ctx);
}

// ---------------------------------------------------------------- record files

Status GlobalRecordWriter::Open(const std::string& path) {
  SLUICE_RETURN_IF_ERROR(file_.Open(path));
  return file_.Write(kMagic, kMagicLen);
}

Status GlobalRecordWriter::Append(uint64_t order_key, std::string_view payload) {
  if (records_ > 0 && order_key < last_) return Status::Internal("record order keys must not decrease");
  last_ = order_key;
  buf_.clear();
  PutLE(&buf_, order_key, 8);
  PutLE(&buf_, payload.size(), 4);
  buf_.append(payload);
  SLUICE_RETURN_IF_ERROR(file_.Write(buf_.data(), buf_.size()));
  ++records_;
  return Status::Ok();
}

Status GlobalRecordWriter::Finish() { return file_.Commit(); }

Status MergeGlobalRecordFiles(
    const std::vector<std::string>& files,
    const std::function<Status(size_t file, uint64_t order_key, std::string_view payload)>& on_record) {
  std::vector<RecordFileReader> readers(files.size());
  std::vector<std::string> payloads(files.size());
  std::vector<uint64_t> keys(files.size());
  using Head = std::pair<uint64_t, size_t>;  // order key, file: ties go to the lower file
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heap;
  for (size_t i = 0; i < files.size(); ++i) {
    SLUICE_RETURN_IF_ERROR(readers[i].Open(files[i]));
    auto more = readers[i].Next(&keys[i], &payloads[i]);
    if (!more.ok()) return more.status();
    if (*more) heap.emplace(keys[i], i);
  }
  while (!heap.empty()) {
    const size_t i = heap.top().second;
    heap.pop();
    SLUICE_RETURN_IF_ERROR(on_record(i, keys[i], payloads[i]));
    auto more = readers[i].Next(&keys[i], &payloads[i]);
    if (!more.ok()) return more.status();
    if (*more) heap.emplace(keys[i], i);
  }
  return Status::Ok();
}

Status ResolveGlobalStage(const GlobalStage& stage, const std::vector<std::string>& key_paths,
                          const std::vector<std::string>& decision_paths, const std::string& output_dir,
                          Stats* stats, std::string* report_json) {
  if (key_paths.size() != decision_paths.size()) return Status::Internal("one decision file per key file");
  auto resolver = stage.NewResolver();
  if (!resolver.ok()) return resolver.status();
  std::vector<std::unique_ptr<GlobalRecordWriter>> writers;
  for (const auto& p : decision_paths) {
    writers.push_back(std::make_unique<GlobalRecordWriter>());
    SLUICE_RETURN_IF_ERROR(writers.back()->Open(p));
  }
  std::string decision;
  SLUICE_RETURN_IF_ERROR(MergeGlobalRecordFiles(
      key_paths, [&](size_t file, uint64_t order_key, std::string_view key) -> Status {
        decision.clear();
        (*resolver)->Add(order_key, key, &decision, *stats);
        if (decision.empty()) return Status::Ok();
        return writers[file]->Append(order_key, decision);
      }));
  for (auto& w : writers) SLUICE_RETURN_IF_ERROR(w->Finish());
  FinishContext ctx;
  ctx.output_dir = output_dir;
  ctx.stats = stats;
  SLUICE_RETURN_IF_ERROR((*resolver)->Finish(ctx));
  *report_json = ctx.report_json;
  return Status::Ok();
}

Status GlobalDecisions::Load(const std::string& path) {
  RecordFileReader reader;
  SLUICE_RETURN_IF_ERROR(reader.Open(path));
  keys_.clear();
  offsets_.assign(1, 0);
  blob_.clear();
  uint64_t key = 0;
  std::string payload;
  while (true) {
    auto more = reader.Next(&key, &payload);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (!keys_.empty() && key <= keys_.back()) return Status::Io("'" + path + "': decisions out of order");
    keys_.push_back(key);
    blob_ += payload;
    offsets_.push_back(blob_.size());
  }
  return Status::Ok();
}

std::string_view GlobalDecisions::Find(uint64_t order_key) const {
  auto it = std::lower_bound(keys_.begin(), keys_.end(), order_key);
  if (it == keys_.end() || *it != order_key) return {};
  const size_t i = static_cast<size_t>(it - keys_.begin());
  return std::string_view(blob_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
}

}  // namespace sluice
