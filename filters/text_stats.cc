#include "filters/text_stats.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <xxhash.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "stages/text/stopword_lists.h"
#include "stages/text/utf8.h"

namespace sluice::text {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

namespace {

// Decodes the code point that ends at `end` (exclusive) in valid UTF-8.
uint32_t LastCodePoint(std::string_view s, size_t* begin_out) {
  size_t i = s.size();
  if (i == 0) {
    *begin_out = 0;
    return 0;
  }
  --i;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  size_t pos = i;
  *begin_out = i;
  return DecodeUtf8(s, &pos);
}

bool IsSpaceCp(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
         cp == 0x3000 || cp == 0x200B || cp == 0xFEFF || cp == 0x202F || (cp >= 0x2000 && cp <= 0x200A);
}

}  // namespace

std::string_view Trim(std::string_view s) {
  while (!s.empty()) {
    size_t pos = 0;
    uint32_t cp = DecodeUtf8(s, &pos);
    if (!IsSpaceCp(cp)) break;
    s.remove_prefix(pos);
  }
  while (!s.empty()) {
    size_t begin;
    uint32_t cp = LastCodePoint(s, &begin);
    if (!IsSpaceCp(cp)) break;
    s = s.substr(0, begin);
  }
  return s;
}

std::vector<std::string_view> SplitParagraphs(std::string_view text) {
  std::vector<std::string_view> paras;
  std::vector<std::string_view> lines = SplitLines(text);
  size_t para_begin = std::string_view::npos;
  size_t para_end = 0;
  auto flush = [&] {
    if (para_begin != std::string_view::npos) {
      std::string_view p = Trim(text.substr(para_begin, para_end - para_begin));
      if (!p.empty()) paras.push_back(p);
    }
    para_begin = std::string_view::npos;
  };
  for (std::string_view line : lines) {
    size_t off = static_cast<size_t>(line.data() - text.data());
    if (Trim(line).empty()) {
      flush();
      continue;
    }
    if (para_begin == std::string_view::npos) para_begin = off;
    para_end = off + line.size();
  }
  flush();
  return paras;
}

namespace {

// The calling thread's last segmentation, reused when the next stage asks for
// the same text (gopher_repetition, gopher_quality and fineweb run on the same
// document one after another): ICU segmentation is the costly step.
struct SegmentCache {
  std::string text;
  std::vector<WordSpan> spans;  // with non-word spans
};

const std::vector<WordSpan>& CachedSegments(std::string_view text) {
  thread_local SegmentCache cache;
  if (cache.text.size() != text.size() || cache.text != text) {
    cache.text.assign(text);
    WordSegmenter::ThreadLocal().Segment(cache.text, &cache.spans, /*include_non_words=*/true);
  }
  return cache.spans;
}

bool IsAllSpace(std::string_view s) {
  for (unsigned char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return Trim(s).empty();
  }
  return true;
}

}  // namespace

void SegmentWords(std::string_view text, std::vector<Word>* words, size_t* symbol_tokens) {
  words->clear();
  const std::vector<WordSpan>& spans = CachedSegments(text);
  // Symbol tokens: white-space-delimited chunks with no word in them ("--", "|",
  // "#"), as a whitespace tokenizer would see them; "，" glued to Chinese words is not one.
  size_t symbols = 0;
  bool chunk_has_word = false, chunk_has_symbol = false;
  for (const WordSpan& s : spans) {
    std::string_view w = s.in(text);
    if (s.kind == WordKind::kNone) {
      if (IsAllSpace(w)) {
        symbols += chunk_has_symbol && !chunk_has_word;
        chunk_has_word = chunk_has_symbol = false;
      } else {
        chunk_has_symbol = true;
      }
      continue;
    }
    chunk_has_word = true;
    words->push_back(Word{w, static_cast<uint32_t>(CodePoints(w)), static_cast<uint32_t>(Chars(w)), s.kind});
  }
  symbols += chunk_has_symbol && !chunk_has_word;
  if (symbol_tokens != nullptr) *symbol_tokens = symbols;
}

bool IsMarkOrJoiner(uint32_t cp) {
  if (cp < 0x300) return false;
  if (cp == 0x200C || cp == 0x200D) return true;
  return (U_GET_GC_MASK(static_cast<UChar32>(cp)) & U_GC_M_MASK) != 0;
}

bool IsLetterOrMark(uint32_t cp) {
  if (cp < 0x80) return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
  return u_isalpha(static_cast<UChar32>(cp)) || IsMarkOrJoiner(cp);
}

size_t Chars(std::string_view s) {
  size_t n = 0, pos = 0;
  while (pos < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c < 0x80) {
      ++n;
      ++pos;
      continue;
    }
    n += !IsMarkOrJoiner(DecodeUtf8(s, &pos));
  }
  return n;
}

