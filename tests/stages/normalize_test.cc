#include "stages/text/normalize.h"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "stages/text/mojibake.h"
#include "stages/engine/stage.h"

using sluice::BuildStage;
using sluice::Document;
using sluice::StageContext;
using sluice::Stats;

namespace {

struct Run {
  std::string text;
  bool keep = true;
  std::string reason;
  Stats stats;
  double mojibake_score = -1;
};

Run Normalize(const std::string& text, const std::string& options = "{}") {
  auto stage = BuildStage("normalize", options);
  REQUIRE(stage.ok());
  Run r;
  Document doc;
  doc.text = text;
  StageContext ctx(&r.stats);
  auto verdict = (*stage)->Process(doc, ctx);
  r.text = doc.text;
  r.keep = verdict.keep();
  r.reason = verdict.reason();
  r.mojibake_score = doc.Signal("normalize.mojibake_score", -1);
  return r;
}

struct Case {
  const char* name;
  std::string options;
  std::string before;
  std::string after;
  const char* stat;  // a counter that must be > 0 (nullptr: none)
};

}  // namespace

TEST_CASE("normalize: before/after table (English and Chinese)", "[normalize]") {
  const std::vector<Case> cases = {
      {"the header's example", "{}", "Ｈｅｌｌｏ　ｃａｆ\u00C3\u00A9&amp;  Co. \r\n\n\n\n，好",
       "Hello　café& Co.\n\n\n，好", "normalize.mojibake"},
      {"plain ASCII unchanged", "{}", "Hello, world.\nSecond line.", "Hello, world.\nSecond line.", nullptr},
      {"space runs collapse", "{}", "Hello   big  world", "Hello big world", "normalize.space_runs"},
      {"indentation kept", "{}", "def f():\n    return  1", "def f():\n    return 1", "normalize.space_runs"},
      {"trailing spaces", "{}", "line one   \nline two\t", "line one\nline two", "normalize.trailing_spaces"},
      {"CRLF and CR", "{}", "a\r\nb\rc", "a\nb\nc", "normalize.line_breaks"},
      {"blank line runs capped at 2", "{}", "a\n\n\n\n\n\nb", "a\n\n\nb", "normalize.blank_lines"},
      {"max_blank_lines 0", "{max_blank_lines: 0}", "a\n\n\nb", "a\nb", "normalize.blank_lines"},
      {"document ends trimmed", "{}", "\n \n  start\n\n \n", "  start", "normalize.blank_lines"},
      {"C0 controls and DEL", "{}", "x\x01y\x7fz\x1b", "xyz", "normalize.controls"},
      {"C1 controls", "{}", "a\u0080b\u009Fc", "abc", "normalize.controls"},
      {"NEL and line separator", "{}", "a\u0085b\u2028c", "a\nb\nc", "normalize.line_breaks"},
      {"zero-width removed, ZWJ kept", "{}", "zero\u200Bwidth\uFEFF soft\u00ADhyphen \U0001F468\u200D\U0001F469",
       "zerowidth softhyphen \U0001F468\u200D\U0001F469", "normalize.zero_width"},
      {"mojibake 2-byte", "{}", "caf\u00C3\u00A9 na\u00C3\u00AFve", "caf\u00E9 na\u00EFve", "normalize.mojibake"},
      {"mojibake cp1252 quote", "{}", "it\u00E2\u20AC\u2122s", "it\u2019s", "normalize.mojibake"},
      {"mojibake Chinese", "{}", "\u00E4\u00B8\u00AD\u00E6\u2013\u2021", "中文", "normalize.mojibake"},
      {"mojibake emoji", "{}", "\u00F0\u0178\u02DC\u20AC", "\U0001F600", "normalize.mojibake"},
      {"mojibake doubly encoded", "{}", "caf\u00C3\u0192\u00C2\u00A9", "caf\u00E9", "normalize.mojibake"},
      {"mojibake BOM removed", "{}", "\u00EF\u00BB\u00BFtext", "text", "normalize.mojibake"},
      {"German ß + quote is not mojibake", "{}", "GRO\u00DF\u201C", "GRO\u00DF\u201C", nullptr},
      {"Latin-1 text is not mojibake", "{}", "Ça va à Évian, señor", "Ça va à Évian, señor", nullptr},
      {"entities", "{}", "AT&amp;T &lt;b&gt; it&#8217;s &#x4E2D;&#25991; &copy; &eacute;",
       "AT&T <b> it\u2019s 中文 \u00A9 \u00E9", "normalize.entities"},
      {"double-escaped entity", "{}", "&amp;lt;tag&amp;gt; &amp;amp;", "<tag> &", "normalize.entities"},
      {"cp1252 numeric entity", "{}", "it&#146;s", "it\u2019s", "normalize.entities"},
      {"nbsp entity becomes space", "{}", "a&nbsp;b", "a b", "normalize.nbsp"},
      {"not entities", "{}", "AT&T &bogus; &#; & x &#xZZ;", "AT&T &bogus; &#; & x &#xZZ;", nullptr},
      {"entities off", "{html_entities: false}", "a &amp; b", "a &amp; b", nullptr},
      {"tags off by default", "{}", "if a<b and c>d", "if a<b and c>d", nullptr},
      {"tags stripped", "{html_tags: true}", "<p>Hello <b>world</b></p><!-- note -->next<br>line",
       "Hello world\nnext\nline", "normalize.tags"},
      {"escaped tags stripped too", "{html_tags: true}", "a &lt;b&gt;bold&lt;/b&gt;", "a bold", "normalize.tags"},
      {"comparison is not a tag", "{html_tags: true}", "if a < b and c > d", "if a < b and c > d", nullptr},
      {"shell redirection is not a tag", "{html_tags: true}", "$ pager </etc/motd\n$ echo >foo", "$ pager </etc/motd\n$ echo >foo", nullptr},
      {"full-width letters and digits", "{}", "Ｈｅｌｌｏ１２３，世界！：「你好」。",
       "Hello123，世界！：「你好」。", "normalize.width"},
      {"full-width all", "{fold_width: all}", "ＡＢ，！（１）　中", "AB,!(1) 中", "normalize.width"},
      {"full-width none", "{fold_width: none}", "ＡＢ１", "ＡＢ１", nullptr},
      {"NFC composes", "{}", "e\u0301te\u0301", "\u00E9t\u00E9", "normalize.unicode_form"},
      {"NFC keeps compatibility chars", "{}", "x\u00B2 \uFB01n \u2460", "x\u00B2 \uFB01n \u2460", nullptr},
      {"NFKC folds compatibility chars", "{form: nfkc}", "x\u00B2 \uFB01n \u2460 \uFF0C",
       "x2 fin 1 ,", "normalize.unicode_form"},
      {"NBSP to space", "{}", "100\u00A0km\u2009h", "100 km h", "normalize.nbsp"},
      {"NBSP kept", "{nbsp: keep}", "100\u00A0km", "100\u00A0km", nullptr},
      {"ideographic space kept", "{}", "\u3000\u3000第一段。", "\u3000\u3000第一段。", nullptr},
      {"ideographic space to space", "{ideographic_space: space}", "中文\u3000\u3000测试", "中文 测试",
       "normalize.ideographic_space"},
      {"Chinese unchanged", "{}", "我们在北京大学学习中文。\n第二行，没有问题！", "我们在北京大学学习中文。\n第二行，没有问题！",
       nullptr},
      {"Traditional to Simplified", "{chinese: simplified}", "漢字簡體，歡迎使用。", "汉字简体，欢迎使用。",
       "normalize.simplified"},
      {"Traditional kept by default", "{}", "漢字簡體", "漢字簡體", nullptr},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    Run r = Normalize(c.before, c.options);
    CHECK(r.text == c.after);
    CHECK(r.keep);
    if (c.stat != nullptr) CHECK(r.stats.Get(c.stat) > 0);
    if (c.before != c.after) CHECK(r.stats.Get("normalize.docs_changed") == 1);
    // Idempotent on every case.
    CHECK(Normalize(r.text, c.options).text == r.text);
  }
}

