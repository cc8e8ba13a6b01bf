// Sub-file shards of compressed inputs (stages/engine/input_slices.h,
// stages/engine/compressed_frames.h): a multi-frame zstd file or a BGZF file is cut at
// frame / member boundaries, and its slices together give exactly the records
// and line numbers of a read of the whole file — for frames cut mid-line, at
// line ends and just before a '\n', empty and skippable frames, a truncated
// last frame and a corrupt frame in the middle (one slice reports the error
// the whole read reports, no record more or less). Plain gzip stays whole.
#include <zlib.h>
#include <zstd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

#include "stages/engine/compressed_frames.h"
#include "stages/engine/input_slices.h"
#include "stages/io/json_writer.h"
#include "test_util.h"

namespace sluice {
namespace {

using testing::TempDir;
using testing::WriteText;

// Real text: every line of the licences in /usr/share/common-licenses as a
// JSONL record (blank lines stay blank, every 7th record ends in CRLF), with
// `copy` in the ids so that copies differ.
std::string LicenseJsonl(int copy) {
  std::string out;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator("/usr/share/common-licenses")) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  int n = 0;
  for (const auto& f : files) {
    std::istringstream in(testing::ReadText(f.string()));
    for (std::string line; std::getline(in, line); ++n) {
      if (line.find_first_not_of(" \t") == std::string::npos) {
        out += "\n";
        continue;
      }
      out += "{\"id\":" + JsonString(f.filename().string() + ":" + std::to_string(copy) + ":" + std::to_string(n)) +
             ",\"text\":" + JsonString(line) + "}" + (n % 7 == 0 ? "\r\n" : "\n");
    }
  }
  return out;
}

// One zstd frame holding `data` (level 1; a checksum when asked; without its
// decompressed size in the header when asked, as streaming compressors write).
std::string ZstdFrame(std::string_view data, bool checksum = false, bool declare_size = true) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, declare_size ? 1 : 0);
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(cctx);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

void PutLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A zstd skippable frame (magic 0x184D2A5?, size, payload).
std::string SkippableFrame(std::string_view payload) {
  std::string out;
  PutLe(&out, 0x184D2A53, 4);
  PutLe(&out, payload.size(), 4);
  out += payload;
  return out;
}

std::string Deflate(std::string_view data, int window_bits) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// One BGZF member (bgzip's format): a gzip member whose "BC" extra subfield
// holds its size minus one. `data` must be at most 64 KiB.
std::string BgzfMember(std::string_view data) {
  const std::string body = Deflate(data, -15);
  std::string out = std::string("\x1f\x8b\x08\x04\0\0\0\0\0\xff\x06\0BC\x02\0", 16);
  PutLe(&out, 18 + body.size() + 8 - 1, 2);
  out += body;
  PutLe(&out, crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())), 4);
  PutLe(&out, data.size(), 4);
  return out;
}

// A plain gzip member (no sizes anywhere).
std::string GzipMember(std::string_view data) { return Deflate(data, 15 + 16); }

struct SliceRead {
  std::vector<std::pair<uint64_t, std::string>> records;  // (line, bytes), all slices in order
  std::vector<std::string> errors;                         // each slice's error ("" when none)
};

SliceRead ReadSlices(const InputFile& in, const std::vector<InputSlice>& slices) {
  SliceRead out;
  ReaderOptions options;
  for (const auto& s : slices) {
    auto source = RecordSource::Open(in, options, s);
    INFO(source.status().message());
    REQUIRE(source.ok());
    RawRecord r;
    while ((*source)->Next(&r)) out.records.emplace_back(r.line, r.bytes);
    out.errors.push_back((*source)->error());
  }
  return out;
}

// The frame boundaries of a file (every frame start but the first), from the headers.
std::vector<uint64_t> Boundaries(const InputFile& in) {
  auto frames = ListFrames(in.path, in.compression);
  REQUIRE(frames.ok());
  std::vector<uint64_t> b;
  for (size_t k = 1; k < frames->size(); ++k) b.push_back((*frames)[k].offset);
  return b;
}

// Aligned slices of `in` made of `group` consecutive frames each.
std::vector<InputSlice> GroupedSlices(const InputFile& in, size_t group) {
  const std::vector<uint64_t> b = Boundaries(in);
  std::vector<uint64_t> cuts;
  for (size_t k = group - 1; k < b.size(); k += group) cuts.push_back(b[k]);
  std::vector<InputSlice> slices;
  for (size_t k = 0; k <= cuts.size(); ++k) {
    InputSlice s;
    s.part = static_cast<uint32_t>(k);
    s.parts = static_cast<uint32_t>(cuts.size() + 1);
    s.begin = k == 0 ? 0 : cuts[k - 1];
    s.end = k == cuts.size() ? static_cast<uint64_t>(in.size_bytes) : cuts[k];
    REQUIRE(AlignSlice(in, &s).ok());
    slices.push_back(s);
  }
  return slices;
}

