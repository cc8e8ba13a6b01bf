// Escaping, truncation and number formats of the HTML report.
#include "pipelines/report_html.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "pipelines/report_charts.h"

namespace sluice {

TEST_CASE("HtmlEscape neutralizes markup, quotes and control characters", "[report]") {
  CHECK(HtmlEscape("</script><img src=x onerror=\"a('b')\">&") ==
        "&lt;/script&gt;&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;");
  CHECK(HtmlEscape("tab\tnl\ncr\r") == "tab\tnl\ncr\r");
  CHECK(HtmlEscape(std::string("a\0b\x01\x7f", 5)) == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(HtmlEscape("中文 ok &amp;") == "中文 ok &amp;amp;");
  // Invalid UTF-8: stray continuation, truncated sequence, overlong '<', surrogate.
  CHECK(HtmlEscape("a\x80z") == "a\xEF\xBF\xBDz");
  CHECK(HtmlEscape("\xE4\xB8") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(HtmlEscape("\xC0\xBC") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(HtmlEscape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(HtmlEscape("😀") == "😀");
}

TEST_CASE("TruncateUtf8 cuts at code points", "[report]") {
  CHECK(TruncateUtf8("hello", 5) == "hello");
  CHECK(TruncateUtf8("hello", 4) == "hell…");
  CHECK(TruncateUtf8("长江的水", 2) == "长江…");
  CHECK(TruncateUtf8("", 0) == "");
  CHECK(TruncateUtf8("ab", 0) == "…");
}

TEST_CASE("number formats are fixed and locale-free", "[report]") {
  CHECK(FormatInt(0) == "0");
  CHECK(FormatInt(999) == "999");
  CHECK(FormatInt(1000) == "1,000");
  CHECK(FormatInt(1234567) == "1,234,567");
  CHECK(FormatInt(-1234) == "-1,234");
  CHECK(FormatBytes(999) == "999 B");
  CHECK(FormatBytes(1234) == "1.2 kB");
  CHECK(FormatBytes(123456789) == "123.5 MB");
  CHECK(FormatBytes(5.3e9) == "5.30 GB");
  CHECK(FormatPercent(0) == "0%");
  CHECK(FormatPercent(0.5) == "50.0%");
  CHECK(FormatPercent(0.05263) == "5.26%");
  CHECK(FormatPercent(0.0004) == "0.04%");
  CHECK(FormatPercent(NAN) == "—");
  CHECK(FormatNumber(0.25) == "0.25");
  CHECK(FormatNumber(3.14159) == "3.142");
  CHECK(FormatNumber(12345.67) == "12,345.7");
  CHECK(FormatNumber(12345.96) == "12,346");
  CHECK(FormatNumber(1e-7) == "1e-07");
  CHECK(FormatNumber(INFINITY) == "—");
  CHECK(CompactNumber(0) == "0");
  CHECK(CompactNumber(1.18921) == "1.19");
  CHECK(CompactNumber(16384) == "16.4k");
  CHECK(CompactNumber(2.5e6) == "2.5M");
}

TEST_CASE("bar lists scale, clip and escape", "[report]") {
  std::vector<BarRow> rows = {{"a<b", "stage", 50, 25, "50 (x)", 1, false}, {"big", "", 300, 0, "300", 9, true}};
  std::string html = RenderBarList(rows, 100, "aria\"label");
  CHECK(html.find("aria-label=\"aria&quot;label\"") != std::string::npos);
  CHECK(html.find("a&lt;b<small>stage</small>") != std::string::npos);
  CHECK(html.find("<rect class=\"c1\" x=\"0\" y=\"0\" width=\"50.00%\"") != std::string::npos);
  CHECK(html.find("<rect class=\"c1 light\" x=\"50.00%\" y=\"0\" width=\"25.00%\"") != std::string::npos);
  CHECK(html.find("<rect class=\"c1\" x=\"0\" y=\"0\" width=\"100.00%\"") != std::string::npos);  // clipped, color 9 % 8
  CHECK(html.find("bar-row flag") != std::string::npos);
}

TEST_CASE("histograms: shared buckets, gaps filled, mismatched kinds side by side", "[report]") {
  HistogramData before{"log", 3, {{1, 1.189, 1}, {2, 2.378, 2}}};
  HistogramData after{"log", 1, {{2, 2.378, 1}}};
  std::string svg = RenderHistogram(&before, &after, 0, "len");
  // 1 .. 2 is 4 log buckets apart: 3 filled empty bins in between, 5 bins in all.
  CHECK(svg.find("[1, 1.189): 1 before, 0 kept") != std::string::npos);
  CHECK(svg.find("[2, 2.378): 2 before, 1 kept") != std::string::npos);
  size_t rects = 0;
  for (size_t p = svg.find("<rect"); p != std::string::npos; p = svg.find("<rect", p + 1)) ++rects;
  CHECK(rects == 3);  // empty bins draw nothing
  HistogramData linear{"linear", 2, {{std::nullopt, 0.0, 1}, {0.9, 1.0, 1}}};
  std::string pair = RenderHistogram(&linear, &after, 2, "score");
  CHECK(pair.find("class=\"pair\"") != std::string::npos);
  CHECK(pair.find("&lt; 0: 1") != std::string::npos);
  CHECK(RenderHistogram(nullptr, nullptr, 0, "x").empty());
}

}  // namespace sluice
