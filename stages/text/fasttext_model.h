// FastTextModel: the one wrapper around libfasttext 0.9.2 (`.bin` supervised
// models: lid.176 behind language_id, DCLM quality and Jigsaw toxicity behind
// the classifier stages of filters/, or models trained by `sluice
// train-classifier`). Loaded once, then immutable: Predict is const and
// thread-safe (FastText::predictLine is const in 0.9.2 and keeps its state on
// the stack). libfasttext throws; every call into it is wrapped here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stages/engine/status.h"

namespace fasttext {
class FastText;
}

namespace sluice {

enum class SegmentMode { kAuto, kAlways, kNever };

// The text fastText sees, the same at training and at prediction: line breaks
// and other control whitespace become spaces (fastText reads a newline as the end
// of the example); with kAlways, or kAuto when the text contains Han or Kana,
// the ICU word segmenter splits it and every non-space segment (words and
// punctuation) is joined by single spaces.
//   "我们在北京\n学习" -> "我们 在 北京 学习"
std::string PrepareFastTextText(std::string_view text, SegmentMode mode);

class FastTextModel {
 public:
  ~FastTextModel();
  // Loads a supervised .bin model. Errors (missing file, wrong format, an
  // unsupervised model) are Status values naming the path.
  static StatusOr<std::unique_ptr<FastTextModel>> Load(const std::string& path);

  // Labels without the model's label prefix ("__label__en" -> "en"), in the
  // model's order.
  const std::vector<std::string>& labels() const { return labels_; }
  // Index of `label` in labels(), or -1.
  int LabelIndex(std::string_view label) const;

  // Probability of every label for `prepared` text (PrepareFastTextText output),
  // indexed like labels(); all zero for text without tokens. Thread-safe.
  void Predict(std::string_view prepared, std::vector<float>* scores) const;

  // The most probable label (without the prefix) and its probability; false
  // for text without tokens (or a model whose weights are NaN). Thread-safe.
  bool Top(std::string_view prepared, std::string* label, float* probability) const;

 private:
  FastTextModel() = default;
  // fastText's k best (probability, label) for `prepared`, in a per-thread
  // buffer; nullptr when libfasttext throws.
  const std::vector<std::pair<float, std::string>>* PredictLine(std::string_view prepared, int32_t k) const;
  std::string_view WithoutPrefix(std::string_view label) const;
  std::unique_ptr<fasttext::FastText> ft_;
  std::vector<std::string> labels_;
  std::string prefix_;
};

struct FastTextTrainOptions {
  int epoch = 5;
  double lr = 0.1;
  int word_ngrams = 1;
  int dim = 100;
  int min_count = 1;
  int minn = 0;  // character n-grams (0 = off), as fastText's supervised defaults
  int maxn = 0;
  int bucket = 200000;  // hash buckets for word/char n-grams (fastText's 2M makes 800 MB models at dim 100)
  int threads = 1;      // 1 = deterministic for a given seed
  int seed = 0;
  std::string loss = "softmax";  // softmax | ova (one-vs-all, multi-label)
};

// Trains a supervised model from a fastText-format file ("__label__x text" per
// line) and writes it to `model_path`.
Status TrainFastTextModel(const std::string& train_path, const std::string& model_path,
                          const FastTextTrainOptions& options);

}  // namespace sluice
