#include "stages/engine/input_slices.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "stages/io/byte_stream.h"
#include "stages/engine/compressed_frames.h"

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

// The frame boundaries a compressed input of `size` bytes is cut at for
// `parts` parts: the first frame start at or after each nominal cut
// size * k / parts, without repeats (fewer frames, fewer parts).
std::vector<uint64_t> FrameCuts(const InputFile& input, uint64_t size, uint64_t parts) {
  std::vector<uint64_t> cuts;
  uint64_t k = 1;
  auto nominal = [&](uint64_t i) {
    return static_cast<uint64_t>(static_cast<unsigned __int128>(size) * i / parts);
  };
  Status st = ForEachFrameBoundary(input.path, input.compression, [&](uint64_t b) {
    while (k < parts && nominal(k) <= b) {
      if (cuts.empty() || cuts.back() != b) cuts.push_back(b);
      ++k;
    }
    return k < parts;
  });
  if (!st.ok()) cuts.clear();  // unreadable: whole (its read reports why)
  return cuts;
}

}  // namespace

bool IsSplittable(const InputFile& input, const ReaderOptions& options) {
  if (input.path == "-" || input.size_bytes <= 0) return false;
  if (!(input.format == InputFormat::kJsonl || (input.format == InputFormat::kText && options.text_mode == TextMode::kLine))) {
    return false;
  }
  switch (input.compression) {
    case Compression::kNone:
    case Compression::kZstd: return true;
    case Compression::kGzip: return IsBgzfFile(input.path);
  }
  return false;
}

std::vector<InputSlice> PlanSlices(const std::vector<InputFile>& inputs, const ReaderOptions& options, int shards) {
  std::vector<InputSlice> slices;
  uint64_t total = 0;
  for (const auto& in : inputs) total += SizeOf(in);
  const uint64_t piece = std::max<uint64_t>(kMinSliceBytes, total / (2 * static_cast<uint64_t>(std::max(1, shards))));
  for (uint32_t i = 0; i < inputs.size(); ++i) {
    const uint64_t size = SizeOf(inputs[i]);
    uint64_t parts = 1;
    if (shards > 1 && size > piece && IsSplittable(inputs[i], options)) {
      parts = std::max<uint64_t>(1, (size + piece - 1) / piece);
    }
    if (parts > kMaxSliceParts) parts = kMaxSliceParts;
    if (parts > 1 && inputs[i].compression != Compression::kNone) {
      // Cut at frame boundaries, known now; AlignSlice only counts lines.
      const std::vector<uint64_t> cuts = FrameCuts(inputs[i], size, parts);
      for (size_t k = 0; k <= cuts.size(); ++k) {
        InputSlice s;
        s.input_index = i;
        s.part = static_cast<uint32_t>(k);
        s.parts = static_cast<uint32_t>(cuts.size() + 1);
        if (!cuts.empty()) {
          s.begin = k == 0 ? 0 : cuts[k - 1];
          s.end = k == cuts.size() ? size : cuts[k];
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
      if (parts > 1) {
        s.begin = size * k / parts;
        s.end = k + 1 == parts ? size : size * (k + 1) / parts;
      }
      slices.push_back(s);
    }
  }
  return slices;
}

std::vector<size_t> ShardSlices(const std::vector<InputSlice>& slices, const std::vector<InputFile>& inputs,
                                int shard, int shards) {
  std::vector<size_t> mine;
  if (shards <= 1) {
    for (size_t k = 0; k < slices.size(); ++k) mine.push_back(k);
    return mine;
  }
  auto bytes = [&](const InputSlice& s) {
    return s.whole() ? SizeOf(inputs[s.input_index]) : s.end - s.begin;
  };
  uint64_t total = 0;
  for (const auto& s : slices) total += bytes(s);
  uint64_t at = 0;
  for (size_t k = 0; k < slices.size(); ++k) {
    const uint64_t b = bytes(slices[k]);
    int owner = 0;
    if (total > 0) {
      // The middle byte decides; unsigned __int128 keeps at * shards exact.
      unsigned __int128 mid = static_cast<unsigned __int128>(at) * 2 + b;  // twice the middle
      owner = static_cast<int>(mid * static_cast<unsigned>(shards) / (static_cast<unsigned __int128>(total) * 2));
    } else {
      owner = static_cast<int>(k % static_cast<size_t>(shards));  // sizes unknown: deal them out
    }
    owner = std::min(owner, shards - 1);
    if (owner == shard) mine.push_back(k);
    at += b;
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
  for (size_t k : ShardSlices(all, inputs, shard, shards)) {
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
