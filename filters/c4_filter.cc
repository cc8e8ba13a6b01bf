#include "filters/c4_filter.h"

#include <re2/re2.h>

#include <algorithm>
#include <memory>

#include "filters/document_locale.h"
#include "filters/rule_stage.h"
#include "filters/text_stats.h"
#include "stages/engine/stage.h"
#include "stages/text/utf8.h"

namespace sluice::c4 {
namespace {

enum Param : size_t { kMinSentences, kMinWordsPerLine, kMaxWordLength, kMinParagraphs, kMinParagraphLength };

std::vector<text::LanguageThresholds::Param> Params() {
  return {{"min_sentences", 0, 1e9},
          {"min_words_per_line", 0, 1e9},
          {"max_word_length", 1, 1e9},
          {"min_paragraphs", 0, 1e9},
          {"min_paragraph_length", 0, 1e9}};
}

// A Chinese paragraph carries about as much as an English one in a third of
// the characters (1 Han character ~ 0.6 English word ~ 3.5 letters).
// Han text whose language is not known: as zh/ja.
constexpr char kBuiltinPerScript[] = "{Hani: {min_paragraph_length: 70}}";

constexpr char kBuiltinPerLanguage[] = "{zh: {min_paragraph_length: 70}, ja: {min_paragraph_length: 70}}";

constexpr std::string_view kPolicyPhrases[] = {"terms of use", "privacy policy", "cookie policy", "uses cookies",
                                               "use of cookies", "use cookies", "隐私政策", "隱私政策",
                                               "使用条款", "服务条款", "使用條款", "服務條款"};

// . ! ? 。！？ … and every other script's sentence terminals (। ؟ ։ ። ...).
bool IsSentenceEnd(uint32_t cp) { return cp == 0x2026 || text::IsSentenceTerminal(cp); }
bool IsCloser(uint32_t cp) {
  return cp == '"' || cp == '\'' || cp == ')' || cp == 0x201D || cp == 0x2019 || cp == 0x300D || cp == 0x300F ||
         cp == 0xFF09;
}

// Sentences in a line: runs of . ! ? 。！？… (plus closing quotes) followed by
// white space or the end; ASCII '.' must be followed by space or the end so
// that "3.14" is one sentence. A line without a final stop counts one more.
size_t CountSentences(std::string_view line) {
  size_t n = 0, pos = 0;
  bool open = false;  // text seen since the last sentence end
  while (pos < line.size()) {
    uint32_t cp = DecodeUtf8(line, &pos);
    if (!IsSentenceEnd(cp)) {
      if (cp != ' ' && cp != '\t') open = true;
      continue;
    }
    size_t look = pos;
    uint32_t next = 0;
    while (look < line.size()) {
      next = DecodeUtf8(line, &look);
      if (!IsSentenceEnd(next) && !IsCloser(next)) break;
      pos = look;
      next = 0;
    }
    bool ascii_dot = cp == '.';
    bool ends = next == 0 || next == ' ' || next == '\t' || !ascii_dot;
    if (ends && open) {
      ++n;
      open = false;
    }
  }
  return n + (open ? 1 : 0);
}

// True when a '{' in the line can be code: every '{' except an editorial
// brace, one closed on the same line around words only ("{komyuuniti}",
// "{सर्वांगीण}": translators' and editors' insertions in prose). A brace
// that opens a block, or encloses ':', ';', '=', quotes, '$', '|', ... counts.
bool HasCodeBrace(std::string_view line) {
  size_t pos = 0;
  while ((pos = line.find('{', pos)) != std::string_view::npos) {
    size_t close = line.find('}', pos + 1);
    if (close == std::string_view::npos || close == pos + 1) return true;
    std::string_view inside = line.substr(pos + 1, close - pos - 1);
    for (size_t i = 0; i < inside.size();) {
      uint32_t cp = DecodeUtf8(inside, &i);
      if (!(text::IsLetterOrMark(cp) || cp == ' ' || cp == '\'' || cp == '-' || cp == 0x2019 || cp == 0xA78C ||
            cp == 0x02BC)) {
        return true;
      }
    }
    pos = close + 1;
  }
  return false;
}

class C4 : public Stage {
 public:
  C4(text::LanguageThresholds t, const Options& o)
      : t_(std::move(t)),
        remove_citations_(o.GetBool("remove_citations")),
        filter_no_terminal_punct_(o.GetBool("filter_no_terminal_punct")),
        filter_lorem_ipsum_(o.GetBool("filter_lorem_ipsum")),
        filter_javascript_(o.GetBool("filter_javascript")),
        filter_curly_bracket_(o.GetBool("filter_curly_bracket")),
        filter_policy_(o.GetBool("filter_policy")),
        citation_re_(R"(\[\d*\]|\[(?i:edit)\]|\[(?i:citation needed)\]|\[编辑\]|\[編輯\]|\[来源请求\]|\[來源請求\]|\[需要引用\])") {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    const std::vector<double>& th = t_.For(text::LocaleOf(doc));
    thread_local std::vector<text::Word> words;
    text::SegmentWords(doc.text, &words);
    const std::string_view all(doc.text);
    std::vector<std::string_view> lines = text::SplitLines(all);

    std::string kept;
    kept.reserve(doc.text.size());
    size_t w = 0, n_lines = 0, n_kept = 0, sentences = 0, citations = 0;
    bool lorem = false, curly = false;
    std::vector<size_t> kept_lengths;
    for (std::string_view raw : lines) {
      const size_t begin = static_cast<size_t>(raw.data() - all.data()), end = begin + raw.size();
      size_t line_words = 0;
      uint32_t longest = 0;
      while (w < words.size() && words[w].text.data() - all.data() < static_cast<ptrdiff_t>(end)) {
        if (words[w].text.data() - all.data() >= static_cast<ptrdiff_t>(begin)) {
          ++line_words;
          longest = std::max(longest, words[w].code_points);
        }
        ++w;
      }
      std::string_view line = text::Trim(raw);
      if (line.empty()) continue;
      ++n_lines;
      if (longest > th[kMaxWordLength]) {
        ctx.stats().Add(kLineTooLongWord);
        continue;
      }
      std::string cleaned;
      if (remove_citations_ && line.find('[') != std::string_view::npos) {
        cleaned.assign(line);
        int n = RE2::GlobalReplace(&cleaned, citation_re_, "");
        if (n > 0) {
          citations += n;
          line = text::Trim(cleaned);
        }
      }
      if (filter_no_terminal_punct_ && !text::EndsWithTerminalPunctuation(line)) {
        ctx.stats().Add(kLineNoTerminalPunct);
        continue;
      }
      if (line_words < th[kMinWordsPerLine]) {
        ctx.stats().Add(kLineTooFewWords);
        continue;
      }
      std::string lower = text::AsciiLower(line);
      if (filter_lorem_ipsum_ && lower.find("lorem ipsum") != std::string::npos) lorem = true;
      if (filter_javascript_ && lower.find("javascript") != std::string::npos) {
        ctx.stats().Add(kLineJavascript);
        continue;
      }
      if (filter_curly_bracket_ && line.find('{') != std::string_view::npos && HasCodeBrace(line)) curly = true;
      if (filter_policy_ && std::any_of(std::begin(kPolicyPhrases), std::end(kPolicyPhrases),
                                        [&](std::string_view p) { return lower.find(p) != std::string::npos; })) {
        ctx.stats().Add(kLinePolicy);
        continue;
      }
      sentences += CountSentences(line);
      if (!kept.empty()) kept += '\n';
      kept.append(line);
      kept_lengths.push_back(text::CodePoints(line));
      ++n_kept;
    }
    if (citations) ctx.stats().Add(kCitationsRemoved, static_cast<int64_t>(citations));

    doc.AddSignal("c4.lines", static_cast<double>(n_lines));
    doc.AddSignal("c4.lines_kept", static_cast<double>(n_kept));
    doc.AddSignal("c4.sentences", static_cast<double>(sentences));
    std::vector<std::string_view> failed;
    if (lorem) failed.push_back(kLoremIpsum);
    if (curly) failed.push_back(kCurlyBracket);
    if (sentences < th[kMinSentences]) failed.push_back(kTooFewSentences);
    const size_t min_paras = static_cast<size_t>(th[kMinParagraphs]);
    if (min_paras > 0) {
      // mC4: at least min_paragraphs lines, and the min_paragraphs longest all long enough.
      bool ok = kept_lengths.size() >= min_paras;
      if (ok) {
        std::nth_element(kept_lengths.begin(), kept_lengths.begin() + (min_paras - 1), kept_lengths.end(),
                         std::greater<size_t>());
        ok = kept_lengths[min_paras - 1] >= th[kMinParagraphLength];
      }
      if (!ok) failed.push_back(kShortParagraphs);
    }
    doc.text = std::move(kept);
    return text::DropOnFailures(doc, ctx, failed);
  }

