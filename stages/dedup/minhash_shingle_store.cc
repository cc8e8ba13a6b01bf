#include "stages/dedup/minhash_shingle_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "stages/engine/large_memory.h"
#include "stages/dedup/minhash_signature.h"

namespace sluice {

namespace {
constexpr size_t kWriteBufferValues = size_t{1} << 18;  // 1 MiB
}  // namespace

double SetJaccard32(const uint32_t* x, size_t nx, const uint32_t* y, size_t ny) {
  if (nx == 0 && ny == 0) return 0.0;  // never a near-duplicate of nothing
  return SortedSetJaccard(x, nx, y, ny);
}

void SortUnique32(std::vector<uint32_t>* values) {
  const size_t n = values->size();
  if (n <= 16) {
    std::sort(values->begin(), values->end());
  } else {
    // The values are hashes, uniform over 32 bits: one counting pass on the
    // top ceil(log2 n) bits puts ~1 value per bucket, and an insertion sort
    // finishes in ~n steps. A comparison sort of random keys mispredicts about
    // every other branch; this has no unpredictable branch. Should the values
    // not be uniform (the same few repeated, say), the insertion sort's moves
    // are capped and std::sort takes over.
    int bits = 4;
    while (bits < 16 && (size_t{1} << bits) < n) ++bits;
    const int shift = 32 - bits;
    thread_local std::vector<uint32_t> counts;
    thread_local std::vector<uint32_t> tmp;
    counts.assign((size_t{1} << bits) + 1, 0);
    tmp.resize(n);
    uint32_t* v = values->data();
    for (size_t i = 0; i < n; ++i) ++counts[(v[i] >> shift) + 1];
    for (size_t b = 1; b < counts.size(); ++b) counts[b] += counts[b - 1];
    for (size_t i = 0; i < n; ++i) tmp[counts[v[i] >> shift]++] = v[i];
    size_t budget = 8 * n;
    bool sorted = true;
    for (size_t i = 1; i < n; ++i) {
      const uint32_t x = tmp[i];
      size_t j = i;
      for (; j > 0 && tmp[j - 1] > x; --j) tmp[j] = tmp[j - 1];
      tmp[j] = x;
      const size_t moved = i - j;
      if (moved > budget) {
        sorted = false;
        break;
      }
      budget -= moved;
    }
    if (!sorted) std::sort(tmp.begin(), tmp.end());
    values->swap(tmp);
  }
  values->erase(std::unique(values->begin(), values->end()), values->end());
}

void ShingleSet32(const std::vector<uint64_t>& shingles, std::vector<uint32_t>* set) {
  set->resize(shingles.size());
  for (size_t i = 0; i < shingles.size(); ++i) (*set)[i] = static_cast<uint32_t>(shingles[i]);
  SortUnique32(set);
}

ShingleSetStore::ShingleSetStore(size_t memory_budget, std::string spill_dir)
    : budget_values_(memory_budget / sizeof(uint32_t)), spill_dir_(std::move(spill_dir)) {}

ShingleSetStore::~ShingleSetStore() {
  if (fd_ >= 0) ::close(fd_);
}

ShingleSetStore::ShingleSetStore(ShingleSetStore&& other) noexcept { *this = std::move(other); }

ShingleSetStore& ShingleSetStore::operator=(ShingleSetStore&& other) noexcept {
  if (this == &other) return *this;
  if (fd_ >= 0) ::close(fd_);
  budget_values_ = other.budget_values_;
  spill_dir_ = std::move(other.spill_dir_);
  chunks_ = std::move(other.chunks_);
  ram_values_ = other.ram_values_;
  ram_capacity_ = other.ram_capacity_;
  chunk_used_ = other.chunk_used_;
  chunk_capacity_ = other.chunk_capacity_;
  locations_ = std::move(other.locations_);
  counts_ = std::move(other.counts_);
  fd_ = other.fd_;
  other.fd_ = -1;
  file_values_ = other.file_values_;
  flushed_values_ = other.flushed_values_;
  write_buf_ = std::move(other.write_buf_);
  read_buf_ = std::move(other.read_buf_);
  spill_error_ = std::move(other.spill_error_);
  read_error_ = std::move(other.read_error_);
  return *this;
}

bool ShingleSetStore::OpenSpill() {
  std::string dir = spill_dir_;
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir = tmp && *tmp ? tmp : "/var/tmp";
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = (std::filesystem::path(dir) / "sluice-minhash-shingles-XXXXXX").string();
  int fd = ::mkstemp(path.data());
  if (fd < 0) {
    spill_error_ = Status::Io("cannot create a MinHash spill file in '" + dir + "': " + std::strerror(errno));
    return false;
  }
  ::unlink(path.c_str());  // removed with the process, whatever happens
  fd_ = fd;
  return true;
}

bool ShingleSetStore::FlushWrites() {
  const char* p = reinterpret_cast<const char*>(write_buf_.data());
  size_t left = write_buf_.size() * sizeof(uint32_t);
  off_t at = static_cast<off_t>(flushed_values_ * sizeof(uint32_t));
  while (left > 0) {
    ssize_t w = ::pwrite(fd_, p, left, at);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      spill_error_ = Status::Io(std::string("write error on the MinHash spill file: ") + std::strerror(errno));
      return false;
    }
    p += w;
    left -= static_cast<size_t>(w);
    at += w;
  }
  flushed_values_ += write_buf_.size();
  write_buf_.clear();
  return true;
}

