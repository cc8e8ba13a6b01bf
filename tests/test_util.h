// Helpers shared by the test suites: temporary directories, file I/O, running
// the sluice binary and reading (compressed) output files.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "stages/io/byte_stream.h"
#include "stages/io/record_reader.h"

namespace sluice::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sluice-test-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    path_ = mkdtemp(buf.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void WriteText(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Decompresses a .gz/.zst/plain file fully.
inline std::string ReadDecompressed(const std::string& path) {
  auto stream = ByteStream::Open(path, DescribeInput(path).compression);
  if (!stream.ok()) return "";
  std::string out;
  char buf[65536];
  while (size_t n = (*stream)->Read(buf, sizeof buf)) out.append(buf, n);
  return out;
}

// All files below `dir` (recursively), sorted, as paths relative to `dir`.
inline std::vector<std::string> ListFiles(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return out;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(std::filesystem::relative(e.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Concatenated decompressed content of every file below `dir`, in sorted order.
inline std::string ReadAllRecords(const std::string& dir) {
  std::string out;
  for (const auto& f : ListFiles(dir)) out += ReadDecompressed(dir + "/" + f);
  return out;
}

inline size_t CountLines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

// Runs `sluice <args>` (a shell fragment) and captures its output.
inline CommandResult RunSluice(const std::string& args) {
  std::string cmd = std::string(SLUICE_BINARY) + " " + args + " 2>&1";
  CommandResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string SourcePath(const std::string& rel) { return std::string(SLUICE_SOURCE_DIR) + "/" + rel; }

}  // namespace sluice::testing
