// Buffer reuse for the engine's batches, and a background frame compressor.
//
// Every batch needs a few MB of memory: raw record bytes, parsed Documents,
// serialized output, compressed frames. Allocating them fresh per batch costs
// page faults and memmove (a buffer grows by doubling); here they circulate:
//   * BufferPool: process-wide free list of std::string buffers that keep their
//     capacity (serialized output, compressed frames).
//   * BatchBuffers: the raw record buffer (RawBatch) and the Documents (with
//     their string capacities) a batch hands to the next one.
//   * FrameCompressor: worker threads that turn uncompressed batch output into
//     frames (CompressFrameInto) while the pipeline goes on with the next
//     batches; ChunkedWriter::WriteRecords submits to it and writes the frames
//     in submission order.
// All three are thread-safe. Reuse never changes bytes: a reused object is
// cleared to the same state as a new one.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "stages/engine/document.h"
#include "stages/io/record_reader.h"
#include "stages/io/record_writer.h"

namespace sluice {

// Buffers larger than this are freed instead of pooled (one huge record must
// not pin its memory for the rest of the run).
constexpr size_t kMaxPooledBufferBytes = 32ull << 20;

// s->reserve(n); a large new allocation is then prepared in one call
// (PrepareLargeRegion: huge pages where allowed, populated at once) instead of
// one page fault per 4 KiB page as it is first written. A hint: without kernel
// support it is a plain reserve.
void ReserveLarge(std::string* s, size_t n);

class BufferPool {
 public:
  // The process-wide pool.
  static BufferPool& Shared();
  // An empty string, with the capacity of an earlier buffer when one is free;
  // at least `reserve` bytes of capacity.
  std::string Acquire(size_t reserve = 0);
  void Release(std::string&& buffer);

 private:
  std::mutex mu_;
  std::vector<std::string> free_;
};

// What one batch lends to the next: spare records and documents whose strings
// keep their capacity, and the vectors themselves.
struct BatchBuffers {
  RawBatch raws;                         // empty, with capacity: becomes Batch::raws
  std::vector<Document> docs;            // an earlier batch's documents: the next one parses into them

  // A recycled set (or a new one). Thread-safe.
  static std::unique_ptr<BatchBuffers> Acquire();
  // Returns `buffers` for reuse (dropping oversized strings). Thread-safe.
  static void Release(std::unique_ptr<BatchBuffers> buffers);

  // Takes back the (parsed) records' buffer for the next batch; leaves *used empty.
  void RecycleRaws(RawBatch* used);
  // Keeps the documents of `used` (their buffers) for the next batch; leaves *used empty.
  void RecycleDocs(std::vector<Document>* used);
};

// One frame to compress: input (uncompressed records), output (the frame).
struct FrameJob {
  OutputFormat format = OutputFormat::kJsonl;
  std::string input;
  std::string output;
  int64_t records = 0;
  uint64_t uncompressed = 0;
  bool done = false;  // guarded by the compressor's mutex
};

// Background compression threads shared by all writers of the process. The
// number of threads only grows (EnsureThreads); they sleep when idle.
class FrameCompressor {
 public:
  static FrameCompressor& Shared();
  // At least n worker threads (n <= 0: none are started).
  void EnsureThreads(int n);
  int threads();
  // Queues `job` (not done); a worker compresses it and marks it done.
  void Submit(std::shared_ptr<FrameJob> job);
  // Blocks until `job` is done.
  void Wait(const FrameJob& job);
  bool IsDone(const FrameJob& job);

 private:
  void Work();
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<std::shared_ptr<FrameJob>> queue_;
  std::vector<std::thread> workers_;
};

}  // namespace sluice
