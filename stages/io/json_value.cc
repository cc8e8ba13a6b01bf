#include "stages/io/json_value.h"

#include <simdjson.h>

#include "stages/io/json_writer.h"

namespace sluice {

namespace {

constexpr int kMaxDepth = 64;

using simdjson::dom::element;
using simdjson::dom::element_type;

// simdjson DOM -> JsonValue; false when nested deeper than kMaxDepth.
bool Convert(element e, int depth, JsonValue* out) {
  if (depth > kMaxDepth) return false;
  switch (e.type()) {
    case element_type::NULL_VALUE:
      out->kind = JsonValue::Kind::kNull;
      return true;
    case element_type::BOOL:
      out->kind = JsonValue::Kind::kBool;
      out->boolean = e.get_bool().value_unsafe();
      return true;
    case element_type::INT64:
      out->kind = JsonValue::Kind::kInt;
      out->integer = e.get_int64().value_unsafe();
      return true;
    case element_type::UINT64:
      out->kind = JsonValue::Kind::kUint;
      out->unsigned_integer = e.get_uint64().value_unsafe();
      return true;
    case element_type::DOUBLE:
      out->kind = JsonValue::Kind::kDouble;
      out->number = e.get_double().value_unsafe();
      return true;
    case element_type::STRING:
      out->kind = JsonValue::Kind::kString;
      out->string = std::string(e.get_string().value_unsafe());
      return true;
    case element_type::ARRAY: {
      out->kind = JsonValue::Kind::kArray;
      simdjson::dom::array a = e.get_array().value_unsafe();
      out->items.resize(a.size());
      size_t i = 0;
      for (element item : a) {
        if (!Convert(item, depth + 1, &out->items[i++])) return false;
      }
      return true;
    }
    case element_type::OBJECT: {
      out->kind = JsonValue::Kind::kObject;
      simdjson::dom::object o = e.get_object().value_unsafe();
      out->members.reserve(o.size());
      for (auto field : o) {
        out->members.push_back(JsonMember{std::string(field.key), JsonValue()});
        if (!Convert(field.value, depth + 1, &out->members.back().value)) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const JsonMember& m : members) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

double JsonValue::AsDouble() const {
  switch (kind) {
    case Kind::kInt: return static_cast<double>(integer);
    case Kind::kUint: return static_cast<double>(unsigned_integer);
    default: return number;
  }
}

bool JsonValue::operator==(const JsonValue& other) const {
  if (kind != other.kind) return false;
  switch (kind) {
    case Kind::kNull: return true;
    case Kind::kBool: return boolean == other.boolean;
    case Kind::kInt: return integer == other.integer;
    case Kind::kUint: return unsigned_integer == other.unsigned_integer;
    case Kind::kDouble: return number == other.number;
    case Kind::kString: return string == other.string;
    case Kind::kArray: return items == other.items;
    case Kind::kObject: return members == other.members;
  }
  return false;
}

bool JsonMember::operator==(const JsonMember& other) const { return key == other.key && value == other.value; }

StatusOr<JsonValue> ParseJsonValue(std::string_view json, std::string_view what) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    return Status::Io(std::string(what) + " is not valid JSON: " + simdjson::error_message(err));
  }
  JsonValue value;
  if (!Convert(root, 0, &value)) return Status::Io(std::string(what) + ": nested too deeply");
  return value;
}

void AppendJsonValue(const JsonValue& value, JsonBuilder& b) {
  switch (value.kind) {
    case JsonValue::Kind::kNull: b.Null(); break;
    case JsonValue::Kind::kBool: b.Bool(value.boolean); break;
    case JsonValue::Kind::kInt: b.Int(value.integer); break;
    case JsonValue::Kind::kUint: b.Raw(std::to_string(value.unsigned_integer)); break;
    case JsonValue::Kind::kDouble: b.Number(value.number); break;
    case JsonValue::Kind::kString: b.String(value.string); break;
    case JsonValue::Kind::kArray:
      b.BeginArray();
      for (const JsonValue& item : value.items) AppendJsonValue(item, b);
      b.EndArray();
      break;
    case JsonValue::Kind::kObject:
      b.BeginObject();
      for (const JsonMember& m : value.members) {
        b.Key(m.key);
        AppendJsonValue(m.value, b);
      }
      b.EndObject();
      break;
  }
}

std::string JsonText(const JsonValue& value) {
  JsonBuilder b;
  AppendJsonValue(value, b);
  return b.Take();
}

// ---------------------------------------------------------------- JsonReader

void JsonReader::Fail(std::string_view path, std::string_view what) {
  if (error_.ok()) error_ = Status::Io(context_ + ": " + std::string(path) + ": " + std::string(what));
}

std::string JsonReader::Join(std::string_view path, std::string_view key) {
  if (path.empty() || path == kRoot) return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

const JsonValue* JsonReader::Member(const JsonValue& obj, std::string_view key, std::string_view path,
                                    bool required) {
  const JsonValue* v = obj.kind == JsonValue::Kind::kObject ? obj.Find(key) : nullptr;
  if (v == nullptr && required) Fail(path, "missing key \"" + std::string(key) + "\"");
  return v;
}

const JsonValue* JsonReader::Object(const JsonValue& v, std::string_view path) {
  if (v.kind == JsonValue::Kind::kObject) return &v;
  Fail(path, "expected an object");
  return nullptr;
}

const JsonValue* JsonReader::Array(const JsonValue& v, std::string_view path) {
  if (v.kind == JsonValue::Kind::kArray) return &v;
  Fail(path, "expected an array");
  return nullptr;
}

const JsonValue* JsonReader::ObjectKey(const JsonValue& obj, std::string_view key, std::string_view path,
                                       bool required) {
  const JsonValue* v = Member(obj, key, path, required);
  return v == nullptr ? nullptr : Object(*v, Join(path, key));
}

int64_t JsonReader::Int(const JsonValue& v, std::string_view path) {
  if (v.kind == JsonValue::Kind::kInt) return v.integer;
  Fail(path, "expected an integer");
  return 0;
}

double JsonReader::Number(const JsonValue& v, std::string_view path) {
  if (v.kind == JsonValue::Kind::kNull) return 0;
  if (v.is_number()) return v.AsDouble();
  Fail(path, "expected a number");
  return 0;
}

std::string JsonReader::String(const JsonValue& v, std::string_view path) {
  if (v.kind == JsonValue::Kind::kString) return v.string;
  Fail(path, "expected a string");
  return {};
}

bool JsonReader::Bool(const JsonValue& v, std::string_view path) {
  if (v.kind == JsonValue::Kind::kBool) return v.boolean;
  Fail(path, "expected true or false");
  return false;
}

int64_t JsonReader::IntKey(const JsonValue& obj, std::string_view key, std::string_view path, bool required) {
  const JsonValue* v = Member(obj, key, path, required);
  return v == nullptr ? 0 : Int(*v, Join(path, key));
}

double JsonReader::NumberKey(const JsonValue& obj, std::string_view key, std::string_view path, bool required) {
  const JsonValue* v = Member(obj, key, path, required);
  return v == nullptr ? 0 : Number(*v, Join(path, key));
}

std::string JsonReader::StringKey(const JsonValue& obj, std::string_view key, std::string_view path,
                                  bool required) {
  const JsonValue* v = Member(obj, key, path, required);
  return v == nullptr ? std::string() : String(*v, Join(path, key));
}

bool JsonReader::BoolKey(const JsonValue& obj, std::string_view key, std::string_view path, bool required) {
  const JsonValue* v = Member(obj, key, path, required);
  return v == nullptr ? false : Bool(*v, Join(path, key));
}

}  // namespace sluice
