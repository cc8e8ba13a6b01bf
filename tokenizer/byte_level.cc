#include "tokenizer/byte_level.h"

#include <array>

#include "tokenizer/unicode_classes.h"

namespace sluice::tokenizer {
namespace {

struct ByteMap {
  std::array<uint32_t, 256> to_cp{};
  std::array<int16_t, 324> from_cp{};  // code points < 324 cover all 256 mapped chars
  ByteMap() {
    from_cp.fill(-1);
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      to_cp[b] = printable ? static_cast<uint32_t>(b) : static_cast<uint32_t>(256 + n++);
      from_cp[to_cp[b]] = static_cast<int16_t>(b);
    }
  }
};

const ByteMap& Map() {
  static const ByteMap map;
  return map;
}

}  // namespace

uint32_t ByteToCodePoint(uint8_t b) { return Map().to_cp[b]; }

int CodePointToByte(uint32_t cp) { return cp < Map().from_cp.size() ? Map().from_cp[cp] : -1; }

void AppendByteLevel(std::string_view bytes, std::string* out) {
  const ByteMap& map = Map();
  for (unsigned char b : bytes) AppendUtf8(map.to_cp[b], out);
}

std::string ToByteLevel(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  AppendByteLevel(bytes, &out);
  return out;
}

bool FromByteLevel(std::string_view text, std::string* bytes) {
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp;
    const size_t n = DecodeUtf8(text, i, &cp);
    if (cp == kInvalidCodePoint) return false;
    const int b = CodePointToByte(cp);
    if (b < 0) return false;
    bytes->push_back(static_cast<char>(b));
    i += n;
  }
  return true;
}

}  // namespace sluice::tokenizer
