#include "stages/engine/compressed_frames.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <memory>
#include <vector>
#include <cstdio>
#include <cstring>

#include "stages/io/show_path.h"

namespace sluice {

namespace {

// A read-only mapping of a whole file (empty files map to nothing).
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ != nullptr) munmap(const_cast<unsigned char*>(data_), size_);
  }
  Status Open(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::Io(CannotOpenMessage("input", path, errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
      const int err = errno;
      close(fd);
      return Status::Io("cannot stat input '" + ShowPath(path) + "': " + strerror(err));
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        const int err = errno;
        close(fd);
        size_ = 0;
        return Status::Io("cannot map input '" + ShowPath(path) + "': " + strerror(err));
      }
      data_ = static_cast<const unsigned char*>(p);
    }
    close(fd);
    return Status::Ok();
  }
  const unsigned char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const unsigned char* data_ = nullptr;
  size_t size_ = 0;
};

// The size a BGZF member header at p (n bytes available) declares, or 0 when
// p does not start a BGZF header: gzip magic, deflate, FEXTRA with a "BC"
// subfield of two bytes holding the member's size minus one, at least the
// header and the trailer (CRC32, ISIZE).
size_t BgzfDeclaredSize(const unsigned char* p, size_t n) {
  if (n < 18 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 || (p[3] & 4) == 0) return 0;
  const size_t xlen = p[10] | (static_cast<size_t>(p[11]) << 8);
  if (12 + xlen > n) return 0;
  for (size_t at = 12; at + 4 <= 12 + xlen;) {
    const size_t slen = p[at + 2] | (static_cast<size_t>(p[at + 3]) << 8);
    if (at + 4 + slen > 12 + xlen) return 0;
    if (p[at] == 'B' && p[at + 1] == 'C' && slen == 2) {
      const size_t size = (p[at + 4] | (static_cast<size_t>(p[at + 5]) << 8)) + 1;
      return size < 12 + xlen + 8 ? 0 : size;
    }
    at += 4 + slen;
  }
  return 0;
}

// The size of the complete BGZF member at p, or 0.
size_t BgzfMemberSize(const unsigned char* p, size_t n) {
  const size_t size = BgzfDeclaredSize(p, n);
  return size <= n ? size : 0;
}

}  // namespace

bool IsBgzfFile(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  unsigned char head[512];
  const size_t n = fread(head, 1, sizeof head, f);
  fclose(f);
  return BgzfDeclaredSize(head, n) != 0;
}

StatusOr<std::vector<CompressedFrame>> ListFrames(const std::string& path, Compression compression) {
  MappedFile file;
  SLUICE_RETURN_IF_ERROR(file.Open(path));
  const unsigned char* p = file.data();
  const size_t size = file.size();
  std::vector<CompressedFrame> frames;
  size_t pos = 0;
  while (compression != Compression::kNone && pos < size) {
    CompressedFrame f;
    f.offset = pos;
    if (compression == Compression::kZstd) {
      const size_t n = ZSTD_findFrameCompressedSize(p + pos, size - pos);
      if (ZSTD_isError(n)) break;
      f.bytes = n;
      const uint32_t magic = p[pos] | (uint32_t{p[pos + 1]} << 8) | (uint32_t{p[pos + 2]} << 16) | (uint32_t{p[pos + 3]} << 24);
      if ((magic & 0xFFFFFFF0u) == 0x184D2A50u) {  // a skippable frame: no content
        f.content_bytes = 0;
      } else {
        const unsigned long long content = ZSTD_getFrameContentSize(p + pos, size - pos);
        if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != ZSTD_CONTENTSIZE_ERROR) f.content_bytes = content;
      }
    } else {
      const size_t n = BgzfMemberSize(p + pos, size - pos);
      if (n == 0) break;
      f.bytes = n;
      const unsigned char* isize = p + pos + n - 4;  // the trailer's ISIZE (a member holds < 64 KiB)
      f.content_bytes = isize[0] | (uint32_t{isize[1]} << 8) | (uint32_t{isize[2]} << 16) | (uint32_t{isize[3]} << 24);
    }
    frames.push_back(f);
    pos += f.bytes;
  }
  if (pos < size || frames.empty()) {
    // The rest is one piece: it joins the frame before (or is the only one).
    if (frames.empty()) frames.push_back(CompressedFrame{0, 0, kUnknownContentBytes});
    frames.back().bytes = size - frames.back().offset;
    if (pos < size) frames.back().content_bytes = kUnknownContentBytes;
  }
  return frames;
}

Status MeasureUndeclaredFrames(const std::string& path, std::vector<CompressedFrame>* frames,
                               uint64_t max_compressed_bytes) {
  uint64_t undeclared = 0;
  for (const CompressedFrame& f : *frames) {
    if (f.content_bytes == kUnknownContentBytes) undeclared += f.bytes;
  }
  if (undeclared == 0 || undeclared > max_compressed_bytes) return Status::Ok();
  MappedFile file;
  SLUICE_RETURN_IF_ERROR(file.Open(path));
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  std::vector<char> scratch(ZSTD_DStreamOutSize());
  for (CompressedFrame& f : *frames) {
    if (f.content_bytes != kUnknownContentBytes || f.offset + f.bytes > file.size()) continue;
    ZSTD_DCtx_reset(dctx.get(), ZSTD_reset_session_only);
    ZSTD_inBuffer in{file.data() + f.offset, static_cast<size_t>(f.bytes), 0};
    uint64_t out_bytes = 0;
    size_t ret = 1;
    while (ret != 0) {
      ZSTD_outBuffer out{scratch.data(), scratch.size(), 0};
      ret = ZSTD_decompressStream(dctx.get(), &out, &in);
      if (ZSTD_isError(ret)) break;
      out_bytes += out.pos;
      if (ret != 0 && in.pos == in.size && out.pos < out.size) break;  // the frame ends early: damaged
    }
    // Exactly one whole frame decoded: its size is known now.
    if (ret == 0 && in.pos == in.size) f.content_bytes = out_bytes;
  }
  return Status::Ok();
}

}  // namespace sluice
