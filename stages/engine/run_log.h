// Messages from library code: warnings during a run and the runner's progress
// line. They go through one sink so that a program embedding sluice (the
// Python bindings, a service) decides where they end up; the default sink
// writes them to stderr ("sluice: warning: ..." lines; the progress line
// rewritten in place on a terminal). Library code never prints otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace sluice {

enum class LogKind { kWarning, kProgress };

struct LogLine {
  LogKind kind = LogKind::kWarning;
  std::string_view text;  // without the "sluice: warning: " prefix
  bool in_place = false;  // progress: replaces the previous progress line
  bool final = false;     // progress: the last line of a run
};

using LogSink = std::function<void(const LogLine&)>;

// Replaces the process-wide sink (an empty function restores stderr) and
// returns the previous one. Thread-safe; the sink may be called from any thread.
LogSink SetLogSink(LogSink sink);

void LogWarning(std::string_view text);

// The runner's progress: a line every 0.25 s on a terminal (in place), every
// 10 s otherwise, and a final one. Not thread-safe (the runner's writer calls it).
class ProgressMeter {
 public:
  // `total_bytes` = 0 when unknown (no ETA).
  void Start(bool enabled, uint64_t total_bytes);
  void Update(int64_t docs, uint64_t bytes_read, bool final);

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_ = false;
  bool tty_ = false;
  uint64_t total_bytes_ = 0;
  Clock::time_point start_, last_;
};

}  // namespace sluice
