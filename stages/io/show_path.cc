#include "stages/io/show_path.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace sluice {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 (ICU's U8_NEXT: no overlong
// forms, surrogates or values past U+10FFFF). C1 controls (CSI is U+009B) give 0
// too, so that they are escaped as bytes.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data() + i);
  const auto len = static_cast<int32_t>(std::min<size_t>(s.size() - i, 4));
  int32_t n = 0;
  UChar32 cp;
  U8_NEXT(p, n, len, cp);
  if (cp < 0 || (cp >= 0x80 && cp <= 0x9F)) return 0;
  return static_cast<size_t>(n);
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
