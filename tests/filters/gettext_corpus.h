// Test helper: real labelled text available offline — the translated strings
// of gettext catalogs (/usr/share/locale/<lang>/LC_MESSAGES/<domain>.mo, shipped
// by Debian's essential packages coreutils, dpkg, bash). Reads the binary .mo
// format directly (no msgunfmt needed).
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sluice::testing {

inline std::string MoPath(const std::string& lang, const std::string& domain) {
  return "/usr/share/locale/" + lang + "/LC_MESSAGES/" + domain + ".mo";
}

// Translated strings (msgstr, plural forms split on NUL) of at least
// `min_bytes` bytes; empty when the file is missing or not a .mo file.
inline std::vector<std::string> ReadMoTranslations(const std::string& path, size_t min_bytes = 20) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  std::vector<std::string> out;
  auto u32 = [&](size_t off) -> uint32_t {
    uint32_t v = 0;
    if (off + 4 <= data.size()) std::memcpy(&v, data.data() + off, 4);
    return v;
  };
  if (data.size() < 28 || u32(0) != 0x950412de) return out;  // little-endian magic only
  const uint32_t n = u32(8), trans = u32(16);
  for (uint32_t i = 1; i < n; ++i) {  // entry 0 is the header
    const uint32_t len = u32(trans + 8 * i), off = u32(trans + 8 * i + 4);
    if (static_cast<size_t>(off) + len > data.size()) break;
    std::string s = data.substr(off, len);
    size_t start = 0;
    while (start <= s.size()) {
      size_t nul = s.find('\0', start);
      if (nul == std::string::npos) nul = s.size();
      std::string part = s.substr(start, nul - start);
      if (part.size() >= min_bytes) out.push_back(std::move(part));
      start = nul + 1;
    }
  }
  return out;
}

}  // namespace sluice::testing
