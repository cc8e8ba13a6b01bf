// JsonValue: a JSON document held by value (object members in document order),
// parsed with simdjson and written back with JsonBuilder, so text that sluice
// wrote comes back byte for byte (numbers are shortest round-trip text both
// ways). JsonReader reads typed fields out of one and names the JSON path of the
// first problem ("stages[1].docs_in: expected an integer"). Used for the files
// sluice writes and reads back (stats.json and the sections in it); record
// input goes through the streaming reader in record_reader.h instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/engine/status.h"

namespace sluice {

class JsonBuilder;  // stages/io/json_writer.h
struct JsonMember;

struct JsonValue {
  // kUint: an integer above INT64_MAX (below, integers are kInt).
  enum class Kind { kNull, kBool, kInt, kUint, kDouble, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;
  uint64_t unsigned_integer = 0;
  double number = 0;
  std::string string;
  std::vector<JsonValue> items;     // kArray
  std::vector<JsonMember> members;  // kObject, in document order

  // The member `key` of an object (the first one), or nullptr.
  const JsonValue* Find(std::string_view key) const;
  bool is_number() const { return kind == Kind::kInt || kind == Kind::kUint || kind == Kind::kDouble; }
  double AsDouble() const;
  bool operator==(const JsonValue& other) const;
};

// One member of a JSON object (a named struct rather than std::pair: a pair of
// an incomplete type inside JsonValue does not compile with clang + libstdc++).
struct JsonMember {
  std::string key;
  JsonValue value;
  bool operator==(const JsonMember& other) const;
};

// Parses JSON text (Status::Io "… is not valid JSON: …" naming `what`, or
// "nested too deeply" past 64 levels).
StatusOr<JsonValue> ParseJsonValue(std::string_view json, std::string_view what = "JSON");

// Appends `value` to `b` as one JSON value; JsonText returns it alone.
void AppendJsonValue(const JsonValue& value, JsonBuilder& b);
std::string JsonText(const JsonValue& value);

// Typed reads from a parsed document. Each read that does not find what it
// expects records the first problem as Status::Io("<context>: <path>: <what>")
// and returns a zero value; callers read on and check status() at the end.
// Paths are "a.b[2].c"; the document itself is "(root)".
class JsonReader {
 public:
  explicit JsonReader(std::string context) : context_(std::move(context)) {}

  const Status& status() const { return error_; }
  bool failed() const { return !error_.ok(); }
  void Fail(std::string_view path, std::string_view what);

  // "a" + "b" -> "a.b"; the root has no prefix.
  static std::string Join(std::string_view path, std::string_view key);
  static constexpr std::string_view kRoot = "(root)";

  // The member `key` of the object `obj` (path `path`); a missing key fails only when `required`.
  const JsonValue* Member(const JsonValue& obj, std::string_view key, std::string_view path, bool required);
  // `v` if it is an object (or array), else fails and returns nullptr.
  const JsonValue* Object(const JsonValue& v, std::string_view path);
  const JsonValue* Array(const JsonValue& v, std::string_view path);
  // The member `key` as an object; nullptr when absent (and not required) or not an object.
  const JsonValue* ObjectKey(const JsonValue& obj, std::string_view key, std::string_view path, bool required);

  int64_t Int(const JsonValue& v, std::string_view path);
  double Number(const JsonValue& v, std::string_view path);  // null (NaN, infinity as written) reads as 0
  std::string String(const JsonValue& v, std::string_view path);
  bool Bool(const JsonValue& v, std::string_view path);

  int64_t IntKey(const JsonValue& obj, std::string_view key, std::string_view path, bool required = true);
  double NumberKey(const JsonValue& obj, std::string_view key, std::string_view path, bool required = true);
  std::string StringKey(const JsonValue& obj, std::string_view key, std::string_view path, bool required = true);
  bool BoolKey(const JsonValue& obj, std::string_view key, std::string_view path, bool required = true);

  // fn(item, its path) for each element of the array obj[key]; stops at the first failure.
  template <typename F>
  void ForEach(const JsonValue& obj, std::string_view key, std::string_view path, bool required, F fn) {
    const JsonValue* e = Member(obj, key, path, required);
    const std::string at = Join(path, key);
    if (e == nullptr || Array(*e, at) == nullptr) return;
    for (size_t i = 0; i < e->items.size() && !failed(); ++i) fn(e->items[i], at + "[" + std::to_string(i) + "]");
  }
  // The same for an array of objects.
  template <typename F>
  void ForEachObject(const JsonValue& obj, std::string_view key, std::string_view path, bool required, F fn) {
    ForEach(obj, key, path, required, [&](const JsonValue& item, const std::string& item_path) {
      if (Object(item, item_path) != nullptr) fn(item, item_path);
    });
  }
  // fn(key, value, its path) for each member of the object obj[key] (absent = nothing).
  template <typename F>
  void ForEachMember(const JsonValue& obj, std::string_view key, std::string_view path, F fn) {
    const JsonValue* e = ObjectKey(obj, key, path, false);
    if (e == nullptr) return;
    const std::string at = Join(path, key);
    for (const JsonMember& m : e->members) {
      if (failed()) return;
      fn(m.key, m.value, Join(at, m.key));
    }
  }

 private:
  std::string context_;
  Status error_;
};

}  // namespace sluice
