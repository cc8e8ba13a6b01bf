#include "stages/engine/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice {

AtomicFile::~AtomicFile() {
  if (f_) {
    std::fclose(f_);
    std::remove(tmp_.c_str());
  }
}

Status AtomicFile::Open(const std::string& path, size_t buffer_bytes) {
  path_ = path;
  tmp_ = path + ".tmp." + std::to_string(getpid());
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  f_ = std::fopen(tmp_.c_str(), "wb");
  if (!f_) return Status::Io("cannot write '" + tmp_ + "': " + std::strerror(errno));
  std::setvbuf(f_, nullptr, _IOFBF, buffer_bytes);
  return Status::Ok();
}

Status AtomicFile::Write(const void* data, size_t size) {
  if (!f_) return Status::Internal("'" + path_ + "' is not open");
  if (size && std::fwrite(data, 1, size, f_) != size) {
    return Status::Io("cannot write '" + tmp_ + "': " + std::strerror(errno));
  }
  return Status::Ok();
}

Status AtomicFile::Commit() {
  if (!f_) return Status::Internal("'" + path_ + "' is not open");
  const bool ok = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!ok || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    std::remove(tmp_.c_str());
    return Status::Io("cannot write '" + path_ + "': " + err);
  }
  return Status::Ok();
}

}  // namespace sluice
