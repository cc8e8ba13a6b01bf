#include "filters/gopher_repetition.h"

#include <xxhash.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "filters/document_locale.h"
#include "filters/hash_counter.h"
#include "filters/rule_stage.h"
#include "filters/text_stats.h"
#include "stages/engine/stage.h"

namespace sluice::gopher_repetition {
namespace {

// Threshold order: 4 line/paragraph params, top 2..4, dup 5..10.
constexpr int kTopMin = 2, kTopMax = 4, kDupMin = 5, kDupMax = 10;
constexpr size_t kFirstTop = 4;
constexpr size_t kFirstDup = kFirstTop + (kTopMax - kTopMin + 1);
constexpr size_t kParamCount = kFirstDup + (kDupMax - kDupMin + 1);

struct Names {
  std::vector<std::string> params;    // option names
  std::vector<std::string> signals;   // signal names
  std::vector<std::string> reasons;   // drop reasons
  std::vector<std::string> defaults;  // datatrove defaults
};

const Names& GetNames() {
  static const Names* names = [] {
    auto* n = new Names;
    n->params = {"max_dup_line_ratio", "max_dup_line_char_ratio", "max_dup_paragraph_ratio",
                 "max_dup_paragraph_char_ratio"};
    n->signals = {"gopher_repetition.dup_line_ratio", "gopher_repetition.dup_line_char_ratio",
                  "gopher_repetition.dup_paragraph_ratio", "gopher_repetition.dup_paragraph_char_ratio"};
    n->reasons = {kDupLines, kDupLineChars, kDupParagraphs, kDupParagraphChars};
    n->defaults = {"0.3", "0.2", "0.3", "0.2"};
    const char* top_defaults[] = {"0.2", "0.18", "0.16"};
    for (int k = kTopMin; k <= kTopMax; ++k) {
      std::string g = std::to_string(k) + "gram";
      n->params.push_back("max_top_" + g + "_char_ratio");
      n->signals.push_back("gopher_repetition.top_" + g + "_char_ratio");
      n->reasons.push_back(std::string(kTopNgramPrefix) + g);
      n->defaults.push_back(top_defaults[k - kTopMin]);
    }
    const char* dup_defaults[] = {"0.15", "0.14", "0.13", "0.12", "0.11", "0.1"};
    for (int k = kDupMin; k <= kDupMax; ++k) {
      std::string g = std::to_string(k) + "gram";
      n->params.push_back("max_dup_" + g + "_char_ratio");
      n->signals.push_back("gopher_repetition.dup_" + g + "_char_ratio");
      n->reasons.push_back(std::string(kDupNgramPrefix) + g);
      n->defaults.push_back(dup_defaults[k - kDupMin]);
    }
    return n;
  }();
  return *names;
}

// datatrove's find_duplicates: elements seen before, and their characters.
template <typename Range>
std::pair<size_t, size_t> FindDuplicates(const Range& items) {
  thread_local text::HashCounter seen;
  seen.Reset(items.size());
  size_t dup = 0, dup_chars = 0;
  for (std::string_view s : items) {
    if (seen.Add(XXH3_64bits(s.data(), s.size())) > 1) {
      ++dup;
      dup_chars += text::CodePoints(s);
    }
  }
  return {dup, dup_chars};
}

class GopherRepetition : public Stage {
 public:
  explicit GopherRepetition(text::LanguageThresholds t) : t_(std::move(t)) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    const Names& names = GetNames();
    const std::vector<double>& th = t_.For(text::LocaleOf(doc));
    std::vector<double> value(kParamCount, 0.0);
    const double chars = static_cast<double>(std::max<size_t>(1, text::CodePoints(doc.text)));