// `text` cut into frames at varied places: mid-line, right after a '\n',
// right before one, with empty and skippable frames between, a skippable and
// an empty frame first. Returns the file's bytes; *frames counts the frames.
std::string ManyFrames(const std::string& text, size_t* frames, bool checksum = false) {
  static const size_t kSteps[] = {700, 3001, 53, 9000, 1500, 2, 17000, 420};
  std::string out = SkippableFrame("sluice test: a skippable frame first") + ZstdFrame("", checksum);
  *frames = 2;
  size_t pos = 0;
  for (size_t i = 0; pos < text.size(); ++i) {
    size_t next = std::min(text.size(), pos + kSteps[i % 8]);
    const size_t nl = text.find('\n', next);
    if (i % 5 == 1 && nl != std::string::npos) next = nl + 1;  // ends at a line end
    if (i % 5 == 2 && nl != std::string::npos) next = nl;      // ends just before a '\n'
    out += ZstdFrame(std::string_view(text).substr(pos, next - pos), checksum);
    ++*frames;
    if (i % 5 == 3) {
      out += ZstdFrame("", checksum);
      ++*frames;
    }
    if (i % 5 == 4) {
      out += SkippableFrame(std::string(i % 3, 'x'));
      ++*frames;
    }
    pos = next;
  }
  return out;
}

TEST_CASE("compressed slices: multi-frame zstd cut at every frame == the whole read, same line numbers",
          "[input_slices][compressed_slices]") {
  TempDir dir;
  // A long record (several frames long) in the middle, and no final newline.
  std::string text = LicenseJsonl(0);
  const std::string licence = testing::ReadText("/usr/share/common-licenses/GPL-3");
  text.insert(text.size() / 2, "{\"id\":\"long\",\"text\":" + JsonString(licence) + "}\n");
  text += "{\"id\":\"last\",\"text\":\"no newline at the end\"}";
  size_t frames = 0;
  WriteText(dir / "a.jsonl.zst", ManyFrames(text, &frames));
  const InputFile in = DescribeInput(dir / "a.jsonl.zst");
  REQUIRE(testing::ReadDecompressed(in.path) == text);
  // Every frame is found, skippable and empty ones too.
  CHECK(Boundaries(in).size() + 1 == frames);
  const SliceRead whole = ReadSlices(in, {InputSlice{}});
  REQUIRE(whole.errors == std::vector<std::string>{""});
  REQUIRE(whole.records.size() > 3000);
  for (size_t group : {1, 2, 3, 7, 40}) {
    INFO("frames per slice " << group);
    const std::vector<InputSlice> slices = GroupedSlices(in, group);
    CHECK(slices.size() > 1);
    const SliceRead parts = ReadSlices(in, slices);
    CHECK(parts.records == whole.records);
    for (const auto& e : parts.errors) CHECK(e.empty());
  }
}

