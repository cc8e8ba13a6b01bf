#include "filters/quality_signals.h"

#include <re2/re2.h>
#include <unicode/uchar.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "filters/document_locale.h"
#include "filters/hash_counter.h"
#include "filters/line_cleaner_phrases.h"
#include "filters/phrase_matcher.h"
#include "filters/rule_stage.h"
#include "filters/text_stats.h"
#include "stages/engine/stage.h"
#include "stages/text/utf8.h"

namespace sluice::quality_signals {
namespace {

// Distribution signals (entropy, n-gram repetition) are meaningless on a few
// characters; below this many code points they are recorded but not enforced.
constexpr size_t kMinCharsForDistribution = 64;
constexpr size_t kRepetitionWindow = 10;
constexpr size_t kMaxRepetitionPositions = 200000;

// Characters that UTF-8 Chinese shows as when decoded as GBK (锟斤拷 is U+FFFD
// round-tripped through GBK; 烫/屯 are MSVC's uninitialized-memory fills): they
// are rare in real Chinese and frequent in that mojibake.
constexpr std::string_view kGbkMojibakeChars =
    "锟斤拷烫屯鍙鏄鐨鍦浠涓銆锛鈥鏂鍚鎴闂寮鐢缁鎵瀛鏁鏈璇绗瑙鍏閫鍐鍒鍔鏃瀹杩缃鎬绋鍓";

bool IsGbkMojibakeChar(uint32_t cp) {
  static const std::unordered_set<uint32_t>* set = [] {
    auto* s = new std::unordered_set<uint32_t>;
    for (size_t pos = 0; pos < kGbkMojibakeChars.size();) s->insert(DecodeUtf8(kGbkMojibakeChars, &pos));
    return s;
  }();
  return set->count(cp) != 0;
}

// Second character of a UTF-8 sequence read as Latin-1 or cp1252.
bool IsLatin1Continuation(uint32_t cp) {
  if (cp >= 0x80 && cp <= 0xBF) return true;
  switch (cp) {
    case 0x20AC: case 0x201A: case 0x0192: case 0x201E: case 0x2026: case 0x2020: case 0x2021: case 0x02C6:
    case 0x2030: case 0x0160: case 0x2039: case 0x0152: case 0x017D: case 0x2018: case 0x2019: case 0x201C:
    case 0x201D: case 0x2022: case 0x2013: case 0x2014: case 0x02DC: case 0x2122: case 0x0161: case 0x203A:
    case 0x0153: case 0x017E: case 0x0178:
      return true;
    default:
      return false;
  }
}

// Common sentence punctuation is not a "symbol" for the gibberish ratio.
bool IsProsePunct(uint32_t cp) {
  switch (cp) {
    case '.': case ',': case ';': case ':': case '!': case '?': case '\'': case '"': case '(': case ')': case '-':
    case 0x3002: case 0xFF0C: case 0x3001: case 0xFF1B: case 0xFF1A: case 0xFF01: case 0xFF1F: case 0x300C:
    case 0x300D: case 0x300E: case 0x300F: case 0xFF08: case 0xFF09: case 0x201C: case 0x201D: case 0x2018:
    case 0x2019: case 0x300A: case 0x300B: case 0x2014: case 0x2026: case 0x2013: case 0x00B7:
      return true;
    default:
      // The punctuation of other scripts (danda ।, Arabic ، ؛ ؟, Urdu ۔,
      // Armenian ։, Ethiopic ። ፣, Tibetan ། ...) is prose punctuation too;
      // General Punctuation (bullets, daggers), the symbol blocks and the
      // full-width forms of ASCII's # % & * @ are not.
      return cp >= 0x370 && !(cp >= 0x2000 && cp <= 0x2BFF) && !(cp >= 0xFF00 && cp <= 0xFFEF) &&
             u_ispunct(static_cast<UChar32>(cp));
  }
}

}  // namespace

double MojibakeScore(std::string_view text) {
  size_t cps = 0, bad = 0, pos = 0;
  uint32_t prev = 0;
  while (pos < text.size()) {
    uint32_t cp = DecodeUtf8(text, &pos);
    ++cps;
    if ((prev == 0xC3 || prev == 0xC2 || prev == 0xC5) && IsLatin1Continuation(cp)) {
      bad += 2;  // "Ã©", "Â ", "Å¡": a two-byte sequence read as cp1252
      cp = 0;    // a pair is counted once
    } else if (prev == 0xE2 && IsLatin1Continuation(cp)) {
      // "â€™" needs a second continuation char: "â’r" is Welsh, not mojibake.
      size_t look = pos;
      if (look < text.size() && IsLatin1Continuation(DecodeUtf8(text, &look))) {
        bad += 3;
        ++cps;
        pos = look;
      }
      cp = 0;
    } else if (cp >= 0x4E00 && IsGbkMojibakeChar(cp)) {
      ++bad;
    }
    prev = cp;
  }
  return cps ? std::min(1.0, static_cast<double>(bad) / cps) : 0.0;
}

namespace {

constexpr char kMarkupPattern[] =
    R"((</?[a-zA-Z][a-zA-Z0-9-]{0,20}(?:\s[^<>\n]{0,300})?/?>|&(?:[a-zA-Z]{2,8}|#\d{2,6}|#[xX][0-9a-fA-F]{2,6});))";
constexpr char kCodeLinePattern[] =
    R"(^\s*(?:var|let|const|function|import|export|@media|@import|@font-face)\b|^\s*[}{]|[{}]\s*$|=>|)"
    // Statements ending in ';' (a call, an assignment, return/break, "i++;"), not
    // any line ending in ';': preambles and legal lists end their clauses with one
    // ("Considerando que ... entre las naciones;").
    R"(\)\s*;\s*$|\w\s*(?:=|\+=|-=|\*=)\s*[^=\s][^;]*;\s*$|\w(?:\+\+|--)\s*;\s*$|^\s*(?:return|break|continue|throw)\b[^;]*;\s*$|^\s*\w+;\s*$|)"
    R"(\bfunction\s*\(|\bdocument\.|\bwindow\.|\$\(|^\s*[.#]?[a-zA-Z][\w-]*\s*\{|^\s*[a-z-]+\s*:\s*[^;]{1,80};)";

enum Param : size_t {
  kMaxReplacement, kMaxMojibake, kMaxSymbols, kMinEntropy, kMaxNonLetterRun, kMaxCharRun, kMaxMarkup,
  kMaxCodeLines, kMinUniqueNgrams
};

// The links that end a teaser in every language line_cleaner knows
// (line_cleaner::ReadMorePhrases: "Read more", "Leer más", "Читать далее", "続きを読む",
// ...): whole words in spaced scripts, anywhere in Han/Kana/Thai.
const PhraseMatcher& ReadMoreMatcher() {
  static const PhraseMatcher* matcher = [] {
    auto* m = new PhraseMatcher();
    const auto add = [m](std::string_view phrase) {
      const std::string folded = PhraseMatcher::FoldCase(phrase);
      m->Add(folded, 0, DefaultBoundary(folded));
    };
    for (std::string_view p : line_cleaner::ReadMorePhrases()) add(p);
    m->Build();
    return m;
  }();
  return *matcher;
}

// True when `line` ends in such a link, followed only by spaces, arrows
// (» › > →), an ellipsis or a colon: "Read more »", "Подробнее →", "続きを読む…".
bool EndsInReadMore(std::string_view line) {
  thread_local std::string folded;
  thread_local std::vector<PhraseMatcher::Match> matches;
  PhraseMatcher::FoldCaseInto(line, &folded);
  size_t end = folded.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(folded[start]) & 0xC0) == 0x80) --start;
    size_t pos = start;
    const uint32_t cp = DecodeUtf8(folded, &pos);
    const bool decoration = u_isUWhiteSpace(static_cast<UChar32>(cp)) || cp == U'»' || cp == U'›' || cp == '>' ||
                            cp == U'→' || cp == U'…' || cp == ':' || cp == U'：';
    if (!decoration) break;
    end = start;
  }
  if (end == 0) return false;
  matches.clear();
  ReadMoreMatcher().FindAll(std::string_view(folded).substr(0, end), &matches);
  return !matches.empty() && matches.back().end == end;
}

