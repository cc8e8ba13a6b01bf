// `sluice train-classifier -i LABELED.jsonl -o MODEL.bin`: trains a fastText
// supervised model from labelled JSONL (text + a label key) for the
// `classifier` stage. A deterministic held-out split (XXH3 of the document id
// and the seed) measures precision/recall/F1 per label before the model is
// written. Text goes through the same PrepareFastTextText (segment: auto) as
// the classifier stage's default, so Chinese is ICU-segmented at both ends.
#include <CLI/CLI.hpp>
#include <simdjson.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>

#include "stages/text/fasttext_model.h"
#include "pipelines/cli_validators.h"
#include "pipelines/command.h"
#include "stages/io/record_reader.h"

namespace sluice {
namespace {

struct TrainClassifierArgs {
  std::vector<std::string> inputs;
  std::string output;
  std::string label_key = "label";
  std::string text_key = "text";
  double test_fraction = 0.1;
  std::string segment = "auto";
  FastTextTrainOptions ft;
};

struct Example {
  std::vector<std::string> labels;
  std::string text;  // prepared
};

// Label values: a string, a number, a boolean, or an array of those. Spaces in
// labels become '_' (fastText labels are single tokens).
bool ParseLabels(std::string_view json, std::vector<std::string>* out) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(json.data(), json.size()).get(e)) return false;
  auto one = [&](simdjson::dom::element v) {
    std::string s;
    if (v.is_string()) {
      s = std::string(std::string_view(v.get_string().value()));
    } else if (v.is_int64()) {
      s = std::to_string(int64_t(v.get_int64().value()));
    } else if (v.is_bool()) {
      s = bool(v.get_bool().value()) ? "true" : "false";
    } else {
      return false;
    }
    for (char& c : s) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') c = '_';
    }
    if (s.empty()) return false;
    out->push_back(std::move(s));
    return true;
  };
  if (e.is_array()) {
    for (auto v : e.get_array().value()) {
      if (!one(v)) return false;
    }
    return !out->empty();
  }
  return one(e);
}

struct LabelScore {
  int64_t tp = 0, fp = 0, fn = 0, support = 0;
};

int TrainClassifierMain(const TrainClassifierArgs& a) {
  if (a.test_fraction < 0 || a.test_fraction >= 1) {
    return ExitCodeFor(Status::Config("--test-fraction must be in [0, 1)"));
  }
  const SegmentMode mode = a.segment == "always" ? SegmentMode::kAlways
                           : a.segment == "never" ? SegmentMode::kNever
                                                  : SegmentMode::kAuto;
  auto inputs = ExpandInputs(a.inputs);
  if (!inputs.ok()) return ExitCodeFor(inputs.status());
  ReaderOptions ropt;
  ropt.text_key = a.text_key;
  std::vector<Example> train, test;
  int64_t malformed = 0, unlabeled = 0;
  for (size_t i = 0; i < inputs->size(); ++i) {
    Status st = ReadRecords(
        (*inputs)[i], static_cast<uint32_t>(i), ropt,
        [&](Document& doc) {
          Example ex;
          for (const JsonField& f : doc.fields) {
            if (f.key == a.label_key) {
              if (!ParseLabels(f.json, &ex.labels)) ex.labels.clear();
            }
          }
          if (ex.labels.empty()) {
            ++unlabeled;
            return;
          }
          ex.text = PrepareFastTextText(doc.text, mode);
          if (ex.text.find_first_not_of(' ') == std::string::npos) {
            ++unlabeled;
            return;
          }
          const uint64_t h = XXH3_64bits_withSeed(doc.id.data(), doc.id.size(), static_cast<uint64_t>(a.ft.seed));
          const double u = static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);
          (u < a.test_fraction ? test : train).push_back(std::move(ex));
        },
        [&](const MalformedRecord&) { ++malformed; });
    if (!st.ok()) return ExitCodeFor(st);
  }
  std::cerr << "train-classifier: " << train.size() << " training, " << test.size() << " held-out examples";
  if (unlabeled) std::cerr << ", " << unlabeled << " without a '" << a.label_key << "' label or text (skipped)";
  if (malformed) std::cerr << ", " << malformed << " malformed records (skipped)";
  std::cerr << "\n";
  if (train.empty()) return ExitCodeFor(Status::Config("no labelled training examples (label key '" + a.label_key + "')"));

  // fastText reads its training data from a file.
  const std::string tmp = a.output + ".train." + std::to_string(::getpid()) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) return ExitCodeFor(Status::Io("cannot write " + tmp));
    for (const Example& ex : train) {
      for (const auto& l : ex.labels) out << "__label__" << l << ' ';
      out << ex.text << '\n';
    }
    if (!out) return ExitCodeFor(Status::Io("cannot write " + tmp));
  }
  Status st = TrainFastTextModel(tmp, a.output, a.ft);
  std::remove(tmp.c_str());
  if (!st.ok()) return ExitCodeFor(st);

  auto model = FastTextModel::Load(a.output);
  if (!model.ok()) return ExitCodeFor(model.status());
  const auto& labels = (*model)->labels();
  std::map<std::string, LabelScore> per_label;
  for (const auto& l : labels) per_label[l];
  int64_t correct = 0;
  std::vector<float> scores;
  for (const Example& ex : test) {
    (*model)->Predict(ex.text, &scores);
    const size_t best = static_cast<size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
    const std::string& pred = labels[best];
    const bool hit = std::find(ex.labels.begin(), ex.labels.end(), pred) != ex.labels.end();
    correct += hit ? 1 : 0;
    (hit ? per_label[pred].tp : per_label[pred].fp) += 1;
    for (const auto& g : ex.labels) {
      ++per_label[g].support;
      if (g != pred) ++per_label[g].fn;
    }
  }
  std::cout << "label\tprecision\trecall\tf1\tsupport\n";
  std::cout << std::fixed << std::setprecision(4);
  for (const auto& [label, s] : per_label) {
    const double p = s.tp + s.fp ? static_cast<double>(s.tp) / static_cast<double>(s.tp + s.fp) : 0.0;
    const double r = s.tp + s.fn ? static_cast<double>(s.tp) / static_cast<double>(s.tp + s.fn) : 0.0;
    const double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
    std::cout << label << '\t' << p << '\t' << r << '\t' << f1 << '\t' << s.support << '\n';
  }
  const double acc = test.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(test.size());
  std::cout << "accuracy\t" << acc << "\t(" << correct << "/" << test.size() << " held-out)\n";
  std::cerr << "train-classifier: wrote " << a.output << " (" << labels.size() << " labels)\n";
  return 0;
}

