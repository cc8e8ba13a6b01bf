#include "tokenizer/hf_json.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include <simdjson.h>

#include "tokenizer/byte_level.h"
#include "tokenizer/json_text.h"

namespace sluice::tokenizer {
namespace {

using simdjson::dom::element;

// Reading tokenizer.json: simdjson's DOM, read through these few helpers.
// The member `key` of `v` when v is an object that has it.
bool Member(element v, std::string_view key, element* out) {
  return v.is_object() && v.at_key(key).get(*out) == simdjson::SUCCESS;
}
// True when `v` has a member `key` that is not null.
bool HasNonNull(element v, std::string_view key) {
  element m;
  return Member(v, key, &m) && !m.is_null();
}
bool StringOf(element v, std::string_view* out) { return v.get_string().get(*out) == simdjson::SUCCESS; }
bool StringIs(element v, std::string_view want) {
  std::string_view got;
  return StringOf(v, &got) && got == want;
}
bool MemberStringIs(element v, std::string_view key, std::string_view want) {
  element m;
  return Member(v, key, &m) && StringIs(m, want);
}
// An integer written as one that fits in int64.
bool IntegerOf(element v, int64_t* out) { return v.is_int64() && v.get_int64().get(*out) == simdjson::SUCCESS; }

// How token `id` is spelled in HF files.
std::string Display(const BpeModel& model, uint32_t id) {
  return model.is_special(id) ? model.token(id) : ToByteLevel(model.token(id));
}

void AppendByteLevelObject(bool use_regex, std::string* out) {
  out->append(R"({"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":)");
  out->append(use_regex ? "true}" : "false}");
}

void AppendPreTokenizer(const PreTokenizer& pre, std::string* out) {
  if (pre.kind() == PreTokenizerKind::kGpt2) {
    AppendByteLevelObject(true, out);
    return;
  }
  out->append(R"({"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":)");
  AppendJsonQuoted(pre.pattern(), out);
  out->append(R"(},"behavior":"Isolated","invert":false},)");
  AppendByteLevelObject(false, out);
  out->append("]}");
}

bool IsByteLevel(element v) { return MemberStringIs(v, "type", "ByteLevel"); }

bool BoolMember(element v, std::string_view key, bool fallback) {
  element m;
  bool b = fallback;
  if (Member(v, key, &m) && m.get_bool().get(b) != simdjson::SUCCESS) b = fallback;
  return b;
}

TokStatus ParsePreTokenizer(element root, PreTokenizer* out) {
  element v;
  if (!Member(root, "pre_tokenizer", &v) || v.is_null()) {
    return TokStatus::Invalid("tokenizer.json: pre_tokenizer is null (expected ByteLevel)");
  }
  if (IsByteLevel(v)) {
    if (BoolMember(v, "add_prefix_space", false)) {
      return TokStatus::Invalid("tokenizer.json: ByteLevel add_prefix_space=true is not supported");
    }
    if (!BoolMember(v, "use_regex", true)) {
      return TokStatus::Invalid("tokenizer.json: ByteLevel without a split pattern is not supported");
    }
    *out = PreTokenizer::Gpt2();
    return TokStatus::Ok();
  }
  element list_e;
  simdjson::dom::array list;
  if (MemberStringIs(v, "type", "Sequence") && Member(v, "pretokenizers", &list_e) &&
      list_e.get_array().get(list) == simdjson::SUCCESS && list.size() == 2 && IsByteLevel(list.at(1).value_unsafe()) &&
      !BoolMember(list.at(1).value_unsafe(), "use_regex", true) &&
      !BoolMember(list.at(1).value_unsafe(), "add_prefix_space", false)) {
    const element split = list.at(0).value_unsafe();
    element pattern, regex;
    std::string_view p;
    if (MemberStringIs(split, "type", "Split") && Member(split, "pattern", &pattern) &&
        Member(pattern, "Regex", &regex) && StringOf(regex, &p) && MemberStringIs(split, "behavior", "Isolated") &&
        !BoolMember(split, "invert", false)) {
      if (p == kGpt2Pattern) {
        *out = PreTokenizer::Gpt2();
      } else if (p == kCl100kPattern) {
        *out = PreTokenizer::Cl100k();
      } else {
        return PreTokenizer::FromRegex(std::string(p), out);
      }
      return TokStatus::Ok();
    }
  }
  return TokStatus::Invalid(
      "tokenizer.json: unsupported pre_tokenizer (expected ByteLevel, or Sequence[Split(Regex, Isolated), "
      "ByteLevel(use_regex=false)])");
}

}  // namespace

std::string ToTokenizerJson(const BpeModel& model) {
  std::string out;
  out.reserve(model.vocab_size() * 24 + model.merges().size() * 16 + 1024);
  out.append(R"({"version":"1.0","truncation":null,"padding":null,"added_tokens":[)");
  bool first = true;
  for (uint32_t id : model.special_ids()) {
    if (!first) out.push_back(',');
    first = false;
    out.append(R"({"id":)" + std::to_string(id) + R"(,"content":)");
    AppendJsonQuoted(model.token(id), &out);
    out.append(R"(,"single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true})");
  }
  out.append(R"(],"normalizer":null,"pre_tokenizer":)");
  AppendPreTokenizer(model.pre_tokenizer(), &out);
  out.append(R"(,"post_processor":)");
  AppendByteLevelObject(true, &out);
  out.append(R"(,"decoder":)");
  AppendByteLevelObject(true, &out);
  out.append(
      R"(,"model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,)"
      R"("end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,"ignore_merges":false,"vocab":{)");
  for (uint32_t id = 0; id < model.vocab_size(); ++id) {
    if (id) out.push_back(',');
    AppendJsonQuoted(Display(model, id), &out);
    out.push_back(':');
    out.append(std::to_string(id));
  }
  out.append(R"(},"merges":[)");
  first = true;
  for (const MergeRule& m : model.merges()) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('[');
    AppendJsonQuoted(Display(model, m.left), &out);
    out.push_back(',');
    AppendJsonQuoted(Display(model, m.right), &out);
    out.push_back(']');
  }
  out.append("]}}");
  return out;
}

