#include "stages/text/language_id.h"

#include <cld2/public/compact_lang_det.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include "stages/io/json_writer.h"
#include "stages/text/fasttext_model.h"
#include "stages/text/language_id_alphabet.h"
#include "stages/text/language_id_close_languages.h"
#include "stages/text/language_id_detector_text.h"
#include "stages/text/language_id_malay_indonesian.h"
#include "stages/text/language_id_stopword_tiebreak.h"
#include "stages/engine/stage.h"

namespace sluice {

// ---------------------------------------------------------------- detection

namespace {
// ~8 English words or ~13 Chinese characters.
constexpr int kMinReliableLetterBytes = 40;
}  // namespace

LanguageGuess DetectLanguageCld2(std::string_view utf8) {
  LanguageGuess g;
  g.code = "und";
  if (utf8.empty()) return g;
  // CLD2 reads a normalized copy (NFC, no Arabic vowel marks); the document's
  // text is never changed.
  std::string detector_text;
  std::string_view text = MakeDetectorText(utf8, &detector_text) ? std::string_view(detector_text) : utf8;
  CLD2::Language language3[3];
  int percent3[3];
  double normalized_score3[3];
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix = 0;
  // CLD2 takes an int length; beyond 1 GB the first GB decides.
  int len = static_cast<int>(std::min<size_t>(text.size(), 1u << 30));
  CLD2::Language lang = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      text.data(), len, /*is_plain_text=*/true, /*cld_hints=*/nullptr, CLD2::kCLDFlagBestEffort, language3,
      percent3, normalized_score3, /*resultchunkvector=*/nullptr, &text_bytes, &reliable, &valid_prefix);
  if (lang == CLD2::UNKNOWN_LANGUAGE || text_bytes == 0) return g;
  g.code = NormalizeLanguageCode(CLD2::LanguageCode(lang));
  // Share of the letters CLD2 saw that belong to the top language. Languages in
  // percent3 may repeat the top language's code (zh + zh-Hant are different).
  int pct = 0;
  for (int i = 0; i < 3; ++i) {
    if (language3[i] == lang) pct += percent3[i];
  }
  if (g.code == "id" || g.code == "ms") {
    // CLD2 confuses the two standards: marker words decide, else a small
    // character n-gram model; the letters CLD2 gave to either one count for the
    // chosen one.
    g.code = std::string(
        ResolveMalayIndonesian(g.code, CountMalayIndonesianMarkers(text), MalayIndonesianModelScore(text)));
    pct = 0;
    for (int i = 0; i < 3; ++i) {
      if (language3[i] == CLD2::INDONESIAN || language3[i] == CLD2::MALAY) pct += percent3[i];
    }
  } else {
    // An English answer (CLD2's tie default in short text) or a Norwegian one
    // (Swedish is often read so) gets a stop-word second opinion; the letters
    // CLD2 gave its answer count for the chosen language. A switch to "id" is
    // then re-decided between id and ms like CLD2's own id answers.
    std::string_view checked = StopwordTieBreak(g.code, text);
    if (checked != g.code) {
      g.code = std::string(checked);
      if (g.code == "id") {
        g.code = std::string(
            ResolveMalayIndonesian(g.code, CountMalayIndonesianMarkers(text), MalayIndonesianModelScore(text)));
      }
    }
  }
  // A Cyrillic answer whose alphabet cannot write the text (Russian read as
  // Serbian) becomes the first Cyrillic language whose alphabet can.
  std::string_view fitted = ResolveByAlphabet(g.code, text);
  if (fitted != g.code) g.code = std::string(fitted);
  // Close languages (es/gl/pt, sv/no/da): a character n-gram model chooses within
  // the cluster; the letters CLD2 gave to any member count for the chosen one.
  std::string_view close = ResolveCloseLanguages(g.code, text);
  if (close != g.code) {
    g.code = std::string(close);
    int cluster_pct = 0;
    for (int i = 0; i < 3; ++i) {
      if (language3[i] == CLD2::UNKNOWN_LANGUAGE) continue;
      if (InCloseLanguageCluster(g.code, NormalizeLanguageCode(CLD2::LanguageCode(language3[i])))) {
        cluster_pct += percent3[i];
      }
    }
    pct = std::max(pct, cluster_pct);
  }
  g.score = std::min(100, pct) / 100.0;
  // CLD2 calls almost every best-effort guess reliable, also on 10-letter
  // strings (measured in bench/textprep/RESULTS.md); below kMinReliableLetterBytes
  // letters the guess is flagged unreliable whatever CLD2 says.
  g.reliable = reliable && text_bytes >= kMinReliableLetterBytes;
  return g;
}

