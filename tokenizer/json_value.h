// JsonValue: a small JSON document model for reading tokenizer.json (the
// tokenizer library depends on nothing of sluice's, so it carries its own
// value type; the parsing is simdjson's, as everywhere in sluice), plus string
// escaping with serde_json's rules so written files match HF's.
// Objects keep their key order. Values are plain data: not thread-safe to mutate.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokenizer/tokenizer_status.h"

namespace sluice::tokenizer {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }
  bool is_bool() const { return type_ == Type::kBool; }

  bool bool_value() const { return bool_; }
  double number() const { return number_; }
  // True when the number was written as an integer that fits in int64.
  bool is_integer() const { return is_integer_; }
  int64_t integer() const { return integer_; }
  const std::string& string() const { return string_; }
  const std::vector<JsonValue>& array() const { return array_; }
  const std::vector<std::pair<std::string, JsonValue>>& object() const { return object_; }
  // Member `key` of an object, or nullptr.
  const JsonValue* Find(std::string_view key) const;

  // Parses a whole document; trailing non-space is an error.
  static TokStatus Parse(std::string_view text, JsonValue* out);

 private:
  friend class JsonParser;
  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  bool is_integer_ = false;
  int64_t integer_ = 0;
  std::string string_;
  std::vector<JsonValue> array_;
  std::vector<std::pair<std::string, JsonValue>> object_;
};

// Appends `s` (valid UTF-8) as a quoted JSON string: '"', '\\' and control
// characters escaped (\b \f \n \r \t, else \u00XX), everything else verbatim.
void AppendJsonQuoted(std::string_view s, std::string* out);

}  // namespace sluice::tokenizer
