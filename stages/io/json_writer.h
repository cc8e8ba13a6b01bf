// Minimal, allocation-friendly JSON text building: string escaping and number
// formatting that is identical on every platform (needed for byte-identical
// outputs). Not a DOM: callers append pieces in order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

// Appends `s` as a quoted JSON string. `s` must be valid UTF-8; control
// characters, quote and backslash are escaped, everything else is copied.
void AppendJsonString(std::string& out, std::string_view s);
std::string JsonString(std::string_view s);
// Shortest round-trip decimal text for a double ("0.25", "1e-07"); NaN and
// infinities, which JSON cannot hold, become null.
void AppendJsonNumber(std::string& out, double value);
std::string JsonNumber(double value);
void AppendJsonInt(std::string& out, int64_t value);

// Builds a JSON object or array incrementally, inserting commas.
//   JsonBuilder b; b.BeginObject(); b.Key("n"); b.Int(3); b.EndObject();
class JsonBuilder {
 public:
  JsonBuilder& BeginObject();
  JsonBuilder& EndObject();
  JsonBuilder& BeginArray();
  JsonBuilder& EndArray();
  JsonBuilder& Key(std::string_view key);
  JsonBuilder& String(std::string_view value);
  JsonBuilder& Number(double value);
  JsonBuilder& Int(int64_t value);
  JsonBuilder& Bool(bool value);
  JsonBuilder& Null();
  JsonBuilder& Raw(std::string_view json);  // an already-serialized JSON value
  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();
  std::string out_;
  bool need_comma_ = false;
};

}  // namespace sluice
