#include "tokenizer/hf_json.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "tokenizer/byte_level.h"
#include "tokenizer/json_value.h"

namespace sluice::tokenizer {
namespace {

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

bool IsByteLevel(const JsonValue& v) {
  const JsonValue* type = v.Find("type");
  return v.is_object() && type && type->is_string() && type->string() == "ByteLevel";
}

bool BoolMember(const JsonValue& v, std::string_view key, bool fallback) {
  const JsonValue* m = v.Find(key);
  return m && m->is_bool() ? m->bool_value() : fallback;
}

TokStatus ParsePreTokenizer(const JsonValue* v, PreTokenizer* out) {
  if (!v || v->is_null()) return TokStatus::Invalid("tokenizer.json: pre_tokenizer is null (expected ByteLevel)");
  if (IsByteLevel(*v)) {
    if (BoolMember(*v, "add_prefix_space", false)) {
      return TokStatus::Invalid("tokenizer.json: ByteLevel add_prefix_space=true is not supported");
    }
    if (!BoolMember(*v, "use_regex", true)) {
      return TokStatus::Invalid("tokenizer.json: ByteLevel without a split pattern is not supported");
    }
    *out = PreTokenizer::Gpt2();
    return TokStatus::Ok();
  }
  const JsonValue* type = v->Find("type");
  const JsonValue* list = v->Find("pretokenizers");
  if (type && type->is_string() && type->string() == "Sequence" && list && list->is_array() &&
      list->array().size() == 2 && IsByteLevel(list->array()[1]) &&
      !BoolMember(list->array()[1], "use_regex", true) && !BoolMember(list->array()[1], "add_prefix_space", false)) {
    const JsonValue& split = list->array()[0];
    const JsonValue* stype = split.Find("type");
    const JsonValue* pattern = split.Find("pattern");
    const JsonValue* behavior = split.Find("behavior");
    const JsonValue* regex = pattern ? pattern->Find("Regex") : nullptr;
    if (stype && stype->is_string() && stype->string() == "Split" && regex && regex->is_string() && behavior &&
        behavior->is_string() && behavior->string() == "Isolated" && !BoolMember(split, "invert", false)) {
      const std::string& p = regex->string();
      if (p == kGpt2Pattern) {
        *out = PreTokenizer::Gpt2();
      } else if (p == kCl100kPattern) {
        *out = PreTokenizer::Cl100k();
      } else {
        return PreTokenizer::FromRegex(p, out);
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
  JsonValue root;
  if (TokStatus st = JsonValue::Parse(json, &root); !st.ok()) {
    return TokStatus::Invalid("tokenizer.json: " + st.message());
  }
  if (!root.is_object()) return TokStatus::Invalid("tokenizer.json: not a JSON object");
  if (const JsonValue* n = root.Find("normalizer"); n && !n->is_null()) {
    return TokStatus::Invalid("tokenizer.json: normalizers are not supported (normalizer must be null)");
  }
  const JsonValue* m = root.Find("model");
  if (!m || !m->is_object()) return TokStatus::Invalid("tokenizer.json: missing model");
  const JsonValue* type = m->Find("type");
  if (!type || !type->is_string() || type->string() != "BPE") {
    return TokStatus::Invalid("tokenizer.json: model.type must be BPE");
  }
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix", "unk_token"}) {
    if (const JsonValue* v = m->Find(key); v && !v->is_null()) {
      return TokStatus::Invalid(std::string("tokenizer.json: model.") + key + " is not supported");
    }
  }
  if (BoolMember(*m, "byte_fallback", false) || BoolMember(*m, "ignore_merges", false)) {
    return TokStatus::Invalid("tokenizer.json: byte_fallback / ignore_merges are not supported");
  }
  if (const JsonValue* d = m->Find("dropout"); d && !d->is_null()) {
    return TokStatus::Invalid("tokenizer.json: BPE dropout is not supported");
  }

  // Added tokens: literal content.
  std::unordered_map<int64_t, std::string> added;
  std::vector<uint32_t> special_ids;
  if (const JsonValue* at = root.Find("added_tokens"); at && at->is_array()) {
    for (const JsonValue& t : at->array()) {
      const JsonValue* id = t.Find("id");
      const JsonValue* content = t.Find("content");
      if (!id || !id->is_integer() || id->integer() < 0 || !content || !content->is_string() ||
          content->string().empty()) {
        return TokStatus::Invalid("tokenizer.json: malformed added_tokens entry");
      }
      added[id->integer()] = content->string();
      special_ids.push_back(static_cast<uint32_t>(id->integer()));
    }
  }

  const JsonValue* vocab = m->Find("vocab");
  if (!vocab || !vocab->is_object()) return TokStatus::Invalid("tokenizer.json: model.vocab must be an object");
  const size_t n = vocab->object().size();
  size_t total = n;
  for (const auto& [id, content] : added) {
    if (id >= static_cast<int64_t>(total)) total = static_cast<size_t>(id) + 1;
  }
  std::vector<std::string> tokens(total);
  std::vector<bool> filled(total, false);
  std::unordered_map<std::string, uint32_t> by_display;
  for (const auto& [key, value] : vocab->object()) {
    if (!value.is_integer() || value.integer() < 0 || value.integer() >= static_cast<int64_t>(total)) {
      return TokStatus::Invalid("tokenizer.json: vocab id of '" + key + "' is not in 0.." + std::to_string(total - 1));
    }
    const uint32_t id = static_cast<uint32_t>(value.integer());
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

  const JsonValue* merges = m->Find("merges");
  if (!merges || !merges->is_array()) return TokStatus::Invalid("tokenizer.json: model.merges must be an array");
  std::vector<MergeRule> rules;
  rules.reserve(merges->array().size());
  for (const JsonValue& e : merges->array()) {
    std::string a, b;
    if (e.is_array() && e.array().size() == 2 && e.array()[0].is_string() && e.array()[1].is_string()) {
      a = e.array()[0].string();
      b = e.array()[1].string();
    } else if (e.is_string()) {
      const size_t sp = e.string().find(' ');
      if (sp == std::string::npos || e.string().find(' ', sp + 1) != std::string::npos) {
        return TokStatus::Invalid("tokenizer.json: merge '" + e.string() + "' is not 'a b'");
      }
      a = e.string().substr(0, sp);
      b = e.string().substr(sp + 1);
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
  SLUICE_TOK_RETURN_IF_ERROR(ParsePreTokenizer(root.Find("pre_tokenizer"), &pre));
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
