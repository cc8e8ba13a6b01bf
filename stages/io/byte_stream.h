// ByteStream: sequential reading of a possibly compressed file (plain, gzip,
// zstd) or stdin. Truncated or corrupt compressed data ends the stream with an
// error message instead of a crash. Not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "stages/io/record_reader.h"
#include "stages/engine/status.h"

namespace sluice {

class ByteStream {
 public:
  static StatusOr<std::unique_ptr<ByteStream>> Open(const std::string& path, Compression compression);
  // The bytes [begin, end) of an uncompressed file (a sub-file shard); reading
  // stops at `end` (or the end of the file when it is shorter).
  static StatusOr<std::unique_ptr<ByteStream>> OpenRange(const std::string& path, uint64_t begin, uint64_t end);
  // The decompressed bytes of the zstd frames or gzip members that fill
  // [begin, end) of a compressed file (a sub-file shard; begin and end are frame
  // or member boundaries, stages/engine/compressed_frames.h). Read returns 0 at `end`
  // with AtBoundary() true; PassBoundary() then goes on with the rest of the
  // file (to finish a line that crosses `end`).
  static StatusOr<std::unique_ptr<ByteStream>> OpenFrames(const std::string& path, Compression compression,
                                                          uint64_t begin, uint64_t end);
  virtual ~ByteStream() = default;
  // Reads up to n bytes; returns 0 at the end of data or on error (see error()).
  virtual size_t Read(char* buf, size_t n) = 0;
  // True when Read returned 0 because the stream reached the `end` of
  // OpenFrames (not the end of the file, not an error).
  virtual bool AtBoundary() const { return false; }
  // At the boundary: read on past it to the end of the file; false otherwise.
  virtual bool PassBoundary() { return false; }
  // Non-empty when the stream ended because of a read or decode error.
  const std::string& error() const { return error_; }
  // Bytes taken from the underlying file so far.
  uint64_t raw_bytes() const { return raw_bytes_; }

 protected:
  std::string error_;
  uint64_t raw_bytes_ = 0;
};

// `text` as read, except that text starting with a UTF-16 byte order mark
// (FF FE little-endian, FE FF big-endian: what Windows PowerShell 5 writes
// with `>`) comes out as UTF-8, without the mark. A lone surrogate and an odd
// last byte each become the byte FF, invalid UTF-8 that the reader's repair
// replaces with one U+FFFD and counts. Other text passes through unchanged.
std::unique_ptr<ByteStream> DecodeUtf16WithBom(std::unique_ptr<ByteStream> text);

// True when the text of `input` (decompressed) starts with a UTF-16 byte
// order mark; such an input is read whole, never cut into byte ranges.
bool StartsWithUtf16Bom(const InputFile& input);

// The compression that the first bytes of a file announce by their magic
// number (gzip 1f 8b; zstd 28 b5 2f fd, or a skippable frame 5? 2a 4d 18),
// or kNone. None of them begins valid, printable UTF-8 text, so plain JSONL or
// text is never taken for compressed data.
Compression SniffCompression(const char* p, size_t n);
// The same for the first bytes of the file at `path` (kNone when unreadable).
// ByteStream::Open sniffs every input named as uncompressed; this is for
// planners that must know before reading (a compressed file is not cut into
// byte ranges).
Compression SniffFileCompression(const std::string& path);

}  // namespace sluice