TokStatus ParseTokenizerJson(std::string_view json, BpeModel* model) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    return TokStatus::Invalid(std::string("tokenizer.json: invalid JSON: ") + simdjson::error_message(err));
  }
  if (!root.is_object()) return TokStatus::Invalid("tokenizer.json: not a JSON object");
  if (HasNonNull(root, "normalizer")) {
    return TokStatus::Invalid("tokenizer.json: normalizers are not supported (normalizer must be null)");
  }
  element m;
  if (!Member(root, "model", &m) || !m.is_object()) return TokStatus::Invalid("tokenizer.json: missing model");
  if (!MemberStringIs(m, "type", "BPE")) return TokStatus::Invalid("tokenizer.json: model.type must be BPE");
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix", "unk_token"}) {
    if (HasNonNull(m, key)) return TokStatus::Invalid(std::string("tokenizer.json: model.") + key + " is not supported");
  }
  if (BoolMember(m, "byte_fallback", false) || BoolMember(m, "ignore_merges", false)) {
    return TokStatus::Invalid("tokenizer.json: byte_fallback / ignore_merges are not supported");
  }
  if (HasNonNull(m, "dropout")) return TokStatus::Invalid("tokenizer.json: BPE dropout is not supported");

  // Added tokens: literal content.
  std::unordered_map<int64_t, std::string> added;
  std::vector<uint32_t> special_ids;
  element at;
  simdjson::dom::array added_tokens;
  if (Member(root, "added_tokens", &at) && at.get_array().get(added_tokens) == simdjson::SUCCESS) {
    for (element t : added_tokens) {
      element id_e, content_e;
      int64_t id = -1;
      std::string_view content;
      if (!Member(t, "id", &id_e) || !IntegerOf(id_e, &id) || id < 0 || !Member(t, "content", &content_e) ||
          !StringOf(content_e, &content) || content.empty()) {
        return TokStatus::Invalid("tokenizer.json: malformed added_tokens entry");
      }
      added[id] = std::string(content);
      special_ids.push_back(static_cast<uint32_t>(id));
    }
  }

  element vocab_e;
  simdjson::dom::object vocab;
  if (!Member(m, "vocab", &vocab_e) || vocab_e.get_object().get(vocab) != simdjson::SUCCESS) {
    return TokStatus::Invalid("tokenizer.json: model.vocab must be an object");
  }
  const size_t n = vocab.size();
  size_t total = n;
  for (const auto& [id, content] : added) {
    if (id >= static_cast<int64_t>(total)) total = static_cast<size_t>(id) + 1;
  }
  std::vector<std::string> tokens(total);
  std::vector<bool> filled(total, false);
  std::unordered_map<std::string, uint32_t> by_display;
  for (auto field : vocab) {
    const std::string key(field.key);
    int64_t value = -1;
    if (!IntegerOf(field.value, &value) || value < 0 || value >= static_cast<int64_t>(total)) {
      return TokStatus::Invalid("tokenizer.json: vocab id of '" + key + "' is not in 0.." + std::to_string(total - 1));
    }
    const uint32_t id = static_cast<uint32_t>(value);
    if (filled[id]) return TokStatus::Invalid("tokenizer.json: vocab id " + std::to_string(id) + " is used twice");
    filled[id] = true;
    by_display[key] = id;
    if (auto it = added.find(id); it != added.end()) {
      tokens[id] = it->second;
    } else if (!FromByteLevel(key, &tokens[id])) {
      return TokStatus::Invalid("tokenizer.json: vocab entry '" + key + "' is not a byte-level token");
    }
  }
  for (const auto& [id, content] : added) {
    if (!filled[id]) {
      filled[id] = true;
      tokens[id] = content;
      by_display[content] = static_cast<uint32_t>(id);
    }
  }
  for (size_t id = 0; id < total; ++id) {
    if (!filled[id]) return TokStatus::Invalid("tokenizer.json: vocab has no token with id " + std::to_string(id));
  }

  element merges_e;
  simdjson::dom::array merges;
  if (!Member(m, "merges", &merges_e) || merges_e.get_array().get(merges) != simdjson::SUCCESS) {
    return TokStatus::Invalid("tokenizer.json: model.merges must be an array");
  }
  std::vector<MergeRule> rules;
  rules.reserve(merges.size());
  for (element e : merges) {
    std::string a, b;
    simdjson::dom::array pair;
    std::string_view left, right, both;
    if (e.get_array().get(pair) == simdjson::SUCCESS && pair.size() == 2 &&
        StringOf(pair.at(0).value_unsafe(), &left) && StringOf(pair.at(1).value_unsafe(), &right)) {
      a = std::string(left);
      b = std::string(right);
    } else if (StringOf(e, &both)) {
      const size_t sp = both.find(' ');
      if (sp == std::string_view::npos || both.find(' ', sp + 1) != std::string_view::npos) {
        return TokStatus::Invalid("tokenizer.json: merge '" + std::string(both) + "' is not 'a b'");
      }
      a = std::string(both.substr(0, sp));
      b = std::string(both.substr(sp + 1));
    } else {
      return TokStatus::Invalid("tokenizer.json: a merge must be [\"a\",\"b\"] or \"a b\"");
    }
    auto ia = by_display.find(a), ib = by_display.find(b), ir = by_display.find(a + b);
    if (ia == by_display.end() || ib == by_display.end() || ir == by_display.end()) {
      return TokStatus::Invalid("tokenizer.json: merge '" + a + " " + b + "' uses a token missing from the vocab");
    }
    rules.push_back(MergeRule{ia->second, ib->second, ir->second});
  }

  PreTokenizer pre;
  SLUICE_TOK_RETURN_IF_ERROR(ParsePreTokenizer(root, &pre));
  return BpeModel::Create(std::move(tokens), std::move(special_ids), std::move(rules), std::move(pre), model);
}

