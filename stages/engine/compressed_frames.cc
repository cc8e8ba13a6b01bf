#include "stages/engine/compressed_frames.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
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

Status ForEachFrameBoundary(const std::string& path, Compression compression,
                            const std::function<bool(uint64_t offset)>& on_boundary) {
  if (compression == Compression::kNone) return Status::Ok();
  MappedFile file;
  SLUICE_RETURN_IF_ERROR(file.Open(path));
  const unsigned char* p = file.data();
  const size_t size = file.size();
  size_t pos = 0;
  while (pos < size) {
    size_t frame = 0;
    if (compression == Compression::kZstd) {
      frame = ZSTD_findFrameCompressedSize(p + pos, size - pos);
      if (ZSTD_isError(frame)) frame = 0;
    } else {
      frame = BgzfMemberSize(p + pos, size - pos);
    }
    if (frame == 0) break;  // the rest is one piece
    pos += frame;
    if (pos < size && !on_boundary(pos)) break;
  }
  return Status::Ok();
}

}  // namespace sluice
