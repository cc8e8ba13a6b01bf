#include "stages/engine/input_slices.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "stages/engine/compressed_frames.h"
#include "stages/io/byte_stream.h"

namespace sluice {

namespace {

uint64_t SizeOf(const InputFile& in) { return in.size_bytes > 0 ? static_cast<uint64_t>(in.size_bytes) : 0; }

// Reads [from, to) of `f` in blocks, calling `on_block` until it returns false.
template <typename F>
Status ScanFile(std::FILE* f, const std::string& path, uint64_t from, uint64_t to, F on_block) {
  if (fseeko(f, static_cast<off_t>(from), SEEK_SET) != 0) {
    return Status::Io("cannot seek in input '" + path + "': " + strerror(errno));
  }
  std::vector<char> buf(1 << 20);
  uint64_t pos = from;
  while (pos < to) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), to - pos));
    size_t got = std::fread(buf.data(), 1, want, f);
    if (got == 0) {
      if (std::ferror(f)) return Status::Io("cannot read input '" + path + "': " + strerror(errno));
      break;
    }
    if (!on_block(buf.data(), got, pos)) break;
    pos += got;
  }
  return Status::Ok();
}

// The first line start at or after `offset` (a line starts at 0 and after every
// '\n'); the file size when no line starts there.
StatusOr<uint64_t> NextLineStart(std::FILE* f, const std::string& path, uint64_t offset, uint64_t size) {
  if (offset == 0) return uint64_t{0};
  if (offset >= size) return size;
  uint64_t found = size;
  Status st = ScanFile(f, path, offset - 1, size, [&](const char* data, size_t n, uint64_t at) {
    const void* nl = std::memchr(data, '\n', n);
    if (!nl) return true;
    found = at + static_cast<uint64_t>(static_cast<const char*>(nl) - data) + 1;
    return false;
  });
  if (!st.ok()) return st;
  return found;
}

// What the decompressed bytes of a run of frames hold: newlines, the last
// byte, and whether they could not all be decompressed.
struct FrameCount {
  uint64_t newlines = 0;
  bool any = false;
  char last = 0;
  bool read_error = false;
};

// Adds the decompressed frames [from, to) of a compressed input to *count.
// Frames decompress independently, so [0, b) counts as [0, a) then [a, b).
Status CountFrames(const InputFile& input, uint64_t from, uint64_t to, FrameCount* count) {
  if (count->read_error || from >= to) return Status::Ok();
  auto stream = ByteStream::OpenFrames(input.path, input.compression, from, to);
  if (!stream.ok()) return stream.status();
  std::vector<char> buf(1 << 20);
  while (size_t got = (*stream)->Read(buf.data(), buf.size())) {
    count->newlines += static_cast<uint64_t>(std::count(buf.data(), buf.data() + got, '\n'));
    count->any = true;
    count->last = buf[got - 1];
  }
  // A whole-file read stops at an error in these frames: nothing after it is read.
  if (!(*stream)->AtBoundary()) count->read_error = true;
  return Status::Ok();
}

// Aligns a slice of a compressed input, counting from *counted_to (a frame
// boundary at or before slice->begin, with *count for the frames before it).
Status AlignFramedSlice(const InputFile& input, InputSlice* slice, FrameCount* count, uint64_t* counted_to) {
  SLUICE_RETURN_IF_ERROR(CountFrames(input, *counted_to, slice->begin, count));
  *counted_to = slice->begin;
  slice->first_line = count->newlines + 1;
  slice->mid_line = count->any && count->last != '\n';
  slice->after_read_error = count->read_error;
  return Status::Ok();
}

// Frames that do not declare their decompressed size (a streaming compressor
// wrote them) are measured by decompressing them when a file has at most this
// many compressed bytes of them: seconds of one core per task, against the
// hours such a file takes through a recipe; beyond it, compressed bytes balance.
constexpr uint64_t kMaxMeasuredBytes = 1ull << 30;

// How a compressed input is cut: its frames and what each weighs (its
// decompressed bytes when every frame declares them or could be measured,
// else its bytes on disk).
struct FramePlan {
  std::vector<CompressedFrame> frames;
  std::vector<uint64_t> weights;  // per frame
  uint64_t total = 0;
};

