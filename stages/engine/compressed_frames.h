// Where a compressed file can be cut without decompressing it: the starts of
// its zstd frames (skippable frames are frames too) or of its BGZF members
// (bgzip: every gzip member carries its own size in the "BC" extra subfield).
// Found from headers alone: zstd's frame and block headers
// (ZSTD_findFrameCompressedSize), BGZF's BSIZE, over a read-only mapping of
// the file, so only the header pages are touched. Plain gzip members have no
// size anywhere (only inflating finds a member's end), so plain gzip has no
// boundaries here. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "stages/io/record_reader.h"
#include "stages/engine/status.h"

namespace sluice {

// True when the file's first gzip member is a BGZF block (bgzip's format).
bool IsBgzfFile(const std::string& path);

// Calls on_boundary(offset) with the start of every frame (zstd) or member
// (gzip, BGZF members only) after the first, in file order, while it returns
// true. The walk stops quietly at the first bytes that are not a complete
// frame or BGZF member (a truncated last frame, trailing garbage, a plain gzip
// member): they belong to the frame before, and whoever decompresses them
// reports the error exactly as a read of the whole file does.
Status ForEachFrameBoundary(const std::string& path, Compression compression,
                            const std::function<bool(uint64_t offset)>& on_boundary);

}  // namespace sluice
