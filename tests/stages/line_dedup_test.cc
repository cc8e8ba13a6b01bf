#include "stages/engine/global_stage.h"
#include "stages/dedup/line_dedup.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "stages/engine/stage.h"

using sluice::BuildStage;
using sluice::Document;
using sluice::StageContext;
using sluice::Stats;

namespace {

struct Outcome {
  std::string text;
  bool keep;
  std::string reason;
  std::vector<std::string> all_reasons;
};

std::vector<Outcome> RunSerial(const std::string& options, const std::vector<std::string>& texts, Stats* stats) {
  auto stage = BuildStage("line_dedup", options);
  REQUIRE(stage.ok());
  REQUIRE((*stage)->is_global());
  auto runner = sluice::GlobalStageRunner::Create(static_cast<const sluice::GlobalStage*>(stage->get()));
  REQUIRE(runner.ok());
  std::vector<Outcome> out;
  for (const auto& t : texts) {
    Document d;
    d.text = t;
    d.line = out.size() + 1;
    StageContext ctx(stats);
    auto v = runner->Run(d, ctx);
    out.push_back(Outcome{d.text, v.keep(), v.reason(), d.all_reasons});
  }
  return out;
}

}  // namespace

TEST_CASE("line_dedup: line keys ignore case, digits and punctuation", "[line_dedup]") {
  uint64_t a, b, c;
  REQUIRE(sluice::LineKey("Copyright © 2023 ACME, Inc.", &a));
  REQUIRE(sluice::LineKey("  copyright 2024 acme inc  ", &b));
  REQUIRE(sluice::LineKey("copyright 2024 acme corp", &c));
  CHECK(a == b);
  CHECK(a != c);
  uint64_t z1, z2;
  REQUIRE(sluice::LineKey("版权所有 © 2023 某某公司。保留所有权利。", &z1));
  REQUIRE(sluice::LineKey("版权所有 2019 某某公司 保留所有权利", &z2));
  CHECK(z1 == z2);
  uint64_t none;
  CHECK_FALSE(sluice::LineKey("--- *** ---", &none));
}

TEST_CASE("line_dedup: boilerplate lines are removed from later documents", "[line_dedup]") {
  const std::string menu = "Home | About us | Products | Contact us | Login";
  const std::string footer = "Copyright © 2023 Example Corporation. All rights reserved.";
  const std::string zh_footer = "版权所有 © 2023 示例公司。保留所有权利。联系我们获取更多信息。";
  Stats s;
  auto out = RunSerial("{}",
                       {menu + "\nThe first article talks about rivers and their long journey to the sea.\n" + footer,
                        menu + "\nThe second article is about mountains and the people who climb them.\n" + footer,
                        "第一篇文章讲的是长江和黄河的故事，内容很长。\n" + zh_footer,
                        "第二篇文章讲的是泰山和华山的故事，也很有意思。\n" + zh_footer,
                        "Short\nShort\nShort"},
                       &s);
  CHECK(out[0].text.find(menu) != std::string::npos);  // first occurrence stays
  CHECK(out[0].keep);
  CHECK(out[1].keep);
  CHECK(out[1].text == "The second article is about mountains and the people who climb them.");
  CHECK(out[2].text.find(zh_footer) != std::string::npos);
  CHECK(out[3].text == "第二篇文章讲的是泰山和华山的故事，也很有意思。");
  CHECK(out[4].text == "Short\nShort\nShort");  // below min_line_chars
  CHECK(s.Get("line_dedup.lines_removed") == 3);
  CHECK(s.Get("line_dedup.docs_changed") == 2);
}

TEST_CASE("line_dedup: min_docs, and drops of documents left too short", "[line_dedup]") {
  const std::string footer = "Subscribe to our newsletter for weekly updates and offers";
  Stats s;
  // min_docs 2: the line survives in the first two documents.
  auto out = RunSerial("{min_docs: 2}", {footer, footer, footer + "\nA unique closing line that is long enough."}, &s);
  CHECK(out[0].text == footer);
  CHECK(out[1].text == footer);
  CHECK(out[2].text == "A unique closing line that is long enough.");
  // A document that only repeats earlier lines ends up empty: dropped.
  Stats s2;
  auto dropped = RunSerial("{}", {footer, footer}, &s2);
  CHECK(dropped[0].keep);
  CHECK_FALSE(dropped[1].keep);
  CHECK(dropped[1].reason == "line_dedup.too_short");
  Stats s3;
  auto frac = RunSerial("{max_removed_fraction: 0.5, min_remaining_chars: 100}",
                        {footer, footer + "\nshort tail"}, &s3);
  CHECK_FALSE(frac[1].keep);
  CHECK(frac[1].reason == "line_dedup.too_short");
  CHECK(frac[1].all_reasons == std::vector<std::string>{"line_dedup.too_short", "line_dedup.mostly_duplicate"});
}

TEST_CASE("line_dedup: counter table grows", "[line_dedup]") {
  sluice::LineCounter c;
  for (uint64_t k = 1; k <= 100000; ++k) c.Increment(k * 0x9E3779B97F4A7C15ULL);
  CHECK(c.size() == 100000);
  CHECK(c.Count(5 * 0x9E3779B97F4A7C15ULL) == 1);
  c.Increment(5 * 0x9E3779B97F4A7C15ULL);
  CHECK(c.Count(5 * 0x9E3779B97F4A7C15ULL) == 2);
  CHECK(c.Count(12345) == 0);
}
