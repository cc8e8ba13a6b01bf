#include "tokenizer/bpe_trainer.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "tokenizer/byte_level.h"
#include "tokenizer/word_counter.h"

namespace sluice::tokenizer {
namespace {

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/tests/tokenizer/data/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::pair<std::string, std::string>> MergeStrings(const BpeModel& m) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const MergeRule& r : m.merges()) out.emplace_back(ToByteLevel(m.token(r.left)), ToByteLevel(m.token(r.right)));
  return out;
}

BpeModel TrainOn(const std::string& text, BpeTrainerOptions o, size_t max_piece = 0, BpeTrainStats* stats = nullptr) {
  const PreTokenizer pre = PreTokenizer::Gpt2();
  WordCounter wc(&pre, max_piece);
  wc.AddText(text);
  BpeModel m;
  const TokStatus st = BpeTrainer(o).Train(wc.Sorted(), pre, &m, stats);
  REQUIRE(st.ok());
  return m;
}

// HF tokenizers 0.23.2 (npm), BPE.empty() + ByteLevel(add_prefix_space=false),
// default trainer (vocab 30000, min_frequency 0, no initial alphabet), trained
// on tests/tokenizer/data/golden_en_zh.txt: 1097 tokens, 960 merges, these first.
TEST_CASE("golden merges equal HF's on English + Chinese text", "[tokenizer][bpe_trainer]") {
  BpeTrainerOptions o;
  o.vocab_size = 30000;
  o.full_byte_alphabet = false;
  BpeTrainStats stats;
  const BpeModel m = TrainOn(ReadData("golden_en_zh.txt"), o, 0, &stats);
  CHECK(m.vocab_size() == 1097);
  CHECK(m.merges().size() == 960);
  CHECK(stats.stop_reason == "no_pairs");
  const std::vector<std::pair<std::string, std::string>> expected = {
#include "golden_merges.inc"
  };
  const auto got = MergeStrings(m);
  REQUIRE(got.size() >= expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("merge " << i);
    CHECK(got[i] == expected[i]);
  }
}

TEST_CASE("vocabulary layout: specials, then bytes by code point, then merges", "[tokenizer][bpe_trainer]") {
  BpeTrainerOptions o;
  o.vocab_size = 300;
  o.special_tokens = {"<|endoftext|>", "<pad>"};
  const BpeModel m = TrainOn("the cat the hat the bat", o);
  // The text runs out of pairs before 300: specials + 256 bytes + merges.
  REQUIRE(m.vocab_size() == 2 + 256 + m.merges().size());
  REQUIRE(m.vocab_size() < 300);
  CHECK(m.token(0) == "<|endoftext|>");
  CHECK(m.token(1) == "<pad>");
  CHECK(m.is_special(0));
  CHECK_FALSE(m.is_special(2));
  CHECK(m.token(2) == "!");  // U+0021 is the smallest mapped code point
  CHECK(m.token(2 + 93) == "~");
  CHECK(m.token(2 + 94) == "\xA1");  // after the 94 chars !..~ comes U+00A1
  CHECK(m.token(2 + 188) == std::string(1, '\0'));  // then the 68 remapped bytes from U+0100
  CHECK(m.has_full_byte_alphabet());
  const BpeModel first = TrainOn("the cat the hat the bat", o);
  CHECK(first.merges() == m.merges());
  CHECK(ToByteLevel(m.token(m.merges()[0].left)) + ToByteLevel(m.token(m.merges()[0].right)) == "at");  // count 3 ties with th, he: smallest ids win
}

TEST_CASE("ties go to the smaller (left, right) id pair", "[tokenizer][bpe_trainer]") {
  // "ab" and "cd" both occur twice; a < c in the alphabet, so "ab" is first.
  BpeTrainerOptions o;
  o.vocab_size = 1000;
  o.full_byte_alphabet = false;
  const PreTokenizer pre = PreTokenizer::Gpt2();
  BpeModel m;
  REQUIRE(BpeTrainer(o).Train({{"cd", 2}, {"ab", 2}}, pre, &m).ok());
  REQUIRE(m.merges().size() == 2);
  CHECK(m.token(m.merges()[0].result) == "ab");
  CHECK(m.token(m.merges()[1].result) == "cd");
}