    std::vector<std::string_view> paragraphs = text::SplitParagraphs(doc.text);
    auto [dup_p, dup_p_chars] = FindDuplicates(paragraphs);
    std::vector<std::string_view> lines;
    for (std::string_view l : text::SplitLines(doc.text)) {
      if (!l.empty()) lines.push_back(l);
    }
    auto [dup_l, dup_l_chars] = FindDuplicates(lines);
    value[0] = lines.empty() ? 0.0 : static_cast<double>(dup_l) / lines.size();
    value[1] = dup_l_chars / chars;
    value[2] = paragraphs.empty() ? 0.0 : static_cast<double>(dup_p) / paragraphs.size();
    value[3] = dup_p_chars / chars;

    thread_local std::vector<text::Word> words;
    thread_local std::vector<uint64_t> hashes;
    text::SegmentWords(doc.text, &words);
    hashes.resize(words.size());
    for (size_t i = 0; i < words.size(); ++i) hashes[i] = XXH3_64bits(words[i].text.data(), words[i].text.size());
    auto ngram_hash = [&](size_t i, int n) { return XXH3_64bits(&hashes[i], sizeof(uint64_t) * n); };
    auto ngram_chars = [&](size_t i, int n) {
      size_t c = 0;
      for (int k = 0; k < n; ++k) c += words[i + k].code_points;
      return c;
    };

    // Most frequent n-gram (n = 2..4): its count times its length.
    for (int n = kTopMin; n <= kTopMax; ++n) {
      if (words.size() < static_cast<size_t>(n)) continue;
      thread_local text::HashCounter counts;
      counts.Reset(words.size());
      uint32_t best = 0;
      size_t best_at = 0;
      for (size_t i = 0; i + n <= words.size(); ++i) {
        uint32_t c = counts.Add(ngram_hash(i, n));
        if (c > best) {
          best = c;
          best_at = i;
        }
      }
      value[kFirstTop + n - kTopMin] = best > 1 ? best * ngram_chars(best_at, n) / chars : 0.0;
    }
    // Characters in n-grams (n = 5..10) seen before; skip n words after a hit.
    for (int n = kDupMin; n <= kDupMax; ++n) {
      thread_local text::HashCounter seen;
      seen.Reset(words.size());
      size_t repeated = 0;
      for (size_t i = 0; i + n <= words.size();) {
        if (seen.Add(ngram_hash(i, n)) > 1) {
          repeated += ngram_chars(i, n);
          i += n;
        } else {
          ++i;
        }
      }
      value[kFirstDup + n - kDupMin] = repeated / chars;
    }

    std::vector<std::string_view> failed;
    for (size_t i = 0; i < kParamCount; ++i) {
      doc.AddSignal(names.signals[i], value[i]);
      if (value[i] > th[i]) failed.push_back(names.reasons[i]);
    }
    return text::DropOnFailures(doc, ctx, failed);
  }

 private:
  text::LanguageThresholds t_;
};

}  // namespace

SLUICE_REGISTER_STAGE(GopherRepetition, [] {
  const Names& names = GetNames();
  StageInfo info;
  info.type = "gopher_repetition";
  info.folder = "filters";
  info.summary = "Gopher repetition rules: duplicate lines/paragraphs, top and duplicated word n-grams";
  for (size_t i = 0; i < kParamCount; ++i) {
    info.options.push_back(text::NumberOption(names.params[i], OptionType::kDouble, names.defaults[i],
                                              "largest allowed value of " + names.signals[i], 0, 1));
  }
  info.options.push_back(text::PerLanguageOption("{}"));
  info.options.push_back(text::PerScriptOption("{}"));
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    std::vector<text::LanguageThresholds::Param> params;
    for (const auto& name : GetNames().params) params.push_back({name, 0, 1});
    auto t = text::LanguageThresholds::FromOptions(env.instance_name, std::move(params), o, "", "");
    if (!t.ok()) return t.status();
    return std::unique_ptr<Stage>(std::make_unique<GopherRepetition>(std::move(t).value()));
  };
  return info;
});

}  // namespace sluice::gopher_repetition
