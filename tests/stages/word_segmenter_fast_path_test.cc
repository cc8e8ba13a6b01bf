// Differential tests: the ASCII fast path of WordSegmenter must give exactly the
// spans and kinds of pure ICU (WordSegmenter::Mode::kIcuOnly), on exhaustive
// short strings, random adversarial strings and real text files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "stages/text/utf8.h"
#include "stages/text/word_segmenter.h"

using sluice::WordKind;
using sluice::WordSegmenter;
using sluice::WordSpan;

namespace {

std::string Escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string Describe(std::string_view text, const std::vector<WordSpan>& spans) {
  std::string out;
  for (const auto& w : spans) {
    out += "[" + Escape(w.in(text)) + "]/" + std::to_string(static_cast<int>(w.kind)) + " ";
  }
  return out;
}

bool SameSpans(const std::vector<WordSpan>& a, const std::vector<WordSpan>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].begin != b[i].begin || a[i].end != b[i].end || a[i].kind != b[i].kind) return false;
  }
  return true;
}

// Compares fast path and pure ICU, with and without non-word segments. Returns
// false (and reports the first few differences through Catch2) on a mismatch.
struct Differ {
  WordSegmenter fast{WordSegmenter::Mode::kAsciiFastPath};
  WordSegmenter icu{WordSegmenter::Mode::kIcuOnly};
  std::vector<WordSpan> a, b;
  size_t compared = 0;
  size_t mismatches = 0;

  void Check(std::string_view text) {
    for (bool non_words : {true, false}) {
      fast.Segment(text, &a, non_words);
      icu.Segment(text, &b, non_words);
      ++compared;
      if (!SameSpans(a, b)) {
        if (++mismatches <= 5) {
          INFO("text: " << Escape(text) << "\nfast: " << Describe(text, a) << "\nicu:  " << Describe(text, b));
          CHECK(false);
        }
      }
    }
  }
};

}  // namespace

TEST_CASE("word segmenter fast path equals ICU on all short adversarial strings", "[word_segmenter]") {
  // Every string of up to 4 symbols over ASCII word-break classes (letter,
  // digit, '_', the Mid* characters, ':', '"', space, tab, CR, LF, VT) and
  // non-ASCII neighbours (a letter, a combining mark).
  const std::vector<std::string> alphabet = {"a", "1", "_", ".", "'",  ",",  ";",        " ",        ":",
                                             "-", "\"", "\t", "\r", "\n", "\v", "\xC3\xA9", "\xCC\x81"};
  Differ d;
  const size_t k = alphabet.size();
  for (int len = 1; len <= 4; ++len) {
    std::vector<size_t> idx(len, 0);
    while (true) {
      std::string s;
      for (size_t x : idx) s += alphabet[x];
      d.Check(s);
      int p = len - 1;
      while (p >= 0 && ++idx[p] == k) idx[p--] = 0;
      if (p < 0) break;
    }
  }
  CHECK(d.compared == 2 * (17 + 17 * 17 + 17 * 17 * 17 + 17 * 17 * 17 * 17));
  CHECK(d.mismatches == 0);
}

TEST_CASE("word segmenter fast path equals ICU on random mixed strings", "[word_segmenter]") {
  // Adversarial ASCII, every ASCII code (controls included), and non-ASCII
  // pieces that interact with ASCII neighbours: letters, combining marks after
  // spaces and letters, CJK (dictionary), full-width forms, emoji and ZWJ
  // sequences, NBSP, right single quote (MidNumLet), Hebrew, Thai, kana, digits.
  const std::vector<std::string> ascii_pieces = {
      "a", "Z", "x", "1", "0", "9", "_", ".", "'", ",", ";", ":", "-", "\"", " ", "  ", "\t", "\r", "\n", "\r\n",
      "\v", "\f", "!", "?", "(", ")", "/", "#", "*", "@", "&", "%", "$", "+", "=", "<", ">", "[", "]", "~", "`",
      "^", "|", "\\", "{", "}", "word", "3.14", "don't", "a.b", "1,000", "x_y", "A1"};
  const std::vector<std::string> unicode_pieces = {
      "\xC3\xA9",                  // é
      "\xCC\x81",                  // U+0301 combining acute
      "\xE4\xB8\xAD\xE6\x96\x87",  // 中文
      "\xE6\x88\x91\xE4\xBB\xAC\xE5\x9C\xA8\xE5\x8C\x97\xE4\xBA\xAC",  // 我们在北京
      "\xEF\xBC\xA1\xEF\xBC\x91",  // full-width Ａ１
      "\xEF\xBC\x8E",              // full-width full stop (MidNumLet)
      "\xEF\xBC\x9A",              // full-width colon
      "\xF0\x9F\x98\x80",          // 😀
      "\xE2\x80\x8D",              // ZWJ
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9",  // 👨‍👩
      "\xC2\xA0",                  // NBSP
      "\xE2\x80\x99",              // U+2019 right single quote
      "\xE2\x80\x8B",              // ZWSP (Format)
      "\xD7\x90\xD7\x91",          // Hebrew אב
      "\xE0\xB8\xAA\xE0\xB8\xA7\xE0\xB8\xB1\xE0\xB8\xAA",  // Thai (dictionary)
      "\xE3\x82\xAB\xE3\x83\x8A",  // katakana カナ
      "\xD9\xA3",                  // Arabic-Indic digit 3
      "\xC2\x85",                  // NEL
      "\xE2\x80\xA8",              // line separator
      "\xE3\x80\x80",              // ideographic space
  };
  std::mt19937 rng(20261129);
  Differ d;
  for (int iter = 0; iter < 20000; ++iter) {
    const int len = std::uniform_int_distribution<int>(1, 40)(rng);
    const int unicode_percent = iter % 4 == 0 ? 0 : std::uniform_int_distribution<int>(1, 30)(rng);
    std::string s;
    for (int i = 0; i < len; ++i) {
      const int roll = std::uniform_int_distribution<int>(0, 99)(rng);
      if (roll < unicode_percent) {
        s += unicode_pieces[rng() % unicode_pieces.size()];
      } else if (roll < unicode_percent + 10) {
        s += static_cast<char>(rng() % 128);  // any ASCII code, NUL and DEL included
      } else {
        s += ascii_pieces[rng() % ascii_pieces.size()];
      }
    }
    d.Check(s);
  }
  CHECK(d.compared == 40000);
  CHECK(d.mismatches == 0);
}

