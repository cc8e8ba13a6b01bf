// End to end through the sluice binary: normalize -> language_id -> exact_dedup
// -> line_dedup on real multilingual text gives byte-identical kept and rejected
// output for 1 and 2 threads, and every record is accounted for.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "stages/io/json_writer.h"

namespace fs = std::filesystem;

namespace {

std::string ReadGz(const std::string& path) {
  std::string out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, n);
  gzclose(f);
  return out;
}

std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const char* sub : {"kept", "rejected"}) {
    if (!fs::exists(root / sub)) continue;
    for (auto& e : fs::recursive_directory_iterator(root / sub)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      files[fs::relative(e.path(), root).string()] = ss.str();
    }
  }
  return files;
}

size_t CountLines(const std::map<std::string, std::string>& files, const std::string& prefix) {
  size_t n = 0;
  for (const auto& [name, body] : files) {
    if (name.rfind(prefix, 0) == 0) n += static_cast<size_t>(std::count(body.begin(), body.end(), '\n'));
  }
  return n;
}

}  // namespace

TEST_CASE("textprep stages: deterministic for 1 and 2 threads on real text", "[textprep_pipeline]") {
  fs::path dir = fs::temp_directory_path() / ("sluice_textprep_e2e_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  size_t records = 0;
  {
    std::ofstream in(dir / "in.jsonl");
    for (const char* lang : {"en", "de", "zh-cn", "ja"}) {
      std::string text = ReadGz(std::string("/usr/share/debian-reference/debian-reference.") + lang + ".txt.gz");
      REQUIRE(!text.empty());
      // Documents of ~20 lines; every 7th document is repeated, every document
      // gets the same footer line (line_dedup removes it after the first).
      std::istringstream lines(text);
      std::string line, doc;
      int n = 0, k = 0;
      while (std::getline(lines, line)) {
        doc += line + "\n";
        if (++n % 20 != 0) continue;
        doc += "Copyright 1998-2024 The Debian Reference authors, all rights reserved.\n";
        std::string id = std::string(lang) + "-" + std::to_string(k++);
        in << "{\"id\":" << sluice::JsonString(id) << ",\"text\":" << sluice::JsonString(doc) << "}\n";
        ++records;
        if (k % 7 == 0) {
          in << "{\"id\":" << sluice::JsonString(id + "-copy") << ",\"text\":" << sluice::JsonString(doc) << "}\n";
          ++records;
        }
        doc.clear();
      }
    }
  }
  {
    std::ofstream r(dir / "recipe.yaml");
    r << "stages:\n"
         "  - {type: normalize}\n"
         "  - {type: language_id, per_paragraph: true, route: true}\n"
         "  - {type: exact_dedup}\n"
         "  - {type: line_dedup, min_remaining_chars: 50}\n";
  }
  auto run = [&](int threads) {
    fs::path out = dir / ("out" + std::to_string(threads));
    std::string cmd = std::string(SLUICE_BINARY) + " run " + (dir / "recipe.yaml").string() + " -i " +
                      (dir / "in.jsonl").string() + " -o " + out.string() +
                      " --format jsonl -q --no-report --threads " + std::to_string(threads) + " > " +
                      (dir / "log").string() + " 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return Tree(out);
  };
  auto one = run(1);
  auto two = run(2);
  REQUIRE(one.size() == two.size());
  for (const auto& [name, body] : one) {
    INFO(name);
    REQUIRE(two.count(name) == 1);
    CHECK(two[name] == body);
  }
  size_t kept = CountLines(one, "kept/");
  size_t rejected = CountLines(one, "rejected/");
  CHECK(kept + rejected == records);
  CHECK(one.count("kept/zh/part-00000-0000.jsonl") == 1);
  CHECK(one.count("kept/ja/part-00000-0000.jsonl") == 1);
  // Every "-copy" record is rejected as a duplicate of its original.
  const std::string& rej = one["rejected/part-00000-0000.jsonl"];
  CHECK(rej.find("\"duplicate of en-6\"") != std::string::npos);
  CHECK(rej.find("\"duplicate of zh-cn-13\"") != std::string::npos);
  fs::remove_all(dir);
}
