// DecodeMarkupText: the entity and tag pass of the normalize stage, table-driven.
#include "stages/text/markup_text.h"

#include <catch2/catch.hpp>

#include <string>

using sluice::DecodeMarkupText;
using sluice::MarkupTextCounts;
using sluice::MarkupTextOptions;

namespace {
struct Case {
  const char* in;
  bool entities, tags, drop_invisible;
  const char* out;
  int64_t n_entities, n_tags, n_invisible;
};
}  // namespace

TEST_CASE("DecodeMarkupText decodes references and strips strict tags only", "[normalize]") {
  const Case cases[] = {
      {"caf&eacute; &amp; cr&egrave;me", true, false, true, "café & crème", 3, 0, 0},
      {"&#8217;&#x2014;&#150;", true, false, true, "\u2019\u2014\u2013", 3, 0, 0},  // &#150; is Windows-1252
      {"&amp;lt;b&amp;gt;", true, false, true, "<b>", 4, 0, 0},   // a fixed point in one pass
      {"AT&T and &nosuch; and &amp", true, false, true, "AT&T and &nosuch; and &amp", 0, 0, 0},
      {"zero&#8203;width &#x9D;", true, false, true, "zerowidth ", 2, 0, 2},
      {"zero&#8203;width", true, false, false, "zero\u200Bwidth", 1, 0, 0},
      {"Привет,&nbsp;мир", true, false, true, "Привет,\u00A0мир", 1, 0, 0},
      {"<p>नमस्ते</p><b>दुनिया</b>", false, true, true, "\nनमस्ते\nदुनिया", 0, 4, 0},
      {"if (a<b && c>d) pager </etc/motd", false, true, true, "if (a<b && c>d) pager </etc/motd", 0, 0, 0},
      {"a<b and c>d", false, true, true, "ad", 0, 1, 0},  // well-formed tag syntax: a tag
      {"x<!-- note -->y<br/>z", false, true, true, "xy\nz", 0, 2, 0},
      {"&lt;b&gt;bold&lt;/b&gt;", false, true, true, "&lt;b&gt;bold&lt;/b&gt;", 0, 0, 0},  // tags off the raw text only
  };
  for (const Case& c : cases) {
    INFO(c.in);
    MarkupTextOptions options;
    options.decode_entities = c.entities;
    options.strip_tags = c.tags;
    options.drop_invisible = c.drop_invisible;
    MarkupTextCounts counts;
    std::string out = "stale";
    DecodeMarkupText(c.in, &out, options, &counts);
    CHECK(out == c.out);
    CHECK(counts.entities == c.n_entities);
    CHECK(counts.tags == c.n_tags);
    CHECK(counts.invisible == c.n_invisible);
  }
}