void ShingleSetStore::Append(const uint32_t* set, size_t n) {
  counts_.push_back(static_cast<uint32_t>(n));
  bool to_file = spill_error_.ok() && ram_values_ + n > budget_values_ && (fd_ >= 0 || OpenSpill());
  if (to_file) {
    locations_.push_back(kInFile | file_values_);
    write_buf_.insert(write_buf_.end(), set, set + n);
    file_values_ += n;
    if (write_buf_.size() >= kWriteBufferValues && !FlushWrites()) {
      // The buffered sets stay readable from write_buf_, which now just keeps growing in RAM.
    }
    return;
  }
  uint64_t location = 0;
  uint32_t* to = AllocateRam(n, &location);
  locations_.push_back(location);
  if (n) std::memcpy(to, set, n * sizeof(uint32_t));
  ram_values_ += n;
}

uint32_t* ShingleSetStore::AllocateRam(size_t n, uint64_t* location) {
  if (chunks_.empty() || chunk_used_ + n > chunk_capacity_) {
    // The next chunk doubles the RAM held, within kMaxChunkValues and (unless
    // the set alone is larger) the room left in the budget.
    size_t size = std::clamp<size_t>(ram_capacity_, 1024, kMaxChunkValues);
    if (budget_values_ > ram_capacity_) size = std::min(size, budget_values_ - ram_capacity_);
    size = std::max(size, n);
    chunks_.push_back(std::make_unique_for_overwrite<uint32_t[]>(size));
    PrepareLargeRegion(chunks_.back().get(), size * sizeof(uint32_t));
    ram_capacity_ += size;
    chunk_capacity_ = size;
    chunk_used_ = 0;
  }
  *location = (static_cast<uint64_t>(chunks_.size() - 1) << 32) | chunk_used_;
  uint32_t* at = chunks_.back().get() + chunk_used_;
  chunk_used_ += n;
  return at;
}

bool ShingleSetStore::Get(size_t slot, const uint32_t** set, size_t* n) const {
  uint64_t loc = locations_[slot];
  *n = counts_[slot];
  if (!(loc & kInFile)) {
    *set = chunks_[loc >> 32].get() + (loc & 0xFFFFFFFFu);
    return true;
  }
  uint64_t at = loc & ~kInFile;
  if (at >= flushed_values_) {  // still in the write buffer
    *set = write_buf_.data() + (at - flushed_values_);
    return true;
  }
  read_buf_.resize(*n);
  char* p = reinterpret_cast<char*>(read_buf_.data());
  size_t left = *n * sizeof(uint32_t);
  off_t off = static_cast<off_t>(at * sizeof(uint32_t));
  while (left > 0) {
    ssize_t r = ::pread(fd_, p, left, off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (read_error_.ok()) {
        read_error_ = Status::Io(std::string("read error on the MinHash spill file: ") +
                                 (r < 0 ? std::strerror(errno) : "unexpected end of file"));
      }
      return false;
    }
    p += r;
    left -= static_cast<size_t>(r);
    off += r;
  }
  *set = read_buf_.data();
  return true;
}

size_t ShingleSetStore::MemoryBytes() const {
  return ram_capacity_ * sizeof(uint32_t) + chunks_.capacity() * sizeof(chunks_[0]) +
         locations_.capacity() * sizeof(uint64_t) +
         counts_.capacity() * sizeof(uint32_t) + write_buf_.capacity() * sizeof(uint32_t) +
         read_buf_.capacity() * sizeof(uint32_t);
}

}  // namespace sluice
