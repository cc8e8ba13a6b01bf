// Numbers a JSON parser cannot hold, kept as their text (issue 19, item 7).
// simdjson refuses integers outside [-2^63, 2^64) and doubles beyond ±1.8e308
// ("Problem while parsing a number") and turns a non-zero number below the
// smallest double (0.1e-400) into 0.0. The reader finds such tokens, lets
// simdjson parse a copy with each one blanked to `0`, and writes the fields
// that hold one from the record's own text. Free functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

// The [begin, end) of every number token of `json` (outside strings, with
// JSON's number grammar) that simdjson cannot parse or that underflows to
// zero, in order. Tokens that are not JSON numbers ("01", "1.") are not
// listed: they stay invalid JSON.
void FindUnrepresentableNumbers(std::string_view json, std::vector<std::pair<size_t, size_t>>* out);

// *out = json with every listed token replaced by "0" and spaces (same length,
// so offsets do not move).
void BlankNumbers(std::string_view json, const std::vector<std::pair<size_t, size_t>>& tokens, std::string* out);

// The [begin, end) of the value of every member of the top-level object
// `json`, in order, duplicates included. `json` must be valid JSON (but for
// number ranges).
void TopLevelValueSpans(std::string_view json, std::vector<std::pair<size_t, size_t>>* out);

// Appends the valid JSON value `json` without the whitespace between tokens;
// strings and numbers are copied byte for byte.
//   { "a" : [ 1e400 , "x y" ] }  ->  {"a":[1e400,"x y"]}
void AppendMinifiedJson(std::string_view json, std::string* out);

}  // namespace sluice