bool HasAlpha(std::string_view word) {
  size_t pos = 0;
  while (pos < word.size()) {
    unsigned char c = static_cast<unsigned char>(word[pos]);
    if (c < 0x80) {
      if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
      ++pos;
      continue;
    }
    if (u_isalpha(static_cast<UChar32>(DecodeUtf8(word, &pos)))) return true;
  }
  return false;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

void LowerInto(std::string_view s, std::string* out) {
  out->clear();
  size_t pos = 0;
  while (pos < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c < 0x80) {
      out->push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : static_cast<char>(c));
      ++pos;
      continue;
    }
    AppendUtf8(out, static_cast<uint32_t>(u_tolower(static_cast<UChar32>(DecodeUtf8(s, &pos)))));
  }
}

namespace {

using WordSet = std::unordered_set<std::string_view>;

const WordSet& EnglishStopWords() {
  // Gopher's list (Rae et al. 2021), as in datatrove and NeMo Curator.
  static const WordSet kSet = {"the", "be", "to", "of", "and", "that", "have", "with"};
  return kSet;
}

const WordSet& ChineseStopWords() {
  // High-frequency function words, as ICU's dictionary segments them.
  static const WordSet kSet = {
      "的", "了", "是", "在", "和", "有", "我", "不", "这", "就", "也", "都", "人", "一个", "他", "你",
      "们", "上", "中", "到", "说", "要", "去", "会", "着", "没有", "看", "好", "自己", "我们", "他们",
      "这个", "那", "与", "及", "或", "但", "而", "被", "把", "对", "从", "以", "为", "之", "其", "可以",
      "所", "如果", "因为", "所以", "并", "等", "该", "它", "可", "将", "已", "用", "使用", "如", "则",
      "這", "們", "與", "對", "為", "個", "沒有", "說", "會", "這個", "來", "來說", "并且", "以及", "通过", "通過",
  };
  return kSet;
}

const WordSet& JapaneseStopWords() {
  static const WordSet kSet = {
      "の", "に", "は", "を", "た", "が", "で", "て", "と", "し", "れ", "さ", "ある", "いる", "も", "する",
      "から", "な", "こと", "として", "い", "や", "れる", "など", "なっ", "ない", "この", "ため", "その",
      "あっ", "よう", "また", "もの", "という", "あり", "まで", "られ", "なる", "へ", "か", "だ", "これ",
      "です", "ます", "でき", "できる", "それ", "ので", "より", "において", "について", "では", "には",
  };
  return kSet;
}

}  // namespace

namespace {

// Every language's list: en, zh, ja as above (English keeps Gopher's eight words,
// so English results equal the peers'); the others from stopwords-iso.
const std::unordered_map<std::string_view, const WordSet*>& AllStopWords() {
  static const auto* kAll = [] {
    auto* all = new std::unordered_map<std::string_view, const WordSet*>;
    (*all)["en"] = &EnglishStopWords();
    (*all)["zh"] = &ChineseStopWords();
    (*all)["ja"] = &JapaneseStopWords();
    for (const StopwordList& list : StopwordLists()) {
      if (all->count(list.language) != 0) continue;  // en, zh, ja: the lists above
      auto* set = new WordSet;
      std::string_view words = list.words;
      size_t pos = 0;
      while (pos < words.size()) {
        size_t nl = words.find('\n', pos);
        if (nl == std::string_view::npos) nl = words.size();
        if (nl > pos) set->insert(words.substr(pos, nl - pos));
        pos = nl + 1;
      }
      (*all)[list.language] = set;
    }
    return all;
  }();
  return *kAll;
}

}  // namespace

bool HasStopWords(std::string_view lang) { return AllStopWords().count(lang) != 0; }

std::string_view StopWordScript(std::string_view lang) {
  static const auto* kScripts = [] {
    auto* scripts = new std::unordered_map<std::string_view, std::string>;
    for (const auto& [code, set] : AllStopWords()) {
      std::string all;
      for (std::string_view w : *set) all.append(w).push_back(' ');
      (*scripts)[code] = DominantScript(all);
    }
    return scripts;
  }();
  auto it = kScripts->find(lang);
  return it == kScripts->end() ? std::string_view() : std::string_view(it->second);
}

bool IsStopWord(std::string_view lang, std::string_view lower_word) {
  const auto& all = AllStopWords();
  auto it = all.find(lang);
  return it != all.end() && it->second->count(lower_word) != 0;
}

bool IsCjkLetter(uint32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3FFFF);
}

bool IsSentenceTerminal(uint32_t cp) {
  if (cp < 0x80) return cp == '.' || cp == '!' || cp == '?';
  if (cp == 0x2026) return false;  // the ellipsis has rules of its own
  // Tibetan marks its sentences with shads, which Unicode lists as terminal
  // punctuation but not as Sentence_Terminal.
  if (cp >= 0x0F08 && cp <= 0x0F12 && cp != 0x0F0B && cp != 0x0F0C) return true;
  // Khmer khan and bariyoosan (ICU 72 lists neither as Sentence_Terminal).
  if (cp == 0x17D4 || cp == 0x17D5) return true;
  return u_hasBinaryProperty(static_cast<UChar32>(cp), UCHAR_S_TERM);
}

