// Sub-file shards of compressed inputs, end to end: `sluice run --executor
// local --shards 4` on ONE multi-frame .jsonl.zst (frames cut mid-line, as a
// parallel compressor cuts them) writes what one process writes, byte for
// byte, and every shard reads a real share of the records.
#include <zstd.h>

#include <catch2/catch.hpp>

#include "slurm_test_util.h"

namespace sluice {
namespace {

using namespace sluice::testing;

// totals.in of every shard's stats file.
std::vector<int64_t> ShardIn(const fs::path& out, int shards) {
  std::vector<int64_t> in;
  for (int i = 0; i < shards; ++i) {
    const fs::path f = out / "stats" / ("shard-" + std::to_string(i) + "-of-" + std::to_string(shards) + ".json");
    in.push_back(StatsTotal(f, "in"));
  }
  return in;
}

// `text` as independent zstd frames of `frame_bytes` decompressed bytes each
// (the last one shorter), cut wherever the count falls.
std::string FramesOf(const std::string& text, size_t frame_bytes) {
  std::string out;
  for (size_t pos = 0; pos < text.size(); pos += frame_bytes) {
    const size_t n = std::min(frame_bytes, text.size() - pos);
    std::string frame(ZSTD_compressBound(n), '\0');
    const size_t got = ZSTD_compress(frame.data(), frame.size(), text.data() + pos, n, 3);
    REQUIRE_FALSE(ZSTD_isError(got));
    out.append(frame.data(), got);
  }
  return out;
}

TEST_CASE("sharded: one multi-frame .jsonl.zst is cut at frames across 4 shards, == one process byte for byte",
          "[plan][compressed_slices][slow]") {
  ScratchDir dir("sharded-one-zst");
  std::string log;
  REQUIRE(MakeOneFileSample(dir.path, &log));
  {
    const std::string text = Slurp(dir.path / "one.jsonl");
    // A few malformed lines too: their file and line must survive the cut.
    std::string with_bad;
    size_t line = 0;
    for (size_t pos = 0; pos < text.size(); ++line) {
      const size_t nl = text.find('\n', pos);
      const size_t end = nl == std::string::npos ? text.size() : nl + 1;
      with_bad.append(text, pos, end - pos);
      if (line % 97 == 50) with_bad += "{\"text\": not json}\n";
      pos = end;
    }
    std::ofstream out(dir.path / "one.jsonl.zst", std::ios::binary);
    out << FramesOf(with_bad, 40000);
    REQUIRE(out);
  }
  fs::remove(dir.path / "one.jsonl");
  const std::string bin = SLUICE_BINARY;
  const std::string base = "cd " + dir.path.string() + " && ";
  REQUIRE(RunShell(base + bin + " run one.jsonl.zst -o single -q --threads 2", &log) == 0);
  REQUIRE(RunShell(base + bin + " run one.jsonl.zst -o s4 -q --executor local --shards 4 --threads 2", &log) == 0);
  CheckSameOutputs(dir.path / "single", dir.path / "s4", false);
  CHECK_FALSE(Concatenated(dir.path / "single" / "malformed").empty());
  const std::vector<int64_t> in = ShardIn(dir.path / "s4", 4);
  const int64_t total = in[0] + in[1] + in[2] + in[3];
  CHECK(total == StatsTotal(dir.path / "single" / "stats.json", "in"));
  for (int64_t n : in) {
    INFO("records per shard " << in[0] << " " << in[1] << " " << in[2] << " " << in[3]);
    CHECK(n * 100 >= total * 15);
  }
  // The cut input's later parts are files of their own, in input order by name.
  CHECK(FileNames(dir.path / "s4" / "kept").size() > 1);
  CHECK(FileNames(dir.path / "s4" / "kept").front() == "part-00000-0000.jsonl.zst");
}

}  // namespace
}  // namespace sluice
