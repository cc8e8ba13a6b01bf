#include "filters/fineweb_filter.h"

#include <xxhash.h>

#include <memory>
#include <unordered_set>

#include "filters/document_locale.h"
#include "filters/rule_stage.h"
#include "filters/text_stats.h"
#include "stages/engine/stage.h"

namespace sluice::fineweb {
namespace {

enum Param : size_t { kMinPunct, kMaxShort, kShortLength, kMaxCharDup, kMaxNewline };

std::vector<text::LanguageThresholds::Param> Params() {
  return {{"min_line_punct_ratio", 0, 1},
          {"max_short_line_ratio", 0, 1},
          {"short_line_length", 0, 1e9},
          {"max_char_dup_ratio", 0, 1},
          {"max_newline_word_ratio", 0, 1e9}};
}

// 30 code points of Chinese hold what ~80-100 English characters do; a 30-char
// Chinese line is a normal sentence, so "short" means <= 10 there.
// Han text whose language is not known: as zh. Thai and Lao end sentences with a
// space, not a punctuation mark, so the terminal-punctuation rule cannot apply.
constexpr char kBuiltinPerScript[] = "{Hani: {short_line_length: 10}, Thai: {min_line_punct_ratio: 0}, Laoo: {min_line_punct_ratio: 0}}";

constexpr char kBuiltinPerLanguage[] = "{zh: {short_line_length: 10}, ja: {short_line_length: 12}}";

class FineWeb : public Stage {
 public:
  FineWeb(text::LanguageThresholds t, bool exclude_zero) : t_(std::move(t)), exclude_zero_(exclude_zero) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    const std::vector<double>& th = t_.For(text::LocaleOf(doc));
    std::vector<std::string_view> lines;
    for (std::string_view l : text::SplitLines(doc.text)) {
      if (!text::Trim(l).empty()) lines.push_back(l);
    }
    if (lines.empty()) {
      std::vector<std::string_view> failed{kEmpty};
      return text::DropOnFailures(doc, ctx, failed);
    }
    size_t punct = 0, short_lines = 0, dup_chars = 0, chars = 0;
    std::unordered_set<uint64_t> seen;
    for (std::string_view l : lines) {
      const size_t cps = text::CodePoints(l);
      chars += cps;
      punct += text::EndsWithTerminalPunctuation(l);
      short_lines += cps <= th[kShortLength];
      if (!seen.insert(XXH3_64bits(l.data(), l.size())).second) dup_chars += cps;
    }
    thread_local std::vector<text::Word> words;
    text::SegmentWords(doc.text, &words);
    size_t newlines = 0;
    for (char c : doc.text) newlines += c == '\n';

    const double n = static_cast<double>(lines.size());
    const double punct_ratio = punct / n;
    const double short_ratio = short_lines / n;
    const double dup_ratio = chars ? static_cast<double>(dup_chars) / chars : 0.0;
    const double newline_ratio = static_cast<double>(newlines) / std::max<size_t>(1, words.size());
    doc.AddSignal("fineweb.line_punct_ratio", punct_ratio);
    doc.AddSignal("fineweb.short_line_ratio", short_ratio);
    doc.AddSignal("fineweb.char_dup_ratio", dup_ratio);
    doc.AddSignal("fineweb.newline_word_ratio", newline_ratio);

    std::vector<std::string_view> failed;
    if (punct_ratio < th[kMinPunct] && !(punct == 0 && exclude_zero_)) failed.push_back(kLinePunctRatio);
    if (short_ratio >= th[kMaxShort]) failed.push_back(kShortLineRatio);
    if (dup_ratio >= th[kMaxCharDup]) failed.push_back(kCharDupRatio);
    if (newline_ratio > th[kMaxNewline]) failed.push_back(kListRatio);
    return text::DropOnFailures(doc, ctx, failed);
  }

 private:
  text::LanguageThresholds t_;
  bool exclude_zero_;
};

}  // namespace

SLUICE_REGISTER_STAGE(FineWebFilter, [] {
  StageInfo info;
  info.type = "fineweb";
  info.folder = "filters";
  info.summary = "FineWeb rules: terminal-punctuation lines, short lines, duplicated line chars, list-likeness";
  info.options = {
      text::NumberOption("min_line_punct_ratio", OptionType::kDouble, "0.12",
                         "smallest fraction of lines ending in terminal punctuation", 0, 1),
      text::BoolOption("line_punct_exclude_zero", "false", "do not apply min_line_punct_ratio when no line ends in "
                       "terminal punctuation"),
      text::NumberOption("max_short_line_ratio", OptionType::kDouble, "0.67",
                         "drop at or above this fraction of short lines", 0, 1),
      text::NumberOption("short_line_length", OptionType::kInt, "30", "a line this long (code points) or shorter is "
                         "short", 0, 1e9),
      text::NumberOption("max_char_dup_ratio", OptionType::kDouble, "0.01",
                         "drop at or above this fraction of characters in repeated lines", 0, 1),
      text::NumberOption("max_newline_word_ratio", OptionType::kDouble, "0.3", "most newlines per word", 0, 1e9),
      text::PerLanguageOption(kBuiltinPerLanguage),
      text::PerScriptOption(kBuiltinPerScript),
  };
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    auto t = text::LanguageThresholds::FromOptions(env.instance_name, Params(), o, kBuiltinPerLanguage,
                                                   kBuiltinPerScript);
    if (!t.ok()) return t.status();
    return std::unique_ptr<Stage>(
        std::make_unique<FineWeb>(std::move(t).value(), o.GetBool("line_punct_exclude_zero")));
  };
  return info;
});

}  // namespace sluice::fineweb