// The frames of a compressed splittable input; empty when it has fewer than
// two (or cannot be read: then it stays whole and its read reports why).
FramePlan PlanFrames(const InputFile& input) {
  FramePlan plan;
  auto frames = ListFrames(input.path, input.compression);
  if (!frames.ok() || frames->size() < 2) return plan;
  plan.frames = std::move(frames).value();
  if (input.compression == Compression::kZstd) {
    if (!MeasureUndeclaredFrames(input.path, &plan.frames, kMaxMeasuredBytes).ok()) return FramePlan();
  }
  bool declared = true;
  for (const CompressedFrame& f : plan.frames) declared = declared && f.content_bytes != kUnknownContentBytes;
  for (const CompressedFrame& f : plan.frames) {
    plan.weights.push_back(declared ? f.content_bytes : f.bytes);
    plan.total += plan.weights.back();
  }
  return plan;
}

}  // namespace

bool IsSplittable(const InputFile& input, const ReaderOptions& options) {
  if (input.path == "-" || input.size_bytes <= 0) return false;
  if (!(input.format == InputFormat::kJsonl || (input.format == InputFormat::kText && options.text_mode == TextMode::kLine))) {
    return false;
  }
  bool framed = false;
  switch (input.compression) {
    case Compression::kNone:
      // gzip or zstd data under a plain name is decompressed when read (its
      // magic bytes say so), so it cannot be cut into byte ranges: read whole.
      framed = SniffFileCompression(input.path) == Compression::kNone;
      break;
    case Compression::kZstd: framed = true; break;
    case Compression::kGzip: framed = IsBgzfFile(input.path); break;
  }
  // UTF-16 text is decoded from its byte order mark on: a part cut from the
  // middle has none (and its line ends are two bytes), so it is read whole.
  return framed && !StartsWithUtf16Bom(input);
}

std::vector<InputSlice> PlanSlices(const std::vector<InputFile>& inputs, const ReaderOptions& options, int shards) {
  // What every input weighs: its size, but for a compressed input big enough
  // to be cut (judged by sizes on disk) the text its frames hold, read once
  // here. Smaller files are not opened: a corpus of many files plans from
  // their sizes alone, as it always did.
  const auto piece_of = [&](uint64_t total) {
    return std::max<uint64_t>(kMinSliceBytes, total / (2 * static_cast<uint64_t>(std::max(1, shards))));
  };
  uint64_t disk_total = 0;
  for (const auto& in : inputs) disk_total += SizeOf(in);
  std::vector<FramePlan> framed(inputs.size());
  std::vector<uint64_t> weight(inputs.size());
  uint64_t total = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    weight[i] = SizeOf(inputs[i]);
    if (shards > 1 && inputs[i].compression != Compression::kNone && weight[i] > piece_of(disk_total) &&
        IsSplittable(inputs[i], options)) {
      framed[i] = PlanFrames(inputs[i]);
      if (!framed[i].frames.empty()) weight[i] = framed[i].total;
    }
    total += weight[i];
  }
  const uint64_t piece = piece_of(total);
  std::vector<InputSlice> slices;
  for (uint32_t i = 0; i < inputs.size(); ++i) {
    const uint64_t size = SizeOf(inputs[i]);
    uint64_t parts = 1;
    if (shards > 1 && weight[i] > piece && IsSplittable(inputs[i], options)) {
      parts = std::min<uint64_t>(kMaxSliceParts, (weight[i] + piece - 1) / piece);
    }
    const FramePlan& plan = framed[i];
    if (inputs[i].compression != Compression::kNone) {
      // Cut at the first frame start at or after each nominal point of the
      // input's weight, without repeats (fewer frames, fewer parts).
      std::vector<size_t> cuts;  // frame indexes that start a part
      if (parts > 1 && !plan.frames.empty()) {
        const auto nominal = [&](uint64_t j) {
          return static_cast<uint64_t>(static_cast<unsigned __int128>(plan.total) * j / parts);
        };
        uint64_t k = 1, before = 0;
        for (size_t f = 0; f < plan.frames.size() && k < parts; ++f) {
          if (f > 0 && nominal(k) <= before) {
            cuts.push_back(f);
            while (k < parts && nominal(k) <= before) ++k;
          }
          before += plan.weights[f];
        }
      }
      for (size_t k = 0; k <= cuts.size(); ++k) {
        InputSlice s;
        s.input_index = i;
        s.part = static_cast<uint32_t>(k);
        s.parts = static_cast<uint32_t>(cuts.size() + 1);
        s.weight = weight[i];
        if (!cuts.empty()) {
          const size_t from = k == 0 ? 0 : cuts[k - 1];
          const size_t to = k == cuts.size() ? plan.frames.size() : cuts[k];
          s.begin = plan.frames[from].offset;
          s.end = k == cuts.size() ? size : plan.frames[to].offset;
          s.weight = 0;
          for (size_t f = from; f < to; ++f) s.weight += plan.weights[f];
        }
        slices.push_back(s);
      }
      continue;
    }
    for (uint64_t k = 0; k < parts; ++k) {
      InputSlice s;
      s.input_index = i;
      s.part = static_cast<uint32_t>(k);
      s.parts = static_cast<uint32_t>(parts);
      s.weight = size;
      if (parts > 1) {
        s.begin = size * k / parts;
        s.end = k + 1 == parts ? size : size * (k + 1) / parts;
        s.weight = s.end - s.begin;
      }
      slices.push_back(s);
    }
  }
  return slices;
}