TokStatus ReadFile(const std::string& path, std::string* out) {
  std::error_code ec;
  // An ifstream opens a directory and reads nothing ("unexpected end of input").
  if (std::filesystem::is_directory(path, ec)) return TokStatus::Io(path + " is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return TokStatus::Io("cannot open " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return TokStatus::Io("cannot read " + path);
  *out = std::move(ss).str();
  return TokStatus::Ok();
}

TokStatus WriteFile(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return TokStatus::Io("cannot create " + path);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) return TokStatus::Io("cannot write " + path);
  return TokStatus::Ok();
}

TokStatus LoadTokenizerJson(const std::string& path, BpeModel* model) {
  std::string text;
  SLUICE_TOK_RETURN_IF_ERROR(ReadFile(path, &text));
  TokStatus st = ParseTokenizerJson(text, model);
  if (!st.ok()) return TokStatus::Invalid(path + ": " + st.message());
  return st;
}

std::string ToVocabJson(const BpeModel& model) {
  std::string out = "{";
  for (uint32_t id = 0; id < model.vocab_size(); ++id) {
    if (id) out.push_back(',');
    AppendJsonQuoted(Display(model, id), &out);
    out.push_back(':');
    out.append(std::to_string(id));
  }
  out.append("}");
  return out;
}

