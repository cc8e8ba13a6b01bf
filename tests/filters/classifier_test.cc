#include "filters/classifier.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "stages/text/fasttext_model.h"
#include "gettext_corpus.h"
#include "stages/engine/stage.h"

using sluice::BuildStage;
using sluice::Document;
using sluice::StageContext;
using sluice::Stats;

namespace {

// A German-vs-Chinese model trained once on real translations (coreutils).
std::string& ModelDir() {
  static std::string dir =
      (std::filesystem::temp_directory_path() / ("sluice_classifier_test_" + std::to_string(::getpid()))).string();
  return dir;
}

struct LangModel {
  std::string dir = ModelDir();
  std::vector<std::string> de, zh;
  LangModel() {
    de = sluice::testing::ReadMoTranslations(sluice::testing::MoPath("de", "coreutils"));
    zh = sluice::testing::ReadMoTranslations(sluice::testing::MoPath("zh_CN", "coreutils"));
    std::filesystem::create_directories(dir);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(ModelDir(), ec);
    });
    std::ofstream out(dir + "/train.txt");
    for (size_t i = 0; i < 300 && i < de.size() && i < zh.size(); ++i) {
      out << "__label__de " << sluice::PrepareFastTextText(de[i], sluice::SegmentMode::kAuto) << "\n";
      out << "__label__zh " << sluice::PrepareFastTextText(zh[i], sluice::SegmentMode::kAuto) << "\n";
    }
    out.close();
    sluice::FastTextTrainOptions opt;
    opt.dim = 16;
    ok = de.size() > 320 && zh.size() > 320 && sluice::TrainFastTextModel(dir + "/train.txt", dir + "/lang.bin", opt).ok();
  }
  bool ok = false;
};

const LangModel& Model() {
  static const LangModel* m = new LangModel();
  return *m;
}

std::unique_ptr<sluice::Stage> Build(const std::string& yaml, const std::string& instance = "") {
  REQUIRE(Model().ok);
  sluice::StageEnv env;
  env.recipe_dir = Model().dir;
  env.instance_name = instance;
  auto s = BuildStage("classifier", yaml, env);
  INFO(s.status().message());
  REQUIRE(s.ok());
  return std::move(s).value();
}

}  // namespace

TEST_CASE("classifier: drop_labels on documents, English-free German and Chinese", "[classifier]") {
  auto stage = Build("{model: lang.bin, drop_labels: [zh], threshold: 0.5}");
  Stats stats;
  StageContext ctx(&stats);
  int dropped_zh = 0, kept_de = 0;
  for (size_t i = 320; i < 340; ++i) {
    Document zh;
    zh.text = Model().zh[i];
    auto v = stage->Process(zh, ctx);
    if (!v.keep()) {
      ++dropped_zh;
      CHECK(v.reason() == sluice::kClassifierReasonDropLabel);
      CHECK(zh.Signal("classifier.zh", -1) >= 0.5);
    }
    Document de;
    de.text = Model().de[i];
    kept_de += stage->Process(de, ctx).keep();
    CHECK(de.Signal("classifier.zh", -1) < 0.5);
    CHECK(de.signals.size() == 1);  // only the drop label is recorded
  }
  CHECK(dropped_zh >= 18);
  CHECK(kept_de >= 18);
}

TEST_CASE("classifier: keep_labels, instance-named signals, scoring only", "[classifier]") {
  auto keep = Build("{model: lang.bin, keep_labels: [__label__de], threshold: 0.5}", "lang");
  Stats stats;
  StageContext ctx(&stats);
  Document zh;
  zh.text = "显示文件系统的磁盘使用情况，并输出每个文件的大小。";
  auto v = keep->Process(zh, ctx);
  CHECK_FALSE(v.keep());
  CHECK(v.reason() == sluice::kClassifierReasonBelowKeep);
  CHECK(zh.Signal("lang.de", -1) < 0.5);
  auto score = Build("{model: lang.bin}");
  Document de;
  de.text = "Die Datei konnte nicht geöffnet werden, weil der Zugriff verweigert wurde.";
  CHECK(score->Process(de, ctx).keep());
  REQUIRE(de.signals.size() == 2);  // every label of a small model
  CHECK(de.Signal("classifier.de") + de.Signal("classifier.zh") == Approx(1.0).margin(0.01));
  CHECK(de.Signal("classifier.de") > 0.5);
}

TEST_CASE("classifier: line level removes failing lines", "[classifier]") {
  auto stage = Build("{model: lang.bin, drop_labels: [zh], level: line}");
  Stats stats;
  StageContext ctx(&stats);
  // Single-line held-out strings.
  auto one_line = [](const std::vector<std::string>& v) {
    std::vector<std::string> out;
    for (size_t i = 320; i < v.size() && out.size() < 3; ++i) {
      if (v[i].find('\n') == std::string::npos && v[i].size() > 40) out.push_back(v[i]);
    }
    REQUIRE(out.size() == 3);
    return out;
  };
  const auto de = one_line(Model().de), zh = one_line(Model().zh);
  Document doc;
  doc.text = de[0] + "\n" + zh[0] + "\n\n" + de[1];
  CHECK(stage->Process(doc, ctx).keep());
  CHECK(doc.text == de[0] + "\n\n" + de[1]);
  CHECK(stats.Get(sluice::kClassifierStatLinesRemoved) == 1);
  Document all_zh;
  all_zh.text = zh[1] + "\n" + zh[2];
  auto v = stage->Process(all_zh, ctx);
  CHECK_FALSE(v.keep());
  CHECK(v.reason() == sluice::kClassifierReasonNoLinesLeft);
}

TEST_CASE("classifier: invalid options are configuration errors", "[classifier]") {
  REQUIRE(Model().ok);
  sluice::StageEnv env;
  env.recipe_dir = Model().dir;
  auto missing = BuildStage("classifier", "{model: nope.bin}", env);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("nope.bin") != std::string::npos);
  CHECK_FALSE(BuildStage("classifier", "{}", env).ok());
  auto label = BuildStage("classifier", "{model: lang.bin, drop_labels: [toxic]}", env);
  REQUIRE_FALSE(label.ok());
  CHECK(label.status().message().find("'toxic'") != std::string::npos);
  CHECK_FALSE(BuildStage("classifier", "{model: lang.bin, drop_labels: [zh], keep_labels: [de]}", env).ok());
  CHECK_FALSE(BuildStage("classifier", "{model: lang.bin, threshold: 1.5}", env).ok());
  CHECK_FALSE(BuildStage("classifier", "{model: lang.bin, level: paragraph}", env).ok());
}