TEST_CASE("compressed slices: PlanSlices cuts zstd at frames for any shard count, fewer frames fewer parts",
          "[input_slices][compressed_slices]") {
  TempDir dir;
  std::string text;
  for (int copy = 0; copy < 6; ++copy) text += LicenseJsonl(copy);
  size_t frames = 0;
  WriteText(dir / "a.jsonl.zst", ManyFrames(text, &frames));
  WriteText(dir / "b-one-frame.jsonl.zst", ZstdFrame(text));
  std::vector<InputFile> inputs = {DescribeInput(dir / "a.jsonl.zst")};
  REQUIRE(inputs[0].size_bytes > static_cast<int64_t>(4 * kMinSliceBytes));
  const SliceRead whole = ReadSlices(inputs[0], {InputSlice{}});
  for (int shards : {2, 3, 4, 7}) {
    INFO("shards " << shards);
    const auto planned = PlanSlices(inputs, ReaderOptions(), shards);
    CHECK(planned.size() > 1);
    // Planned cuts are frame boundaries.
    const std::vector<uint64_t> b = Boundaries(inputs[0]);
    for (size_t k = 1; k < planned.size(); ++k) {
      CHECK(std::binary_search(b.begin(), b.end(), planned[k].begin));
      CHECK(planned[k - 1].end == planned[k].begin);
    }
    std::vector<InputSlice> all;
    std::vector<int> owner;
    for (int s = 0; s < shards; ++s) {
      auto mine = SlicesForShard(inputs, ReaderOptions(), s, shards);
      REQUIRE(mine.ok());
      CHECK_FALSE(mine->empty());  // many frames: every shard gets a part
      for (const auto& sl : *mine) {
        all.push_back(sl);
        owner.push_back(s);
        // Counting from the start for this one slice gives what the shard's one pass gave.
        InputSlice alone = planned[sl.part];
        REQUIRE(AlignSlice(inputs[0], &alone).ok());
        CHECK(alone.first_line == sl.first_line);
        CHECK(alone.mid_line == sl.mid_line);
      }
    }
    CHECK(std::is_sorted(owner.begin(), owner.end()));
    REQUIRE(all.size() == planned.size());
    const SliceRead parts = ReadSlices(inputs[0], all);
    CHECK(parts.records == whole.records);
  }
  // Twice as many parts wanted as there are frames: as many parts as frames hold cuts.
  {
    std::string few;
    for (size_t k = 0; k < 3; ++k) {
      const size_t from = k * text.size() / 3, to = (k + 1) * text.size() / 3;
      few += ZstdFrame(std::string_view(text).substr(from, to - from));
    }
    WriteText(dir / "c-three-frames.jsonl.zst", few);
    const auto planned = PlanSlices({DescribeInput(dir / "c-three-frames.jsonl.zst")}, ReaderOptions(), 7);
    CHECK(planned.size() == 3);
  }
  // One frame: one whole slice.
  const auto one = PlanSlices({DescribeInput(dir / "b-one-frame.jsonl.zst")}, ReaderOptions(), 4);
  REQUIRE(one.size() == 1);
  CHECK(one[0].whole());
}

// The whole read and the reads of every grouping of frames give the same
// records, and exactly one slice reports the whole read's error.
void CheckSameAsWhole(const InputFile& in, const std::string& expected_error_start) {
  const SliceRead whole = ReadSlices(in, {InputSlice{}});
  REQUIRE(whole.errors.size() == 1);
  REQUIRE(whole.errors[0].rfind(expected_error_start, 0) == 0);
  for (size_t group : {1, 2, 3}) {
    INFO("frames per slice " << group);
    const std::vector<InputSlice> slices = GroupedSlices(in, group);
    const SliceRead parts = ReadSlices(in, slices);
    CHECK(parts.records == whole.records);
    std::vector<std::string> errors;
    for (const auto& e : parts.errors) {
      if (!e.empty()) errors.push_back(e);
    }
    CHECK(errors == whole.errors);
  }
}

TEST_CASE("compressed slices: a truncated last zstd frame is reported once, as the whole read reports it",
          "[input_slices][compressed_slices]") {
  TempDir dir;
  const std::string text = LicenseJsonl(0);
  const std::string licence = JsonString(testing::ReadText("/usr/share/common-licenses/GPL-3"));
  // The last frame holds 200 KB: its first blocks decode before the cut.
  const std::string head = text.substr(0, text.size() - 200000);
  const std::string tail = text.substr(text.size() - 200000);
  size_t frames = 0;
  const std::string many = ManyFrames(head, &frames);

  SECTION("cut among short lines") {
    std::string file = many + ZstdFrame(tail);
    file.resize(file.size() - 1000);
    WriteText(dir / "t.jsonl.zst", file);
    CheckSameAsWhole(DescribeInput(dir / "t.jsonl.zst"), "truncated zstd stream");
  }
  SECTION("cut inside a line that starts frames earlier") {
    // A line of ~140 KB starting in an earlier frame runs into the last frame
    // and is cut there: its owner reads into the damaged frame, the last
    // slice (all of it inside that line) reports nothing.
    std::string longline = "{\"id\":\"long\",\"text\":\"";
    while (longline.size() < 140000) longline += licence.substr(1, licence.size() - 2);
    longline += "\"}\n";
    std::string file = many + ZstdFrame(longline.substr(0, 3000)) + ZstdFrame(longline.substr(3000, 5000)) +
                       ZstdFrame(longline.substr(8000) + tail);
    WriteText(dir / "u.jsonl.zst", file);
    // Cut the last frame early: inside the long line's bytes.
    const size_t last_frame = Boundaries(DescribeInput(dir / "u.jsonl.zst")).back();
    file.resize(last_frame + (file.size() - last_frame) / 4);
    WriteText(dir / "u.jsonl.zst", file);
    CheckSameAsWhole(DescribeInput(dir / "u.jsonl.zst"), "truncated zstd stream");
  }
  SECTION("cut right after a frame header: no byte of the last frame decodes") {
    std::string file = many + ZstdFrame(tail);
    WriteText(dir / "v.jsonl.zst", file);
    const size_t last_frame = Boundaries(DescribeInput(dir / "v.jsonl.zst")).back();
    file.resize(last_frame + 7);
    WriteText(dir / "v.jsonl.zst", file);
    CheckSameAsWhole(DescribeInput(dir / "v.jsonl.zst"), "truncated zstd stream");
  }
}