std::vector<text::LanguageThresholds::Param> Params() {
  return {{"max_replacement_ratio", 0, 1}, {"max_mojibake_score", 0, 1},   {"max_symbol_ratio", 0, 1e9},
          {"min_char_entropy", 0, 32},     {"max_non_letter_run", 0, 1e12}, {"max_char_run", 0, 1e12},
          {"max_markup_ratio", 0, 1},      {"max_code_line_ratio", 0, 1},   {"min_unique_ngram_ratio", 0, 1}};
}

class QualitySignals : public Stage {
 public:
  QualitySignals(const Options& o, text::LanguageThresholds t)
      : t_(std::move(t)),
        drop_truncated_(o.GetBool("drop_truncated")),
        markup_(kMarkupPattern),
        code_line_(kCodeLinePattern) {}

  Status Init() const {
    if (!markup_.ok() || !code_line_.ok()) return Status::Internal("quality_signals: a built-in pattern is invalid");
    return Status::Ok();
  }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    const std::string_view t = doc.text;
    const std::vector<double>& th = t_.For(text::LocaleOf(doc));
    const double max_replacement = th[kMaxReplacement], max_mojibake = th[kMaxMojibake],
                 max_symbols = th[kMaxSymbols], min_entropy = th[kMinEntropy], max_markup = th[kMaxMarkup],
                 max_code_lines = th[kMaxCodeLines], min_unique_ngrams = th[kMinUniqueNgrams];
    const double max_non_letter_run = th[kMaxNonLetterRun], max_char_run = th[kMaxCharRun];
    size_t cps = 0, replacement = 0, letters = 0, symbols = 0;
    int64_t non_letter_run = 0, longest_non_letter = 0, char_run = 0, longest_char_run = 0;
    uint32_t prev = 0;
    std::array<uint32_t, 128> ascii{};
    thread_local std::unordered_map<uint32_t, uint32_t> other;
    other.clear();
    thread_local std::vector<uint32_t> offsets;  // byte offset of each code point (for n-grams)
    offsets.clear();
    for (size_t pos = 0; pos < t.size();) {
      if (offsets.size() < kMaxRepetitionPositions + kRepetitionWindow) offsets.push_back(static_cast<uint32_t>(pos));
      uint32_t cp = DecodeUtf8(t, &pos);
      ++cps;
      if (cp < 128) ++ascii[cp]; else ++other[cp];
      char_run = cp == prev ? char_run + 1 : 1;
      longest_char_run = std::max(longest_char_run, cp == ' ' || cp == '\n' ? 0 : char_run);
      prev = cp;
      const bool space = cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == 0x3000 || cp == 0xA0;
      // Combining marks (matras, viramas, harakat, tone marks) are part of
      // the letters they sit on, not symbols.
      const bool letter = text::IsLetterOrMark(cp);
      if (cp == 0xFFFD) ++replacement;
      if (letter) {
        ++letters;
        non_letter_run = 0;
      } else if (space) {
        non_letter_run = 0;
      } else {
        longest_non_letter = std::max(longest_non_letter, ++non_letter_run);
        if (!IsProsePunct(cp) && !(cp >= '0' && cp <= '9') && !u_isdigit(static_cast<UChar32>(cp))) ++symbols;
      }
    }
    double entropy = 0;
    if (cps) {
      auto add = [&](uint32_t n) {
        if (n == 0) return;
        double p = static_cast<double>(n) / cps;
        entropy -= p * std::log2(p);
      };
      // Sum in a fixed order: the map's iteration order depends on its bucket
      // history (a per-thread map), and float addition is not associative, so
      // iterating it directly made the last bit differ between threads.
      thread_local std::vector<uint32_t> counts;
      counts.assign(ascii.begin(), ascii.end());
      for (const auto& [_, n] : other) counts.push_back(n);
      std::sort(counts.begin(), counts.end());
      for (uint32_t n : counts) add(n);
    }
    const double replacement_ratio = cps ? static_cast<double>(replacement) / cps : 0.0;
    const double existing = doc.Signal("normalize.mojibake_score", -1.0);
    const double mojibake = existing >= 0 ? existing : MojibakeScore(t);
    const double symbol_ratio = static_cast<double>(symbols) / std::max<size_t>(1, letters);

