#include "filters/classifier.h"

#include <filesystem>
#include <memory>
#include <set>

#include "stages/text/fasttext_model.h"
#include "stages/io/json_writer.h"
#include "stages/engine/stage.h"

namespace sluice {

namespace {

constexpr size_t kMaxAutoSignalLabels = 16;

class ClassifierStage : public Stage {
 public:
  ClassifierStage(std::unique_ptr<FastTextModel> model, std::string instance, std::vector<int> keep,
                  std::vector<int> drop, std::vector<int> signal, double threshold, bool line_level,
                  SegmentMode segment)
      : model_(std::move(model)),
        keep_(std::move(keep)),
        drop_(std::move(drop)),
        signal_(std::move(signal)),
        threshold_(threshold),
        line_level_(line_level),
        segment_(segment) {
    for (int i : signal_) signal_names_.push_back(instance + "." + model_->labels()[static_cast<size_t>(i)]);
  }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    thread_local std::vector<float> scores;
    if (!line_level_) {
      model_->Predict(PrepareFastTextText(doc.text, segment_), &scores);
      RecordSignals(doc, scores);
      std::string reason, detail;
      if (Passes(scores, &reason, &detail)) return Verdict::Keep();
      doc.all_reasons.push_back(reason);
      return Verdict::Drop(reason, detail);
    }
    // Line level: keep the lines that pass; signals are the length-weighted mean.
    std::vector<double> sum(model_->labels().size(), 0.0);
    double weight = 0;
    std::string kept;
    int64_t removed = 0;
    size_t pos = 0;
    std::string first_reason, first_detail;
    while (pos <= doc.text.size()) {
      size_t nl = doc.text.find('\n', pos);
      const bool last = nl == std::string::npos;
      if (last) nl = doc.text.size();
      std::string_view line(doc.text.data() + pos, nl - pos);
      bool keep_line = true;
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
        model_->Predict(PrepareFastTextText(line, segment_), &scores);
        for (size_t i = 0; i < scores.size(); ++i) sum[i] += scores[i] * static_cast<double>(line.size());
        weight += static_cast<double>(line.size());
        std::string reason, detail;
        keep_line = Passes(scores, &reason, &detail);
        if (!keep_line && first_reason.empty()) {
          first_reason = reason;
          first_detail = detail;
        }
      }
      if (keep_line) {
        kept.append(line);
        if (!last) kept.push_back('\n');
      } else {
        ++removed;
      }
      if (last) break;
      pos = nl + 1;
    }
    scores.resize(sum.size(), 0.0f);
    for (size_t i = 0; i < sum.size(); ++i) scores[i] = weight > 0 ? static_cast<float>(sum[i] / weight) : 0.0f;
    RecordSignals(doc, scores);
    if (removed == 0) return Verdict::Keep();
    ctx.stats().Add(kClassifierStatLinesRemoved, removed);
    while (!kept.empty() && kept.back() == '\n') kept.pop_back();
    if (kept.find_first_not_of(" \t\r\n") == std::string::npos) {
      doc.all_reasons.push_back(kClassifierReasonNoLinesLeft);
      return Verdict::Drop(kClassifierReasonNoLinesLeft, first_detail);
    }
    doc.text = std::move(kept);
    return Verdict::Keep();
  }

  std::vector<HistogramSpec> signal_histograms() const override {
    std::vector<HistogramSpec> out;
    for (const auto& name : signal_names_) out.push_back(HistogramSpec::Linear(name, 0.0, 1.0, 20));
    return out;
  }

 private:
  void RecordSignals(Document& doc, const std::vector<float>& scores) const {
    for (size_t j = 0; j < signal_.size(); ++j) doc.AddSignal(signal_names_[j], scores[static_cast<size_t>(signal_[j])]);
  }

  bool Passes(const std::vector<float>& scores, std::string* reason, std::string* detail) const {
    for (int i : drop_) {
      if (scores[static_cast<size_t>(i)] >= threshold_) {
        *reason = kClassifierReasonDropLabel;
        *detail = model_->labels()[static_cast<size_t>(i)] + "=" + JsonNumber(scores[static_cast<size_t>(i)]);
        return false;
      }
    }
    if (keep_.empty()) return true;
    float best = 0;
    for (int i : keep_) {
      if (scores[static_cast<size_t>(i)] >= threshold_) return true;
      best = std::max(best, scores[static_cast<size_t>(i)]);
    }
    *reason = kClassifierReasonBelowKeep;
    *detail = "best keep-label score " + JsonNumber(best);
    return false;
  }

