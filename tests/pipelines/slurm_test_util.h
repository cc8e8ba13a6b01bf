// Helpers shared by the sharded-executor and Slurm tests: run the sluice
// binary, build a multi-file corpus from the sample, compare two run outputs.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <simdjson.h>

namespace sluice::testing {

namespace fs = std::filesystem;

inline int RunShell(const std::string& cmd, std::string* out) {
  out->clear();
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  const int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ScratchDir {
  fs::path path;
  explicit ScratchDir(const std::string& tag) {
    path = fs::temp_directory_path() / ("sluice-" + tag + "-" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Builds the sample corpus (samples/build_sample.py) in dir/sample and splits
// its JSONL into `parts` files dir/in/part-NN.jsonl (contiguous line ranges).
// Returns false when the sample cannot be built.
inline bool MakeSplitSample(const fs::path& dir, int parts, std::string* log) {
  if (RunShell("python3 " SLUICE_SOURCE_DIR "/samples/build_sample.py " + (dir / "sample").string(), log) != 0) {
    return false;
  }
  std::ifstream in(dir / "sample" / "web-sample.jsonl", std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  fs::create_directories(dir / "in");
  size_t per = (lines.size() + parts - 1) / parts;
  for (int p = 0; p < parts; ++p) {
    char name[32];
    std::snprintf(name, sizeof name, "part-%02d.jsonl", p);
    std::ofstream out(dir / "in" / name, std::ios::binary);
    for (size_t i = p * per; i < std::min(lines.size(), (p + 1) * per); ++i) out << lines[i] << "\n";
  }
  return true;
}

// The recipe the equivalence tests run: per-document stages and a tokenizer sink.
inline const char* kShardedRecipe =
    "output: {format: jsonl}\n"
    "stages:\n"
    "  - {type: normalize}\n"
    "  - {type: gopher_quality}\n"
    "  - {type: train_tokenizer, vocab_size: 600}\n";

// Files below dir/sub, sorted by name.
inline std::vector<std::string> FileNames(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Concatenation of every file in dir, in file-name order.
inline std::string Concatenated(const fs::path& dir) {
  std::string all;
  for (const auto& name : FileNames(dir)) all += Slurp(dir / name);
  return all;
}

// The minified value at `key` of the stats JSON at path ("" when missing).
inline std::string StatsValue(const fs::path& stats, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc, v;
  if (parser.load(stats.string()).get(doc)) return "";
  if (doc.at_key(key).get(v)) return "";
  return simdjson::minify(v);
}

}  // namespace sluice::testing