bool EndsWithEllipsis(std::string_view line) {
  line = Trim(line);
  return line.ends_with("...") || line.ends_with("\u2026");
}

bool EndsWithTerminalPunctuation(std::string_view line) {
  line = Trim(line);
  if (line.empty()) return false;
  size_t begin;
  uint32_t cp = LastCodePoint(line, &begin);
  switch (cp) {
    case '.':
      return !line.ends_with("...");
    case '!': case '?': case '"': case '\'':
    case 0x3002:  // 。
    case 0xFF01:  // ！
    case 0xFF1F:  // ？
    case 0xFF0E:  // ．
    case 0xFF61:  // ｡
    case 0x300D:  // 」
    case 0x300F:  // 』
    case 0x201D:  // ”
    case 0x2019:  // ’
    case 0xFF09:  // ）
    case 0x203C: case 0x2047: case 0x2048: case 0x2049:  // ‼ ⁇ ⁈ ⁉
      return true;
    case 0x2026: {  // …: a sentence end in CJK text ("……"), an ellipsis in Latin text
      std::string_view rest = line.substr(0, begin);
      while (!rest.empty()) {
        size_t b;
        uint32_t prev = LastCodePoint(rest, &b);
        if (prev != 0x2026) return IsCjkLetter(prev) || prev == 0xFF0C;
        rest = rest.substr(0, b);
      }
      return false;
    }
    default: {
      if (cp < 0x80) return false;
      // । ॥ ؟ ۔ ։ ። ။ ។ ། ... (Unicode Sentence_Terminal in every script).
      if (IsSentenceTerminal(cp)) return true;
      // Ethiopic texts often write the full stop as two word spaces "፡፡".
      if (cp == 0x1361) return line.ends_with("\u1361\u1361");
      // A sentence end inside closing quotes or brackets: «…фраза.» „…Satz.“
      const int8_t type = u_charType(static_cast<UChar32>(cp));
      if (type != U_FINAL_PUNCTUATION && type != U_END_PUNCTUATION && cp != 0x201C && cp != 0x00BB) return false;
      std::string_view rest = Trim(line.substr(0, begin));  // French: "phrase.\u00A0»"
      if (rest.empty()) return false;
      size_t b;
      uint32_t prev = LastCodePoint(rest, &b);
      return IsSentenceTerminal(prev);
    }
  }
}

namespace {

// The first ~4 KB of `text`, cut at a character boundary.
std::string_view Head(std::string_view text) {
  size_t cut = std::min<size_t>(text.size(), 4096);
  while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace

namespace {

std::string ComputeDominantScript(std::string_view t) {
  // Letters per ICU script code; `touched` lists the codes seen, so that the
  // per-thread table is cleared in the time it took to fill it.
  thread_local std::vector<uint32_t> counts(USCRIPT_CODE_LIMIT, 0);
  thread_local std::vector<int> touched;
  touched.clear();
  size_t latin = 0, pos = 0;
  while (pos < t.size()) {
    unsigned char c = static_cast<unsigned char>(t[pos]);
    if (c < 0x80) {
      ++pos;
      latin += ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
      continue;
    }
    uint32_t cp = DecodeUtf8(t, &pos);
    if (!u_isalpha(static_cast<UChar32>(cp))) continue;
    UErrorCode err = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(static_cast<UChar32>(cp), &err);
    if (U_FAILURE(err) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED || sc == USCRIPT_UNKNOWN) continue;
    if (sc == USCRIPT_LATIN) {
      ++latin;
      continue;
    }
    // Japanese kana and Han are one writing system for the thresholds.
    if (sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA) sc = USCRIPT_HAN;
    if (sc < 0 || sc >= USCRIPT_CODE_LIMIT) continue;
    if (counts[sc]++ == 0) touched.push_back(sc);
  }
  int best = USCRIPT_LATIN;
  size_t best_n = latin;
  std::sort(touched.begin(), touched.end());  // ties go to the lower code, whatever the order seen
  for (int sc : touched) {
    // Han characters carry a word each; weight them as the language guess does.
    size_t weighted = sc == USCRIPT_HAN ? counts[sc] * size_t{3} : counts[sc];
    if (weighted > best_n) {
      best = sc;
      best_n = weighted;
    }
    counts[sc] = 0;
  }
  if (best_n == 0) return "";
  return uscript_getShortName(static_cast<UScriptCode>(best));
}

}  // namespace

std::string DominantScript(std::string_view text) {
  const std::string_view t = Head(text);
  // The rule stages of a recipe ask this about the same document one after
  // another on one thread: remember the last answer, keyed by the content.
  thread_local XXH128_hash_t last_hash{0, 0};
  thread_local size_t last_size = static_cast<size_t>(-1);
  thread_local std::string last_script;
  const XXH128_hash_t h = XXH3_128bits(t.data(), t.size());
  if (t.size() != last_size || !XXH128_isEqual(h, last_hash)) {
    last_script = ComputeDominantScript(t);
    last_hash = h;
    last_size = t.size();
  }
  return last_script;
}

}  // namespace sluice::text