    // Markup: characters inside HTML tags and entities; code: lines that look like JS/CSS.
    size_t markup_chars = 0;
    if (t.find('<') != std::string_view::npos || t.find('&') != std::string_view::npos) {
      re2::StringPiece input(t.data(), t.size()), piece;
      while (RE2::FindAndConsume(&input, markup_, &piece)) markup_chars += text::CodePoints({piece.data(), piece.size()});
    }
    size_t lines = 0, code_lines = 0;
    std::string_view last_line;
    for (std::string_view line : text::SplitLines(t)) {
      if (text::Trim(line).empty()) continue;
      ++lines;
      last_line = line;
      code_lines += RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), code_line_);
    }
    const double markup_ratio = cps ? static_cast<double>(markup_chars) / cps : 0.0;
    const double code_ratio = lines ? static_cast<double>(code_lines) / lines : 0.0;

    // Extreme repetition: distinct code-point 10-grams over all 10-grams.
    double unique_ratio = 1.0;
    if (offsets.size() > kRepetitionWindow) {
      thread_local text::HashCounter grams;
      const size_t n = offsets.size() - kRepetitionWindow;
      grams.Reset(n);
      for (size_t i = 0; i < n; ++i) {
        grams.Add(XXH3_64bits(t.data() + offsets[i], offsets[i + kRepetitionWindow] - offsets[i]));
      }
      unique_ratio = static_cast<double>(grams.distinct()) / n;
    }

    // Cut off mid-sentence: the last line is prose-length and stops mid-word or
    // on a comma/ellipsis, or ends in a teaser link in any language ("Read more",
    // "阅读全文", "Leer más »", "और पढ़ें").
    bool truncated = false;
    std::string_view last = text::Trim(last_line);
    if (!last.empty() && !text::EndsWithTerminalPunctuation(last)) {
      size_t b = last.size();
      while (b > 0 && (static_cast<unsigned char>(last[b - 1]) & 0xC0) == 0x80) --b;
      if (b > 0) --b;
      size_t p = b;
      uint32_t end_cp = DecodeUtf8(last, &p);
      const bool mid = u_isalpha(static_cast<UChar32>(end_cp)) || end_cp == ',' || end_cp == 0xFF0C ||
                       end_cp == 0x3001 || text::EndsWithEllipsis(last);
      // Prose length: 40 code points, a Han/kana character counting double.
      size_t weighted = 0;
      for (size_t q = 0; q < last.size();) {
        uint32_t c = DecodeUtf8(last, &q);
        weighted += IsCjkCodePoint(c) ? 2 : 1;
      }
      truncated = (weighted >= 40 && mid) || EndsInReadMore(last) || last.ends_with("[…]") ||
                  last.ends_with("[...]");
    }

    doc.AddSignal("quality_signals.replacement_ratio", replacement_ratio);
    doc.AddSignal("quality_signals.mojibake_score", mojibake);
    doc.AddSignal("quality_signals.symbol_ratio", symbol_ratio);
    doc.AddSignal("quality_signals.char_entropy", entropy);
    doc.AddSignal("quality_signals.longest_non_letter_run", static_cast<double>(longest_non_letter));
    doc.AddSignal("quality_signals.longest_char_run", static_cast<double>(longest_char_run));
    doc.AddSignal("quality_signals.markup_ratio", markup_ratio);
    doc.AddSignal("quality_signals.code_line_ratio", code_ratio);
    doc.AddSignal("quality_signals.unique_ngram_ratio", unique_ratio);
    doc.AddSignal("quality_signals.truncated", truncated ? 1.0 : 0.0);

    const bool distribution = cps >= kMinCharsForDistribution;
    std::vector<std::string_view> failed;
    if (replacement_ratio > max_replacement) failed.push_back(kReplacementChars);
    if (mojibake > max_mojibake) failed.push_back(kMojibake);
    if (markup_ratio > max_markup) failed.push_back(kMarkup);
    if (code_ratio > max_code_lines && lines >= 3) failed.push_back(kCodeLines);
    if (symbol_ratio > max_symbols && distribution) failed.push_back(kSymbols);
    if (entropy < min_entropy && distribution) failed.push_back(kLowEntropy);
    if (longest_non_letter > max_non_letter_run) failed.push_back(kNonLetterRun);
    if (longest_char_run > max_char_run) failed.push_back(kCharRun);
    if (unique_ratio < min_unique_ngrams && distribution) failed.push_back(kRepetition);
    if (truncated && drop_truncated_) failed.push_back(kTruncated);
    if (truncated) ctx.stats().Add("quality_signals.truncated_docs");
    return text::DropOnFailures(doc, ctx, failed);
  }

  std::vector<HistogramSpec> signal_histograms() const override {
    return {HistogramSpec::Linear("quality_signals.char_entropy", 0, 12, 24),
            HistogramSpec::Linear("quality_signals.unique_ngram_ratio", 0, 1, 20),
            HistogramSpec::Linear("quality_signals.symbol_ratio", 0, 1, 20)};
  }

 private:
  text::LanguageThresholds t_;
  bool drop_truncated_;
  RE2 markup_, code_line_;
};

}  // namespace