std::string ToMergesTxt(const BpeModel& model) {
  std::string out = "#version: 0.2\n";
  for (const MergeRule& m : model.merges()) {
    out.append(Display(model, m.left));
    out.push_back(' ');
    out.append(Display(model, m.right));
    out.push_back('\n');
  }
  return out;
}

std::string ToTiktoken(const BpeModel& model) {
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (uint32_t id = 0; id < model.vocab_size(); ++id) {
    if (model.is_special(id)) continue;
    const std::string& t = model.token(id);
    size_t i = 0;
    for (; i + 3 <= t.size(); i += 3) {
      const uint32_t v = (uint32_t(uint8_t(t[i])) << 16) | (uint32_t(uint8_t(t[i + 1])) << 8) | uint8_t(t[i + 2]);
      out.push_back(kB64[v >> 18]);
      out.push_back(kB64[(v >> 12) & 63]);
      out.push_back(kB64[(v >> 6) & 63]);
      out.push_back(kB64[v & 63]);
    }
    if (t.size() - i == 1) {
      const uint32_t v = uint32_t(uint8_t(t[i])) << 16;
      out.push_back(kB64[v >> 18]);
      out.push_back(kB64[(v >> 12) & 63]);
      out.append("==");
    } else if (t.size() - i == 2) {
      const uint32_t v = (uint32_t(uint8_t(t[i])) << 16) | (uint32_t(uint8_t(t[i + 1])) << 8);
      out.push_back(kB64[v >> 18]);
      out.push_back(kB64[(v >> 12) & 63]);
      out.push_back(kB64[(v >> 6) & 63]);
      out.push_back('=');
    }
    out.push_back(' ');
    out.append(std::to_string(id));
    out.push_back('\n');
  }
  return out;
}

TokStatus SaveTokenizerFiles(const BpeModel& model, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return TokStatus::Io("cannot create directory " + dir + ": " + ec.message());
  SLUICE_TOK_RETURN_IF_ERROR(WriteFile(dir + "/tokenizer.json", ToTokenizerJson(model)));
  SLUICE_TOK_RETURN_IF_ERROR(WriteFile(dir + "/vocab.json", ToVocabJson(model)));
  SLUICE_TOK_RETURN_IF_ERROR(WriteFile(dir + "/merges.txt", ToMergesTxt(model)));
  SLUICE_TOK_RETURN_IF_ERROR(WriteFile(dir + "/tokenizer.tiktoken", ToTiktoken(model)));
  return TokStatus::Ok();
}

}  // namespace sluice::tokenizer