std::vector<size_t> ShardSlices(const std::vector<InputSlice>& slices, int shard, int shards) {
  std::vector<size_t> mine;
  if (shards <= 1) {
    for (size_t k = 0; k < slices.size(); ++k) mine.push_back(k);
    return mine;
  }
  uint64_t total = 0;
  for (const auto& s : slices) total += s.weight;
  uint64_t at = 0;
  for (size_t k = 0; k < slices.size(); ++k) {
    const uint64_t w = slices[k].weight;
    int owner = 0;
    if (total > 0) {
      // The middle byte decides; unsigned __int128 keeps at * shards exact.
      unsigned __int128 mid = static_cast<unsigned __int128>(at) * 2 + w;  // twice the middle
      owner = static_cast<int>(mid * static_cast<unsigned>(shards) / (static_cast<unsigned __int128>(total) * 2));
    } else {
      owner = static_cast<int>(k % static_cast<size_t>(shards));  // sizes unknown: deal them out
    }
    owner = std::min(owner, shards - 1);
    if (owner == shard) mine.push_back(k);
    at += w;
  }
  return mine;
}

Status AlignSlice(const InputFile& input, InputSlice* slice) {
  if (slice->whole()) return Status::Ok();
  if (input.compression != Compression::kNone) {
    FrameCount count;
    uint64_t counted_to = 0;
    return AlignFramedSlice(input, slice, &count, &counted_to);
  }
  std::FILE* f = std::fopen(input.path.c_str(), "rb");
  if (!f) return Status::Io("cannot open input '" + input.path + "': " + strerror(errno));
  const uint64_t size = SizeOf(input);
  auto begin = NextLineStart(f, input.path, slice->begin, size);
  auto end = begin.ok() ? NextLineStart(f, input.path, slice->end, size) : begin;
  uint64_t lines = 0;
  Status st = begin.ok() && end.ok() ? Status::Ok() : (begin.ok() ? end.status() : begin.status());
  if (st.ok()) {
    st = ScanFile(f, input.path, 0, *begin, [&](const char* data, size_t n, uint64_t) {
      lines += static_cast<uint64_t>(std::count(data, data + n, '\n'));
      return true;
    });
  }
  std::fclose(f);
  if (!st.ok()) return st;
  slice->begin = *begin;
  slice->end = std::max(*begin, *end);
  slice->first_line = lines + 1;
  return Status::Ok();
}

StatusOr<std::vector<InputSlice>> SlicesForShard(const std::vector<InputFile>& inputs, const ReaderOptions& options,
                                                 int shard, int shards) {
  std::vector<InputSlice> all = PlanSlices(inputs, options, shards);
  std::vector<InputSlice> mine;
  // A shard's slices of one compressed input are consecutive: their lines are
  // counted in one pass from the start of the file.
  uint32_t counted_input = UINT32_MAX;
  FrameCount count;
  uint64_t counted_to = 0;
  for (size_t k : ShardSlices(all, shard, shards)) {
    InputSlice s = all[k];
    const InputFile& in = inputs[s.input_index];
    if (!s.whole() && in.compression != Compression::kNone) {
      if (counted_input != s.input_index || counted_to > s.begin) {
        counted_input = s.input_index;
        count = FrameCount();
        counted_to = 0;
      }
      SLUICE_RETURN_IF_ERROR(AlignFramedSlice(in, &s, &count, &counted_to));
    } else {
      SLUICE_RETURN_IF_ERROR(AlignSlice(in, &s));
    }
    mine.push_back(s);
  }
  return mine;
}

}  // namespace sluice
