// The rule stages are built once and shared by the engine's worker threads:
// Process() must give the same answer, to the last bit of every signal, on any
// thread, concurrently, whatever that thread processed before (per-thread
// scratch must not leak into results).
#include <thread>

#include "tests/filters/rule_test_util.h"

namespace {

const char* kTexts[] = {
    "首页 > 新闻\n我国科学家在量子通信领域取得新突破。研究人员成功实现了超过一千公里的光纤量子密钥分发。\n"
    "用户8848 3分钟前：研究人员成功实现了超过一千公里的光纤量子密钥分发。\n版权所有 © 2024 某某网",
    "Home > News\nA team of oceanographers has completed the most detailed map yet of the trench.[1]\n"
    "mike_77 3 hours ago: great\n© 2024 Example Media Group. All rights reserved.",
    "【北京赛车】【时时彩】\n彩票 六合彩 时时彩 北京赛车\n点击这里。点击这里。点击这里。点击这里。",
    "The cafe\xC3\x83\xC2\xA9 &amp; <b>bar</b> \xEF\xBF\xBD opens at seven, every day of the week, rain or shine.",
};

const std::pair<const char*, const char*> kStages[] = {
    {"line_cleaner", "{}"},     {"quality_signals", "{}"}, {"c4", "{min_sentences: 1}"},
    {"gopher_repetition", "{}"}, {"gopher_quality", "{min_words: 5}"}, {"fineweb", "{}"},
    {"regex_rules", "{rules: [{name: r, pattern: '点击', action: drop_line}]}"},
};

std::string Fingerprint(const sluice::Stage& stage, const char* text) {
  sluice::Document doc;
  doc.text = text;
  sluice::Stats stats;
  sluice::StageContext ctx(&stats);
  sluice::Verdict v = stage.Process(doc, ctx);
  std::string out = (v.keep() ? "keep|" : "drop " + v.reason() + "|") + doc.text + "|";
  for (const auto& [name, value] : doc.signals) out += name + "=" + sluice::testing::Num(value) + ";";
  for (const auto& r : doc.all_reasons) out += r + ",";
  return out;
}

}  // namespace

TEST_CASE("rule stages give identical results on 4 threads", "[rules_threads]") {
  for (const auto& [type, options] : kStages) {
    auto stage = sluice::testing::Build(type, options);
    std::vector<std::string> expected;
    for (const char* t : kTexts) expected.push_back(Fingerprint(*stage, t));
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int th = 0; th < 4; ++th) {
      threads.emplace_back([&, th] {
        for (int round = 0; round < 50; ++round) {
          for (size_t i = 0; i < std::size(kTexts); ++i) {
            size_t k = (i + th + round) % std::size(kTexts);  // interleave different texts
            mismatches[th] += Fingerprint(*stage, kTexts[k]) != expected[k];
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    INFO(type);
    for (int m : mismatches) CHECK(m == 0);
  }
}