  std::unique_ptr<FastTextModel> model_;
  std::vector<int> keep_, drop_, signal_;
  std::vector<std::string> signal_names_;
  double threshold_;
  bool line_level_;
  SegmentMode segment_;
};

StatusOr<std::unique_ptr<Stage>> MakeClassifier(const Options& o, const StageEnv& env) {
  std::filesystem::path path(o.GetString("model"));
  if (path.empty()) return Status::Config("classifier option 'model': a fastText .bin path is required");
  if (!path.is_absolute() && !env.recipe_dir.empty()) path = std::filesystem::path(env.recipe_dir) / path;
  auto model = FastTextModel::Load(path.string());
  if (!model.ok()) return model.status().WithContext("classifier option 'model'");
  const FastTextModel& m = **model;
  auto resolve = [&](const char* option, std::vector<int>* out) -> Status {
    for (std::string label : o.GetStringList(option)) {
      if (label.rfind("__label__", 0) == 0) label.erase(0, 9);
      const int i = m.LabelIndex(label);
      if (i < 0) {
        std::string known;
        for (size_t j = 0; j < m.labels().size() && j < 20; ++j) known += (j ? ", " : "") + m.labels()[j];
        return Status::Config(std::string("classifier option '") + option + "': the model has no label '" + label +
                              "' (labels: " + known + (m.labels().size() > 20 ? ", ..." : "") + ")");
      }
      out->push_back(i);
    }
    return Status::Ok();
  };
  std::vector<int> keep, drop, signal;
  SLUICE_RETURN_IF_ERROR(resolve("keep_labels", &keep));
  SLUICE_RETURN_IF_ERROR(resolve("drop_labels", &drop));
  SLUICE_RETURN_IF_ERROR(resolve("signal_labels", &signal));
  if (!keep.empty() && !drop.empty()) {
    return Status::Config("classifier: set 'keep_labels' or 'drop_labels', not both");
  }
  if (signal.empty()) {
    signal = keep;
    signal.insert(signal.end(), drop.begin(), drop.end());
    if (signal.empty() && m.labels().size() <= kMaxAutoSignalLabels) {
      for (size_t i = 0; i < m.labels().size(); ++i) signal.push_back(static_cast<int>(i));
    }
  }
  const std::string& seg = o.GetString("segment");
  const SegmentMode mode = seg == "always" ? SegmentMode::kAlways : seg == "never" ? SegmentMode::kNever : SegmentMode::kAuto;
  const std::string instance = env.instance_name.empty() ? kClassifierType : env.instance_name;
  return std::unique_ptr<Stage>(new ClassifierStage(std::move(model).value(), instance, std::move(keep),
                                                    std::move(drop), std::move(signal), o.GetDouble("threshold"),
                                                    o.GetString("level") == "line", mode));
}

}  // namespace

SLUICE_REGISTER_STAGE(Classifier, [] {
  return StageInfo{
      kClassifierType,
      "filters",
      "score with a fastText model (DCLM, lid.176, toxicity, train-classifier) and keep/drop by label",
      {
          [] {
            OptionSpec m = MakeOption("model", OptionType::kString, "", "fastText supervised .bin model (relative to the recipe dir)");
            m.required = true;
            return m;
          }(),
          MakeOption("keep_labels", OptionType::kStringList, "[]",
              "keep only documents whose score for one of these labels is >= threshold (no __label__ prefix)"),
          MakeOption("drop_labels", OptionType::kStringList, "[]", "drop documents scoring >= threshold on one of these labels"),
          MakeOption("threshold", OptionType::kDouble, "0.5", "probability threshold", 0.0, 1.0),
          MakeOption("signal_labels", OptionType::kStringList, "[]",
              "labels recorded as signals <instance>.<label> (default: keep/drop labels, or all labels if <= 16)"),
          MakeOption("level", OptionType::kString, "document", "score whole documents, or each line (failing lines removed)",
              -1e300, 1e300, {"document", "line"}),
          MakeOption("segment", OptionType::kString, "auto",
              "ICU word segmentation before fastText: auto (text with Han/Kana), always, never — use what the "
              "model was trained with (train-classifier uses auto)",
              -1e300, 1e300, {"auto", "always", "never"}),
      },
      MakeClassifier,
  };
});

}  // namespace sluice
