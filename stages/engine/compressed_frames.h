// Where a compressed file can be cut without decompressing it, and how much
// text each piece holds: its zstd frames (skippable frames are frames too) or
// its BGZF members (bgzip: every gzip member carries its own size in the "BC"
// extra subfield). Found from headers alone: zstd's frame and block headers
// (ZSTD_findFrameCompressedSize, and the Frame_Content_Size a frame declares
// when its writer knew it), BGZF's BSIZE and ISIZE, over a read-only mapping
// of the file, so only header and trailer pages are touched. Plain gzip
// members have no size anywhere (only inflating finds a member's end), so
// plain gzip has no frames here. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stages/io/record_reader.h"
#include "stages/engine/status.h"

namespace sluice {

// True when the file's first gzip member is a BGZF block (bgzip's format).
bool IsBgzfFile(const std::string& path);

inline constexpr uint64_t kUnknownContentBytes = UINT64_MAX;

// One frame (zstd) or member (BGZF) of a compressed file.
struct CompressedFrame {
  uint64_t offset = 0;  // where it starts in the file
  uint64_t bytes = 0;   // its compressed bytes
  // Its decompressed bytes as its header (zstd) or trailer (BGZF ISIZE)
  // declares them; kUnknownContentBytes when it does not (a zstd frame
  // written by a streaming compressor) or for the unreadable tail.
  uint64_t content_bytes = kUnknownContentBytes;
  bool operator==(const CompressedFrame&) const = default;
};

// The frames of a file, in order, covering it: the walk stops quietly at the
// first bytes that are not a complete frame or BGZF member (a truncated last
// frame, trailing garbage, a plain gzip member) and those bytes join the frame
// before (content unknown), so whoever decompresses them reports the error
// exactly as a read of the whole file does. An uncompressed file, a plain gzip
// file or an empty file is one frame. Status::Io when the file cannot be mapped.
StatusOr<std::vector<CompressedFrame>> ListFrames(const std::string& path, Compression compression);

// Fills in the content_bytes of zstd frames that do not declare them by
// decompressing those frames (and only them) into a scratch buffer, as long as
// their compressed bytes add up to at most `max_compressed_bytes`; frames that
// cannot be decompressed, and the unreadable tail, stay unknown. Deterministic.
Status MeasureUndeclaredFrames(const std::string& path, std::vector<CompressedFrame>* frames,
                               uint64_t max_compressed_bytes);

}  // namespace sluice
