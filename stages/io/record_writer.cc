#include "stages/io/record_writer.h"

#include <zlib.h>
#include <zstd.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <memory>

#include "stages/engine/batch_buffers.h"
#include "stages/io/json_writer.h"

namespace sluice {

namespace fs = std::filesystem;

StatusOr<OutputFormat> ParseOutputFormat(const std::string& name) {
  if (name == "jsonl") return OutputFormat::kJsonl;
  if (name == "jsonl.gz") return OutputFormat::kJsonlGz;
  if (name == "jsonl.zst") return OutputFormat::kJsonlZst;
  return Status::Config("output format '" + name + "' is not one of: jsonl, jsonl.gz, jsonl.zst");
}

const char* OutputExtension(OutputFormat format) {
  switch (format) {
    case OutputFormat::kJsonl: return ".jsonl";
    case OutputFormat::kJsonlGz: return ".jsonl.gz";
    case OutputFormat::kJsonlZst: return ".jsonl.zst";
  }
  return ".jsonl";
}

namespace {

const JsonField* FindAnnotation(const Document& doc, std::string_view key) {
  for (const auto& a : doc.annotations) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

void AppendBody(const Document& doc, bool write_signals, std::string* out) {
  bool first = true;
  auto key = [&](std::string_view k) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(*out, k);
    out->push_back(':');
  };
  if (!doc.id_from_input) {
    key("id");
    AppendJsonString(*out, doc.id);
  }
  bool text_written = false;
  for (const auto& f : doc.fields) {
    if (!doc.id_from_input && f.key == "id") continue;  // never write two "id" keys
    key(f.key);
    if (f.json.empty()) {
      AppendJsonString(*out, doc.text);
      text_written = true;
    } else if (const JsonField* a = FindAnnotation(doc, f.key)) {
      out->append(a->json);
    } else {
      out->append(f.json);
    }
  }
  if (!text_written) {  // text inputs have no fields
    key("text");
    AppendJsonString(*out, doc.text);
  }
  for (const auto& a : doc.annotations) {
    bool in_fields = false;
    for (const auto& f : doc.fields) in_fields |= f.key == a.key;
    if (in_fields || (!doc.id_from_input && a.key == "id")) continue;
    key(a.key);
    out->append(a.json);
  }
  if (write_signals && !doc.signals.empty()) {
    key("sluice");
    out->push_back('{');
    for (size_t i = 0; i < doc.signals.size(); ++i) {
      if (i) out->push_back(',');
      AppendJsonString(*out, doc.signals[i].first);
      out->push_back(':');
      AppendJsonNumber(*out, doc.signals[i].second);
    }
    out->push_back('}');
  }
}

}  // namespace

void AppendKeptRecord(const Document& doc, bool write_signals, std::string* out) {
  out->push_back('{');
  AppendBody(doc, write_signals, out);
  out->append("}\n");
}

void AppendRejectedRecord(const Document& doc, bool write_signals, std::string* out) {
  out->push_back('{');
  AppendBody(doc, write_signals, out);
  out->append(",\"stage\":");
  AppendJsonString(*out, doc.drop_stage);
  out->append(",\"reason\":");
  AppendJsonString(*out, doc.drop_reason);
  out->append(",\"reasons\":[");
  if (doc.all_reasons.empty()) {
    AppendJsonString(*out, doc.drop_reason);
  } else {
    for (size_t i = 0; i < doc.all_reasons.size(); ++i) {
      if (i) out->push_back(',');
      AppendJsonString(*out, doc.all_reasons[i]);
    }
  }
  out->push_back(']');
  if (!doc.drop_detail.empty()) {
    out->append(",\"detail\":");
    AppendJsonString(*out, doc.drop_detail);
  }
  out->append("}\n");
}

void AppendMalformedRecord(const MalformedRecord& m, std::string* out) {
  out->append("{\"file\":");
  AppendJsonString(*out, m.path);
  out->append(",\"line\":");
  AppendJsonInt(*out, static_cast<int64_t>(m.line));
  out->append(",\"error\":");
  AppendJsonString(*out, m.error);
  out->append(",\"message\":");
  AppendJsonString(*out, m.message);
  out->append(",\"raw\":");
  AppendJsonString(*out, m.raw);
  out->append("}\n");
}

namespace {

class FileBase : public OutputFile {
 protected:
  Status OpenTemp(const std::string& path) {
    path_ = path;
    // Unique per process: concurrent writers of one path (shards writing the
    // same recipe.resolved.yaml) must not share a temp file.
    tmp_ = path + "." + std::to_string(getpid()) + ".tmp";
    f_ = fopen(tmp_.c_str(), "wb");
    if (f_ == nullptr) return Status::Io("cannot create '" + tmp_ + "': " + strerror(errno));
    return Status::Ok();
  }
  Status RawWrite(const void* data, size_t n) {
    if (n && fwrite(data, 1, n, f_) != n) return Status::Io("cannot write '" + tmp_ + "': " + strerror(errno));
    return Status::Ok();
  }
  Status CloseAndRename() {
    if (f_ == nullptr) return Status::Ok();
    bool ok = fflush(f_) == 0;
    ok &= fclose(f_) == 0;
    f_ = nullptr;
    if (!ok) return Status::Io("cannot write '" + tmp_ + "': " + strerror(errno));
    if (rename(tmp_.c_str(), path_.c_str()) != 0)
      return Status::Io("cannot rename '" + tmp_ + "' to '" + path_ + "': " + strerror(errno));
    return Status::Ok();
  }
  ~FileBase() override {
    if (f_ != nullptr) {
      fclose(f_);
      remove(tmp_.c_str());
    }
  }
  FILE* f_ = nullptr;
  std::string tmp_;
};

class PlainFile : public FileBase {
 public:
  Status Open(const std::string& path) { return OpenTemp(path); }
  Status Write(std::string_view bytes) override {
    bytes_ += bytes.size();
    return RawWrite(bytes.data(), bytes.size());
  }
  Status Commit() override { return CloseAndRename(); }
};

class GzipFile : public FileBase {
 public:
  ~GzipFile() override { deflateEnd(&zs_); }
  Status Open(const std::string& path) {
    memset(&zs_, 0, sizeof zs_);
    // Level 6, gzip wrapper (windowBits 15 + 16); mtime stays 0 for reproducible bytes.
    if (deflateInit2(&zs_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      return Status::Internal("deflateInit2 failed");
    return OpenTemp(path);
  }
  Status Write(std::string_view bytes) override {
    bytes_ += bytes.size();
    return Pump(bytes, Z_NO_FLUSH);
  }
  Status Commit() override {
    SLUICE_RETURN_IF_ERROR(Pump({}, Z_FINISH));
    return CloseAndRename();
  }

 private:
  Status Pump(std::string_view in, int flush) {
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    char out[1 << 16];
    int rc;
    do {
      zs_.next_out = reinterpret_cast<Bytef*>(out);
      zs_.avail_out = sizeof out;
      rc = deflate(&zs_, flush);
      if (rc == Z_STREAM_ERROR) return Status::Internal("deflate failed");
      SLUICE_RETURN_IF_ERROR(RawWrite(out, sizeof out - zs_.avail_out));
    } while (zs_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return Status::Ok();
  }
  z_stream zs_;
};

class ZstdFile : public FileBase {
 public:
  ~ZstdFile() override { ZSTD_freeCCtx(cctx_); }
  Status Open(const std::string& path) {
    cctx_ = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    out_.resize(ZSTD_CStreamOutSize());
    return OpenTemp(path);
  }
  Status Write(std::string_view bytes) override {
    bytes_ += bytes.size();
    return Pump(bytes, ZSTD_e_continue);
  }
  Status Commit() override {
    SLUICE_RETURN_IF_ERROR(Pump({}, ZSTD_e_end));
    return CloseAndRename();
  }

 private:
  Status Pump(std::string_view in, ZSTD_EndDirective mode) {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    while (true) {
      ZSTD_outBuffer output{out_.data(), out_.size(), 0};
      size_t remaining = ZSTD_compressStream2(cctx_, &output, &input, mode);
      if (ZSTD_isError(remaining)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(remaining));
      SLUICE_RETURN_IF_ERROR(RawWrite(out_.data(), output.pos));
      if (mode == ZSTD_e_end ? remaining == 0 : input.pos == input.size) break;
    }
    return Status::Ok();
  }
  ZSTD_CCtx* cctx_ = nullptr;
  std::vector<char> out_;
};

}  // namespace

StatusOr<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path, OutputFormat format) {
  std::error_code ec;
  if (fs::path(path).has_parent_path()) fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return Status::Io("cannot create directory for '" + path + "': " + ec.message());
  switch (format) {
    case OutputFormat::kJsonl: {
      auto f = std::make_unique<PlainFile>();
      SLUICE_RETURN_IF_ERROR(f->Open(path));
      return std::unique_ptr<OutputFile>(std::move(f));
    }
    case OutputFormat::kJsonlGz: {
      auto f = std::make_unique<GzipFile>();
      SLUICE_RETURN_IF_ERROR(f->Open(path));
      return std::unique_ptr<OutputFile>(std::move(f));
    }
    case OutputFormat::kJsonlZst: {
      auto f = std::make_unique<ZstdFile>();
      SLUICE_RETURN_IF_ERROR(f->Open(path));
      return std::unique_ptr<OutputFile>(std::move(f));
    }
  }
  return Status::Internal("unknown output format");
}

namespace {

// Room for one frame: a per-thread buffer that only grows and is never
// zero-filled (std::string::resize would clear the whole bound, 3-4x the size
// of the frame, on every batch); the frame is then copied out at its size.
char* FrameScratch(size_t bytes) {
  thread_local std::unique_ptr<char[]> buffer;
  thread_local size_t capacity = 0;
  if (capacity < bytes) {
    buffer.reset();
    capacity = bytes + bytes / 4;
    buffer.reset(new char[capacity]);
  }
  return buffer.get();
}

void AssignFrame(const char* frame, size_t size, std::string* out) {
  if (out->capacity() < size) {
    out->clear();  // nothing to keep: no copy when it grows
    ReserveLarge(out, size + size / 4);
  }
  out->assign(frame, size);
}

}  // namespace

void CompressFrameInto(OutputFormat format, std::string_view data, std::string* out) {
  switch (format) {
    case OutputFormat::kJsonl:
      out->assign(data);
      return;
    case OutputFormat::kJsonlGz: {
      z_stream zs;
      memset(&zs, 0, sizeof zs);
      // Level 6, gzip wrapper; the header's mtime stays 0 for reproducible bytes.
      deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
      const size_t bound = deflateBound(&zs, data.size()) + 64;
      char* frame = FrameScratch(bound);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      zs.avail_in = static_cast<uInt>(data.size());
      zs.next_out = reinterpret_cast<Bytef*>(frame);
      zs.avail_out = static_cast<uInt>(bound);
      deflate(&zs, Z_FINISH);
      AssignFrame(frame, bound - zs.avail_out, out);
      deflateEnd(&zs);
      return;
    }
    case OutputFormat::kJsonlZst: {
      struct CtxHolder {
        ZSTD_CCtx* ctx = ZSTD_createCCtx();
        ~CtxHolder() { ZSTD_freeCCtx(ctx); }
      };
      thread_local CtxHolder holder;
      ZSTD_CCtx_reset(holder.ctx, ZSTD_reset_session_and_parameters);
      ZSTD_CCtx_setParameter(holder.ctx, ZSTD_c_compressionLevel, 3);
      ZSTD_CCtx_setParameter(holder.ctx, ZSTD_c_checksumFlag, 1);
      const size_t bound = ZSTD_compressBound(data.size());
      char* frame = FrameScratch(bound);
      size_t n = ZSTD_compress2(holder.ctx, frame, bound, data.data(), data.size());
      AssignFrame(frame, ZSTD_isError(n) ? 0 : n, out);
      return;
    }
  }
  out->assign(data);
}

std::string CompressFrame(OutputFormat format, std::string_view data) {
  std::string out;
  CompressFrameInto(format, data, &out);
  return out;
}

namespace {
// A file of already-compressed frames.
class FrameFile : public FileBase {
 public:
  Status Open(const std::string& path) { return OpenTemp(path); }
  Status Write(std::string_view bytes) override { return RawWrite(bytes.data(), bytes.size()); }
  Status AddFrame(std::string_view frame, uint64_t uncompressed) {
    bytes_ += uncompressed;
    return RawWrite(frame.data(), frame.size());
  }
  Status Commit() override { return CloseAndRename(); }
};
}  // namespace

Status ChunkedWriter::WriteFrame(std::string_view frame, uint64_t uncompressed, int64_t records) {
  if (file_ && file_->uncompressed_bytes() + uncompressed > max_bytes_ && file_->uncompressed_bytes() > 0) {
    SLUICE_RETURN_IF_ERROR(file_->Commit());
    committed_.push_back(file_->path());
    file_.reset();
    ++chunk_;
  }
  if (!file_) {
    char name[32];
    snprintf(name, sizeof name, "-%04d", chunk_);
    std::string path = dir_ + "/" + stem_ + name + OutputExtension(format_);
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return Status::Io("cannot create directory '" + dir_ + "': " + ec.message());
    auto f = std::make_unique<FrameFile>();
    SLUICE_RETURN_IF_ERROR(f->Open(path));
    file_ = std::move(f);
  }
  records_ += records;
  return static_cast<FrameFile*>(file_.get())->AddFrame(frame, uncompressed);
}

ChunkedWriter::~ChunkedWriter() = default;  // pending jobs are shared with the compressor

Status ChunkedWriter::WriteRecords(std::string&& data, int64_t records) {
  if (!pending_error_.ok()) return pending_error_;
  auto job = std::make_shared<FrameJob>();
  job->format = format_;
  job->records = records;
  job->uncompressed = data.size();
  if (format_ == OutputFormat::kJsonl) {
    job->output = std::move(data);  // the frame is the data
    job->done = true;
  } else if (compress_threads_ <= 0) {
    job->output = BufferPool::Shared().Acquire();
    CompressFrameInto(format_, data, &job->output);
    BufferPool::Shared().Release(std::move(data));
    job->done = true;
  } else {
    job->input = std::move(data);
    job->output = BufferPool::Shared().Acquire();
    FrameCompressor& compressor = FrameCompressor::Shared();
    compressor.EnsureThreads(compress_threads_);
    compressor.Submit(job);
  }
  pending_.push_back(std::move(job));
  return WritePending(false);
}

Status ChunkedWriter::WritePending(bool wait_all) {
  // Frames waiting beyond this block the caller (memory stays bounded).
  const size_t max_pending = static_cast<size_t>(2 * std::max(1, compress_threads_) + 2);
  FrameCompressor& compressor = FrameCompressor::Shared();
  while (!pending_.empty()) {
    FrameJob& job = *pending_.front();
    if (!compressor.IsDone(job)) {
      if (!wait_all && pending_.size() <= max_pending) break;
      compressor.Wait(job);
    }
    Status s = WriteFrame(job.output, job.uncompressed, job.records);
    BufferPool::Shared().Release(std::move(job.output));
    pending_.pop_front();
    if (!s.ok()) {
      pending_error_ = s;
      pending_.clear();
      return s;
    }
  }
  return Status::Ok();
}

Status ChunkedWriter::Close() {
  if (!pending_error_.ok()) return pending_error_;
  SLUICE_RETURN_IF_ERROR(WritePending(true));
  if (!file_) return Status::Ok();
  SLUICE_RETURN_IF_ERROR(file_->Commit());
  committed_.push_back(file_->path());
  file_.reset();
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  auto f = OutputFile::Create(path, OutputFormat::kJsonl);
  if (!f.ok()) return f.status();
  SLUICE_RETURN_IF_ERROR((*f)->Write(content));
  return (*f)->Commit();
}

}  // namespace sluice
