#include "stages/engine/batch_buffers.h"

#include <algorithm>
#include <cstdint>

#include "stages/engine/large_memory.h"

namespace sluice {

namespace {

// How many buffers / batch buffer sets stay pooled: enough for the batches in
// flight (2 x threads) plus the frames queued for compression on a small
// machine; beyond that, buffers are freed as before.
size_t MaxPooled() {
  static const size_t n = 8 + 4 * std::max(1u, std::thread::hardware_concurrency());
  return n;
}

void DropIfHuge(std::string* s) {
  if (s->capacity() > kMaxPooledBufferBytes) std::string().swap(*s);
}

}  // namespace

void ReserveLarge(std::string* s, size_t n) {
  if (s->capacity() >= n) return;
  s->reserve(n);
  PrepareLargeRegion(s->data(), s->capacity());
}

BufferPool& BufferPool::Shared() {
  static BufferPool* pool = new BufferPool();  // never destroyed: workers may use it at exit
  return *pool;
}

std::string BufferPool::Acquire(size_t reserve) {
  std::string s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      // The largest free buffer: buffers are batch-sized, and one that is too
      // small would be reallocated (and its new pages faulted in) right away.
      size_t best = 0;
      for (size_t i = 1; i < free_.size(); ++i) {
        if (free_[i].capacity() > free_[best].capacity()) best = i;
      }
      s = std::move(free_[best]);
      free_[best] = std::move(free_.back());
      free_.pop_back();
    }
  }
  s.clear();
  // Headroom: the next batch may be a little larger than this one.
  if (s.capacity() < reserve) ReserveLarge(&s, reserve + reserve / 4);
  return s;
}

void BufferPool::Release(std::string&& buffer) {
  if (buffer.capacity() == 0 || buffer.capacity() > kMaxPooledBufferBytes) {
    std::string().swap(buffer);
    return;
  }
  std::string s = std::move(buffer);
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.size() < MaxPooled()) free_.push_back(std::move(s));
}

namespace {
struct BatchBuffersPool {
  std::mutex mu;
  std::vector<std::unique_ptr<BatchBuffers>> free;
};
BatchBuffersPool& SharedBatchBuffers() {
  static BatchBuffersPool* pool = new BatchBuffersPool();
  return *pool;
}
}  // namespace

std::unique_ptr<BatchBuffers> BatchBuffers::Acquire() {
  BatchBuffersPool& pool = SharedBatchBuffers();
  {
    std::lock_guard<std::mutex> lock(pool.mu);
    if (!pool.free.empty()) {
      auto b = std::move(pool.free.back());
      pool.free.pop_back();
      return b;
    }
  }
  return std::make_unique<BatchBuffers>();
}

void BatchBuffers::Release(std::unique_ptr<BatchBuffers> buffers) {
  if (!buffers) return;
  BatchBuffersPool& pool = SharedBatchBuffers();
  std::lock_guard<std::mutex> lock(pool.mu);
  if (pool.free.size() < MaxPooled() / 2) pool.free.push_back(std::move(buffers));
}

void BatchBuffers::RecycleRaws(RawBatch* used) {
  used->clear();
  DropIfHuge(&used->bytes);
  if (raws.bytes.capacity() < used->bytes.capacity()) std::swap(raws, *used);
  used->clear();
}

void BatchBuffers::RecycleDocs(std::vector<Document>* used) {
  for (auto& d : *used) DropIfHuge(&d.text);
  if (docs.size() < used->size()) docs.swap(*used);
  used->clear();
}

FrameCompressor& FrameCompressor::Shared() {
  // Never destroyed: idle workers wait on its condition variable until the process exits.
  static FrameCompressor* c = new FrameCompressor();
  return *c;
}

void FrameCompressor::EnsureThreads(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  while (static_cast<int>(workers_.size()) < n) {
    workers_.emplace_back([this] { Work(); });
    workers_.back().detach();
  }
}

int FrameCompressor::threads() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(workers_.size());
}

void FrameCompressor::Submit(std::shared_ptr<FrameJob> job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
  }
  work_cv_.notify_one();
}

void FrameCompressor::Wait(const FrameJob& job) {
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [&] { return job.done; });
}

bool FrameCompressor::IsDone(const FrameJob& job) {
  std::lock_guard<std::mutex> lock(mu_);
  return job.done;
}

void FrameCompressor::Work() {
  while (true) {
    std::shared_ptr<FrameJob> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return !queue_.empty(); });
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    CompressFrameInto(job->format, job->input, &job->output);
    BufferPool::Shared().Release(std::move(job->input));
    {
      std::lock_guard<std::mutex> lock(mu_);
      job->done = true;
    }
    done_cv_.notify_all();
  }
}

}  // namespace sluice
