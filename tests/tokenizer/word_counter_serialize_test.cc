// WordCounter::Serialize / MergeSerialized: the per-shard word counts of a
// sharded run, merged in the tokenizer phase, equal the counts of one counter
// over all the text (so the trained tokenizer is the same).
#include <catch2/catch.hpp>

#include <string>

#include "tokenizer/word_counter.h"

namespace sluice::tokenizer {
namespace {

std::string Dump(const WordCounter& c) {
  std::string out;
  for (const auto& w : c.Sorted()) out += w.word + "=" + std::to_string(w.count) + "\n";
  return out + "cut=" + std::to_string(c.pieces_cut()) + " bytes=" + std::to_string(c.text_bytes());
}

TEST_CASE("word counts: serialized shards merge to the counts of the whole text", "[word_counter]") {
  const PreTokenizer pre = PreTokenizer::Gpt2();
  const std::vector<std::string> texts = {
      "Hello world, hello again.\nThe world is big.", "今天天气很好，我们一起去公园散步。\n",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa long run", "hello hello hello"};
  WordCounter whole(&pre, 16);
  for (const auto& t : texts) whole.AddText(t);
  WordCounter shard0(&pre, 16), shard1(&pre, 16);
  for (size_t i = 0; i < texts.size(); ++i) (i % 2 ? shard1 : shard0).AddText(texts[i]);
  WordCounter merged(&pre, 16);
  REQUIRE(merged.MergeSerialized(shard0.Serialize()));
  REQUIRE(merged.MergeSerialized(shard1.Serialize()));
  CHECK(Dump(merged) == Dump(whole));
  CHECK(whole.pieces_cut() >= 1);

  // Golden bytes of a tiny counter (the file format is persisted between phases).
  WordCounter tiny(&pre, 0);
  tiny.AddText("ab ab");
  std::string bytes = tiny.Serialize();
  const std::string magic = "SLUICE-WORD-COUNTS 1\n";
  REQUIRE(bytes.size() == magic.size() + 24 + (4 + 3 + 8) + (4 + 2 + 8));
  CHECK(bytes.substr(0, magic.size()) == magic);
  CHECK(bytes.substr(magic.size() + 24 + 4, 3) == " ab");  // " ab" < "ab" in byte order
}

TEST_CASE("word counts: malformed serialized counts are refused and add nothing", "[word_counter]") {
  const PreTokenizer pre = PreTokenizer::Gpt2();
  WordCounter c(&pre);
  c.AddText("one two three");
  std::string good = c.Serialize();
  WordCounter target(&pre);
  CHECK_FALSE(target.MergeSerialized("not counts"));
  CHECK_FALSE(target.MergeSerialized(good.substr(0, good.size() - 1)));
  CHECK_FALSE(target.MergeSerialized(good + "x"));
  CHECK(target.Sorted().empty());
  CHECK(target.text_bytes() == 0);
  CHECK(target.MergeSerialized(good));
  CHECK(Dump(target) == Dump(c));
}

}  // namespace
}  // namespace sluice::tokenizer
