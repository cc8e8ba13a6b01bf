// Stats: integer counters and fixed-bucket histograms. The engine keeps one
// Stats per stage per batch and merges them in input order, so totals are the
// same for any thread count. Not thread-safe: one owner at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

class ByteReader;  // stages/engine/byte_codec.h

// Bucket layout of a histogram. kLinear: `buckets` equal bins over [lo, hi)
// plus underflow/overflow bins. kLog: bins at powers of two with 4 sub-steps,
// for lengths and other unbounded non-negative values.
struct HistogramSpec {
  enum class Kind { kLinear, kLog };
  std::string name;
  Kind kind = Kind::kLog;
  double lo = 0.0;
  double hi = 1.0;
  int buckets = 20;

  static HistogramSpec Linear(std::string name, double lo, double hi, int buckets) {
    return HistogramSpec{std::move(name), Kind::kLinear, lo, hi, buckets};
  }
  static HistogramSpec Log(std::string name) { return HistogramSpec{std::move(name), Kind::kLog, 0, 0, 0}; }
};

class Histogram {
 public:
  Histogram() = default;
  explicit Histogram(HistogramSpec spec) : spec_(std::move(spec)) {}
  void Observe(double value, int64_t count = 1);
  void Merge(const Histogram& other);
  const HistogramSpec& spec() const { return spec_; }
  // bucket index -> count (sparse; index meaning depends on the spec).
  const std::map<int, int64_t>& counts() const { return counts_; }
  // Lower and upper edge of bucket `index`.
  std::pair<double, double> BucketRange(int index) const;
  int64_t total() const { return total_; }
  // Adds `count` to bucket `index` as decoded from a saved histogram.
  void AddToBucket(int index, int64_t count) {
    counts_[index] += count;
    total_ += count;
  }

 private:
  HistogramSpec spec_;
  std::map<int, int64_t> counts_;
  int64_t total_ = 0;
};

class Stats {
 public:
  void Add(std::string_view counter, int64_t delta = 1);
  int64_t Get(std::string_view counter) const;
  // Observes `value` in the histogram `spec.name`, creating it with `spec` on first use.
  void Observe(const HistogramSpec& spec, double value);
  void Merge(const Stats& other);
  // Binary form for sluice's work files (exact: Decode(Encode(s)) == s).
  void EncodeTo(std::string* out) const;
  bool DecodeFrom(ByteReader& in);  // adds to what is there
  bool empty() const { return counters_.empty() && histograms_.empty(); }

  const std::map<std::string, int64_t, std::less<>>& counters() const { return counters_; }
  const std::map<std::string, Histogram, std::less<>>& histograms() const { return histograms_; }

 private:
  std::map<std::string, int64_t, std::less<>> counters_;
  std::map<std::string, Histogram, std::less<>> histograms_;
};

}  // namespace sluice