TEST_CASE("compressed slices: a corrupt zstd frame in the middle ends every read where the whole read ends",
          "[input_slices][compressed_slices]") {
  TempDir dir;
  const std::string text = LicenseJsonl(0);
  size_t frames = 0;
  std::string file = ManyFrames(text, &frames, /*checksum=*/true);
  WriteText(dir / "c.jsonl.zst", file);
  const std::vector<uint64_t> b = Boundaries(DescribeInput(dir / "c.jsonl.zst"));
  // A frame of the middle, at least 1 KB: one byte of its data flipped (its
  // headers stay intact, so the frame walk still finds every frame).
  size_t k = b.size() / 2;
  while (k + 1 < b.size() && b[k + 1] - b[k] < 1000) ++k;
  REQUIRE(k + 1 < b.size());
  file[(b[k] + b[k + 1]) / 2] ^= 0x55;
  WriteText(dir / "c.jsonl.zst", file);
  const InputFile in = DescribeInput(dir / "c.jsonl.zst");
  CHECK(Boundaries(in) == b);
  CheckSameAsWhole(in, "corrupt zstd data");
  // Slices after the damage know it from their alignment and read nothing.
  const std::vector<InputSlice> slices = GroupedSlices(in, 1);
  CHECK(slices.back().after_read_error);
  CHECK_FALSE(slices.front().after_read_error);
}

TEST_CASE("compressed slices: BGZF gzip is cut at members, plain multi-member gzip stays whole",
          "[input_slices][compressed_slices]") {
  TempDir dir;
  std::string text;
  for (int copy = 0; copy < 6; ++copy) text += LicenseJsonl(copy);
  // BGZF: members of at most 64 KiB of data, cut mid-line, then bgzip's empty last member.
  std::string bgzf, plain;
  static const size_t kSteps[] = {65280, 30000, 777, 65000};
  size_t members = 0;
  for (size_t pos = 0, i = 0; pos < text.size(); ++i) {
    const size_t n = std::min(text.size() - pos, kSteps[i % 4]);
    bgzf += BgzfMember(std::string_view(text).substr(pos, n));
    plain += GzipMember(std::string_view(text).substr(pos, n));
    ++members;
    pos += n;
  }
  bgzf += BgzfMember("");
  ++members;
  WriteText(dir / "a.jsonl.gz", bgzf);
  WriteText(dir / "b-plain.jsonl.gz", plain);
  const InputFile in = DescribeInput(dir / "a.jsonl.gz");
  const InputFile pin = DescribeInput(dir / "b-plain.jsonl.gz");
  REQUIRE(testing::ReadDecompressed(in.path) == text);
  REQUIRE(testing::ReadDecompressed(pin.path) == text);
  CHECK(IsBgzfFile(in.path));
  CHECK_FALSE(IsBgzfFile(pin.path));
  CHECK(IsSplittable(in, ReaderOptions()));
  CHECK_FALSE(IsSplittable(pin, ReaderOptions()));
  CHECK(Boundaries(in).size() + 1 == members);
  CHECK(Boundaries(pin).empty());

  const SliceRead whole = ReadSlices(in, {InputSlice{}});
  REQUIRE(whole.errors == std::vector<std::string>{""});
  for (size_t group : {1, 2, 5}) {
    INFO("members per slice " << group);
    const SliceRead parts = ReadSlices(in, GroupedSlices(in, group));
    CHECK(parts.records == whole.records);
    for (const auto& e : parts.errors) CHECK(e.empty());
  }
  std::vector<InputFile> inputs = {in, pin};
  const auto planned = PlanSlices(inputs, ReaderOptions(), 4);
  std::map<uint32_t, int> parts;
  for (const auto& s : planned) ++parts[s.input_index];
  CHECK(parts[0] > 1);
  CHECK(parts[1] == 1);  // plain gzip: members have no sizes to cut by
  SliceRead sharded;
  for (int s = 0; s < 4; ++s) {
    auto mine = SlicesForShard({in}, ReaderOptions(), s, 4);
    REQUIRE(mine.ok());
    const SliceRead r = ReadSlices(in, *mine);
    sharded.records.insert(sharded.records.end(), r.records.begin(), r.records.end());
  }
  CHECK(sharded.records == whole.records);
}

