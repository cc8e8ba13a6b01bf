#include "stages/show_path.h"

#include <cstdint>
#include <cstring>

namespace sluice {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c = b(i);
  size_t n = 0;
  uint32_t cp = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
    return 0;
  }
  if (cp >= 0x80 && cp <= 0x9F) return 0;  // C1 controls (CSI is U+009B): escaped as bytes
  return n;
}

std::string Show(std::string_view s, bool keep_lines) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (keep_lines && (c == '\n' || c == '\t')) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const size_t n = (c < 0x20 || c == 0x7F) ? 0 : Utf8Length(s, i);
    if (n == 0) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::string ShowPath(std::string_view path) { return Show(path, false); }

std::string ShowText(std::string_view message) { return Show(message, true); }

std::string CannotOpenMessage(std::string_view what, std::string_view path, int errno_value) {
  std::string out = "cannot open ";
  if (!what.empty()) out.append(what).push_back(' ');
  const char* reason = errno_value != 0 ? std::strerror(errno_value) : "unknown reason";
  return out + "'" + ShowPath(path) + "': " + reason;
}

}  // namespace sluice
