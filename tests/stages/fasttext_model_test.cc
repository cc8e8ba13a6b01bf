#include "stages/text/fasttext_model.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "filters/gettext_corpus.h"

using sluice::FastTextModel;
using sluice::PrepareFastTextText;
using sluice::SegmentMode;

TEST_CASE("fastText input: newlines become spaces, Chinese is segmented", "[fasttext_model]") {
  CHECK(PrepareFastTextText("line one\nline two\r\n\tend", SegmentMode::kAuto) == "line one line two   end");
  CHECK(PrepareFastTextText("我们在北京\n学习中文。", SegmentMode::kAuto) == "我们 在 北京 学习 中文 。");
  CHECK(PrepareFastTextText("我们在北京", SegmentMode::kNever) == "我们在北京");
  CHECK(PrepareFastTextText("Hello, world", SegmentMode::kAlways) == "Hello , world");
  CHECK(PrepareFastTextText("", SegmentMode::kAuto).empty());
}

TEST_CASE("fastText model: load errors are statuses", "[fasttext_model]") {
  auto missing = FastTextModel::Load("no/such/model.bin");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("no/such/model.bin") != std::string::npos);
  const std::string junk = "fasttext_model_test_junk.bin";
  {
    std::ofstream out(junk);
    out << "not a model";
  }
  CHECK_FALSE(FastTextModel::Load(junk).ok());
  std::remove(junk.c_str());
}

TEST_CASE("fastText model: train, load, predict concurrently", "[fasttext_model]") {
  const auto de = sluice::testing::ReadMoTranslations(sluice::testing::MoPath("de", "coreutils"));
  const auto zh = sluice::testing::ReadMoTranslations(sluice::testing::MoPath("zh_CN", "coreutils"));
  INFO("needs coreutils translations (Debian coreutils package)");
  REQUIRE(de.size() > 300);
  REQUIRE(zh.size() > 300);
  const std::string train = "fasttext_model_test.train.txt", model = "fasttext_model_test.bin";
  {
    std::ofstream out(train);
    for (size_t i = 0; i < 300; ++i) {
      out << "__label__de " << PrepareFastTextText(de[i], SegmentMode::kAuto) << "\n";
      out << "__label__zh " << PrepareFastTextText(zh[i], SegmentMode::kAuto) << "\n";
    }
  }
  sluice::FastTextTrainOptions opt;
  opt.dim = 16;
  opt.epoch = 5;
  REQUIRE(sluice::TrainFastTextModel(train, model, opt).ok());
  auto m = FastTextModel::Load(model);
  REQUIRE(m.ok());
  const auto labels = (*m)->labels();
  CHECK(std::is_permutation(labels.begin(), labels.end(), std::vector<std::string>{"de", "zh"}.begin()));
  const int ide = (*m)->LabelIndex("de"), izh = (*m)->LabelIndex("zh");
  // Held-out strings (index >= 300), predicted from 2 threads at once.
  auto accuracy = [&](int* out) {
    int ok = 0;
    std::vector<float> s;
    for (size_t i = 300; i < 400; ++i) {
      (*m)->Predict(PrepareFastTextText(de[i], SegmentMode::kAuto), &s);
      ok += s[ide] > s[izh];
      (*m)->Predict(PrepareFastTextText(zh[i], SegmentMode::kAuto), &s);
      ok += s[izh] > s[ide];
    }
    *out = ok;
  };
  int a = 0, b = 0;
  std::thread t1(accuracy, &a), t2(accuracy, &b);
  t1.join();
  t2.join();
  CHECK(a == b);
  CHECK(a >= 190);  // >= 95% of 200
  std::vector<float> s;
  (*m)->Predict("", &s);
  CHECK(s == std::vector<float>{0.0f, 0.0f});
  CHECK_FALSE(sluice::TrainFastTextModel("no/such/train.txt", model, opt).ok());
  std::remove(train.c_str());
  std::remove(model.c_str());
}
