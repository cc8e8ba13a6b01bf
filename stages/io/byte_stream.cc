#include "stages/io/byte_stream.h"

#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "stages/io/show_path.h"
#include "stages/text/utf8.h"

namespace sluice {

namespace {

class FileReader {
 public:
  // `peeked`: bytes already taken from f (stdin's magic bytes), read first.
  // `limit`: at most this many bytes are read (until Unlimit()).
  explicit FileReader(FILE* f, bool owned, std::string peeked = "", uint64_t limit = UINT64_MAX)
      : f_(f), owned_(owned), peeked_(std::move(peeked)), left_(limit) {}
  ~FileReader() {
    if (owned_ && f_ != nullptr) fclose(f_);
  }
  size_t Read(char* buf, size_t n, std::string* error) {
    if (left_ == 0) return 0;
    if (n > left_) n = static_cast<size_t>(left_);
    size_t got = 0;
    if (peeked_pos_ < peeked_.size()) {
      got = std::min(n, peeked_.size() - peeked_pos_);
      memcpy(buf, peeked_.data() + peeked_pos_, got);
      peeked_pos_ += got;
    }
    if (got < n) {
      const size_t more = fread(buf + got, 1, n - got, f_);
      if (more < n - got && ferror(f_)) *error = std::string("read error: ") + strerror(errno);
      got += more;
    }
    if (left_ != UINT64_MAX) left_ -= got;
    return got;
  }
  // True when the limit, not the file's end, stopped reading.
  bool at_limit() const { return left_ == 0; }
  void Unlimit() { left_ = UINT64_MAX; }

 private:
  FILE* f_;
  bool owned_;
  std::string peeked_;
  size_t peeked_pos_ = 0;
  uint64_t left_;
};

// Magic bytes: gzip 1f 8b; zstd frames 28 b5 2f fd, skippable frames 5? 2a 4d 18.
bool IsGzipStart(const char* p, size_t n) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(p[i]); };
  if (n >= 1 && b(0) == 0x1f) return n < 2 || b(1) == 0x8b;
  // A zlib stream (deflate, header checksum) is accepted as zlib accepts it.
  return n >= 2 && (b(0) & 0x0f) == 8 && ((b(0) << 8) | b(1)) % 31 == 0;
}

bool IsZstdStart(const char* p, size_t n) {
  static const unsigned char kFrame[4] = {0x28, 0xb5, 0x2f, 0xfd};
  static const unsigned char kSkippable[3] = {0x2a, 0x4d, 0x18};
  const auto b = [&](size_t i) { return static_cast<unsigned char>(p[i]); };
  bool frame = true, skippable = n >= 1 && (b(0) & 0xf0) == 0x50;
  for (size_t i = 0; i < n && i < 4; ++i) {
    frame = frame && b(i) == kFrame[i];
    if (i >= 1) skippable = skippable && b(i) == kSkippable[i - 1];
  }
  return frame || skippable;
}

constexpr const char* kNotGzip =
    "not gzip data (it does not start with gzip's magic bytes 1f 8b: a plain file named .gz?)";
constexpr const char* kNotZstd =
    "not zstd data (it does not start with zstd's magic bytes 28 b5 2f fd: a plain file named .zst?)";

class PlainStream : public ByteStream {
 public:
  explicit PlainStream(std::unique_ptr<FileReader> file) : file_(std::move(file)) {}
  size_t Read(char* buf, size_t n) override {
    size_t got = file_->Read(buf, n, &error_);
    raw_bytes_ += got;
    return got;
  }

 private:
  std::unique_ptr<FileReader> file_;
};

// A decompressing stream over a FileReader. With a limited reader (OpenFrames)
// reading stops at the limit, which falls between two frames (members): the
// stream is then AtBoundary() until PassBoundary() lifts the limit.
class FramedStream : public ByteStream {
 public:
  bool AtBoundary() const override { return at_boundary_; }
  bool PassBoundary() override {
    if (!at_boundary_) return false;
    at_boundary_ = false;
    started_ = true;  // the bytes after a boundary start a frame or member; no check the whole read lacks
    file_->Unlimit();
    return true;
  }

 protected:
  FramedStream(std::unique_ptr<FileReader> file, size_t in_bytes) : file_(std::move(file)), in_(in_bytes) {}
  std::unique_ptr<FileReader> file_;
  std::vector<char> in_;
  bool done_ = false;
  bool at_boundary_ = false;
  bool started_ = false;  // the first bytes were checked
};

// gzip (and concatenated gzip members, as produced by `cat a.gz b.gz`).
class GzipStream : public FramedStream {
 public:
  explicit GzipStream(std::unique_ptr<FileReader> file) : FramedStream(std::move(file), 1 << 16) {
    memset(&zs_, 0, sizeof zs_);
    inflateInit2(&zs_, 15 + 32);
  }
  ~GzipStream() override { inflateEnd(&zs_); }

