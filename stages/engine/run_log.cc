#include "stages/engine/run_log.h"

#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <mutex>
#include <string>

namespace sluice {

namespace {

std::mutex& SinkMutex() {
  static std::mutex mu;
  return mu;
}

LogSink& Sink() {
  static LogSink* sink = new LogSink();  // never destroyed: threads may log at exit
  return *sink;
}

// Called with the sink mutex held.
void WriteToStderr(const LogLine& line) {
  static bool progress_open = false;  // an in-place progress line without its newline yet
  const int n = static_cast<int>(line.text.size());
  if (line.kind == LogKind::kWarning) {
    std::fprintf(stderr, "%ssluice: warning: %.*s\n", progress_open ? "\n" : "", n, line.text.data());
    progress_open = false;
  } else if (line.in_place) {
    std::fprintf(stderr, "\r\033[K%.*s%s", n, line.text.data(), line.final ? "\n" : "");
    progress_open = !line.final;
  } else {
    std::fprintf(stderr, "%.*s\n", n, line.text.data());
  }
}

void Emit(const LogLine& line) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  if (Sink()) {
    Sink()(line);
  } else {
    WriteToStderr(line);
  }
}

std::string HumanBytes(double b) {
  char buf[32];
  if (b >= 1e9) std::snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
  else std::snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  return buf;
}

}  // namespace

LogSink SetLogSink(LogSink sink) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  LogSink previous = std::move(Sink());
  Sink() = std::move(sink);
  return previous;
}

void LogWarning(std::string_view text) {
  LogLine line;
  line.kind = LogKind::kWarning;
  line.text = text;
  Emit(line);
}

void ProgressMeter::Start(bool enabled, uint64_t total_bytes) {
  enabled_ = enabled;
  tty_ = enabled && isatty(STDERR_FILENO);
  total_bytes_ = total_bytes;
  start_ = last_ = Clock::now();
}

void ProgressMeter::Update(int64_t docs, uint64_t bytes_read, bool final) {
  if (!enabled_) return;
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (!final && since < (tty_ ? 0.25 : 10.0)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double read = static_cast<double>(bytes_read);
  const double rate = elapsed > 0 ? read / elapsed : 0;
  char text[256];
  int n = std::snprintf(text, sizeof text, "sluice: %" PRId64 " docs  %s read  %.1f MB/s", docs,
                        HumanBytes(read).c_str(), rate / 1e6);
  if (total_bytes_ > 0 && rate > 0 && !final) {
    double left = (static_cast<double>(total_bytes_) - read) / rate;
    if (left < 0) left = 0;
    std::snprintf(text + n, sizeof text - n, "  ETA %d:%02d", static_cast<int>(left) / 60,
                  static_cast<int>(left) % 60);
  }
  LogLine line;
  line.kind = LogKind::kProgress;
  line.text = text;
  line.in_place = tty_;
  line.final = final;
  Emit(line);
}

}  // namespace sluice
