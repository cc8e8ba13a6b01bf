// decontaminate: normalization, drop and cut on hand-made cases (English and
// Chinese), per-task counters and report, and a held-out evaluation on real
// Debian text (benchmark paragraphs from the Debian Reference embedded whole
// or lightly edited in unrelated fortunes / man-page documents, documents
// sharing only a short phrase, clean documents) that checks the issue's
// targets and prints the measured rates.
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>

#include "filters/decontaminate.h"
#include "filters/rule_test_util.h"
#include "test_util.h"

using namespace sluice;
using sluice::testing::TempDir;
using sluice::testing::WriteText;

namespace {

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
    else if (c == '\n') out += "\\n";
    else if (c < 0x20) out += ' ';
    else out += static_cast<char>(c);
  }
  return out;
}

// Benchmark JSONL lines: {"text": ..., "task": ...}.
std::string BenchLine(const std::string& text, const std::string& task) {
  return "{\"text\":\"" + JsonEscape(text) + "\",\"task\":\"" + JsonEscape(task) + "\"}\n";
}

const char* kQuestion =
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips "
    "did Natalia sell altogether in April and May?";
const char* kZh = "天气预报说明天下午会有大雨，所以学校决定把运动会推迟到下个星期三举行，请各位同学互相转告并提前做好准备。";

std::string Filler(int words, const std::string& seed) {
  std::string s;
  for (int i = 0; i < words; ++i) s += seed + std::to_string(i % 7) + (i % 11 == 10 ? ". " : " ");
  return s;
}

}  // namespace

TEST_CASE("decontaminate folds case and punctuation over ICU words", "[filters][decontaminate]") {
  CHECK(FoldWord("Don't") == "dont");
  CHECK(FoldWord("HELLO!") == "hello");
  CHECK(FoldWord("ÉCOLE") == "école");
  CHECK(FoldWord("...") == "");
  std::vector<NormalizedWord> a, b;
  NormalizedWords("Hello,   WORLD! It's   here.", &a);
  NormalizedWords("hello world its here", &b);
  REQUIRE(a.size() == 4);
  REQUIRE(b.size() == 4);
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i].hash == b[i].hash);
  // Words separated by punctuation only are also seen joined, as after an editor drops it.
  NormalizedWords("see /etc/fstab, First-In-First-Out", &a, true);
  NormalizedWords("see etcfstab FirstInFirstOut", &b);
  REQUIRE(a.size() == 3);
  REQUIRE(b.size() == 3);
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i].hash == b[i].hash);
  NormalizedWords("天气预报说明天下午会有大雨", &a, true);
  CHECK(a.size() >= 4);  // segmented into words, not one token
}

TEST_CASE("decontaminate drop: copies, edited copies and Chinese, while short overlaps stay", "[filters][decontaminate]") {
  TempDir dir;
  WriteText(dir / "gsm8k.jsonl", BenchLine(kQuestion, "gsm8k") + BenchLine(kZh, "cmmlu") +
                                     BenchLine("too short to matter", "tiny"));
  const std::string opts = "{benchmarks: [" + (dir / "gsm8k.jsonl") + "]}";
  const std::string host = Filler(60, "lorem");
  std::string q = kQuestion;

  auto copy = testing::Run("decontaminate", opts, host + q + " " + host);
  CHECK_FALSE(copy.verdict.keep());
  CHECK(copy.verdict.reason() == kDecontamOverlap);
  CHECK(copy.verdict.detail().find("task gsm8k") != std::string::npos);
  CHECK(copy.stats.Get(std::string(kStatDecontamTaskPrefix) + "gsm8k") == 1);

  std::string edited;
  for (char c : q) edited += c == ',' ? ';' : c == ' ' ? '\n' : static_cast<char>(std::toupper(c));
  CHECK_FALSE(testing::Run("decontaminate", opts, host + edited).verdict.keep());

  // 12 words of the question: under the 13-gram.
  CHECK(testing::Run("decontaminate", opts, host + "Natalia sold clips to 48 of her friends in April, and then " + host)
            .verdict.keep());
  // The same words with ngram: 8 are a hit.
  CHECK_FALSE(testing::Run("decontaminate", "{ngram: 8, benchmarks: [" + (dir / "gsm8k.jsonl") + "]}",
                           host + "Natalia sold clips to 48 of her friends in April, and then " + host)
                  .verdict.keep());

  auto zh = testing::Run("decontaminate", opts, "今天我们讨论别的事情。" + std::string(kZh) + "谢谢大家。");
  CHECK_FALSE(zh.verdict.keep());
  CHECK(zh.verdict.detail().find("task cmmlu") != std::string::npos);
  std::string zh_punct = kZh;
  for (auto [from, to] : {std::pair<std::string, std::string>{"，", ", "}, {"。", ". "}}) {
    for (size_t p; (p = zh_punct.find(from)) != std::string::npos;) zh_punct.replace(p, from.size(), to);
  }
  CHECK_FALSE(testing::Run("decontaminate", opts, zh_punct).verdict.keep());
  CHECK(testing::Run("decontaminate", opts, "天气预报说明天下午会有大雨。").verdict.keep());
}

