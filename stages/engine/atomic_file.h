// AtomicFile: a file written under a temporary name (path + ".tmp.<pid>", so
// concurrent processes never share one) and renamed into place by Commit().
// Readers never see a partial file; a writer destroyed before Commit() (an
// error, an exception) removes its temporary file. Not thread-safe.
#pragma once

#include <cstdio>
#include <string>

#include "stages/engine/status.h"

namespace sluice {

class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();
  // Creates the parent directories and opens the temporary file for writing,
  // fully buffered with `buffer_bytes`.
  Status Open(const std::string& path, size_t buffer_bytes = 1 << 20);
  // Writes all of `data`; errors name the temporary file.
  Status Write(const void* data, size_t size);
  // Closes and renames into place.
  Status Commit();
  const std::string& temp_path() const { return tmp_; }

 private:
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
};

}  // namespace sluice