TEST_CASE("normalize: mojibake score signal", "[normalize]") {
  CHECK(Normalize("plain ascii").mojibake_score == 0.0);
  CHECK(Normalize("caf\u00C3\u00A9").mojibake_score == 0.0);  // repaired, nothing left
  // U+FFFD cannot be repaired: one of two non-ASCII characters is suspicious.
  CHECK(Normalize("abc\uFFFD中").mojibake_score == Approx(0.5));
  CHECK(sluice::CountMojibake("\u00C3\u00A9").suspicious == 1);
  CHECK(sluice::CountMojibake("\u00E9").suspicious == 0);
}

TEST_CASE("normalize: bad input has a clear outcome", "[normalize]") {
  Run empty = Normalize("");
  CHECK_FALSE(empty.keep);
  CHECK(empty.reason == "normalize.empty");
  Run ws = Normalize(" \t\n\r\n\x01\x02\u200B\u00A0 \n");
  CHECK_FALSE(ws.keep);
  CHECK(ws.reason == "normalize.empty");
  CHECK(ws.text.empty());
  Run kept = Normalize("   ", "{drop_empty: false}");
  CHECK(kept.keep);
  CHECK(kept.text.empty());
}

TEST_CASE("normalize: invalid options are rejected naming the option", "[normalize]") {
  auto a = BuildStage("normalize", "{form: nfd}");
  REQUIRE_FALSE(a.ok());
  CHECK(a.status().message().find("form") != std::string::npos);
  auto b = BuildStage("normalize", "{max_blank_lines: -5}");
  REQUIRE_FALSE(b.ok());
  CHECK(b.status().message().find("max_blank_lines") != std::string::npos);
  auto c = BuildStage("normalize", "{colapse_spaces: true}");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("colapse_spaces") != std::string::npos);
}