TEST_CASE("decontaminate cut: the match and 200 characters each side go", "[filters][decontaminate]") {
  TempDir dir;
  WriteText(dir / "b.jsonl", BenchLine(kQuestion, "gsm8k"));
  const std::string opts = "{mode: cut, benchmarks: [" + (dir / "b.jsonl") + "]}";
  const std::string before = Filler(150, "alpha"), after = Filler(150, "omega");
  auto r = testing::Run("decontaminate", opts, before + kQuestion + " " + after);
  REQUIRE(r.verdict.keep());
  CHECK(r.doc.text.find("Natalia") == std::string::npos);
  CHECK(r.doc.text.find("alpha0") == 0);
  CHECK(r.doc.text.find("omega") != std::string::npos);
  // About 200 characters of surrounding text went on each side (edges moved to a space).
  const size_t removed = before.size() + std::string(kQuestion).size() + 1 + after.size() - r.doc.text.size();
  CHECK(removed >= std::string(kQuestion).size() + 390);
  CHECK(removed <= std::string(kQuestion).size() + 400 + 100);
  CHECK(r.stats.Get(kStatDecontamCut) == 1);

  // Little text around the match: nothing of 200 characters is left.
  auto s = testing::Run("decontaminate", opts, Filler(20, "x") + kQuestion);
  CHECK(s.verdict.reason() == kDecontamTooShort);

  // Eleven separate matches: more than 10 pieces.
  std::string many;
  for (int i = 0; i < 12; ++i) many += Filler(120, "p" + std::to_string(i)) + kQuestion + " ";
  CHECK(testing::Run("decontaminate", opts, many).verdict.reason() == kDecontamTooManyPieces);
  // max_pieces raised: kept, and no 13-gram of the question is left.
  auto m = testing::Run("decontaminate", "{mode: cut, max_pieces: 20, min_piece_chars: 100, benchmarks: [" +
                                             (dir / "b.jsonl") + "]}",
                        many);
  REQUIRE(m.verdict.keep());
  CHECK(m.doc.text.find("Natalia") == std::string::npos);
}

TEST_CASE("decontaminate report counts hits per task", "[filters][decontaminate]") {
  TempDir dir;
  WriteText(dir / "b.jsonl", BenchLine(kQuestion, "gsm8k") + BenchLine(kZh, "cmmlu"));
  auto stage = testing::Build("decontaminate", "{benchmarks: [" + (dir / "b.jsonl") + "]}");
  Stats stats;
  StageContext ctx(&stats);
  for (std::string text : {std::string(kQuestion), std::string(kZh), std::string("clean text"), std::string(kQuestion)}) {
    Document d;
    d.text = text;
    (void)stage->Process(d, ctx);
  }
  FinishContext f;
  f.stats = &stats;
  REQUIRE(stage->Finish(f).ok());
  CHECK(f.report_json.find("\"gsm8k\":{\"benchmark_ngrams\":19,\"documents\":2}") != std::string::npos);
  CHECK(f.report_json.find("\"contaminated\":3") != std::string::npos);
  CHECK(stats.Get(std::string(kStatDecontamTaskPrefix) + "cmmlu") == 1);
}

TEST_CASE("decontaminate options are checked", "[filters][decontaminate]") {
  CHECK_FALSE(BuildStage("decontaminate", "{}").ok());
  CHECK_FALSE(BuildStage("decontaminate", "{benchmarks: [/nonexistent/bench.jsonl]}").ok());
  CHECK_FALSE(BuildStage("decontaminate", "{benchmarks: [x.jsonl], mode: erase}").ok());
  CHECK_FALSE(BuildStage("decontaminate", "{benchmarks: [x.jsonl], ngram: 2}").ok());
}

