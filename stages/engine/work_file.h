// Work files of a sharded run's segments (pipelines/plan.h): the documents a
// segment hands to the next one — every document, kept or already dropped
// (with its reason), and every malformed record, in input order, with its
// signals, tags, annotations and route — as zstd-compressed frames, one per
// engine batch. Private to one run: native byte order is fine, but every
// field is length-checked on reading (a damaged file is an error, not a
// crash). Writers and readers are not thread-safe; the codecs are.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "stages/engine/atomic_file.h"
#include "stages/engine/byte_codec.h"
#include "stages/engine/document.h"
#include "stages/io/record_reader.h"
#include "stages/engine/status.h"

namespace sluice {

void EncodeDocument(const Document& doc, std::string* out);
bool DecodeDocument(ByteReader& in, Document* doc);
void EncodeMalformed(const MalformedRecord& m, std::string* out);
bool DecodeMalformed(ByteReader& in, MalformedRecord* m);

// zstd level 1: work files are written once and read once.
std::string CompressWorkFrame(std::string_view raw);

class WorkFileWriter {
 public:
  // Writes to a temporary name; the file appears at `path` on Finish().
  Status Open(const std::string& path);
  Status Append(std::string_view compressed_frame, uint64_t raw_size);
  Status Finish() { return file_.Commit(); }

 private:
  AtomicFile file_;
};

class WorkFileReader {
 public:
  ~WorkFileReader();
  Status Open(const std::string& path);
  // The next frame, decompressed; false at the end.
  StatusOr<bool> Next(std::string* frame);

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  std::string compressed_;
};

}  // namespace sluice