SLUICE_REGISTER_STAGE(QualitySignals, [] {
  StageInfo info;
  info.type = "quality_signals";
  info.folder = "filters";
  info.summary = "Erroneous-content signals: U+FFFD, mojibake, gibberish, leftover markup/code, repetition, cut-off";
  using text::NumberOption;
  info.options = {
      NumberOption("max_replacement_ratio", OptionType::kDouble, "0.01", "most U+FFFD per code point", 0, 1),
      NumberOption("max_mojibake_score", OptionType::kDouble, "0.02", "largest mojibake score", 0, 1),
      NumberOption("max_symbol_ratio", OptionType::kDouble, "0.3",
                   "most symbols (non-prose punctuation, S* characters) per letter", 0, 1e9),
      NumberOption("min_char_entropy", OptionType::kDouble, "3.0", "least code-point entropy in bits", 0, 32),
      NumberOption("max_non_letter_run", OptionType::kInt, "100",
                   "longest run of digits/symbols without a letter or a space", 0, 1e12),
      NumberOption("max_char_run", OptionType::kInt, "80", "longest run of one repeated character (not space)", 0,
                   1e12),
      NumberOption("max_markup_ratio", OptionType::kDouble, "0.05",
                   "largest fraction of characters inside HTML tags/entities", 0, 1),
      NumberOption("max_code_line_ratio", OptionType::kDouble, "0.3",
                   "largest fraction of lines that look like JavaScript/CSS (docs with >= 3 lines)", 0, 1),
      NumberOption("min_unique_ngram_ratio", OptionType::kDouble, "0.3",
                   "least fraction of distinct character 10-grams (extreme repetition below)", 0, 1),
      text::BoolOption("drop_truncated", "false", "drop documents whose last line is cut off mid-sentence "
                       "(the signal is always recorded)"),
      text::PerLanguageOption("{}"),
      text::PerScriptOption("{}"),
  };
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    auto t = text::LanguageThresholds::FromOptions(env.instance_name, Params(), o, "", "");
    if (!t.ok()) return t.status();
    auto stage = std::make_unique<QualitySignals>(o, std::move(t).value());
    SLUICE_RETURN_IF_ERROR(stage->Init());
    return std::unique_ptr<Stage>(std::move(stage));
  };
  return info;
});

}  // namespace sluice::quality_signals
