#include "tokenizer/json_value.h"

#include <simdjson.h>

namespace sluice::tokenizer {

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const auto& [k, v] : object_) {
    if (k == key) return &v;
  }
  return nullptr;
}

// simdjson DOM -> JsonValue (the reading is simdjson's, as everywhere in
// sluice; this library keeps only its own small value type).
class JsonParser {
 public:
  static constexpr int kMaxDepth = 128;

  // False when nested deeper than kMaxDepth.
  static bool Convert(simdjson::dom::element e, int depth, JsonValue* v) {
    using simdjson::dom::element_type;
    if (depth > kMaxDepth) return false;
    switch (e.type()) {
      case element_type::NULL_VALUE:
        v->type_ = JsonValue::Type::kNull;
        return true;
      case element_type::BOOL:
        v->type_ = JsonValue::Type::kBool;
        v->bool_ = e.get_bool().value_unsafe();
        return true;
      case element_type::INT64:
        v->type_ = JsonValue::Type::kNumber;
        v->is_integer_ = true;
        v->integer_ = e.get_int64().value_unsafe();
        v->number_ = static_cast<double>(v->integer_);
        return true;
      case element_type::UINT64:  // integral, but beyond int64
        v->type_ = JsonValue::Type::kNumber;
        v->number_ = static_cast<double>(e.get_uint64().value_unsafe());
        return true;
      case element_type::DOUBLE:
        v->type_ = JsonValue::Type::kNumber;
        v->number_ = e.get_double().value_unsafe();
        return true;
      case element_type::STRING:
        v->type_ = JsonValue::Type::kString;
        v->string_ = std::string(e.get_string().value_unsafe());
        return true;
      case element_type::ARRAY: {
        v->type_ = JsonValue::Type::kArray;
        simdjson::dom::array a = e.get_array().value_unsafe();
        v->array_.resize(a.size());
        size_t i = 0;
        for (simdjson::dom::element item : a) {
          if (!Convert(item, depth + 1, &v->array_[i++])) return false;
        }
        return true;
      }
      case element_type::OBJECT: {
        v->type_ = JsonValue::Type::kObject;
        simdjson::dom::object o = e.get_object().value_unsafe();
        v->object_.reserve(o.size());
        for (auto field : o) {
          v->object_.emplace_back(std::string(field.key), JsonValue());
          if (!Convert(field.value, depth + 1, &v->object_.back().second)) return false;
        }
        return true;
      }
    }
    return false;
  }
};

TokStatus JsonValue::Parse(std::string_view text, JsonValue* out) {
  *out = JsonValue();
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    return TokStatus::Invalid(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  if (!JsonParser::Convert(root, 0, out)) {
    *out = JsonValue();
    return TokStatus::Invalid("invalid JSON: nesting too deep");
  }
  return TokStatus::Ok();
}

void AppendJsonQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

}  // namespace sluice::tokenizer
