// Writing records: JSON serialization of kept/rejected/malformed records and
// output files that appear atomically (written as "<name>.tmp", renamed on
// Commit()). Not thread-safe: the engine writes from its serial, in-order stage.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "stages/engine/document.h"
#include "stages/io/record_reader.h"
#include "stages/engine/status.h"

namespace sluice {

enum class OutputFormat { kJsonl, kJsonlGz, kJsonlZst };

// "jsonl" | "jsonl.gz" | "jsonl.zst"
StatusOr<OutputFormat> ParseOutputFormat(const std::string& name);
const char* OutputExtension(OutputFormat format);  // ".jsonl", ".jsonl.gz", ".jsonl.zst"

// Appends the kept record of `doc`: the input object with its text replaced,
// input fields in input order, an "id" first when the input had none, stage
// annotations after the input fields, and with write_signals the signals under
// "sluice". Ends with "\n".
void AppendKeptRecord(const Document& doc, bool write_signals, std::string* out);
// As AppendKeptRecord, plus "stage", "reason", "reasons" and (if any) "detail".
void AppendRejectedRecord(const Document& doc, bool write_signals, std::string* out);
// {"file":..,"line":..,"error":..,"message":..,"raw":..}\n
void AppendMalformedRecord(const MalformedRecord& m, std::string* out);

// One output file, compressed as its format says. Bytes go to "<path>.tmp"
// until Commit() renames it to <path>; a file never committed is removed by
// Abandon() (or left as .tmp after a crash, and cleaned by the next run).
class OutputFile {
 public:
  static StatusOr<std::unique_ptr<OutputFile>> Create(const std::string& path, OutputFormat format);
  virtual ~OutputFile() = default;
  virtual Status Write(std::string_view bytes) = 0;
  // Flushes, closes and renames into place.
  virtual Status Commit() = 0;
  const std::string& path() const { return path_; }
  uint64_t uncompressed_bytes() const { return bytes_; }

 protected:
  std::string path_;
  uint64_t bytes_ = 0;
};

// Compresses `data` into one self-contained frame of `format` (a gzip member,
// a zstd frame with checksum; for plain JSONL the data itself). Concatenated
// frames form a valid file, so the engine compresses batches in parallel and
// appends the frames in input order. Thread-safe.
std::string CompressFrame(OutputFormat format, std::string_view data);
// The same frame into *out (its capacity is reused; it is overwritten). Thread-safe.
void CompressFrameInto(OutputFormat format, std::string_view data, std::string* out);

struct FrameJob;  // stages/engine/batch_buffers.h

// Writes a sequence of frames to part files "<dir>/<stem>-<chunk:04>.<ext>",
// starting a new chunk when one passes max_bytes (uncompressed). Files are
// created lazily: no record, no file.
class ChunkedWriter {
 public:
  // compress_threads > 0: WriteRecords compresses on that many background
  // threads (FrameCompressor, shared by the process) while the caller goes on;
  // 0: WriteRecords compresses in the caller.
  ChunkedWriter(std::string dir, std::string stem, OutputFormat format, uint64_t max_bytes, int compress_threads = 0)
      : dir_(std::move(dir)), stem_(std::move(stem)), format_(format), max_bytes_(max_bytes),
        compress_threads_(compress_threads) {}
  ~ChunkedWriter();
  // Appends a frame from CompressFrame(format, data) holding `records` records
  // and `uncompressed` bytes.
  Status WriteFrame(std::string_view frame, uint64_t uncompressed, int64_t records);
  // Appends `data` (serialized records, `records` of them) as one frame, exactly
  // as WriteFrame(CompressFrame(format, data), data.size(), records) would, but
  // compressed in the background: frames are written in call order, at a later
  // call or at Close(); a write error surfaces there. The buffer of `data` goes
  // back to BufferPool::Shared() when done.
  Status WriteRecords(std::string&& data, int64_t records);
  // Writes what is pending, commits the open chunk.
  Status Close();
  const std::vector<std::string>& committed() const { return committed_; }
  int64_t records() const { return records_; }

 private:
  std::string dir_;
  std::string stem_;
  OutputFormat format_;
  uint64_t max_bytes_;
  int chunk_ = 0;
  int64_t records_ = 0;
  std::unique_ptr<OutputFile> file_;
  std::vector<std::string> committed_;
  // Background frames in call order (WriteRecords), and the first error.
  Status WritePending(bool wait_all);
  int compress_threads_ = 0;
  std::deque<std::shared_ptr<FrameJob>> pending_;
  Status pending_error_;
};

// Writes `content` to `path` atomically (temp file + rename).
Status WriteFileAtomically(const std::string& path, std::string_view content);

}  // namespace sluice