// ---------------------------------------------------------------- held-out evaluation

namespace {

namespace fs = std::filesystem;

std::vector<std::string> Paragraphs(const std::string& text, bool cjk) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos) {
      flush();
      if (nl == text.size()) break;
      continue;
    }
    line = line.substr(b);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!cur.empty()) cur += cjk ? "" : " ";
    cur += line;
    if (nl == text.size()) break;
  }
  flush();
  return out;
}

size_t CountWords(const std::string& s) {
  std::vector<NormalizedWord> w;
  NormalizedWords(s, &w);
  return w.size();
}

// An independent check of "no 13-word window left": ASCII-lowercase alnum runs
// (English) or punctuation-free runs of 20 characters (Chinese), plain strings.
std::vector<std::string> SimpleWords(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : s) {
    if (std::isalnum(c)) cur += static_cast<char>(std::tolower(c));
    else if (c != '\'' && !cur.empty()) out.push_back(cur), cur.clear();
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}
std::string HanOnly(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len == 3 && s.compare(i, 3, "，") != 0 && s.compare(i, 3, "。") != 0 && s.compare(i, 3, "、") != 0 &&
        s.compare(i, 3, "“") != 0 && s.compare(i, 3, "”") != 0 && s.compare(i, 3, "：") != 0 &&
        s.compare(i, 3, "；") != 0) {
      out.append(s, i, 3);
    }
    i += len;
  }
  return out;
}

}  // namespace