  size_t Read(char* buf, size_t n) override {
    if (done_ || at_boundary_) return 0;
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = static_cast<uInt>(n);
    while (zs_.avail_out == n) {
      if (zs_.avail_in == 0) {
        size_t got = file_->Read(in_.data(), in_.size(), &error_);
        raw_bytes_ += got;
        if (got == 0) {
          if (error_.empty() && file_->at_limit()) {
            if (!in_member_) {
              at_boundary_ = true;
              break;
            }
            error_ = "gzip member does not end where its BGZF block size says (corrupt BGZF file)";
          }
          if (error_.empty() && in_member_) error_ = "truncated gzip stream (unexpected end of file)";
          done_ = true;
          break;
        }
        if (!started_) {
          started_ = true;
          if (!IsGzipStart(in_.data(), got)) {
            error_ = kNotGzip;
            done_ = true;
            break;
          }
        }
        zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
        zs_.avail_in = static_cast<uInt>(got);
      }
      const bool member_start = !in_member_;
      in_member_ = true;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        ++members_;
        inflateReset(&zs_);  // another member may follow
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        error_ = std::string("corrupt gzip data: ") + (zs_.msg ? zs_.msg : "inflate failed");
        if (member_start && members_ > 0) {
          error_ += " after the end of gzip member " + std::to_string(members_) +
                    " (bytes that are not gzip follow the data; `gzip -d` ignores such trailing garbage with a "
                    "warning; the records before it were read)";
        }
        done_ = true;
        break;
      }
    }
    return n - zs_.avail_out;
  }

 private:
  z_stream zs_;
  bool in_member_ = false;
  uint64_t members_ = 0;  // gzip members decoded to their end
};

// zstd frames, skippable frames included (the decoder passes over them).
class ZstdStream : public FramedStream {
 public:
  explicit ZstdStream(std::unique_ptr<FileReader> file)
      : FramedStream(std::move(file), ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {}
  ~ZstdStream() override { ZSTD_freeDCtx(dctx_); }

  size_t Read(char* buf, size_t n) override {
    if (done_ || at_boundary_ || n == 0) return 0;
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0) {
      // A call that filled the whole output buffer may have left decoded bytes
      // inside the decoder: they are flushed before more input is read.
      if (input_.pos == input_.size && !flush_pending_) {
        size_t got = file_->Read(in_.data(), in_.size(), &error_);
        raw_bytes_ += got;
        if (got == 0) {
          if (error_.empty() && file_->at_limit()) {
            if (last_ret_ == 0) {
              at_boundary_ = true;
              break;
            }
            error_ = "zstd frame does not end at the end of its part (the file changed while it was read?)";
          }
          if (error_.empty() && last_ret_ != 0) error_ = "truncated zstd stream (unexpected end of file)";
          done_ = true;
          break;
        }
        if (!started_) {
          started_ = true;
          if (!IsZstdStart(in_.data(), got)) {
            error_ = kNotZstd;
            done_ = true;
            break;
          }
        }
        input_ = ZSTD_inBuffer{in_.data(), got, 0};
      }
      size_t ret = ZSTD_decompressStream(dctx_, &out, &input_);
      if (ZSTD_isError(ret)) {
        error_ = std::string("corrupt zstd data: ") + ZSTD_getErrorName(ret);
        if (ZSTD_getErrorCode(ret) == ZSTD_error_dictionary_wrong) {
          error_ += " (it was compressed with a zstd dictionary, which sluice does not load: decompress it first, "
                    "e.g. zstd -d -D DICT in.jsonl.zst -o in.jsonl)";
        }
        done_ = true;
        break;
      }
      last_ret_ = ret;
      flush_pending_ = ret != 0 && out.pos == out.size;
    }
    return out.pos;
  }

 private:
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  size_t last_ret_ = 0;
  bool flush_pending_ = false;
};

// An open file positioned at `begin`, or an error naming it.
StatusOr<FILE*> OpenAt(const std::string& path, uint64_t begin) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::Io(CannotOpenMessage("input", path, errno));
  if (begin > 0 && fseeko(f, static_cast<off_t>(begin), SEEK_SET) != 0) {
    std::string err = strerror(errno);
    fclose(f);
    return Status::Io("cannot seek in input '" + ShowPath(path) + "': " + err);
  }
  return f;
}

// Reads until `n` bytes or the end of the stream; returns how many were read.
size_t ReadUpTo(ByteStream& stream, char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    const size_t k = stream.Read(buf + got, n - got);
    if (k == 0) break;
    got += k;
  }
  return got;
}

