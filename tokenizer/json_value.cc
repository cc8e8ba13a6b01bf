#include "tokenizer/json_value.h"

#include <cerrno>
#include <cstdlib>

#include "tokenizer/unicode_classes.h"

namespace sluice::tokenizer {

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const auto& [k, v] : object_) {
    if (k == key) return &v;
  }
  return nullptr;
}

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : t_(text) {}

  TokStatus ParseDocument(JsonValue* out) {
    if (!ParseValue(out, 0)) return TokStatus::Invalid(error_ + " at byte " + std::to_string(pos_));
    SkipSpace();
    if (pos_ != t_.size()) return TokStatus::Invalid("trailing characters at byte " + std::to_string(pos_));
    return TokStatus::Ok();
  }

 private:
  bool Fail(const char* what) {
    error_ = what;
    return false;
  }
  void SkipSpace() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\n' || t_[pos_] == '\r')) ++pos_;
  }
  bool Literal(std::string_view word) {
    if (t_.substr(pos_, word.size()) != word) return Fail("invalid literal");
    pos_ += word.size();
    return true;
  }
  bool ParseHex4(uint32_t* v) {
    if (pos_ + 4 > t_.size()) return Fail("truncated \\u escape");
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = t_[pos_++];
      *v <<= 4;
      if (c >= '0' && c <= '9') *v |= c - '0';
      else if (c >= 'a' && c <= 'f') *v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') *v |= c - 'A' + 10;
      else return Fail("invalid \\u escape");
    }
    return true;
  }
  bool ParseString(std::string* out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= t_.size()) return Fail("unterminated string");
      const char c = t_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return Fail("control character in string");
      if (c != '\\') {
        // Copy a run of plain bytes.
        size_t end = pos_;
        while (end < t_.size() && t_[end] != '"' && t_[end] != '\\' && static_cast<unsigned char>(t_[end]) >= 0x20) ++end;
        out->append(t_.substr(pos_, end - pos_));
        pos_ = end;
        continue;
      }
      if (++pos_ >= t_.size()) return Fail("unterminated escape");
      const char e = t_[pos_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!ParseHex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (t_.substr(pos_, 2) != "\\u") return Fail("unpaired surrogate");
            pos_ += 2;
            if (!ParseHex4(&lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return Fail("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Fail("unpaired surrogate");
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Fail("invalid escape");
      }
    }
  }
  bool ParseNumber(JsonValue* v) {
    const size_t start = pos_;
    if (pos_ < t_.size() && t_[pos_] == '-') ++pos_;
    bool integral = true;
    while (pos_ < t_.size()) {
      const char c = t_[pos_];
      if (c >= '0' && c <= '9') {
        ++pos_;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        ++pos_;
      } else {
        break;
      }
    }
    const std::string text(t_.substr(start, pos_ - start));
    if (text.empty() || text == "-") return Fail("invalid number");
    char* end = nullptr;
    v->type_ = JsonValue::Type::kNumber;
    v->number_ = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return Fail("invalid number");
    if (integral) {
      errno = 0;
      const long long i = std::strtoll(text.c_str(), &end, 10);
      if (errno == 0) {
        v->is_integer_ = true;
        v->integer_ = i;
      }
    }
    return true;
  }
  bool ParseValue(JsonValue* v, int depth) {
    if (depth > 128) return Fail("nesting too deep");
    SkipSpace();
    if (pos_ >= t_.size()) return Fail("unexpected end of input");
    const char c = t_[pos_];
    switch (c) {
      case 'n':
        v->type_ = JsonValue::Type::kNull;
        return Literal("null");
      case 't':
        v->type_ = JsonValue::Type::kBool;
        v->bool_ = true;
        return Literal("true");
      case 'f':
        v->type_ = JsonValue::Type::kBool;
        v->bool_ = false;
        return Literal("false");
      case '"':
        v->type_ = JsonValue::Type::kString;
        return ParseString(&v->string_);
      case '[': {
        v->type_ = JsonValue::Type::kArray;
        ++pos_;
        SkipSpace();
        if (pos_ < t_.size() && t_[pos_] == ']') {
          ++pos_;
          return true;
        }
        while (true) {
          v->array_.emplace_back();
          if (!ParseValue(&v->array_.back(), depth + 1)) return false;
          SkipSpace();
          if (pos_ >= t_.size()) return Fail("unterminated array");
          if (t_[pos_] == ',') {
            ++pos_;
            continue;
          }
          if (t_[pos_] == ']') {
            ++pos_;
            return true;
          }
          return Fail("expected , or ]");
        }
      }
      case '{': {
        v->type_ = JsonValue::Type::kObject;
        ++pos_;
        SkipSpace();
        if (pos_ < t_.size() && t_[pos_] == '}') {
          ++pos_;
          return true;
        }
        while (true) {
          SkipSpace();
          if (pos_ >= t_.size() || t_[pos_] != '"') return Fail("expected object key");
          std::string key;
          if (!ParseString(&key)) return false;
          SkipSpace();
          if (pos_ >= t_.size() || t_[pos_] != ':') return Fail("expected :");
          ++pos_;
          v->object_.emplace_back(std::move(key), JsonValue());
          if (!ParseValue(&v->object_.back().second, depth + 1)) return false;
          SkipSpace();
          if (pos_ >= t_.size()) return Fail("unterminated object");
          if (t_[pos_] == ',') {
            ++pos_;
            continue;
          }
          if (t_[pos_] == '}') {
            ++pos_;
            return true;
          }
          return Fail("expected , or }");
        }
      }
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(v);
        return Fail("unexpected character");
    }
  }

  std::string_view t_;
  size_t pos_ = 0;
  std::string error_;
};

TokStatus JsonValue::Parse(std::string_view text, JsonValue* out) {
  *out = JsonValue();
  return JsonParser(text).ParseDocument(out);
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
