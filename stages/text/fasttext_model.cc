#include "stages/text/fasttext_model.h"

#include <fasttext/fasttext.h>

#include <sstream>
#include <stdexcept>

#include "stages/io/fasttext_model_file.h"
#include "stages/text/word_segmenter.h"
#include "stages/text/utf8.h"

namespace sluice {

namespace {

bool HasHanOrKana(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<uint8_t>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const uint32_t cp = DecodeUtf8(text, &pos);
    if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF)) {
      return true;
    }
  }
  return false;
}

bool IsFastTextSpace(char c) {
  // fastText's Dictionary::readWord splits on these; '\n' ends an example.
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

}  // namespace

std::string PrepareFastTextText(std::string_view text, SegmentMode mode) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  const bool segment = mode == SegmentMode::kAlways || (mode == SegmentMode::kAuto && HasHanOrKana(text));
  if (!segment) {
    for (char c : text) out.push_back(IsFastTextSpace(c) ? ' ' : c);
    return out;
  }
  thread_local std::vector<WordSpan> spans;
  WordSegmenter::ThreadLocal().Segment(text, &spans, /*include_non_words=*/true);
  for (const WordSpan& s : spans) {
    std::string_view piece = s.in(text);
    // Non-word segments: keep punctuation, drop whitespace (incl. U+3000).
    bool blank = true;
    for (char c : piece) blank = blank && IsFastTextSpace(c);
    if (blank || piece == "\u3000" || piece == "\u00A0") continue;
    if (!out.empty()) out.push_back(' ');
    for (char c : piece) out.push_back(IsFastTextSpace(c) ? ' ' : c);
  }
  return out;
}

FastTextModel::~FastTextModel() = default;

StatusOr<std::unique_ptr<FastTextModel>> FastTextModel::Load(const std::string& path) {
  // libfasttext trusts the file (a truncated one makes it loop or assert):
  // check its layout first.
  auto info = CheckFastTextModelFile(path);
  if (!info.ok()) return info.status();
  if (!info->supervised) {
    return Status::Config("fastText model " + path + " is not a supervised (classifier) model");
  }
  std::unique_ptr<FastTextModel> m(new FastTextModel());
  m->ft_ = std::make_unique<fasttext::FastText>();
  try {
    m->ft_->loadModel(path);
    const fasttext::Args args = m->ft_->getArgs();
    if (args.model != fasttext::model_name::sup) {
      return Status::Config("fastText model " + path + " is not a supervised (classifier) model");
    }
    m->prefix_ = args.label;
    auto dict = m->ft_->getDictionary();
    for (int32_t i = 0; i < dict->nlabels(); ++i) {
      std::string label = dict->getLabel(i);
      if (label.rfind(m->prefix_, 0) == 0) label.erase(0, m->prefix_.size());
      m->labels_.push_back(std::move(label));
    }
  } catch (const std::exception& e) {
    return Status::Io("cannot load fastText model " + path + ": " + e.what());
  }
  if (m->labels_.empty()) return Status::Config("fastText model " + path + " has no labels");
  return m;
}

int FastTextModel::LabelIndex(std::string_view label) const {
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (labels_[i] == label) return static_cast<int>(i);
  }
  return -1;
}

const std::vector<std::pair<float, std::string>>* FastTextModel::PredictLine(std::string_view prepared,
                                                                            int32_t k) const {
  thread_local std::vector<std::pair<fasttext::real, std::string>> predictions;
  predictions.clear();
  // predictLine reads up to the first newline; PrepareFastTextText removed them.
  std::istringstream in{std::string(prepared)};
  try {
    ft_->predictLine(in, predictions, k, 0.0);
  } catch (const std::exception&) {
    return nullptr;  // NaN weights in a corrupt model ("Encountered NaN")
  }
  return &predictions;
}

std::string_view FastTextModel::WithoutPrefix(std::string_view label) const {
  if (label.rfind(prefix_, 0) == 0) label.remove_prefix(prefix_.size());
  return label;
}

void FastTextModel::Predict(std::string_view prepared, std::vector<float>* scores) const {
  scores->assign(labels_.size(), 0.0f);
  const auto* predictions = PredictLine(prepared, static_cast<int32_t>(labels_.size()));
  if (predictions == nullptr) return;  // scores stay zero
  for (const auto& [prob, label] : *predictions) {
    const int i = LabelIndex(WithoutPrefix(label));
    if (i >= 0) (*scores)[static_cast<size_t>(i)] = prob;
  }
}

bool FastTextModel::Top(std::string_view prepared, std::string* label, float* probability) const {
  const auto* predictions = PredictLine(prepared, 1);
  if (predictions == nullptr || predictions->empty()) return false;
  label->assign(WithoutPrefix(predictions->front().second));
  *probability = predictions->front().first;
  return true;
}

Status TrainFastTextModel(const std::string& train_path, const std::string& model_path,
                          const FastTextTrainOptions& o) {
  fasttext::Args args;
  args.input = train_path;
  args.output = model_path;
  args.model = fasttext::model_name::sup;
  if (o.loss == "softmax") {
    args.loss = fasttext::loss_name::softmax;
  } else if (o.loss == "ova") {
    args.loss = fasttext::loss_name::ova;
  } else {
    return Status::Config("unknown fastText loss '" + o.loss + "' (softmax, ova)");
  }
  args.epoch = o.epoch;
  args.lr = o.lr;
  args.wordNgrams = o.word_ngrams;
  args.dim = o.dim;
  args.minCount = o.min_count;
  args.minn = o.minn;
  args.maxn = o.maxn;
  args.bucket = (o.word_ngrams <= 1 && o.maxn == 0) ? 0 : o.bucket;
  args.thread = o.threads;
  args.seed = o.seed;
  args.verbose = 0;
  try {
    fasttext::FastText ft;
    ft.train(args);
    ft.saveModel(model_path);
  } catch (const std::exception& e) {
    return Status::Io("fastText training on " + train_path + " failed: " + e.what());
  }
  return Status::Ok();
}

}  // namespace sluice
