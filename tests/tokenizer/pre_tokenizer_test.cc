#include "tokenizer/pre_tokenizer.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

namespace sluice::tokenizer {
namespace {

std::vector<std::string> Split(const PreTokenizer& p, std::string_view text) {
  std::vector<std::string> out;
  p.Split(text, [&](std::string_view piece) { out.emplace_back(piece); });
  return out;
}

using V = std::vector<std::string>;

// Expected splits are what tiktoken / HF (Oniguruma) give for these patterns.
TEST_CASE("gpt2 pattern: words, contractions, numbers, punctuation", "[tokenizer][pre_tokenizer]") {
  const PreTokenizer p = PreTokenizer::Gpt2();
  CHECK(Split(p, "Hello world") == V{"Hello", " world"});
  CHECK(Split(p, "I'm don't you'll") == V{"I", "'m", " don", "'t", " you", "'ll"});
  CHECK(Split(p, "'sam") == V{"'s", "am"});
  CHECK(Split(p, "DON'T") == V{"DON", "'", "T"});  // contractions are case-sensitive in GPT-2
  CHECK(Split(p, "''s") == V{"''", "s"});
  CHECK(Split(p, "abc123 4567") == V{"abc", "123", " 4567"});
  CHECK(Split(p, "end.  (x)") == V{"end", ".", " ", " (", "x", ")"});
}

TEST_CASE("gpt2 pattern: whitespace runs give their last char to the next word", "[tokenizer][pre_tokenizer]") {
  const PreTokenizer p = PreTokenizer::Gpt2();
  CHECK(Split(p, "a   b") == V{"a", "  ", " b"});
  CHECK(Split(p, "a\tb") == V{"a", "\t", "b"});
  CHECK(Split(p, "a \t b") == V{"a", " \t", " b"});
  CHECK(Split(p, "a\r\nb") == V{"a", "\r", "\n", "b"});
  CHECK(Split(p, "a\n\n\nb") == V{"a", "\n\n", "\n", "b"});
  CHECK(Split(p, "trailing   ") == V{"trailing", "   "});
  CHECK(Split(p, "x \n") == V{"x", " \n"});
  // NBSP (U+00A0) and ideographic space (U+3000) are \s but not " ".
  CHECK(Split(p, "a\u00A0b") == V{"a", "\u00A0", "b"});
  CHECK(Split(p, "a \u00A0b") == V{"a", " ", "\u00A0", "b"});
  CHECK(Split(p, "中文\u3000測試") == V{"中文", "\u3000", "測試"});
  CHECK(Split(p, "a\u3000\u3000b") == V{"a", "\u3000", "\u3000", "b"});
}

TEST_CASE("gpt2 pattern: Chinese runs are one letter run, CJK punctuation splits", "[tokenizer][pre_tokenizer]") {
  const PreTokenizer p = PreTokenizer::Gpt2();
  CHECK(Split(p, "列出目录内容，默认为当前目录。") == V{"列出目录内容", "，", "默认为当前目录", "。"});
  CHECK(Split(p, "版本2022年9月") == V{"版本", "2022", "年", "9", "月"});
  // Other numbers (\p{N}): fullwidth digits, circled digits, Roman numerals.
  CHECK(Split(p, "第１２章 ①Ⅻ") == V{"第", "１２", "章", " ①Ⅻ"});
}

TEST_CASE("cl100k pattern", "[tokenizer][pre_tokenizer]") {
  const PreTokenizer p = PreTokenizer::Cl100k();
  CHECK(Split(p, "Hello world") == V{"Hello", " world"});
  // Case-insensitive contractions.
  CHECK(Split(p, "DON'T I'M he'S") == V{"DON", "'T", " I", "'M", " he", "'S"});
  // One leading non-letter, non-digit char (not CR/LF) joins a letter run.
  CHECK(Split(p, "(hello) 'quoted' $x") == V{"(hello", ")", " '", "quoted", "'", " $", "x"});
  CHECK(Split(p, "\tindent") == V{"\tindent"});
  CHECK(Split(p, "\u3000中文") == V{"\u3000中文"});
  // Digits in groups of at most three, never with a leading space.
  CHECK(Split(p, "12345 678") == V{"123", "45", " ", "678"});
  // Punctuation takes trailing CR/LF.
  CHECK(Split(p, "end.\r\n\r\nNext") == V{"end", ".\r\n\r\n", "Next"});
  // Whitespace up to and including the last newline of a run.
  CHECK(Split(p, "a  \n  b") == V{"a", "  \n", " ", " b"});
  CHECK(Split(p, "a\n\n b") == V{"a", "\n\n", " b"});
  CHECK(Split(p, "a   b") == V{"a", "  ", " b"});
  CHECK(Split(p, "x   ") == V{"x", "   "});
  CHECK(Split(p, "a\u00A0\u00A0b") == V{"a", "\u00A0", "\u00A0b"});
  CHECK(Split(p, "列出目录，默认。") == V{"列出目录", "，默认", "。"});
}

TEST_CASE("user RE2 pattern keeps matches and gaps", "[tokenizer][pre_tokenizer]") {
  PreTokenizer p;
  REQUIRE(PreTokenizer::FromRegex(R"(\p{L}+|\p{N})", &p).ok());
  CHECK(p.kind() == PreTokenizerKind::kRegex);
  CHECK(Split(p, "ab 12, 中文!") == V{"ab", " ", "1", "2", ", ", "中文", "!"});
  PreTokenizer bad;
  const TokStatus st = PreTokenizer::FromRegex("(", &bad);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("invalid RE2 split pattern") != std::string::npos);
  CHECK_FALSE(PreTokenizer::FromPreset("gpt5", &bad).ok());
}

TEST_CASE("pieces cover any byte string exactly", "[tokenizer][pre_tokenizer]") {
  std::mt19937 rng(7);
  PreTokenizer re;
  REQUIRE(PreTokenizer::FromRegex(R"(\w+|\s)", &re).ok());
  const PreTokenizer presets[] = {PreTokenizer::Gpt2(), PreTokenizer::Cl100k(), re};
  const std::string alphabet = std::string("ab '\t\r\n1.") + "\xC3\xA9" + "\xE4\xB8\xAD" + "\xC2\xA0" + "\xFF\x80";
  for (int iter = 0; iter < 2000; ++iter) {
    std::string s;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) s.push_back(rng() % 4 == 0 ? static_cast<char>(rng() & 0xFF) : alphabet[rng() % alphabet.size()]);
    for (const PreTokenizer& p : presets) {
      std::string joined;
      bool nonempty = true;
      p.Split(s, [&](std::string_view piece) {
        nonempty = nonempty && !piece.empty();
        joined.append(piece);
      });
      REQUIRE(nonempty);
      REQUIRE(joined == s);
    }
  }
}

}  // namespace
}  // namespace sluice::tokenizer
