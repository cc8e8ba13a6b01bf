// Little-endian binary encoding of integers, doubles and length-prefixed
// strings, for sluice's private work files (run state, stats patches, work
// documents). ByteReader never reads past its end: a short or damaged input
// sets ok() to false and yields zeros.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice {

inline void PutU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }
inline void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
inline void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
inline void PutI64(std::string* out, int64_t v) { PutU64(out, static_cast<uint64_t>(v)); }
inline void PutF64(std::string* out, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  PutU64(out, bits);
}
inline void PutStr(std::string* out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  bool done() const { return data_.empty(); }
  uint8_t U8() { return static_cast<uint8_t>(Le(1)); }
  uint32_t U32() { return static_cast<uint32_t>(Le(4)); }
  uint64_t U64() { return Le(8); }
  int64_t I64() { return static_cast<int64_t>(Le(8)); }
  double F64() {
    uint64_t bits = Le(8);
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
  std::string_view Str() {
    const uint32_t n = U32();
    if (!ok_ || data_.size() < n) return Fail();
    std::string_view s = data_.substr(0, n);
    data_.remove_prefix(n);
    return s;
  }

 private:
  uint64_t Le(int n) {
    if (!ok_ || data_.size() < static_cast<size_t>(n)) {
      Fail();
      return 0;
    }
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(data_[i]);
    data_.remove_prefix(n);
    return v;
  }
  std::string_view Fail() {
    ok_ = false;
    data_ = {};
    return {};
  }
  std::string_view data_;
  bool ok_ = true;
};

}  // namespace sluice
