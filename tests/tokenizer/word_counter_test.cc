#include "tokenizer/word_counter.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>

namespace sluice::tokenizer {
namespace {

std::map<std::string, uint64_t> AsMap(const WordCounter& c) {
  std::map<std::string, uint64_t> m;
  for (const WordCount& w : c.Sorted()) m[w.word] = w.count;
  return m;
}

TEST_CASE("each line is pre-tokenized on its own", "[tokenizer][word_counter]") {
  const PreTokenizer pre = PreTokenizer::Gpt2();
  WordCounter c(&pre);
  c.AddText("a  \n\nb\n");
  // Whole text would give "a", "  \n\n", "b", "\n"; per line it is:
  const std::map<std::string, uint64_t> expected = {{"a", 1}, {"  \n", 1}, {"\n", 2}, {"b", 1}};
  CHECK(AsMap(c) == expected);
  CHECK(c.total() == 5);
}

TEST_CASE("long pieces are cut at character boundaries", "[tokenizer][word_counter]") {
  const PreTokenizer pre = PreTokenizer::Gpt2();
  WordCounter c(&pre, 16);
  std::string han;
  for (int i = 0; i < 20; ++i) han += "中";  // 60 bytes, one \p{L} run
  c.AddText(han + " " + std::string(40, 'A'));
  CHECK(c.pieces_cut() == 2);
  for (const WordCount& w : c.Sorted()) {
    CHECK(w.word.size() <= 16);
    if (w.word[0] != ' ' && w.word[0] != 'A') CHECK(w.word.size() % 3 == 0);  // whole Han characters
  }
  // A DNA-like line of 1 MB does not blow up: it becomes chunks.
  std::mt19937 rng(3);
  std::string dna;
  for (int i = 0; i < (1 << 20); ++i) dna.push_back("ACGT"[rng() % 4]);
  WordCounter d(&pre);
  d.AddText(dna);
  CHECK(d.distinct() <= (1u << 20) / kDefaultMaxPieceBytes + 1);
}

TEST_CASE("hot cache, table and merge agree with a plain map", "[tokenizer][word_counter]") {
  const PreTokenizer pre = PreTokenizer::Cl100k();
  std::mt19937 rng(5);
  std::map<std::string, uint64_t> truth;
  WordCounter a(&pre, 0), b(&pre, 0);
  for (int i = 0; i < 200000; ++i) {
    // Zipf-ish words of 1..40 bytes so both short (inline) and long keys occur.
    const int len = 1 + static_cast<int>(rng() % (rng() % 8 == 0 ? 40 : 8));
    std::string w;
    for (int k = 0; k < len; ++k) w.push_back(static_cast<char>('a' + rng() % 3));
    ++truth[w];
    (i % 2 ? a : b).AddWord(w);
  }
  a.MergeFrom(b);
  CHECK(AsMap(a) == truth);
  a.Flush();
  CHECK(a.distinct() == truth.size());
  CHECK(a.total() == 200000);
}

}  // namespace
}  // namespace sluice::tokenizer