 private:
  text::LanguageThresholds t_;
  bool remove_citations_, filter_no_terminal_punct_, filter_lorem_ipsum_, filter_javascript_, filter_curly_bracket_,
      filter_policy_;
  RE2 citation_re_;
};

}  // namespace

SLUICE_REGISTER_STAGE(C4Filter, [] {
  StageInfo info;
  info.type = "c4";
  info.folder = "filters";
  info.summary = "C4 line cleaning (terminal punctuation, words per line, policy/javascript lines) and doc rules";
  info.options = {
      text::BoolOption("remove_citations", "true", "strip [1], [edit], [citation needed], [编辑] markers"),
      text::BoolOption("filter_no_terminal_punct", "true", "drop lines not ending in terminal punctuation"),
      text::BoolOption("filter_lorem_ipsum", "true", "drop documents containing 'lorem ipsum'"),
      text::BoolOption("filter_javascript", "true", "drop lines mentioning javascript"),
      text::BoolOption("filter_curly_bracket", "true", "drop documents containing a '{' that can be code (not one "
                       "closed on its line around words only)"),
      text::BoolOption("filter_policy", "true", "drop lines with cookie/privacy/terms-of-use phrases"),
      text::NumberOption("min_sentences", OptionType::kInt, "5", "fewest sentences in the kept text", 0, 1e9),
      text::NumberOption("min_words_per_line", OptionType::kInt, "3", "fewest words in a kept line", 0, 1e9),
      text::NumberOption("max_word_length", OptionType::kInt, "1000", "longest word (code points) in a kept line", 1,
                         1e9),
      text::NumberOption("min_paragraphs", OptionType::kInt, "0",
                         "mC4 paragraph rule: fewest kept lines (0 = rule off; mC4 uses 3)", 0, 1e9),
      text::NumberOption("min_paragraph_length", OptionType::kInt, "200",
                         "mC4 paragraph rule: code points of each of the min_paragraphs longest lines", 0, 1e9),
      text::PerLanguageOption(kBuiltinPerLanguage),
      text::PerScriptOption(kBuiltinPerScript),
  };
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    auto t = text::LanguageThresholds::FromOptions(env.instance_name, Params(), o, kBuiltinPerLanguage,
                                                   kBuiltinPerScript);
    if (!t.ok()) return t.status();
    return std::unique_ptr<Stage>(std::make_unique<C4>(std::move(t).value(), o));
  };
  return info;
});

}  // namespace sluice::c4