// The share of the records each of `shards` shards reads.
std::vector<double> RecordShares(const InputFile& in, int shards) {
  std::vector<double> counts;
  double total = 0;
  for (int s = 0; s < shards; ++s) {
    auto mine = SlicesForShard({in}, ReaderOptions(), s, shards);
    REQUIRE(mine.ok());
    counts.push_back(mine->empty() ? 0.0 : static_cast<double>(ReadSlices(in, *mine).records.size()));
    total += counts.back();
  }
  for (double& c : counts) c /= total;
  return counts;
}

TEST_CASE("compressed slices: shards get equal shares of the text, declared by the frames or measured",
          "[input_slices][compressed_slices]") {
  TempDir dir;
  // Real licence text first, then records that repeat one licence line (the
  // tail compresses far better, as a crawl's boilerplate-heavy end does).
  const std::string head = LicenseJsonl(0);
  std::string tail;
  for (int n = 0; tail.size() < 3 * head.size(); ++n) {
    tail += "{\"id\":\"tail:" + std::to_string(n) +
            "\",\"text\":\"Everyone is permitted to copy and distribute verbatim copies of this license document\"}\n";
  }
  const std::string text = head + tail;
  std::string declared = SkippableFrame("sluice test"), undeclared;
  size_t frames = 0;
  for (size_t pos = 0; pos < text.size(); pos += 48 << 10, ++frames) {
    const std::string_view part = std::string_view(text).substr(pos, 48 << 10);
    declared += ZstdFrame(part);
    undeclared += ZstdFrame(part, false, /*declare_size=*/false);
  }
  REQUIRE(frames > 16);
  WriteText(dir / "declared.jsonl.zst", declared);
  WriteText(dir / "undeclared.jsonl.zst", undeclared);
  const InputFile with_sizes = DescribeInput(dir / "declared.jsonl.zst");
  const InputFile without = DescribeInput(dir / "undeclared.jsonl.zst");

  // The frames and what their headers declare.
  auto listed = ListFrames(with_sizes.path, with_sizes.compression);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == frames + 1);
  CHECK((*listed)[0].content_bytes == 0);  // the skippable frame
  uint64_t content = 0, bytes = 0;
  for (const CompressedFrame& f : *listed) {
    CHECK(f.offset == bytes);
    bytes += f.bytes;
    content += f.content_bytes;
  }
  CHECK(bytes == declared.size());
  CHECK(content == text.size());
  auto unlisted = ListFrames(without.path, without.compression);
  REQUIRE(unlisted.ok());
  REQUIRE(unlisted->size() == frames);
  for (const CompressedFrame& f : *unlisted) CHECK(f.content_bytes == kUnknownContentBytes);
  // Undeclared sizes are measured by decompressing those frames, within a budget.
  std::vector<CompressedFrame> measured = *unlisted;
  REQUIRE(MeasureUndeclaredFrames(without.path, &measured, undeclared.size() - 1).ok());
  CHECK(measured == *unlisted);  // over the budget: left unknown
  REQUIRE(MeasureUndeclaredFrames(without.path, &measured, undeclared.size()).ok());
  for (size_t k = 0; k < frames; ++k) CHECK(measured[k].content_bytes == (*listed)[k + 1].content_bytes);
  // A frame cut short cannot be measured: it stays unknown, the others are measured.
  const std::string cut = undeclared.substr(0, undeclared.size() - 5);
  WriteText(dir / "cut.jsonl.zst", cut);
  auto cut_frames = ListFrames(dir / "cut.jsonl.zst", Compression::kZstd);
  REQUIRE(cut_frames.ok());
  REQUIRE(MeasureUndeclaredFrames(dir / "cut.jsonl.zst", &*cut_frames, cut.size()).ok());
  CHECK(cut_frames->back().content_bytes == kUnknownContentBytes);
  CHECK(cut_frames->front().content_bytes == measured.front().content_bytes);

  // Slices weigh the text they hold.
  for (const InputFile& in : {with_sizes, without}) {
    uint64_t weight = 0;
    for (const InputSlice& s : PlanSlices({in}, ReaderOptions(), 4)) weight += s.weight;
    CHECK(weight == text.size());
  }
  // Every shard reads about a quarter of the records (by compressed bytes,
  // the well-compressed tail would land on the last shard).
  for (const InputFile& in : {with_sizes, without}) {
    INFO(in.path);
    for (double share : RecordShares(in, 4)) CHECK(share > 0.18);
  }
}

}  // namespace
}  // namespace sluice