// The byte order of UTF-16 text that starts with the mark FF FE or FE FF.
enum class Utf16Mark { kNone, kLittleEndian, kBigEndian };
Utf16Mark Utf16MarkOf(const char* p, size_t n) {
  if (n < 2) return Utf16Mark::kNone;
  const auto b0 = static_cast<unsigned char>(p[0]), b1 = static_cast<unsigned char>(p[1]);
  if (b0 == 0xFF && b1 == 0xFE) return Utf16Mark::kLittleEndian;
  if (b0 == 0xFE && b1 == 0xFF) return Utf16Mark::kBigEndian;
  return Utf16Mark::kNone;
}

// See DecodeUtf16WithBom. The first Read looks at the first bytes; without a
// byte order mark every later Read goes straight to the inner stream.
class Utf16BomStream : public ByteStream {
 public:
  explicit Utf16BomStream(std::unique_ptr<ByteStream> inner) : inner_(std::move(inner)) {}

  size_t Read(char* buf, size_t n) override {
    if (mode_ == Mode::kUnknown) Start();
    size_t out = 0;
    if (mode_ == Mode::kPassThrough) {
      // The bytes looked at first, then the inner stream directly.
      if (pos_ < pending_.size()) {
        out = std::min(n, pending_.size() - pos_);
        std::memcpy(buf, pending_.data() + pos_, out);
        pos_ += out;
      } else {
        out = inner_->Read(buf, n);
      }
      Sync();
      return out;
    }
    while (out < n) {
      if (pos_ == pending_.size() && !Convert()) break;
      const size_t k = std::min(n - out, pending_.size() - pos_);
      std::memcpy(buf + out, pending_.data() + pos_, k);
      pos_ += k;
      out += k;
    }
    return out;
  }
  bool AtBoundary() const override { return inner_->AtBoundary(); }
  bool PassBoundary() override { return inner_->PassBoundary(); }

 private:
  enum class Mode { kUnknown, kPassThrough, kLittleEndian, kBigEndian };
  static constexpr size_t kChunk = 1 << 16;

  void Sync() {
    raw_bytes_ = inner_->raw_bytes();
    if (error_.empty() && !inner_->error().empty()) error_ = inner_->error();
  }

  void Start() {
    pending_.resize(2);  // two bytes unless the stream is shorter
    pending_.resize(ReadUpTo(*inner_, pending_.data(), 2));
    Sync();
    switch (Utf16MarkOf(pending_.data(), pending_.size())) {
      case Utf16Mark::kNone: mode_ = Mode::kPassThrough; return;
      case Utf16Mark::kLittleEndian: mode_ = Mode::kLittleEndian; break;
      case Utf16Mark::kBigEndian: mode_ = Mode::kBigEndian; break;
    }
    pending_.clear();  // the mark itself is not text
  }

  // Converts the next chunk into pending_; false at the end of the text.
  bool Convert() {
    pending_.clear();
    pos_ = 0;
    while (pending_.empty() && !done_) {
      const size_t have = carry_.size();
      in_.resize(have + kChunk);
      std::memcpy(in_.data(), carry_.data(), have);
      const size_t got = inner_->Read(in_.data() + have, kChunk);
      Sync();
      const size_t len = have + got;
      const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(in_[i])); };
      size_t i = 0;
      for (; i + 2 <= len; i += 2) {
        const uint32_t u = mode_ == Mode::kBigEndian ? (byte(i) << 8) | byte(i + 1) : (byte(i + 1) << 8) | byte(i);
        if (high_ != 0) {
          const uint32_t high = high_;
          high_ = 0;
          if (u >= 0xDC00 && u <= 0xDFFF) {
            AppendUtf8(&pending_, 0x10000 + ((high - 0xD800) << 10) + (u - 0xDC00));
            continue;
          }
          AppendLoneSurrogate(high);
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
          high_ = u;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
          AppendLoneSurrogate(u);
        } else {
          AppendUtf8(&pending_, u);
        }
      }
      carry_.assign(in_.data() + i, len - i);
      if (got == 0) {  // end of the text (or an error, in error())
        if (high_ != 0) AppendLoneSurrogate(high_);
        if (!carry_.empty()) pending_.push_back(static_cast<char>(0xFF));  // an odd last byte
        high_ = 0;
        carry_.clear();
        done_ = true;
      }
    }
    return !pending_.empty();
  }

  // A lone surrogate becomes the byte FF: invalid UTF-8, so the reader's
  // repair makes it one U+FFFD and counts it like any other invalid byte.
  void AppendLoneSurrogate(uint32_t) { pending_.push_back(static_cast<char>(0xFF)); }

  std::unique_ptr<ByteStream> inner_;
  Mode mode_ = Mode::kUnknown;
  std::string pending_;  // output not yet handed out (UTF-8, or the first bytes in pass-through)
  size_t pos_ = 0;
  std::vector<char> in_;
  std::string carry_;  // an odd byte left at the end of a chunk
  uint32_t high_ = 0;  // a high surrogate waiting for its low half
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ByteStream> DecodeUtf16WithBom(std::unique_ptr<ByteStream> text) {
  return std::make_unique<Utf16BomStream>(std::move(text));
}

