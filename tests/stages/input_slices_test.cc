// Sub-file shards (stages/engine/input_slices.h): slices cover every record of an
// input exactly once, with the line numbers of the whole file, for any shard
// count; assignment is contiguous and balanced; unsplittable inputs stay whole.
#include "stages/engine/input_slices.h"

#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "test_util.h"

namespace sluice {
namespace {

using testing::TempDir;
using testing::WriteText;

// Every (line, record) the whole input holds, read through `slices`.
std::vector<std::pair<uint64_t, std::string>> ReadSlices(const InputFile& in, const std::vector<InputSlice>& slices) {
  std::vector<std::pair<uint64_t, std::string>> out;
  ReaderOptions options;
  for (const auto& s : slices) {
    auto source = RecordSource::Open(in, options, s);
    REQUIRE(source.ok());
    RawRecord r;
    while ((*source)->Next(&r)) out.emplace_back(r.line, r.bytes);
    REQUIRE((*source)->error().empty());
  }
  return out;
}

TEST_CASE("input slices: every record once, in order, with whole-file line numbers", "[input_slices]") {
  TempDir dir;
  // Lines of very different lengths (a long one spans several nominal cuts),
  // blank lines, CRLF, multi-byte text and no final newline.
  std::string text;
  for (int i = 0; i < 4000; ++i) {
    if (i % 97 == 0) text += "\n";
    if (i == 1500) text += "{\"text\":\"" + std::string(300000, 'x') + "\"}\n";
    text += "{\"id\":\"" + std::to_string(i) + "\",\"text\":\"Привет мир 你好 नमस्ते " + std::to_string(i) + "\"}" +
            (i % 5 == 0 ? "\r\n" : "\n");
  }
  text += "{\"id\":\"last\",\"text\":\"no newline\"}";
  WriteText(dir / "a.jsonl", text);
  std::vector<InputFile> inputs = {DescribeInput(dir / "a.jsonl")};
  const auto whole = ReadSlices(inputs[0], {InputSlice{}});
  REQUIRE(whole.size() == 4002);
  for (int shards : {2, 3, 4, 7}) {
    INFO("shards " << shards);
    const auto planned = PlanSlices(inputs, ReaderOptions(), shards);
    CHECK(planned.size() > 1);
    std::vector<InputSlice> all;
    std::vector<int> owner;
    for (int s = 0; s < shards; ++s) {
      auto mine = SlicesForShard(inputs, ReaderOptions(), s, shards);
      REQUIRE(mine.ok());
      for (const auto& sl : *mine) {
        all.push_back(sl);
        owner.push_back(s);
      }
    }
    // Contiguous: shard numbers never go down along the file.
    CHECK(std::is_sorted(owner.begin(), owner.end()));
    CHECK(all.size() == planned.size());
    CHECK(ReadSlices(inputs[0], all) == whole);
    // Aligned slices tile the file.
    for (size_t k = 0; k + 1 < all.size(); ++k) CHECK(all[k].end == all[k + 1].begin);
    CHECK(all.front().begin == 0);
    CHECK(all.back().end == text.size());
  }
}

TEST_CASE("input slices: shards get balanced contiguous shares - small, compressed and text inputs stay whole",
          "[input_slices]") {
  TempDir dir;
  std::string big;
  for (int i = 0; i < 60000; ++i) big += "{\"text\":\"line " + std::to_string(i) + " of the big file\"}\n";
  WriteText(dir / "a-big.jsonl", big);
  WriteText(dir / "b-small.jsonl", "{\"text\":\"small\"}\n");
  WriteText(dir / "c.txt", big);  // text, whole-file mode: one record, never cut
  WriteText(dir / "d.jsonl.zst", std::string(200000, 'z'));  // compressed: never cut
  auto inputs = ExpandInputs({dir.path()});
  REQUIRE(inputs.ok());
  const auto slices = PlanSlices(*inputs, ReaderOptions(), 4);
  std::map<uint32_t, int> parts;
  for (const auto& s : slices) ++parts[s.input_index];
  CHECK(parts[0] > 1);   // the big JSONL file
  CHECK(parts[1] == 1);  // below kMinSliceBytes
  CHECK(parts[2] == 1);
  CHECK(parts[3] == 1);
  ReaderOptions lines;
  lines.text_mode = TextMode::kLine;
  std::map<uint32_t, int> line_parts;
  for (const auto& s : PlanSlices(*inputs, lines, 4)) ++line_parts[s.input_index];
  CHECK(line_parts[2] > 1);  // line-mode text can be cut
  // One shard: every input whole, as `sluice run` always read them.
  for (const auto& s : PlanSlices(*inputs, ReaderOptions(), 1)) CHECK(s.whole());
  // Every slice goes to exactly one shard.
  std::multiset<size_t> seen;
  for (int s = 0; s < 4; ++s) {
    for (size_t k : ShardSlices(slices, s, 4)) seen.insert(k);
  }
  CHECK(seen.size() == slices.size());
  CHECK(std::set<size_t>(seen.begin(), seen.end()).size() == slices.size());
}

}  // namespace
}  // namespace sluice
