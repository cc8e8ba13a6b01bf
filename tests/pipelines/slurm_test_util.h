// Helpers shared by the sharded-executor and Slurm tests: run the sluice
// binary, build a multi-file corpus from the sample, compare two run outputs.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "stages/engine/run_stats.h"
#include "stages/io/byte_stream.h"
#include "stages/io/record_reader.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "stages/io/json_writer.h"

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

// Concatenation of every file in dir, in file-name order, decompressed (.gz,
// .zst): the same records in the same order, however runs cut their parts.
inline std::string Concatenated(const fs::path& dir) {
  std::string all;
  for (const auto& name : FileNames(dir)) {
    const std::string path = (dir / name).string();
    auto stream = ByteStream::Open(path, DescribeInput(path).compression);
    if (!stream.ok()) return "<cannot read " + path + ">";
    char buf[1 << 16];
    while (size_t n = (*stream)->Read(buf, sizeof buf)) all.append(buf, n);
    if (!(*stream)->error().empty()) return "<damaged " + path + ">";
  }
  return all;
}

// totals.<key> of a stats JSON (-1 when missing).
inline int64_t StatsTotal(const fs::path& stats, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  int64_t v = -1;
  if (parser.load(stats.string()).get(doc)) return -1;
  if (doc["totals"][key].get_int64().get(v)) return -1;
  return v;
}

// stats.json without its "timing" object (the only part that may differ
// between runs), minified.
inline std::string StatsWithoutTiming(const fs::path& stats) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.load(stats.string()).get(doc)) return "";
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return "";
  std::string out = "{";
  for (simdjson::dom::key_value_pair field : obj) {
    if (field.key == "timing") continue;
    out += JsonString(field.key) + ":" + simdjson::minify(field.value) + ",";
  }
  return out + "}";
}

// The minified value at `key` of the stats JSON at path ("" when missing).
inline std::string StatsValue(const fs::path& stats, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc, v;
  if (parser.load(stats.string()).get(doc)) return "";
  if (doc.at_key(key).get(v)) return "";
  return simdjson::minify(v);
}

// The sample split in 5 files plus in/zz-dups.jsonl (the last input, so in
// other shards than the originals): exact copies, near-duplicates (one word
// added) and copies with a shared boilerplate line of documents of part-00
// and part-01.
inline bool MakeDuplicatedSample(const fs::path& dir, std::string* log) {
  if (!MakeSplitSample(dir, 5, log)) return false;
  std::ofstream dups(dir / "in" / "zz-dups.jsonl", std::ios::binary);
  int n = 0;
  for (const char* part : {"part-00.jsonl", "part-01.jsonl"}) {
    std::ifstream in(dir / "in" / part, std::ios::binary);
    for (std::string line; std::getline(in, line) && n < 80; ++n) {
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      if (parser.parse(line).get(doc)) continue;
      std::string_view id, text;
      if (doc["id"].get_string().get(id) || doc["text"].get_string().get(text)) continue;
      const std::string sid(id), stext(text);
      switch (n % 3) {
        case 0:
          dups << "{\"id\":" << JsonString(sid + "-copy") << ",\"text\":" << JsonString(stext) << "}\n";
          break;
        case 1:
          dups << "{\"id\":" << JsonString(sid + "-near") << ",\"text\":" << JsonString("Indeed, " + stext)
               << "}\n";
          break;
        default:
          dups << "{\"id\":" << JsonString(sid + "-boiler") << ",\"text\":"
               << JsonString(stext + "\nShare this page with your friends and family on every social network.")
               << "}\n";
          dups << "{\"id\":" << JsonString(sid + "-boiler2") << ",\"text\":"
               << JsonString("Share this page with your friends and family on every social network.\n" + stext +
                             " More words follow here.")
               << "}\n";
      }
    }
  }
  return n > 0;
}

// MakeDuplicatedSample, then every input of it concatenated into dir/one.jsonl
// (one big file for the sub-file shard tests).
inline bool MakeOneFileSample(const fs::path& dir, std::string* log) {
  if (!MakeDuplicatedSample(dir, log)) return false;
  std::ofstream all(dir / "one.jsonl", std::ios::binary);
  for (const auto& name : FileNames(dir / "in")) all << Slurp(dir / "in" / name);
  return static_cast<bool>(all);
}


// One process and a sharded run wrote the same records (in the same order)
// and the same statistics but for "timing" (reports included: the merge
// recomputes them over the whole run): the same RunStats field by field (a
// difference is named by its path), and the same stats.json bytes. Part file
// names may differ: a sharded run cuts big inputs into parts.
inline void CheckSameOutputs(const fs::path& a, const fs::path& b, bool tokenizer) {
  INFO(a.string() << " vs " << b.string());
  for (const char* sub : {"kept", "rejected", "malformed"}) {
    INFO(sub);
    CHECK(Concatenated(a / sub) == Concatenated(b / sub));
  }
  CHECK_FALSE(Concatenated(a / "kept").empty());
  CHECK_FALSE(Concatenated(a / "rejected").empty());
  if (tokenizer) {
    CHECK(FileNames(a / "tokenizer") == FileNames(b / "tokenizer"));
    CHECK(FileNames(a / "tokenizer").size() >= 3);
    for (const auto& f : FileNames(a / "tokenizer")) {
      INFO(f);
      CHECK(Slurp(a / "tokenizer" / f) == Slurp(b / "tokenizer" / f));
    }
  }
  auto stats_a = LoadRunStats((a / "stats.json").string());
  auto stats_b = LoadRunStats((b / "stats.json").string());
  REQUIRE(stats_a.ok());
  REQUIRE(stats_b.ok());
  CHECK(stats_a->totals.in > 0);
  CHECK(RunStatsDifferences(*stats_a, *stats_b) == std::vector<std::string>{});
  CHECK(StatsWithoutTiming(a / "stats.json") == StatsWithoutTiming(b / "stats.json"));
}

}  // namespace sluice::testing
