// Text helpers for the HTML report: escaping that makes any document text safe
// inside HTML text and attribute values (and inline SVG), and number formats
// that are identical on every platform (the report is byte-deterministic).
// Free functions, no state: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

// Appends `text` escaped for HTML text and double- or single-quoted attribute
// values: & < > " ' become entities; C0 controls (but tab, LF, CR), DEL and
// NUL become U+FFFD; invalid UTF-8 bytes become U+FFFD. Example:
//   </script><img onerror=x> -> &lt;/script&gt;&lt;img onerror=x&gt;
void AppendHtmlEscaped(std::string& out, std::string_view text);
std::string HtmlEscape(std::string_view text);

// The first `max_code_points` code points of UTF-8 `text`, plus "…" when cut.
std::string TruncateUtf8(std::string_view text, size_t max_code_points);

// 1234567 -> "1,234,567"; -42 -> "-42".
std::string FormatInt(int64_t value);
// Decimal units: 999 -> "999 B", 1234 -> "1.2 kB", 5.3e9 -> "5.30 GB".
std::string FormatBytes(double bytes);
// A fraction as a percentage with sensible precision: 0.5 -> "50.0%",
// 0.0004 -> "0.04%", 0 -> "0%".
std::string FormatPercent(double fraction);
// Compact, exponent-free for everyday magnitudes: 4 significant digits below
// 10^4 (0.25 -> "0.25", 3.14159 -> "3.142"), one decimal and separators above
// (12345.67 -> "12,345.7"), "%.3g" outside [1e-4, 1e15); non-finite -> "—".
std::string FormatNumber(double value);

}  // namespace sluice