Compression SniffCompression(const char* p, size_t n) {
  if (n >= 2 && static_cast<unsigned char>(p[0]) == 0x1f && static_cast<unsigned char>(p[1]) == 0x8b) {
    return Compression::kGzip;
  }
  // A zstd frame or a skippable frame (5? 2a 4d 18, as pzstd writes first).
  if (n >= 4 && IsZstdStart(p, 4)) return Compression::kZstd;
  return Compression::kNone;
}

StatusOr<std::unique_ptr<ByteStream>> ByteStream::Open(const std::string& path, Compression compression) {
  std::unique_ptr<FileReader> file;
  if (path == "-") {
    // stdin has no name to tell: gzip or zstd data is known by its magic bytes.
    std::string peeked(4, '\0');
    peeked.resize(fread(peeked.data(), 1, peeked.size(), stdin));
    if (compression == Compression::kNone) compression = SniffCompression(peeked.data(), peeked.size());
    file = std::make_unique<FileReader>(stdin, false, std::move(peeked));
  } else {
    FILE* f = fopen(path.c_str(), "rb");
    if (f == nullptr) return Status::Io(CannotOpenMessage("input", path, errno));
    std::string peeked;
    if (compression == Compression::kNone) {
      // A name without .gz/.zst may still hold gzip or zstd data (a download
      // saved as data.jsonl): its magic bytes decide, as for stdin. (stdio
      // buffers the file: peeking costs no extra read.)
      peeked.resize(4);
      peeked.resize(fread(peeked.data(), 1, peeked.size(), f));
      compression = SniffCompression(peeked.data(), peeked.size());
    }
    file = std::make_unique<FileReader>(f, true, std::move(peeked));
  }
  std::unique_ptr<ByteStream> stream;
  switch (compression) {
    case Compression::kNone: stream = std::make_unique<PlainStream>(std::move(file)); break;
    case Compression::kGzip: stream = std::make_unique<GzipStream>(std::move(file)); break;
    case Compression::kZstd: stream = std::make_unique<ZstdStream>(std::move(file)); break;
  }
  return stream;
}

StatusOr<std::unique_ptr<ByteStream>> ByteStream::OpenRange(const std::string& path, uint64_t begin, uint64_t end) {
  auto f = OpenAt(path, begin);
  if (!f.ok()) return f.status();
  return std::unique_ptr<ByteStream>(
      std::make_unique<PlainStream>(std::make_unique<FileReader>(*f, true, "", end > begin ? end - begin : 0)));
}

StatusOr<std::unique_ptr<ByteStream>> ByteStream::OpenFrames(const std::string& path, Compression compression,
                                                             uint64_t begin, uint64_t end) {
  auto f = OpenAt(path, begin);
  if (!f.ok()) return f.status();
  // A part that ends at the end of the file has no boundary: its end is the
  // file's, and a frame cut there is a truncated file, reported as such.
  struct stat st;
  const bool to_eof = fstat(fileno(*f), &st) == 0 && end >= static_cast<uint64_t>(st.st_size);
  auto file = std::make_unique<FileReader>(*f, true, "", to_eof ? UINT64_MAX : (end > begin ? end - begin : 0));
  switch (compression) {
    case Compression::kGzip: return std::unique_ptr<ByteStream>(std::make_unique<GzipStream>(std::move(file)));
    case Compression::kZstd: return std::unique_ptr<ByteStream>(std::make_unique<ZstdStream>(std::move(file)));
    case Compression::kNone: break;
  }
  return Status::Internal("OpenFrames on an uncompressed input '" + ShowPath(path) + "'");
}

Compression SniffFileCompression(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return Compression::kNone;
  char head[4];
  const size_t got = fread(head, 1, sizeof(head), f);
  fclose(f);
  return SniffCompression(head, got);
}

bool StartsWithUtf16Bom(const InputFile& input) {
  if (input.path == "-") return false;
  auto stream = ByteStream::Open(input.path, input.compression);
  if (!stream.ok()) return false;
  char head[2];
  return Utf16MarkOf(head, ReadUpTo(**stream, head, 2)) != Utf16Mark::kNone;
}

}  // namespace sluice
