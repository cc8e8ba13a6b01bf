#include "tokenizer/bpe_model.h"

#include <catch2/catch.hpp>

#include <random>

#include "tokenizer/bpe_trainer.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/word_counter.h"

namespace sluice::tokenizer {
namespace {

const char kText[] =
    "The GNU General Public License is a free, copyleft license for software and other kinds of works.\n"
    "The licenses for most software and other practical works are designed to take away your freedom.\n"
    "列出指定文件（默认为当前目录）的信息。如果既没有指定任何一个，也没有指定排序，则按字母排序项目。\n"
    "不要忽略以点号起始的条目 与同时使用时，列出每个文件的作者\n";

BpeModel Train(const PreTokenizer& pre, std::vector<std::string> specials = {}) {
  WordCounter wc(&pre);
  wc.AddText(kText);
  BpeTrainerOptions o;
  o.vocab_size = 400;
  o.special_tokens = std::move(specials);
  BpeModel m;
  REQUIRE(BpeTrainer(o).Train(wc.Sorted(), pre, &m).ok());
  return m;
}

std::string RoundTrip(const BpeModel& m, std::string_view s, EncodeCache* cache = nullptr) {
  std::vector<uint32_t> ids;
  m.Encode(s, &ids, cache);
  std::string out;
  REQUIRE(m.Decode(ids, &out));
  return out;
}

TEST_CASE("encode uses merges lowest rank first", "[tokenizer][bpe_model]") {
  const BpeModel m = Train(PreTokenizer::Gpt2());
  std::vector<uint32_t> ids;
  m.Encode(" software", &ids);
  // " software" occurs twice in the training text: it became one token.
  REQUIRE(ids.size() == 1);
  CHECK(m.token(ids[0]) == " software");
  ids.clear();
  m.Encode("licenses", &ids);
  std::string joined;
  for (uint32_t id : ids) joined += m.token(id);
  CHECK(joined == "licenses");
  CHECK(ids.size() <= 3);
}

TEST_CASE("decode(encode(x)) == x for random bytes", "[tokenizer][bpe_model]") {
  const BpeModel gpt2 = Train(PreTokenizer::Gpt2());
  const BpeModel cl = Train(PreTokenizer::Cl100k(), {"<|endoftext|>"});
  std::mt19937 rng(11);
  EncodeCache cache;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s;
    const int n = static_cast<int>(rng() % 64);
    for (int i = 0; i < n; ++i) {
      if (rng() % 3 == 0) {
        s.push_back(static_cast<char>(rng() & 0xFF));
      } else {
        const size_t at = rng() % (sizeof(kText) - 1);
        s.push_back(kText[at]);
      }
    }
    if (iter % 10 == 0) s += "<|endoftext|>";
    REQUIRE(RoundTrip(gpt2, s) == s);
    REQUIRE(RoundTrip(cl, s, &cache) == s);
  }
}

TEST_CASE("special tokens are split out, leftmost then longest", "[tokenizer][bpe_model]") {
  const BpeModel m = Train(PreTokenizer::Gpt2(), {"<s>", "<s>x", "</s>"});
  std::vector<uint32_t> ids;
  m.Encode("a<s>xb</s><s>", &ids);
  REQUIRE(ids.size() >= 5);
  CHECK(ids[1] == 1);  // "<s>x" beats "<s>" at the same start
  CHECK(ids[ids.size() - 2] == 2);
  CHECK(ids.back() == 0);
  std::string out;
  REQUIRE(m.Decode(ids, &out));
  CHECK(out == "a<s>xb</s><s>");
  out.clear();
  REQUIRE(m.Decode(ids, &out, /*skip_special=*/true));
  CHECK(out == "ab");
  CHECK_FALSE(m.Decode(std::vector<uint32_t>{99999}, &out));
}

TEST_CASE("cache gives the same ids", "[tokenizer][bpe_model]") {
  const BpeModel m = Train(PreTokenizer::Cl100k());
  EncodeCache cache(4);  // tiny: forces clears
  for (int rep = 0; rep < 3; ++rep) {
    std::vector<uint32_t> a, b;
    m.Encode(kText, &a);
    m.Encode(kText, &b, &cache);
    CHECK(a == b);
  }
}

TEST_CASE("Create rejects inconsistent merges", "[tokenizer][bpe_model]") {
  BpeModel m;
  CHECK_FALSE(BpeModel::Create({"a", "b", "ab"}, {}, {MergeRule{0, 1, 0}}, PreTokenizer::Gpt2(), &m).ok());
  CHECK_FALSE(BpeModel::Create({"a", "b", "a"}, {}, {}, PreTokenizer::Gpt2(), &m).ok());
  CHECK(BpeModel::Create({"a", "b", "ab"}, {}, {MergeRule{0, 1, 2}}, PreTokenizer::Gpt2(), &m).ok());
  std::vector<uint32_t> ids;
  m.Encode("abc", &ids);  // 'c' is not a token: dropped, as HF does without unk
  CHECK(ids == std::vector<uint32_t>{2});
  CHECK_FALSE(m.has_full_byte_alphabet());
}

}  // namespace
}  // namespace sluice::tokenizer