namespace {

std::string ReadMaybeGz(const std::filesystem::path& p) {
  std::string out;
  gzFile f = gzopen(p.c_str(), "rb");
  if (f == nullptr) return out;
  char buf[1 << 15];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0 && out.size() < (1u << 20)) out.append(buf, n);
  gzclose(f);
  return out;
}

bool ValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = s[i];
    int n = b < 0x80 ? 0 : b >= 0xC2 && b <= 0xDF ? 1 : b >= 0xE0 && b <= 0xEF ? 2 : b >= 0xF0 && b <= 0xF4 ? 3 : -1;
    if (n < 0 || i + n >= s.size() + (n == 0 ? 1 : 0)) return false;
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

// Real text installed by scripts/setup.sh: English docs, the Chinese Debian
// Reference (HTML) and Chinese man pages (gzip).
std::vector<std::filesystem::path> RealFiles() {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  auto add_dir = [&files](const fs::path& dir, const std::string& needle, size_t limit) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return;
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_regular_file(ec) && it->path().string().find(needle) != std::string::npos) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    for (size_t i = 0; i < found.size() && i < limit; ++i) files.push_back(found[i]);
  };
  add_dir("/usr/share/debian-reference", ".zh-cn.html", 20);
  add_dir("/usr/share/debian-reference", ".en.html", 5);
  add_dir("/usr/share/man/zh_CN", ".gz", 60);
  add_dir("/usr/share/man/zh_TW", ".gz", 20);
  add_dir("/usr/share/doc", "copyright", 150);
  return files;
}

}  // namespace

