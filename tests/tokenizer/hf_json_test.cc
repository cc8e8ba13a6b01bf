#include "tokenizer/hf_json.h"

#include <catch2/catch.hpp>

#include "tokenizer/bpe_trainer.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/json_value.h"
#include "tokenizer/word_counter.h"

namespace sluice::tokenizer {
namespace {

BpeModel Small(const PreTokenizer& pre) {
  WordCounter wc(&pre);
  wc.AddText("hello hello world\n\"quoted\" back\\slash 中文中文\n");
  BpeTrainerOptions o;
  o.vocab_size = 280;
  o.special_tokens = {"<|endoftext|>", "tab\there"};
  BpeModel m;
  REQUIRE(BpeTrainer(o).Train(wc.Sorted(), pre, &m).ok());
  return m;
}

TEST_CASE("byte-level map is GPT-2's", "[tokenizer][hf_json]") {
  CHECK(ToByteLevel(" \n") == "ĠĊ");
  CHECK(ToByteLevel("a!~") == "a!~");
  CHECK(ByteToCodePoint(0) == 0x100);
  CHECK(ByteToCodePoint(0xAD) == 0x143);
  CHECK(ByteToCodePoint(0xFF) == 0xFF);
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  std::string back;
  REQUIRE(FromByteLevel(ToByteLevel(all), &back));
  CHECK(back == all);
  CHECK_FALSE(FromByteLevel("\xE4\xB8\xAD", &back));  // U+4E2D is not a mapped char
}

TEST_CASE("tokenizer.json round trip", "[tokenizer][hf_json]") {
  for (const PreTokenizer& pre : {PreTokenizer::Gpt2(), PreTokenizer::Cl100k()}) {
    const BpeModel m = Small(pre);
    const std::string json = ToTokenizerJson(m);
    JsonValue root;
    REQUIRE(JsonValue::Parse(json, &root).ok());
    const JsonValue* model = root.Find("model");
    REQUIRE(model);
    const JsonValue* merges = model->Find("merges");
    REQUIRE(merges);
    REQUIRE(merges->array().size() == m.merges().size());
    CHECK(merges->array()[0].is_array());  // 2-element arrays since tokenizers 0.20
    CHECK(root.Find("added_tokens")->array().size() == 2);
    BpeModel back;
    const TokStatus st = ParseTokenizerJson(json, &back);
    REQUIRE(st.ok());
    CHECK(back.vocab_size() == m.vocab_size());
    CHECK(back.merges() == m.merges());
    CHECK(back.special_ids() == m.special_ids());
    CHECK(back.pre_tokenizer().kind() == pre.kind());
    for (uint32_t id = 0; id < m.vocab_size(); ++id) REQUIRE(back.token(id) == m.token(id));
    CHECK(ToTokenizerJson(back) == json);
  }
}

TEST_CASE("tokenizer.json: legacy 'a b' merges and error messages", "[tokenizer][hf_json]") {
  const std::string legacy =
      R"({"added_tokens":[],"normalizer":null,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,)"
      R"("trim_offsets":true,"use_regex":true},"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"Ġ":3},)"
      R"("merges":["a b"]}})";
  BpeModel m;
  REQUIRE(ParseTokenizerJson(legacy, &m).ok());
  REQUIRE(m.merges().size() == 1);
  CHECK(m.merges()[0] == MergeRule{0, 1, 2});
  CHECK(m.token(3) == " ");
  CHECK(ParseTokenizerJson("{", &m).message().find("tokenizer.json") != std::string::npos);
  std::string bad = legacy;
  bad.replace(bad.find("\"a b\""), 5, "\"a c\"");
  CHECK(ParseTokenizerJson(bad, &m).message().find("missing from the vocab") != std::string::npos);
  std::string norm = legacy;
  norm.replace(norm.find("\"normalizer\":null"), 17, R"("normalizer":{"type":"NFC"})");
  CHECK_FALSE(ParseTokenizerJson(norm, &m).ok());
  CHECK(LoadTokenizerJson("/nonexistent/tokenizer.json", &m).code() == TokStatus::Code::kIo);
}

TEST_CASE("vocab.json, merges.txt and tiktoken files", "[tokenizer][hf_json]") {
  const BpeModel m = Small(PreTokenizer::Gpt2());
  const std::string merges = ToMergesTxt(m);
  CHECK(merges.rfind("#version: 0.2\n", 0) == 0);
  size_t lines = 0;
  for (char c : merges) lines += c == '\n';
  CHECK(lines == m.merges().size() + 1);
  JsonValue vocab;
  REQUIRE(JsonValue::Parse(ToVocabJson(m), &vocab).ok());
  CHECK(vocab.object().size() == m.vocab_size());
  CHECK(vocab.Find("tab\there")->integer() == 1);
  const std::string tk = ToTiktoken(m);
  // Byte 0 is id 2 + 188 (after the specials and the 188 printable bytes): "AA==".
  CHECK(tk.find("AA== 190\n") != std::string::npos);
  CHECK(tk.find(" 0\n") == std::string::npos);  // specials are left out
}

TEST_CASE("JSON parser handles escapes and rejects garbage", "[tokenizer][hf_json]") {
  JsonValue v;
  REQUIRE(JsonValue::Parse(R"({"a":[1,-2.5,"x\u00e9\ud83d\ude00\n"],"b":null,"c":true})", &v).ok());
  CHECK(v.Find("a")->array()[0].integer() == 1);
  CHECK(v.Find("a")->array()[1].number() == -2.5);
  CHECK(v.Find("a")->array()[2].string() == "x\xC3\xA9\xF0\x9F\x98\x80\n");
  CHECK(v.Find("b")->is_null());
  CHECK_FALSE(JsonValue::Parse("[1,]", &v).ok());
  CHECK_FALSE(JsonValue::Parse("[1] x", &v).ok());
  CHECK_FALSE(JsonValue::Parse(R"("\ud800")", &v).ok());
  std::string q;
  AppendJsonQuoted("a\"b\\c\n\x01", &q);
  CHECK(q == R"("a\"b\\c\n\u0001")");
}

}  // namespace
}  // namespace sluice::tokenizer