std::string NormalizeLanguageCode(std::string_view code) {
  constexpr std::string_view kLabel = "__label__";
  if (code.substr(0, kLabel.size()) == kLabel) code.remove_prefix(kLabel.size());
  if (code.empty() || code == "un" || code == "xxx" || code == "unknown") return "und";
  if (code == "iw") return "he";
  if (code == "jw") return "jv";
  if (code == "in") return "id";
  if (code == "ji") return "yi";
  if (code == "zh-TW") return "zh-Hant";
  if (code == "zh-CN") return "zh";
  return std::string(code);
}

bool LanguageMatches(std::string_view entry, std::string_view code) {
  if (entry == code) return true;
  return code.size() > entry.size() && code.substr(0, entry.size()) == entry && code[entry.size()] == '-';
}

namespace {

// ---------------------------------------------------------------- fastText

// A language answer from a fastText language-ID model (lid.176): the top label.
LanguageGuess PredictLanguage(const FastTextModel& model, std::string_view text) {
  LanguageGuess g;
  g.code = "und";
  std::string label;
  float probability = 0;
  if (!model.Top(PrepareFastTextText(text, SegmentMode::kNever), &label, &probability)) return g;
  g.code = NormalizeLanguageCode(label);
  g.score = std::clamp(static_cast<double>(probability), 0.0, 1.0);
  g.reliable = g.score >= 0.5;
  return g;
}

// ---------------------------------------------------------------- the stage

constexpr const char* kReasonNotKept = "language_id.not_kept";
constexpr const char* kReasonLowScore = "language_id.low_score";
constexpr const char* kReasonUnreliable = "language_id.unreliable";
constexpr const char* kSignalScore = "language_id.score";
constexpr const char* kSignalReliable = "language_id.reliable";

struct LanguageIdConfig {
  std::vector<std::string> keep;
  double min_score = 0.5;
  bool drop_unreliable = false;
  bool per_paragraph = false;
  int64_t min_paragraph_bytes = 20;
  bool route = false;
};

// Immutable after construction; the CLD2 tables and the fastText model are
// read-only, so Process() is thread-safe.
class LanguageIdStage final : public Stage {
 public:
  LanguageIdStage(LanguageIdConfig cfg, std::unique_ptr<FastTextModel> model)
      : cfg_(std::move(cfg)), model_(std::move(model)) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    LanguageGuess g = Detect(doc.text);
    doc.Annotate("language", g.code);
    doc.AnnotateNumber("language_score", Round4(g.score));
    doc.AddSignal(kSignalScore, g.score);
    doc.AddSignal(kSignalReliable, g.reliable ? 1.0 : 0.0);
    ctx.stats().Add("language_id.lang." + g.code);
    doc.AddTag(kLanguageTagPrefix + g.code);
    if (!g.reliable) ctx.stats().Add("language_id.unreliable_docs");
    if (cfg_.per_paragraph) Paragraphs(doc, ctx);

    if (!cfg_.keep.empty()) {
      bool selected = false;
      for (const auto& k : cfg_.keep) selected |= LanguageMatches(k, g.code);
      if (!selected) doc.all_reasons.push_back(kReasonNotKept);
      if (selected && g.score < cfg_.min_score) doc.all_reasons.push_back(kReasonLowScore);
    }
    if (cfg_.drop_unreliable && !g.reliable) doc.all_reasons.push_back(kReasonUnreliable);
    if (!doc.all_reasons.empty()) {
      char detail[96];
      std::snprintf(detail, sizeof detail, "%s score %.3f%s", g.code.c_str(), g.score,
                    g.reliable ? "" : " (unreliable)");
      return Verdict::Drop(doc.all_reasons.front(), detail);
    }
    if (cfg_.route) doc.route = g.code;
    return Verdict::Keep();
  }

  std::vector<HistogramSpec> signal_histograms() const override {
    return {HistogramSpec::Linear(kSignalScore, 0.0, 1.0, 20), HistogramSpec::Linear(kSignalReliable, 0.0, 1.0, 2)};
  }

 private:
  static double Round4(double v) { return static_cast<double>(static_cast<int64_t>(v * 10000 + 0.5)) / 10000; }

  LanguageGuess Detect(std::string_view text) const {
    return model_ != nullptr ? PredictLanguage(*model_, text) : DetectLanguageCld2(text);
  }