TEST_CASE("normalize: idempotent on real text files", "[normalize]") {
  auto files = RealFiles();
  REQUIRE(files.size() >= 20);  // scripts/setup.sh installs these packages
  const std::vector<std::string> recipes = {
      "{}", "{form: nfkc, fold_width: all, html_tags: true}",
      "{chinese: simplified, ideographic_space: space, max_blank_lines: 0}"};
  size_t checked = 0;
  for (const auto& recipe : recipes) {
    auto stage = BuildStage("normalize", recipe);
    REQUIRE(stage.ok());
    for (const auto& f : files) {
      std::string text = ReadMaybeGz(f);
      if (text.empty() || !ValidUtf8(text)) continue;
      if (recipe.find("simplified") != std::string::npos && text.size() > 200000) text.resize(0);
      Stats s;
      StageContext ctx(&s);
      Document once;
      once.text = text;
      (void)(*stage)->Process(once, ctx);
      Document twice;
      twice.text = once.text;
      (void)(*stage)->Process(twice, ctx);
      INFO(f.string() << " with " << recipe);
      REQUIRE(ValidUtf8(once.text));
      CHECK(twice.text == once.text);
      if (twice.text != once.text && std::getenv("SLUICE_DUMP")) {
        std::ofstream(std::string("/tmp/np_once_") + f.filename().string()) << once.text;
        std::ofstream(std::string("/tmp/np_twice_") + f.filename().string()) << twice.text;
      }
      ++checked;
    }
  }
  CHECK(checked >= 60);
}

TEST_CASE("normalize: 100 MB single document, linear time", "[normalize][slow]") {
  std::string unit =
      "The  quick brown fox &amp; caf\u00C3\u00A9 it\u00E2\u20AC\u2122s   \r\n"
      "我们在北京大学学习中文，Ｈｅｌｌｏ！\u200B\n\n\n\n\t\x01 trailing   \n";
  std::string big;
  big.reserve(100u << 20);
  while (big.size() + unit.size() <= (100u << 20)) big += unit;
  size_t units = big.size() / unit.size();
  Run r = Normalize(big);
  CHECK(r.keep);
  CHECK(r.stats.Get("normalize.mojibake") == static_cast<int64_t>(2 * units));
  CHECK(r.stats.Get("normalize.entities") == static_cast<int64_t>(units));
  CHECK(r.text.size() < big.size());
  // A single unbroken line of 100 MB of spaces and letters.
  std::string line(100u << 20, ' ');
  for (size_t i = 0; i < line.size(); i += 7) line[i] = 'x';
  Run r2 = Normalize(line);
  CHECK(r2.text.size() == (line.size() + 6) / 7 * 2 - 1);
}

#include <random>

#include "stages/text/utf8.h"

TEST_CASE("normalize: idempotent on random strings of tricky pieces", "[normalize]") {
  // Pieces that interact: entity halves, invisible characters, mojibake halves,
  // combining marks, full-width letters, tags, CR, C1 and BOM sequences.
  const std::vector<std::string> pieces = {
      "a", "b", " ", "  ", "\n", "\r", "\t", "\x01", "\u00C3", "\u00A9", "\u00E2", "\u20AC", "\u2122", "&", "amp;",
      "lt;", "#39;", "<", ">", "/", "Ａ", "，", "\u0301", "\u00A0", "\u3000", "\u0085", "\u200B", "中", "\u00C2",
      "e", "p", "<p>", "\u00EF\u00BB\u00BF", "\uFFFD", "\u00AD", "\u00E4\u00B8"};
  for (const char* options : {"{}", "{html_tags: true, form: nfkc}"}) {
    auto stage = BuildStage("normalize", options);
    REQUIRE(stage.ok());
    std::mt19937 rng(20261129);
    int failures = 0;
    for (int it = 0; it < 20000; ++it) {
      std::string s;
      int len = static_cast<int>(rng() % 12);
      for (int k = 0; k < len; ++k) s += pieces[rng() % pieces.size()];
      Stats stats;
      StageContext ctx(&stats);
      Document once;
      once.text = s;
      (void)(*stage)->Process(once, ctx);
      Document twice;
      twice.text = once.text;
      (void)(*stage)->Process(twice, ctx);
      if (twice.text != once.text || !sluice::IsValidUtf8(once.text)) {
        if (++failures <= 3) {
          INFO("input: " << s << " options: " << options);
          CHECK(twice.text == once.text);
        }
      }
    }
    CHECK(failures == 0);
  }
}
