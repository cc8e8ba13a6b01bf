#include "tokenizer/hf_json.h"

#include <catch2/catch.hpp>

#include "tokenizer/bpe_trainer.h"
#include "tokenizer/byte_level.h"
#include <simdjson.h>

#include "tokenizer/json_text.h"
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
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    REQUIRE(parser.parse(json).get(root) == simdjson::SUCCESS);
    simdjson::dom::array merges;
    REQUIRE(root["model"]["merges"].get(merges) == simdjson::SUCCESS);
    REQUIRE(merges.size() == m.merges().size());
    CHECK(merges.at(0).is_array());  // 2-element arrays since tokenizers 0.20
    CHECK(root["added_tokens"].get_array().value().size() == 2);
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
  simdjson::dom::parser parser;
  simdjson::dom::object vocab;
  REQUIRE(parser.parse(ToVocabJson(m)).get(vocab) == simdjson::SUCCESS);
  CHECK(vocab.size() == m.vocab_size());
  CHECK(vocab["tab\there"].get_int64().value() == 1);
  const std::string tk = ToTiktoken(m);
  // Byte 0 is id 2 + 188 (after the specials and the 188 printable bytes): "AA==".
  CHECK(tk.find("AA== 190\n") != std::string::npos);
  CHECK(tk.find(" 0\n") == std::string::npos);  // specials are left out
}

TEST_CASE("tokenizer.json that is not JSON is refused - strings are escaped as serde_json does", "[tokenizer][hf_json]") {
  BpeModel m;
  for (const char* bad : {"", "[1,]", "{} x", "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"\\ud800\":0}}}"}) {
    INFO(bad);
    const TokStatus st = ParseTokenizerJson(bad, &m);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().rfind("tokenizer.json: invalid JSON: ", 0) == 0);
  }
  CHECK(ParseTokenizerJson("[1]", &m).message() == "tokenizer.json: not a JSON object");
  std::string q;
  AppendJsonQuoted("a\"b\\c\n\x01", &q);
  CHECK(q == R"("a\"b\\c\n\u0001")");
}

}  // namespace
}  // namespace sluice::tokenizer