  // Byte shares of the languages of the paragraphs (blocks separated by blank
  // lines): annotation `languages`, e.g. {"en":0.62,"zh":0.38}. Paragraphs
  // shorter than min_paragraph_bytes count as the document's language.
  void Paragraphs(Document& doc, StageContext& ctx) const {
    std::string_view text = doc.text;
    std::map<std::string, int64_t> bytes;
    std::string doc_code;
    int64_t total = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find("\n\n", pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view para = text.substr(pos, end - pos);
      size_t b = para.find_first_not_of(" \t\n");
      if (b != std::string_view::npos) {
        para = para.substr(b);
        std::string code;
        if (static_cast<int64_t>(para.size()) >= cfg_.min_paragraph_bytes) {
          code = Detect(para).code;
        } else {
          if (doc_code.empty()) doc_code = Detect(text).code;
          code = doc_code;
        }
        bytes[code] += static_cast<int64_t>(para.size());
        total += static_cast<int64_t>(para.size());
      }
      pos = end + 2;
    }
    std::vector<std::pair<std::string, int64_t>> sorted(bytes.begin(), bytes.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    JsonBuilder j;
    j.BeginObject();
    for (const auto& [code, n] : sorted) j.Key(code).Number(Round4(static_cast<double>(n) / total));
    j.EndObject();
    std::string json = j.Take();
    bool replaced = false;
    for (auto& f : doc.annotations) {
      if (f.key == "languages") {
        f.json = json;
        replaced = true;
      }
    }
    if (!replaced) doc.annotations.push_back(JsonField{"languages", json});
    if (sorted.size() > 1) ctx.stats().Add("language_id.mixed_docs");
  }

  LanguageIdConfig cfg_;
  std::unique_ptr<FastTextModel> model_;
};

StatusOr<std::unique_ptr<Stage>> MakeLanguageId(const Options& o, const StageEnv& env) {
  LanguageIdConfig cfg;
  for (const auto& k : o.GetStringList("keep")) {
    if (k.empty()) return Status::Config("option 'keep': empty language code");
    cfg.keep.push_back(NormalizeLanguageCode(k));
  }
  cfg.min_score = o.GetDouble("min_score");
  if (o.IsSet("min_score") && cfg.keep.empty()) {
    return Status::Config("option 'min_score' needs option 'keep' (without 'keep' the stage only annotates)");
  }
  cfg.drop_unreliable = o.GetBool("drop_unreliable");
  cfg.per_paragraph = o.GetBool("per_paragraph");
  cfg.min_paragraph_bytes = o.GetInt("min_paragraph_bytes");
  cfg.route = o.GetBool("route");
  std::unique_ptr<FastTextModel> model;
  std::string path = o.GetString("model");
  if (!path.empty()) {
    if (std::filesystem::path(path).is_relative()) path = (std::filesystem::path(env.recipe_dir) / path).string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return Status::Config("option 'model': no such file: " + path);
    auto loaded = FastTextModel::Load(path);
    if (!loaded.ok()) return loaded.status().WithContext("option 'model'");
    model = std::move(loaded).value();
  }
  return std::unique_ptr<Stage>(new LanguageIdStage(std::move(cfg), std::move(model)));
}

}  // namespace

SLUICE_REGISTER_STAGE(LanguageId, [] {
  using T = OptionType;
  return StageInfo{
      "language_id",
      "stages",
      "language and language_score per document (CLD2 embedded, or a fastText lid model)",
      {
          MakeOption("keep", T::kStringList, "[]",
              "languages to keep (ISO 639-1, 'zh' also keeps 'zh-Hant'); empty = annotate only, drop nothing"),
          MakeOption("min_score", T::kDouble, "0.5",
              "with keep: drop kept-language docs scoring below this (CLD2: share of the text in the language; "
              "fastText: probability, datatrove uses 0.65)",
              0.0, 1.0),
          MakeOption("drop_unreliable", T::kBool, "false",
              "drop documents whose guess is unreliable (CLD2 says so, or under 40 letter bytes): reason "
              "language_id.unreliable"),
          MakeOption("per_paragraph", T::kBool, "false",
              "also annotate `languages`: byte shares of the paragraph languages, e.g. {\"en\":0.6,\"zh\":0.4}"),
          MakeOption("min_paragraph_bytes", T::kInt, "20",
              "with per_paragraph: shorter paragraphs take the document's language", 1, 1e9),
          MakeOption("model", T::kString, "",
              "fastText language-ID model (lid.176.bin style, __label__xx) to use instead of CLD2; relative to "
              "the recipe"),
          MakeOption("route", T::kBool, "false", "write kept documents to kept/<language>/"),
      },
      MakeLanguageId};
});

}  // namespace sluice