TEST_CASE("word segmenter fast path equals ICU on real text files", "[word_segmenter]") {
  // Licenses and package documentation (English with names in many scripts),
  // plus Debian Reference pages in Chinese and Japanese when installed.
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const char* root : {"/usr/share/common-licenses", "/usr/share/doc"}) {
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec) || it->path().extension() == ".gz") continue;
      const std::string p = it->path().string();
      if (p.find("/usr/share/doc/") == 0 && p.find("/copyright") == std::string::npos &&
          p.find("debian-reference-zh-cn") == std::string::npos && p.find("debian-reference-ja") == std::string::npos &&
          p.find("README") == std::string::npos) {
        continue;
      }
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  Differ d;
  size_t bytes = 0, used = 0, cjk_files = 0;
  for (const auto& path : files) {
    if (bytes > 3'000'000) break;
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.size() > 400'000) text.resize(400'000);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
    if (text.empty() || !sluice::IsValidUtf8(text) || text.find('\0') != std::string::npos) continue;
    d.Check(text);
    bytes += text.size();
    ++used;
    if (path.string().find("debian-reference-") != std::string::npos) ++cjk_files;
  }
  INFO("files " << used << ", bytes " << bytes << ", CJK pages " << cjk_files);
  CHECK(used >= 10);  // /usr/share/common-licenses alone has 17 files
  CHECK(d.mismatches == 0);
}

TEST_CASE("ASCII word rules match ICU rule statuses", "[word_segmenter]") {
  // Pinned cases of the hand-written ASCII rules (kinds from ICU's statuses).
  auto spans = [](std::string_view text) {
    std::vector<WordSpan> out;
    sluice::SegmentAsciiWords(text, 0, &out, /*include_non_words=*/true);
    std::vector<std::pair<std::string, WordKind>> r;
    for (const auto& w : out) r.emplace_back(std::string(w.in(text)), w.kind);
    return r;
  };
  using P = std::vector<std::pair<std::string, WordKind>>;
  CHECK(spans("a1 1a") == P{{"a1", WordKind::kNumber}, {" ", WordKind::kNone}, {"1a", WordKind::kLetter}});
  CHECK(spans("_ __ 1_ a_") == P{{"_", WordKind::kNone},
                                 {" ", WordKind::kNone},
                                 {"__", WordKind::kLetter},
                                 {" ", WordKind::kNone},
                                 {"1_", WordKind::kNumber},
                                 {" ", WordKind::kNone},
                                 {"a_", WordKind::kLetter}});
  CHECK(spans("a:b") == P{{"a", WordKind::kLetter}, {":", WordKind::kNone}, {"b", WordKind::kLetter}});
  CHECK(spans("1;2 a;b") == P{{"1;2", WordKind::kNumber}, {" ", WordKind::kNone}, {"a", WordKind::kLetter},
                              {";", WordKind::kNone}, {"b", WordKind::kLetter}});
  CHECK(spans("a.b.c. \r\n\t\t") == P{{"a.b.c", WordKind::kLetter}, {".", WordKind::kNone}, {" ", WordKind::kNone},
                                      {"\r\n", WordKind::kNone}, {"\t", WordKind::kNone}, {"\t", WordKind::kNone}});
}