TEST_CASE("decontaminate held-out evaluation on Debian text", "[filters][decontaminate][decontam_eval]") {
  const bool ci = std::getenv("CI") && std::string(std::getenv("CI")) == "true";
  const std::string dref = "/usr/share/debian-reference/debian-reference.";
  const std::string fortunes = "/usr/share/games/fortunes/";
  std::vector<std::string> needed = {dref + "en.txt.gz", dref + "zh-cn.txt.gz", fortunes + "fortunes",
                                     fortunes + "literature", fortunes + "people", "/usr/share/man/zh_CN/man1"};
  for (const auto& f : needed) {
    if (!fs::exists(f)) {
      if (ci) FAIL("missing " + f + " (scripts/setup.d/tokenizer.sh installs it)");
      WARN("SKIPPED: " + f + " missing (run scripts/setup.d/tokenizer.sh)");
      return;
    }
  }
  std::mt19937_64 rng(16);
  // Benchmarks: Debian Reference paragraphs (English: >= 30 words; Chinese: >= 60 bytes*3), no tables.
  std::vector<std::string> en, zh;
  for (const auto& p : Paragraphs(testing::ReadDecompressed(dref + "en.txt.gz"), false)) {
    if (p.find('|') == std::string::npos && p.find("+--") == std::string::npos && CountWords(p) >= 30) en.push_back(p);
  }
  for (const auto& p : Paragraphs(testing::ReadDecompressed(dref + "zh-cn.txt.gz"), true)) {
    if (p.find('|') == std::string::npos && p.find("+--") == std::string::npos && p.size() >= 180 &&
        CountWords(p) >= 30) {
      zh.push_back(p);
    }
  }
  REQUIRE(en.size() > 400);
  REQUIRE(zh.size() > 100);
  std::shuffle(en.begin(), en.end(), rng);
  std::shuffle(zh.begin(), zh.end(), rng);
  en.resize(400);
  zh.resize(100);
  TempDir dir;
  {
    std::string jsonl;
    for (size_t i = 0; i < en.size(); ++i) jsonl += BenchLine(en[i], i % 2 ? "dref_en_a" : "dref_en_b");
    for (const auto& p : zh) jsonl += BenchLine(p, "dref_zh");
    WriteText(dir / "bench.jsonl", jsonl);
  }
  // Hosts: English documents of ~3000 characters made of fortunes; Chinese ones of man-page text.
  std::vector<std::string> fort;
  std::vector<std::string> fortune_files;
  for (auto& e : fs::directory_iterator(fortunes)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && ext != ".dat" && ext != ".u8") fortune_files.push_back(e.path().string());
  }
  std::sort(fortune_files.begin(), fortune_files.end());
  for (const std::string& f : fortune_files) {
    std::string all = testing::ReadText(f);
    size_t pos = 0;
    while (pos < all.size()) {
      size_t end = all.find("\n%\n", pos);
      if (end == std::string::npos) end = all.size();
      fort.push_back(all.substr(pos, end - pos));
      pos = end + 3;
    }
  }
  std::vector<std::string> en_hosts;
  for (std::string cur; const auto& f : fort) {
    cur += f + "\n\n";
    if (cur.size() >= 3000) en_hosts.push_back(cur), cur.clear();
  }
  std::vector<std::string> zh_hosts;
  {
    std::string cur;
    std::vector<fs::path> pages;
    for (const char* d : {"/usr/share/man/zh_CN", "/usr/share/man/zh_TW"}) {
      if (!fs::exists(d)) continue;
      for (auto& e : fs::recursive_directory_iterator(d)) {
        if (e.is_regular_file() && e.path().extension() == ".gz") pages.push_back(e.path());
      }
    }
    std::sort(pages.begin(), pages.end());
    for (const auto& pg : pages) {
      for (const auto& line : Paragraphs(testing::ReadDecompressed(pg.string()), true)) {
        if (line.empty() || line[0] == '.' || line[0] == '\'') continue;
        if (HanOnly(line).size() < 30) continue;
        cur += line + "\n";
        if (cur.size() >= 2400) zh_hosts.push_back(cur), cur.clear();
      }
    }
  }
  INFO("hosts: " << en_hosts.size() << " en, " << zh_hosts.size() << " zh");
  REQUIRE(en_hosts.size() >= 700);
  REQUIRE(zh_hosts.size() >= 300);

  // Light edits: case, punctuation, spacing.
  auto edit = [&](std::string p, int kind) {
    std::uniform_int_distribution<int> coin(0, 3);
    std::string out;
    switch (kind) {
      case 0: return p;  // whole
      case 1:
        for (char& c : p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return p;
      case 2:
        for (char c : p) if (!std::ispunct(static_cast<unsigned char>(c))) out += c;
        return out;
      case 3:
        for (char c : p) out += c == ' ' ? (coin(rng) == 0 ? std::string("\n") : coin(rng) == 0 ? "   " : " ") : std::string(1, c);
        return out;
      default:
        for (char c : p) {
          const unsigned char u = static_cast<unsigned char>(c);
          if (c == ',') out += " ;";
          else if (c == '.') out += "!";
          else if (c == ' ' && coin(rng) == 0) out += "  ";
          else out += static_cast<char>(coin(rng) == 0 ? std::toupper(u) : std::tolower(u));
        }
        return out;
    }
  };
  auto zh_edit = [&](std::string p, int kind) {
    if (kind % 2 == 0) return p;
    for (auto [from, to] : {std::pair<std::string, std::string>{"，", ", "}, {"。", ". "}, {"、", ","}}) {
      for (size_t q; (q = p.find(from)) != std::string::npos;) p.replace(q, from.size(), to);
    }
    return p;
  };
  auto embed = [&](const std::string& host, const std::string& piece) {
    size_t mid = host.find("\n\n", host.size() / 2);
    if (mid == std::string::npos) mid = host.find('\n', host.size() / 2);
    if (mid == std::string::npos) mid = host.size();
    return host.substr(0, mid) + "\n\n" + piece + "\n\n" + host.substr(mid);
  };

  struct Case {
    std::string text;
    std::string host;
    bool zh;
  };
  std::vector<Case> contaminated, phrase, clean;
  size_t h = 0, hz = 0;
  for (size_t i = 0; i < en.size(); ++i) contaminated.push_back({embed(en_hosts[h], edit(en[i], static_cast<int>(i % 5))), en_hosts[h], false}), ++h;
  for (size_t i = 0; i < zh.size(); ++i) contaminated.push_back({embed(zh_hosts[hz], zh_edit(zh[i], static_cast<int>(i))), zh_hosts[hz], true}), ++hz;
  // Phrase-only: 8-12 words of an English benchmark paragraph, or 12 characters of a Chinese one.
  for (size_t i = 0; i < 200; ++i) {
    const std::string& p = en[i];
    std::vector<NormalizedWord> w;
    NormalizedWords(p, &w);
    const size_t s = w.size() / 2;
    const size_t len = 8 + i % 5;  // 8..12 words: under the 13-gram
    phrase.push_back({embed(en_hosts[h], p.substr(w[s].begin, w[s + len - 1].end - w[s].begin)), en_hosts[h], false});
    ++h;
  }
  for (size_t i = 0; i < 50; ++i) {
    std::string han = HanOnly(zh[i]);
    phrase.push_back({embed(zh_hosts[hz], han.substr((han.size() / 6) * 3, 36)), zh_hosts[hz], true});
    ++hz;
  }
  for (; h < en_hosts.size(); ++h) clean.push_back({en_hosts[h], en_hosts[h], false});
  for (; hz < zh_hosts.size(); ++hz) clean.push_back({zh_hosts[hz], zh_hosts[hz], true});

  const std::string bench = dir / "bench.jsonl";
  auto drop_stage = testing::Build("decontaminate", "{benchmarks: [" + bench + "]}");
  auto cut_stage = testing::Build("decontaminate", "{mode: cut, benchmarks: [" + bench + "]}");
  auto dropped = [&](const std::vector<Case>& cases) {
    size_t n = 0;
    for (const Case& c : cases) {
      Document d;
      d.text = c.text;
      Stats st;
      StageContext ctx(&st);
      n += !drop_stage->Process(d, ctx).keep();
    }
    return n;
  };
  const size_t d_cont = dropped(contaminated), d_phrase = dropped(phrase), d_clean = dropped(clean);

  // cut: no 13-word window of a benchmark left in any kept document; share of host text kept.
  std::set<std::string> en_windows, zh_windows;
  for (const auto& p : en) {
    auto w = SimpleWords(p);
    for (size_t i = 0; i + 13 <= w.size(); ++i) {
      std::string k;
      for (size_t j = i; j < i + 13; ++j) k += w[j] + " ";
      en_windows.insert(k);
    }
  }
  for (const auto& p : zh) {
    const std::string han = HanOnly(p);
    for (size_t i = 0; i + 60 <= han.size(); i += 3) zh_windows.insert(han.substr(i, 60));
  }
  size_t cut_kept = 0, cut_dropped = 0, leaks = 0;
  double host_kept = 0;
  for (const Case& c : contaminated) {
    Document d;
    d.text = c.text;
    Stats st;
    StageContext ctx(&st);
    if (!cut_stage->Process(d, ctx).keep()) {
      ++cut_dropped;
      continue;
    }
    ++cut_kept;
    host_kept += std::min(1.0, static_cast<double>(d.text.size()) / static_cast<double>(c.host.size()));
    if (c.zh) {
      const std::string han = HanOnly(d.text);
      for (size_t i = 0; i + 60 <= han.size(); i += 3) leaks += zh_windows.count(han.substr(i, 60));
    } else {
      auto w = SimpleWords(d.text);
      for (size_t i = 0; i + 13 <= w.size(); ++i) {
        std::string k;
        for (size_t j = i; j < i + 13; ++j) k += w[j] + " ";
        leaks += en_windows.count(k);
      }
    }
  }
  const double host_share = cut_kept ? host_kept / static_cast<double>(cut_kept) : 0;
  std::printf(
      "decontam_eval: benchmarks %zu paragraphs (%zu en, %zu zh); drop mode: contaminated %zu/%zu dropped (%.2f%%), "
      "phrase-only %zu/%zu (%.2f%%), clean %zu/%zu (%.2f%%); cut mode: %zu kept, %zu dropped, leaked 13-word windows "
      "%zu, host text kept %.1f%%\n",
      en.size() + zh.size(), en.size(), zh.size(), d_cont, contaminated.size(),
      100.0 * static_cast<double>(d_cont) / static_cast<double>(contaminated.size()), d_phrase, phrase.size(),
      100.0 * static_cast<double>(d_phrase) / static_cast<double>(phrase.size()), d_clean, clean.size(),
      100.0 * static_cast<double>(d_clean) / static_cast<double>(clean.size()), cut_kept, cut_dropped, leaks,
      100.0 * host_share);
  CHECK(static_cast<double>(d_cont) >= 0.99 * static_cast<double>(contaminated.size()));
  CHECK(static_cast<double>(d_phrase) <= 0.01 * static_cast<double>(phrase.size()));
  CHECK(static_cast<double>(d_clean) <= 0.002 * static_cast<double>(clean.size()));
  CHECK(leaks == 0);
  CHECK(cut_kept >= contaminated.size() * 9 / 10);
  CHECK(host_share >= 0.7);
}
