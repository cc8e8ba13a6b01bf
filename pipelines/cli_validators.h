// CLI11 validators shared by the sub-commands. CLI11's Range runs before the
// value is converted, so `--threads abc` said "not in range"; IntegerIn says
// what is wrong: not a whole number, or outside [lo, hi].
#pragma once

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdint>
#include <string>

namespace sluice {

// Accepts a decimal integer (optional sign) in [lo, hi]; `unit` follows the
// bounds in the message ("bytes").
inline CLI::Validator IntegerIn(int64_t lo, int64_t hi, const std::string& unit = "") {
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]" + (unit.empty() ? "" : " " + unit);
  return CLI::Validator(
      [lo, hi, range](std::string& value) -> std::string {
        int64_t v = 0;
        const char* begin = value.data();
        const char* end = value.data() + value.size();
        if (begin != end && *begin == '+') ++begin;
        const auto [ptr, ec] = std::from_chars(begin, end, v);
        if (value.empty() || ec == std::errc::invalid_argument || (ec == std::errc() && ptr != end)) {
          return "'" + value + "' is not a whole number (expected one in " + range + ")";
        }
        if (ec == std::errc::result_out_of_range || v < lo || v > hi) {
          return value + " is not in " + range;
        }
        return "";
      },
      "INT in " + range);
}

}  // namespace sluice
