#include "stages/engine/stats.h"

#include "stages/engine/byte_codec.h"

#include <cmath>


namespace sluice {

namespace {
constexpr int kLogSubSteps = 4;
constexpr int kUnderflow = -1000000;
constexpr int kZero = -999999;
}  // namespace

void Histogram::Observe(double value, int64_t count) {
  int index;
  if (!std::isfinite(value)) return;
  if (spec_.kind == HistogramSpec::Kind::kLinear) {
    if (value < spec_.lo) {
      index = -1;
    } else if (value >= spec_.hi) {
      index = spec_.buckets;
    } else {
      index = static_cast<int>((value - spec_.lo) / (spec_.hi - spec_.lo) * spec_.buckets);
      if (index >= spec_.buckets) index = spec_.buckets - 1;
    }
  } else {
    if (value < 0) {
      index = kUnderflow;
    } else if (value == 0) {
      index = kZero;
    } else {
      index = static_cast<int>(std::floor(std::log2(value) * kLogSubSteps));
    }
  }
  counts_[index] += count;
  total_ += count;
}

void Histogram::Merge(const Histogram& other) {
  if (counts_.empty() && total_ == 0) spec_ = other.spec_;
  for (const auto& [i, c] : other.counts_) counts_[i] += c;
  total_ += other.total_;
}

std::pair<double, double> Histogram::BucketRange(int index) const {
  if (spec_.kind == HistogramSpec::Kind::kLinear) {
    double w = (spec_.hi - spec_.lo) / spec_.buckets;
    if (index < 0) return {-INFINITY, spec_.lo};
    if (index >= spec_.buckets) return {spec_.hi, INFINITY};
    return {spec_.lo + index * w, spec_.lo + (index + 1) * w};
  }
  if (index == kUnderflow) return {-INFINITY, 0};
  if (index == kZero) return {0, 0};
  return {std::exp2(static_cast<double>(index) / kLogSubSteps),
          std::exp2(static_cast<double>(index + 1) / kLogSubSteps)};
}

void Stats::Add(std::string_view counter, int64_t delta) {
  auto it = counters_.find(counter);
  if (it == counters_.end()) {
    counters_.emplace(std::string(counter), delta);
  } else {
    it->second += delta;
  }
}

int64_t Stats::Get(std::string_view counter) const {
  auto it = counters_.find(counter);
  return it == counters_.end() ? 0 : it->second;
}

void Stats::Observe(const HistogramSpec& spec, double value) {
  auto it = histograms_.find(spec.name);
  if (it == histograms_.end()) it = histograms_.emplace(spec.name, Histogram(spec)).first;
  it->second.Observe(value);
}

void Stats::Merge(const Stats& other) {
  for (const auto& [k, v] : other.counters_) Add(k, v);
  for (const auto& [k, h] : other.histograms_) {
    auto it = histograms_.find(k);
    if (it == histograms_.end()) {
      histograms_.emplace(k, h);
    } else {
      it->second.Merge(h);
    }
  }
}

void Stats::EncodeTo(std::string* out) const {
  PutU32(out, static_cast<uint32_t>(counters_.size()));
  for (const auto& [k, v] : counters_) {
    PutStr(out, k);
    PutI64(out, v);
  }
  PutU32(out, static_cast<uint32_t>(histograms_.size()));
  for (const auto& [k, h] : histograms_) {
    const HistogramSpec& spec = h.spec();
    PutStr(out, k);
    PutStr(out, spec.name);
    PutU8(out, spec.kind == HistogramSpec::Kind::kLinear ? 1 : 0);
    PutF64(out, spec.lo);
    PutF64(out, spec.hi);
    PutU32(out, static_cast<uint32_t>(spec.buckets));
    PutU32(out, static_cast<uint32_t>(h.counts().size()));
    for (const auto& [index, count] : h.counts()) {
      PutU32(out, static_cast<uint32_t>(index));
      PutI64(out, count);
    }
  }
}

bool Stats::DecodeFrom(ByteReader& in) {
  for (uint32_t n = in.U32(); n > 0 && in.ok(); --n) {
    std::string k(in.Str());
    counters_[k] += in.I64();
  }
  for (uint32_t n = in.U32(); n > 0 && in.ok(); --n) {
    std::string k(in.Str());
    HistogramSpec spec;
    spec.name = std::string(in.Str());
    spec.kind = in.U8() == 1 ? HistogramSpec::Kind::kLinear : HistogramSpec::Kind::kLog;
    spec.lo = in.F64();
    spec.hi = in.F64();
    spec.buckets = static_cast<int>(in.U32());
    Histogram h(spec);
    for (uint32_t b = in.U32(); b > 0 && in.ok(); --b) {
      const int index = static_cast<int>(in.U32());
      h.AddToBucket(index, in.I64());
    }
    auto it = histograms_.find(k);
    if (it == histograms_.end()) histograms_.emplace(k, std::move(h));
    else it->second.Merge(h);
  }
  return in.ok();
}

}  // namespace sluice
