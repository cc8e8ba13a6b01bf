#include "stages/io/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace sluice {

namespace {
// True if any byte of w is < 0x20, '"' or '\\' (SWAR: 8 bytes per step).
inline bool NeedsEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  uint64_t below = (w - kOnes * 0x20) & ~w & kHigh;
  uint64_t q = w ^ (kOnes * '"');
  uint64_t quote = (q - kOnes) & ~q & kHigh;
  uint64_t b = w ^ (kOnes * '\\');
  uint64_t backslash = (b - kOnes) & ~b & kHigh;
  return (below | quote | backslash) != 0;
}
}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out.push_back('"');
  size_t run_start = 0;
  size_t i = 0;
  while (i < s.size()) {
#ifdef __SSE2__
    // Fast path: skip 16-byte blocks that need no escaping.
    while (i + 16 <= s.size()) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);  // v <= 0x1F
      __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
      __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
      int mask = _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash)));
      if (mask != 0) {
        i += static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));  // the first byte to escape
        break;
      }
      i += 16;
    }
#endif
    // Then 8-byte words that need no escaping.
    while (i + 8 <= s.size()) {
      uint64_t w;
      memcpy(&w, s.data() + i, 8);
      if (NeedsEscape(w)) break;
      i += 8;
    }
    if (i >= s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
    ++i;
  }
  out.append(s.data() + run_start, s.size() - run_start);
  out.push_back('"');
}

std::string JsonString(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

void AppendJsonNumber(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out.append("null");
    return;
  }
  if (value == 0) value = 0;  // folds -0 into 0
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, res.ptr);
}

std::string JsonNumber(double value) {
  std::string out;
  AppendJsonNumber(out, value);
  return out;
}

void AppendJsonInt(std::string& out, int64_t value) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, res.ptr);
}

void JsonBuilder::Separate() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}
JsonBuilder& JsonBuilder::BeginObject() { Separate(); out_.push_back('{'); need_comma_ = false; return *this; }
JsonBuilder& JsonBuilder::EndObject() { out_.push_back('}'); need_comma_ = true; return *this; }
JsonBuilder& JsonBuilder::BeginArray() { Separate(); out_.push_back('['); need_comma_ = false; return *this; }
JsonBuilder& JsonBuilder::EndArray() { out_.push_back(']'); need_comma_ = true; return *this; }
JsonBuilder& JsonBuilder::Key(std::string_view key) {
  Separate();
  AppendJsonString(out_, key);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}
JsonBuilder& JsonBuilder::String(std::string_view value) { Separate(); AppendJsonString(out_, value); return *this; }
JsonBuilder& JsonBuilder::Number(double value) { Separate(); AppendJsonNumber(out_, value); return *this; }
JsonBuilder& JsonBuilder::Int(int64_t value) { Separate(); AppendJsonInt(out_, value); return *this; }
JsonBuilder& JsonBuilder::Bool(bool value) { Separate(); out_.append(value ? "true" : "false"); return *this; }
JsonBuilder& JsonBuilder::Null() { Separate(); out_.append("null"); return *this; }
JsonBuilder& JsonBuilder::Raw(std::string_view json) { Separate(); out_.append(json); return *this; }

}  // namespace sluice