TEST_CASE("min_frequency stops the loop", "[tokenizer][bpe_trainer]") {
  BpeTrainerOptions o;
  o.vocab_size = 1000;
  o.full_byte_alphabet = false;
  o.min_frequency = 3;
  const PreTokenizer pre = PreTokenizer::Gpt2();
  BpeModel m;
  BpeTrainStats stats;
  // "xy" x5, "uv" x3, "pq" x2: only the first two reach 3.
  REQUIRE(BpeTrainer(o).Train({{"xy", 5}, {"uv", 3}, {"pq", 2}}, pre, &m, &stats).ok());
  REQUIRE(m.merges().size() == 2);
  CHECK(m.token(m.merges()[0].result) == "xy");
  CHECK(m.token(m.merges()[1].result) == "uv");
  CHECK(stats.stop_reason == "min_frequency");
}

TEST_CASE("HF's example: roses are red", "[tokenizer][bpe_trainer]") {
  // The word counts and expectation of HF's own trainer test (min_frequency 2).
  BpeTrainerOptions o;
  o.vocab_size = 30000;
  o.full_byte_alphabet = false;
  o.min_frequency = 2;
  std::vector<WordCount> words = {{"roses", 1}, {"are", 2}, {"red", 1}, {"voilets", 1}, {"blue", 1}, {"BERT", 1},
                                  {"is", 2},    {"big", 1}, {"and", 1}, {"so", 1},      {"GPT-2", 1}};
  BpeModel m;
  REQUIRE(BpeTrainer(o).Train(words, PreTokenizer::Gpt2(), &m).ok());
  CHECK(m.vocab_size() == 25);
  REQUIRE(m.merges().size() == 3);
  CHECK(m.token(m.merges()[0].result) == "re");
  CHECK(m.token(m.merges()[1].result) == "are");
  CHECK(m.token(m.merges()[2].result) == "is");
  CHECK(m.token(0) == "-");
  CHECK(m.token(21) == "v");
}

TEST_CASE("max_token_length caps token bytes", "[tokenizer][bpe_trainer]") {
  BpeTrainerOptions o;
  o.vocab_size = 5000;
  o.max_token_length = 4;
  const BpeModel m = TrainOn("aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbb abababababab", o);
  size_t longest = 0;
  for (uint32_t id = 0; id < m.vocab_size(); ++id) longest = std::max(longest, m.token(id).size());
  CHECK(longest == 4);
  o.max_token_length = 1;
  CHECK_FALSE(BpeTrainer(o).Validate().ok());
}

TEST_CASE("option validation names the option", "[tokenizer][bpe_trainer]") {
  BpeTrainerOptions o;
  o.vocab_size = 100;
  TokStatus st = BpeTrainer(o).Validate();
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("vocab_size") != std::string::npos);
  o.vocab_size = 1000;
  o.special_tokens = {""};
  CHECK(BpeTrainer(o).Validate().message().find("special_tokens") != std::string::npos);
}

TEST_CASE("word order and counter splits do not change the merges", "[tokenizer][bpe_trainer]") {
  const std::string text = ReadData("golden_en_zh.txt");
  const PreTokenizer pre = PreTokenizer::Gpt2();
  BpeTrainerOptions o;
  o.vocab_size = 800;
  // One counter vs four counters over quarters of the lines.
  WordCounter one(&pre, 64);
  one.AddText(text);
  WordCounter parts[4] = {WordCounter(&pre, 64), WordCounter(&pre, 64), WordCounter(&pre, 64),
                          WordCounter(&pre, 64)};
  size_t start = 0, line = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    parts[line++ % 4].AddText(std::string_view(text).substr(start, end - start));
    start = end;
  }
  WordCounter merged(&pre, 64);
  for (auto& p : parts) merged.MergeFrom(p);
  auto a = one.Sorted();
  auto b = merged.Sorted();
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i].word == b[i].word);
    REQUIRE(a[i].count == b[i].count);
  }
  std::vector<WordCount> reversed(b.rbegin(), b.rend());
  BpeModel ma, mb;
  REQUIRE(BpeTrainer(o).Train(a, pre, &ma).ok());
  REQUIRE(BpeTrainer(o).Train(reversed, pre, &mb).ok());
  CHECK(ma.merges() == mb.merges());
  CHECK(ma.vocab_size() == 800);
}

}  // namespace
}  // namespace sluice::tokenizer
