// End-to-end: `sluice train-classifier` on real labelled text (gettext
// translations of coreutils in 7 languages), then the `classifier` stage loads
// the model and classifies documents it never saw.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "../filters/gettext_corpus.h"
#include "stages/io/json_writer.h"
#include "stages/engine/stage.h"

namespace fs = std::filesystem;

namespace {

struct Corpus {
  fs::path dir;
  std::vector<std::pair<std::string, std::string>> eval;  // (label, text)
};

const std::vector<std::string> kLangs = {"de", "fr", "es", "ru", "zh_CN", "pl", "ja"};

// Every 10th translation goes to the evaluation set, the rest to train.jsonl.
Corpus MakeCorpus(const std::string& name) {
  Corpus c;
  c.dir = fs::temp_directory_path() / ("sluice_train_classifier_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(c.dir);
  std::ofstream train(c.dir / "train.jsonl");
  for (const auto& lang : kLangs) {
    const auto texts = sluice::testing::ReadMoTranslations(sluice::testing::MoPath(lang, "coreutils"));
    INFO("needs " << sluice::testing::MoPath(lang, "coreutils") << " (Debian coreutils)");
    REQUIRE(texts.size() > 500);
    for (size_t i = 0; i < texts.size(); ++i) {
      if (i % 10 == 9) {
        c.eval.emplace_back(lang, texts[i]);
        continue;
      }
      train << "{\"id\":" << sluice::JsonString(lang + "-" + std::to_string(i))
            << ",\"text\":" << sluice::JsonString(texts[i]) << ",\"label\":" << sluice::JsonString(lang) << "}\n";
    }
  }
  return c;
}

int Run(const std::string& args, const fs::path& out) {
  const std::string cmd = std::string(SLUICE_BINARY) + " " + args + " > " + out.string() + " 2>&1";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("train-classifier round trip on gettext translations", "[train_classifier]") {
  Corpus c = MakeCorpus("rt");
  const fs::path model = c.dir / "lang.bin";
  REQUIRE(Run("train-classifier -i " + (c.dir / "train.jsonl").string() + " -o " + model.string() +
                  " --dim 32 --epoch 10 --seed 1",
              c.dir / "out.txt") == 0);
  const std::string out = ReadFile(c.dir / "out.txt");
  INFO(out);
  // The command's own held-out report: one line per label, then the accuracy.
  for (const auto& lang : kLangs) CHECK(out.find("\n" + lang + "\t") != std::string::npos);
  const size_t at = out.find("accuracy\t");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(out.substr(at + 9)) >= 0.9);

  // The classifier stage loads the model and labels unseen documents.
  sluice::StageEnv env;
  env.recipe_dir = c.dir.string();
  auto stage = sluice::BuildStage("classifier", "{model: lang.bin}", env);
  INFO(stage.status().message());
  REQUIRE(stage.ok());
  sluice::Stats stats;
  sluice::StageContext ctx(&stats);
  size_t correct = 0;
  for (const auto& [lang, text] : c.eval) {
    sluice::Document doc;
    doc.text = text;
    REQUIRE((*stage)->Process(doc, ctx).keep());
    REQUIRE(doc.signals.size() == kLangs.size());
    auto best = std::max_element(doc.signals.begin(), doc.signals.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    correct += best->first == "classifier." + lang;
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(c.eval.size());
  INFO("accuracy on " << c.eval.size() << " unseen documents: " << accuracy);
  CHECK(accuracy >= 0.9);
  fs::remove_all(c.dir);
}

TEST_CASE("train-classifier is deterministic and reports bad input", "[train_classifier][slow]") {
  Corpus c = MakeCorpus("det");
  const std::string train = (c.dir / "train.jsonl").string();
  REQUIRE(Run("train-classifier -i " + train + " -o " + (c.dir / "a.bin").string() + " --dim 8 --epoch 3",
              c.dir / "a.txt") == 0);
  REQUIRE(Run("train-classifier -i " + train + " -o " + (c.dir / "b.bin").string() + " --dim 8 --epoch 3",
              c.dir / "b.txt") == 0);
  CHECK(ReadFile(c.dir / "a.bin") == ReadFile(c.dir / "b.bin"));
  // No label under the given key: a configuration error (exit 1) naming the key.
  CHECK(Run("train-classifier -i " + train + " -o " + (c.dir / "c.bin").string() + " --label-key nope",
            c.dir / "c.txt") == 1);
  CHECK(ReadFile(c.dir / "c.txt").find("'nope'") != std::string::npos);
  // A missing input is an I/O error (exit 2).
  CHECK(Run("train-classifier -i " + (c.dir / "missing.jsonl").string() + " -o " + (c.dir / "d.bin").string(),
            c.dir / "d.txt") == 2);
  fs::remove_all(c.dir);
}
