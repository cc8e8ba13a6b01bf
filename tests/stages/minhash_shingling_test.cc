// The fast shingling paths (cached BMP normalization table, word hashes without
// strings) against straightforward reference implementations.
#include <unicode/uchar.h>
#include <xxhash.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "stages/dedup/minhash_signature.h"
#include "stages/text/utf8.h"
#include "stages/text/word_segmenter.h"

using sluice::MinHasher;
using sluice::MinHashParams;
using sluice::ShingleMode;

namespace {

// The dedup normalization of one code point, straight from ICU (the spec).
uint32_t ReferenceNormalize(uint32_t cp) {
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') return cp + ('a' - 'A');
    if (cp >= 'a' && cp <= 'z') return cp;
    if (cp >= '0' && cp <= '9') return '0';
    return 0;
  }
  UChar32 c = static_cast<UChar32>(cp);
  if (u_ispunct(c) || u_isUWhiteSpace(c) || u_iscntrl(c)) return 0;
  if (u_isdigit(c)) return '0';
  return static_cast<uint32_t>(u_foldCase(c, U_FOLD_CASE_DEFAULT));
}

// Word shingles as first specified: ICU words (pure ICU segmentation),
// NormalizeWord into a string, XXH3 of each word, XXH3 of each n-gram of word hashes.
std::vector<uint64_t> ReferenceWordShingles(std::string_view text, int n) {
  static sluice::WordSegmenter icu(sluice::WordSegmenter::Mode::kIcuOnly);
  std::vector<sluice::WordSpan> spans;
  icu.Segment(text, &spans);
  std::vector<uint64_t> words, out;
  std::string w;
  for (const auto& span : spans) {
    MinHasher::NormalizeWord(span.in(text), &w);
    if (!w.empty()) words.push_back(XXH3_64bits(w.data(), w.size()));
  }
  if (words.empty()) return out;
  if (words.size() < static_cast<size_t>(n)) {
    out.push_back(XXH3_64bits(words.data(), words.size() * 8));
    return out;
  }
  for (size_t i = 0; i + n <= words.size(); ++i) out.push_back(XXH3_64bits(words.data() + i, n * 8));
  return out;
}

}  // namespace

TEST_CASE("minhash normalization of every code point matches ICU", "[minhash]") {
  std::string out, expected;
  size_t checked = 0;
  for (uint32_t cp = 1; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;  // surrogates are not UTF-8
    std::string in;
    sluice::AppendUtf8(&in, cp);
    MinHasher::NormalizeWord(in, &out);
    expected.clear();
    if (uint32_t n = ReferenceNormalize(cp)) sluice::AppendUtf8(&expected, n);
    if (out != expected) {
      INFO("code point U+" << std::hex << cp);
      REQUIRE(out == expected);
    }
    ++checked;
  }
  CHECK(checked == 0x10FFFF - 0x800);
}

TEST_CASE("minhash word shingles equal the reference shingling", "[minhash]") {
  // Mixed scripts, case, digits, punctuation, long words (> 64 bytes take the
  // string path), ASCII words of 15-17 bytes (the vector path takes <= 16)
  // and non-BMP letters.
  const std::vector<std::string> pieces = {
      "The", "GNU", "license", "Don't", "v3.14", "1,000", "x_y", "Straße", "ÄÖÜ", "ΣΑΣ", "北京大学", "我们在学习中文",
      "abcdefghijklmnop", "Abcdefghijklmnopq", "ABCDEFGHIJKLMNO", "user@host", "IPv6", "x86_64", "A1b2C3", "Z", "9",
      "１２３", "Ｗｉｄｅ", "😀", "𐐀𐐨", "café", "e\xCC\x81", "—", "’", "...", "\n", "\t", " ", " ", " ", ", ",
      "Supercalifragilisticexpialidocious-Supercalifragilisticexpialidocious-Supercalifragilistic",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ",
      "ÀÉÎÕÜÀÉÎÕÜÀÉÎÕÜÀÉÎÕÜÀÉÎÕÜÀÉÎÕÜÀÉÎÕÜÀÉÎÕÜ"};
  std::mt19937 rng(4);
  for (int n : {1, 3, 5}) {
    MinHashParams p;
    p.word_ngram = n;
    MinHasher h(p);
    for (int iter = 0; iter < 500; ++iter) {
      std::string text;
      int len = std::uniform_int_distribution<int>(0, 60)(rng);
      for (int i = 0; i < len; ++i) text += pieces[rng() % pieces.size()];
      std::vector<uint64_t> got;
      h.Shingles(text, &got);
      INFO("n=" << n << " text: " << text);
      REQUIRE(got == ReferenceWordShingles(text, n));
    }
  }
}

TEST_CASE("minhash char shingles use the same normalization", "[minhash]") {
  MinHashParams p;
  p.shingle = ShingleMode::kChar;
  p.char_ngram = 3;
  MinHasher h(p);
  std::vector<uint64_t> got;
  h.Shingles("Ａ-Ｂ １２", &got);
  // a, b, ' ', 0, 0 (full-width letters fold to themselves' lower case, digits to '0')
  std::vector<uint32_t> cps = {0xFF41, 0xFF42, ' ', '0', '0'};
  std::vector<uint64_t> expected;
  for (size_t i = 0; i + 3 <= cps.size(); ++i) expected.push_back(XXH3_64bits(cps.data() + i, 3 * 4));
  CHECK(got == expected);
}
