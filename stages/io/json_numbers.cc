#include "stages/io/json_numbers.h"

#include <simdjson.h>

namespace sluice {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Index just past the string that starts at json[i] (a '"').
size_t SkipString(std::string_view json, size_t i) {
  for (++i; i < json.size(); ++i) {
    if (json[i] == '\\') {
      ++i;
    } else if (json[i] == '"') {
      return i + 1;
    }
  }
  return json.size();
}

// Whether `t` is exactly one JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view t) {
  size_t i = 0;
  if (i < t.size() && t[i] == '-') ++i;
  if (i >= t.size() || !IsDigit(t[i])) return false;
  if (t[i] == '0') {
    ++i;
  } else {
    while (i < t.size() && IsDigit(t[i])) ++i;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (i >= t.size() || !IsDigit(t[i])) return false;
    while (i < t.size() && IsDigit(t[i])) ++i;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (i >= t.size() || !IsDigit(t[i])) return false;
    while (i < t.size() && IsDigit(t[i])) ++i;
  }
  return i == t.size();
}

// Whether simdjson holds the number `t` (a JSON number) without losing it to
// an error or to an underflow to zero.
bool SimdjsonHolds(std::string_view t) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(t.data(), t.size(), true).get(e)) return false;
  double d = 0;
  if (e.get_double().get(d) || d != 0.0) return true;
  for (char c : t) {
    if (c == 'e' || c == 'E') break;
    if (c >= '1' && c <= '9') return false;  // a non-zero mantissa became 0
  }
  return true;
}

}  // namespace

void FindUnrepresentableNumbers(std::string_view json, std::vector<std::pair<size_t, size_t>>* out) {
  out->clear();
  size_t i = 0;
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {
      i = SkipString(json, i);
    } else if (c == '-' || IsDigit(c)) {
      size_t end = i + 1;
      while (end < json.size() && (IsDigit(json[end]) || json[end] == '.' || json[end] == 'e' || json[end] == 'E' ||
                                   json[end] == '+' || json[end] == '-')) {
        ++end;
      }
      const std::string_view token = json.substr(i, end - i);
      if (IsJsonNumber(token) && !SimdjsonHolds(token)) out->emplace_back(i, end);
      i = end;
    } else {
      ++i;
    }
  }
}

void BlankNumbers(std::string_view json, const std::vector<std::pair<size_t, size_t>>& tokens, std::string* out) {
  out->assign(json);
  for (const auto& [begin, end] : tokens) {
    (*out)[begin] = '0';
    for (size_t k = begin + 1; k < end; ++k) (*out)[k] = ' ';
  }
}

void TopLevelValueSpans(std::string_view json, std::vector<std::pair<size_t, size_t>>* out) {
  out->clear();
  size_t i = 0;
  auto skip_space = [&] {
    while (i < json.size() && IsSpace(json[i])) ++i;
  };
  skip_space();
  if (i >= json.size() || json[i] != '{') return;
  ++i;
  while (i < json.size()) {
    skip_space();
    if (i >= json.size() || json[i] == '}') return;
    if (json[i] == ',') {
      ++i;
      continue;
    }
    i = SkipString(json, i);  // the key
    skip_space();
    if (i < json.size() && json[i] == ':') ++i;
    skip_space();
    const size_t begin = i;
    int depth = 0;
    while (i < json.size()) {
      const char c = json[i];
      if (c == '"') {
        i = SkipString(json, i);
        if (depth == 0) break;
      } else if (c == '{' || c == '[') {
        ++depth;
        ++i;
      } else if (c == '}' || c == ']') {
        if (depth == 0) break;  // the end of the top-level object
        ++i;
        if (--depth == 0) break;
      } else if (depth == 0 && (c == ',' || IsSpace(c))) {
        break;
      } else {
        ++i;
      }
    }
    out->emplace_back(begin, i);
  }
}

void AppendMinifiedJson(std::string_view json, std::string* out) {
  size_t i = 0;
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {
      const size_t end = SkipString(json, i);
      out->append(json.substr(i, end - i));
      i = end;
    } else {
      if (!IsSpace(c)) out->push_back(c);
      ++i;
    }
  }
}

}  // namespace sluice
