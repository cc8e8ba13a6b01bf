#include "filters/gopher_quality.h"

#include <memory>

#include "filters/document_locale.h"
#include "filters/rule_stage.h"
#include "filters/text_stats.h"
#include "stages/engine/stage.h"

namespace sluice::gopher_quality {
namespace {

enum Param : size_t {
  kMinWords, kMaxWords, kMinMeanLen, kMaxMeanLen, kMaxHash, kMaxEllipsis, kMaxBullet, kMaxEllipsisLines,
  kMinAlpha, kMinStop, kMinStopLangScore, kParamCount
};

std::vector<text::LanguageThresholds::Param> Params() {
  return {{"min_words", 0, 1e12},           {"max_words", 0, 1e12},
          {"min_mean_word_length", 0, 1e6}, {"max_mean_word_length", 0, 1e6},
          {"max_hash_ratio", 0, 1e6},       {"max_ellipsis_ratio", 0, 1e6},
          {"max_bullet_lines_ratio", 0, 1}, {"max_ellipsis_lines_ratio", 0, 1},
          {"min_alpha_words_ratio", 0, 1},  {"min_stop_words", 0, 1e12},
          {"stop_words_min_language_score", 0, 1}};
}

// Word lengths are in characters without combining marks (text::Word::chars).
// The options' defaults are the bounds for any script and language without a
// calibration of its own; Gopher's English bounds (3-10) stay English's. Measured
// on the UDHR in ~500 languages and Debian's translated documentation
// (bench/fairness/RESULTS.md): Latin-script languages other than English range
// from 2.5 (isolating, tonal: Fon, Ga, Chinantec) to 15 (polysynthetic:
// Greenlandic); Cyrillic 5-7.5; Arabic script 3.4-6.9.
//
// Chinese/Japanese words from ICU's dictionary are 1-3 characters long (mean
// ~1.6 on Debian Reference zh-cn), so the English lower bound of 3 would drop
// all of them. The upper bound stays at 10: a zh-labelled page made mostly of
// English (common in manpages-zh) must not fail for having English-length
// words. Calibration: bench/rules/RESULTS.md.
constexpr char kBuiltinPerLanguage[] =
    "{en: {min_mean_word_length: 3, max_mean_word_length: 10}, zh: {min_mean_word_length: 1, "
    "max_mean_word_length: 10}, ja: {min_mean_word_length: 1, max_mean_word_length: 10}}";

// By kind of writing system:
// * Han and the scripts ICU segments with a dictionary (Thai, Lao, Khmer,
//   Myanmar): words of 1-3 characters (measured 1.3-3.2).
// * Abugidas, whose characters are syllables once the vowel signs are marks
//   (Devanagari 2.5-3.8, Gurmukhi 2.4, Bengali 3.6, Tibetan syllables 2.0),
//   syllabaries (Vai 1.8, Cherokee 4.2, Ethiopic 3.8-4.2) and Hangul (eojeol of
//   2.9-3.1 syllable blocks): 1.5.
// * Scripts written without spaces for which ICU has no dictionary (Javanese,
//   Balinese, Tai Tham, Tai Le, New Tai Lue, Yi, Sundanese ...): a "word" is a
//   phrase (measured 12-25 characters), so no length bound applies.
constexpr char kBuiltinPerScript[] =
    "{Hani: {min_mean_word_length: 1}, Thai: {min_mean_word_length: 1}, Laoo: {min_mean_word_length: 1}, "
    "Khmr: {min_mean_word_length: 1}, Mymr: {min_mean_word_length: 1}, "
    "Deva: {min_mean_word_length: 1.5}, Beng: {min_mean_word_length: 1.5}, Guru: {min_mean_word_length: 1.5}, "
    "Gujr: {min_mean_word_length: 1.5}, Orya: {min_mean_word_length: 1.5}, Taml: {min_mean_word_length: 1.5}, "
    "Telu: {min_mean_word_length: 1.5}, Knda: {min_mean_word_length: 1.5}, Mlym: {min_mean_word_length: 1.5}, "
    "Sinh: {min_mean_word_length: 1.5}, Tibt: {min_mean_word_length: 1.5}, Cakm: {min_mean_word_length: 1.5}, "
    "Tavt: {min_mean_word_length: 1.5}, Vaii: {min_mean_word_length: 1.5}, Cher: {min_mean_word_length: 1.5}, "
    "Ethi: {min_mean_word_length: 1.5}, Cans: {min_mean_word_length: 1.5}, Hang: {min_mean_word_length: 1.5}, "
    "Java: {max_mean_word_length: 1000000}, Bali: {max_mean_word_length: 1000000}, "
    "Lana: {max_mean_word_length: 1000000}, Tale: {max_mean_word_length: 1000000}, "
    "Talu: {max_mean_word_length: 1000000}, Yiii: {max_mean_word_length: 1000000}, "
    "Sund: {max_mean_word_length: 1000000}, Bugi: {max_mean_word_length: 1000000}}";

bool IsBulletLine(std::string_view line) {
  line = text::Trim(line);
  static constexpr std::string_view kBullets[] = {"\u2022", "-", "*", "\u00B7", "\u25CF", "\u25E6",
                                                  "\u25AA", "\u2023", "\u30FB", "\u2013"};
  for (std::string_view b : kBullets) {
    if (line.starts_with(b)) return true;
  }
  return false;
}

size_t CountSubstr(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

class GopherQuality : public Stage {
 public:
  GopherQuality(text::LanguageThresholds t, std::string stop_words_language)
      : t_(std::move(t)), stop_words_language_(std::move(stop_words_language)) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    const text::DocumentLocale loc = text::LocaleOf(doc);
    const std::string& lang = loc.language;
    const std::vector<double>& th = t_.For(loc);
    thread_local std::vector<text::Word> words;
    size_t symbols = 0;
    text::SegmentWords(doc.text, &words, &symbols);

    // The stop-word rule needs a list for the language, in the text's script,
    // and a detector sure of the language: a text in a language the detector
    // does not know gets the nearest known label (Manx, Tok Pisin -> en;
    // Wayuu -> sw; Kurdish in Latin letters -> ku, whose list is Arabic), and
    // that label's list does not match it.
    // A recipe can name one list for every document (an English-only corpus
    // without language_id, or the peers' behaviour).
    const std::string& stop_lang = stop_words_language_.empty() ? lang : stop_words_language_;
    const bool stop_rule = !stop_words_language_.empty() ||
                           (text::HasStopWords(lang) && loc.language_score >= th[kMinStopLangScore] &&
                            (loc.script.empty() || text::StopWordScript(lang) == loc.script));
    const double n_words = static_cast<double>(words.size());
    const double n_tokens = std::max<double>(1.0, n_words + static_cast<double>(symbols));
    double total_len = 0;
    size_t alpha = 0, stop = 0;
    thread_local std::string lower;
    for (const auto& w : words) {
      total_len += w.chars;
      if (w.kind != WordKind::kNumber && text::HasAlpha(w.text)) ++alpha;
      if (stop_rule && w.text.size() <= 64) {
        text::LowerInto(w.text, &lower);
        stop += text::IsStopWord(stop_lang, lower);
      }
    }
    const double mean_len = words.empty() ? 0.0 : total_len / n_words;
    const double hash_ratio = static_cast<double>(CountSubstr(doc.text, "#")) / n_tokens;
    const double ellipsis_ratio =
        static_cast<double>(CountSubstr(doc.text, "...") + CountSubstr(doc.text, "\u2026")) / n_tokens;
    size_t lines = 0, bullets = 0, ellipsis_lines = 0;
    for (std::string_view line : text::SplitLines(doc.text)) {
      if (text::Trim(line).empty()) continue;
      ++lines;
      bullets += IsBulletLine(line);
      ellipsis_lines += text::EndsWithEllipsis(line);
    }
    const double bullet_ratio = lines ? static_cast<double>(bullets) / lines : 0.0;
    const double ellipsis_lines_ratio = lines ? static_cast<double>(ellipsis_lines) / lines : 0.0;
    const double alpha_ratio = static_cast<double>(alpha) / n_tokens;

    doc.AddSignal("gopher_quality.words", n_words);
    doc.AddSignal("gopher_quality.mean_word_length", mean_len);
    doc.AddSignal("gopher_quality.hash_ratio", hash_ratio);
    doc.AddSignal("gopher_quality.ellipsis_ratio", ellipsis_ratio);
    doc.AddSignal("gopher_quality.bullet_lines_ratio", bullet_ratio);
    doc.AddSignal("gopher_quality.ellipsis_lines_ratio", ellipsis_lines_ratio);
    doc.AddSignal("gopher_quality.alpha_words_ratio", alpha_ratio);
    if (stop_rule) {
      doc.AddSignal("gopher_quality.stop_words", static_cast<double>(stop));
    } else {
      ctx.stats().Add(kStopWordsNotApplied);
    }

    std::vector<std::string_view> failed;
    if (n_words < th[kMinWords]) failed.push_back(kTooFewWords);
    if (n_words > th[kMaxWords]) failed.push_back(kTooManyWords);
    if (mean_len < th[kMinMeanLen]) failed.push_back(kMeanWordLengthLow);
    if (mean_len > th[kMaxMeanLen]) failed.push_back(kMeanWordLengthHigh);
    if (hash_ratio > th[kMaxHash]) failed.push_back(kHashRatio);
    if (ellipsis_ratio > th[kMaxEllipsis]) failed.push_back(kEllipsisRatio);
    if (bullet_ratio > th[kMaxBullet]) failed.push_back(kBulletLines);
    if (ellipsis_lines_ratio > th[kMaxEllipsisLines]) failed.push_back(kEllipsisLines);
    if (alpha_ratio < th[kMinAlpha]) failed.push_back(kAlphaWords);
    if (stop_rule && static_cast<double>(stop) < th[kMinStop]) failed.push_back(kStopWords);
    return text::DropOnFailures(doc, ctx, failed);
  }

  std::vector<HistogramSpec> signal_histograms() const override {
    return {HistogramSpec::Linear("gopher_quality.mean_word_length", 0, 12, 24),
            HistogramSpec::Linear("gopher_quality.alpha_words_ratio", 0, 1, 20)};
  }

 private:
  text::LanguageThresholds t_;
  std::string stop_words_language_;
};

}  // namespace

SLUICE_REGISTER_STAGE(GopherQuality, [] {
  StageInfo info;
  info.type = "gopher_quality";
  info.folder = "filters";
  info.summary = "Gopher quality rules (word count, word length, symbols, bullets, stop words), per-language";
  info.options = {
      text::NumberOption("min_words", OptionType::kInt, "50", "fewest words (ICU segments, not spaces)", 0, 1e12),
      text::NumberOption("max_words", OptionType::kInt, "100000", "most words", 0, 1e12),
      text::NumberOption("min_mean_word_length", OptionType::kDouble, "2",
                         "smallest mean word length, in characters without combining marks (English: 3, shipped "
                         "per_language; scripts of syllables or without spaces: shipped per_script)", 0, 1e6),
      text::NumberOption("max_mean_word_length", OptionType::kDouble, "18",
                         "largest mean word length, in characters without combining marks (English: 10, shipped "
                         "per_language)", 0, 1e6),
      text::NumberOption("max_hash_ratio", OptionType::kDouble, "0.1", "most '#' per word", 0, 1e6),
      text::NumberOption("max_ellipsis_ratio", OptionType::kDouble, "0.1", "most '...'/'…' per word", 0, 1e6),
      text::NumberOption("max_bullet_lines_ratio", OptionType::kDouble, "0.9", "largest fraction of lines starting with a bullet", 0, 1),
      text::NumberOption("max_ellipsis_lines_ratio", OptionType::kDouble, "0.3", "largest fraction of lines ending in an ellipsis", 0, 1),
      text::NumberOption("min_alpha_words_ratio", OptionType::kDouble, "0.8", "smallest fraction of tokens with a letter", 0, 1),
      text::NumberOption("min_stop_words", OptionType::kInt, "2",
                         "fewest stop-word occurrences (the document language's list: stopwords-iso, Gopher's for en)",
                         0, 1e12),
      text::PerLanguageOption(kBuiltinPerLanguage),
      text::NumberOption("stop_words_min_language_score", OptionType::kDouble, "0.85",
                         "apply min_stop_words only when the language has a list and language_id's score is at "
                         "least this (a text in a language the detector does not know gets a wrong label)", 0, 1),
      text::TextOption("stop_words_language", OptionType::kString, "",
                       "apply this language's stop-word list to every document (e.g. en for an English-only "
                       "corpus without language_id); empty: the document's own language, when it has a list"),
      text::PerScriptOption(kBuiltinPerScript),
  };
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    auto t = text::LanguageThresholds::FromOptions(env.instance_name, Params(), o, kBuiltinPerLanguage,
                                                   kBuiltinPerScript);
    if (!t.ok()) return t.status();
    std::string stop_lang = text::AsciiLower(o.GetString("stop_words_language"));
    if (!stop_lang.empty() && !text::HasStopWords(stop_lang)) {
      return Status::Config("stage '" + env.instance_name + "', option 'stop_words_language': no stop-word list for '" +
                            stop_lang + "' (lists: stages/text/stopwords/, plus en, zh, ja)");
    }
    return std::unique_ptr<Stage>(std::make_unique<GopherQuality>(std::move(t).value(), std::move(stop_lang)));
  };
  return info;
});

}  // namespace sluice::gopher_quality