Command MakeTrainClassifier() {
  Command c;
  c.name = "train-classifier";
  c.help = "Train a fastText classifier from labelled JSONL for the `classifier` stage";
  c.setup = [](CLI::App* app) {
    auto a = std::make_shared<TrainClassifierArgs>();
    app->add_option("-i,--input", a->inputs, "Labelled JSONL files, directories or globs")->required();
    app->add_option("-o,--output", a->output, "Model file to write (.bin)")->required();
    app->add_option("--label-key", a->label_key, "JSON key holding the label (string, number or list)")
        ->capture_default_str();
    app->add_option("--text-key", a->text_key, "JSON key holding the text")->capture_default_str();
    app->add_option("--test-fraction", a->test_fraction, "Share of documents held out (by hash of id)")
        ->capture_default_str();
    app->add_option("--segment", a->segment, "ICU word segmentation: auto, always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    app->add_option("--epoch", a->ft.epoch, "Training epochs")->capture_default_str()->check(IntegerIn(1, 10000));
    app->add_option("--lr", a->ft.lr, "Learning rate")->capture_default_str()->check(CLI::Range(1e-6, 10.0));
    app->add_option("--wordNgrams", a->ft.word_ngrams, "Word n-gram length")->capture_default_str()->check(IntegerIn(1, 5));
    app->add_option("--dim", a->ft.dim, "Vector dimension")->capture_default_str()->check(IntegerIn(1, 1000));
    app->add_option("--minn", a->ft.minn, "Shortest character n-gram (0 = none)")->capture_default_str()->check(IntegerIn(0, 10));
    app->add_option("--maxn", a->ft.maxn, "Longest character n-gram (0 = none)")->capture_default_str()->check(IntegerIn(0, 10));
    app->add_option("--minCount", a->ft.min_count, "Minimal word count")->capture_default_str()->check(IntegerIn(1, 1000000));
    app->add_option("--bucket", a->ft.bucket, "Hash buckets for n-grams")->capture_default_str()->check(IntegerIn(1, 100000000));
    app->add_option("--loss", a->ft.loss, "softmax or ova (multi-label)")
        ->check(CLI::IsMember({"softmax", "ova"}))
        ->capture_default_str();
    app->add_option("--threads", a->ft.threads, "Training threads (1 = deterministic)")->capture_default_str()->check(IntegerIn(1, 256));
    app->add_option("--seed", a->ft.seed, "Seed for training and the held-out split")->capture_default_str();
    return [a] { return TrainClassifierMain(*a); };
  };
  return c;
}

SLUICE_REGISTER_COMMAND(TrainClassifier, MakeTrainClassifier);

}  // namespace
}  // namespace sluice
