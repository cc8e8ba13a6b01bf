#include "pipelines/report_html.h"

#include <cmath>
#include <cstdio>

namespace sluice {

namespace {
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return n;
}
}  // namespace

void AppendHtmlEscaped(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size());
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        case '\t':
        case '\n':
        case '\r': out.push_back(static_cast<char>(c)); break;
        default:
          if (c < 0x20 || c == 0x7F) {
            out += kReplacement;
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  AppendHtmlEscaped(out, text);
  return out;
}

std::string TruncateUtf8(std::string_view text, size_t max_code_points) {
  size_t points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (points == max_code_points) return std::string(text.substr(0, i)) + "…";
    ++points;
  }
  return std::string(text);
}

std::string FormatInt(int64_t value) {
  std::string digits = std::to_string(value);
  size_t start = digits[0] == '-' ? 1 : 0;
  std::string out = digits.substr(0, start);
  size_t n = digits.size() - start;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[start + i]);
  }
  return out;
}

std::string FormatBytes(double bytes) {
  char buf[48];
  const double a = std::fabs(bytes);
  if (a < 1e3) {
    snprintf(buf, sizeof buf, "%.0f B", bytes);
  } else if (a < 1e6) {
    snprintf(buf, sizeof buf, "%.1f kB", bytes / 1e3);
  } else if (a < 1e9) {
    snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  } else if (a < 1e12) {
    snprintf(buf, sizeof buf, "%.2f GB", bytes / 1e9);
  } else {
    snprintf(buf, sizeof buf, "%.2f TB", bytes / 1e12);
  }
  return buf;
}

std::string FormatPercent(double fraction) {
  if (!std::isfinite(fraction)) return "—";
  double p = fraction * 100;
  char buf[48];
  if (p == 0) return "0%";
  if (std::fabs(p) >= 10) {
    snprintf(buf, sizeof buf, "%.1f%%", p);
  } else if (std::fabs(p) >= 0.1) {
    snprintf(buf, sizeof buf, "%.2f%%", p);
  } else {
    snprintf(buf, sizeof buf, "%.2g%%", p);
  }
  return buf;
}

std::string FormatNumber(double value) {
  if (!std::isfinite(value)) return "—";
  double a = std::fabs(value);
  char buf[64];
  if (a == 0) return "0";
  if (a >= 1e15 || a < 1e-4) {
    snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
  }
  if (a >= 1e4) {
    // One decimal at most, with thousands separators: 12345.67 -> "12,345.7".
    double r = std::round(value * 10) / 10;
    auto whole = static_cast<int64_t>(std::trunc(r));
    auto tenth = static_cast<int>(std::llround(std::fabs(r - static_cast<double>(whole)) * 10));
    std::string out = FormatInt(whole);
    if (tenth > 0 && tenth < 10) out += "." + std::to_string(tenth);
    return out;
  }
  snprintf(buf, sizeof buf, "%.4g", value);
  return buf;
}

}  // namespace sluice
