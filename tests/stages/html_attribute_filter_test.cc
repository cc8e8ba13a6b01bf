// FilterHtmlAttributes (stages/text/html_attribute_filter.h): the parse of the
// filtered HTML equals the parse of the original as a reader with the policy
// sees it, on tokenizer corner cases, on the tree builder's attribute rules,
// and on real pages; html_extract gives the same result with and without it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "html_dom_view.h"
#include "stages/text/html_attribute_filter.h"
#include "stages/text/html_dom.h"
#include "stages/text/html_extract.h"

namespace {

using Keep = sluice::HtmlAttributePolicy::Keep;

// class: the tokens starting with "keep"; title as written; href and hidden by
// presence; style: whether it says "none".
class TestPolicy final : public sluice::HtmlAttributePolicy {
 public:
  Keep Classify(std::string_view name) const override {
    if (name == "class" || name == "style") return Keep::kReduced;
    if (name == "title") return Keep::kValue;
    if (name == "href" || name == "hidden") return Keep::kName;
    return Keep::kDrop;
  }
  void Reduce(std::string_view name, std::string_view value, std::string* out) const override {
    if (name == "style") {
      if (value.find("none") != std::string_view::npos) out->append("none");
      return;
    }
    std::istringstream words{std::string(value)};
    for (std::string w; words >> w;) {
      if (w.rfind("keep", 0) != 0) continue;
      if (!out->empty()) out->push_back(' ');
      out->append(w);
    }
  }
};

std::string Filter(const std::string& html, sluice::HtmlAttributeFilterStats* stats = nullptr) {
  std::string out;
  sluice::FilterHtmlAttributes(html, TestPolicy(), &out, stats);
  return out;
}

// The views of the two parses, for CHECK(a == b) with a readable diff.
std::pair<std::string, std::string> Views(const std::string& html) {
  TestPolicy policy;
  sluice::HtmlParseLimits limits;
  limits.max_input_bytes = 64u << 20;
  return {sluice_test::ViewDom(sluice::HtmlDom::Parse(html, limits), policy),
          sluice_test::ViewDom(sluice::HtmlDom::Parse(html, limits, &policy), policy)};
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Ci() { return std::getenv("CI") && std::string(std::getenv("CI")) == "true"; }

}  // namespace

TEST_CASE("html attribute filter: drops what the policy does not read", "[html_extract][attribute_filter]") {
  CHECK(Filter("<p class='x keep1 y keep2' data-x=1 id=a>t</p>") == "<p class=\"keep1 keep2\">t</p>");
  CHECK(Filter("<a href='https://example.org/?a=1&amp;b=2' title=T>l</a>") == "<a href title=T>l</a>");
  CHECK(Filter("<div style='display: none' hidden=hidden>") == "<div style=\"none\" hidden>");
  CHECK(Filter("<BR CLASS=keep/>") == "<BR class=\"keep/\">");  // an unquoted value takes the slash
  CHECK(Filter("<br class=\"keep\"/>") == "<br class=\"keep\" />");
  // Duplicates: the first wins, even when the policy drops it.
  CHECK(Filter("<p class=x CLASS=keep>") == "<p>");
  // Values with character references are kept as written.
  CHECK(Filter("<p class=\"&#107;eep x\">") == "<p class=\"&#107;eep x\">");
  // Text, end tags, comments and raw text are copied byte for byte.
  const std::string copied =
      "<!DOCTYPE html><!-- <p class=x> --><?php echo '<p class=x>' ?></p class=x><script>a='<p class=x>'</script>"
      "<style>p{}</style><title><p class=x></title><textarea><b class=x></textarea>";
  CHECK(Filter(copied) == copied);
  // Formatting elements get one number per distinct attribute set.
  CHECK(Filter("<b class=x><b class=y><b class=x><b>") == "<b _s=0><b _s=1><b _s=0><b>");
  CHECK(Filter("<b title='&quot;x&quot;'><b title='\"x\"'><b title='&#34;x&#x22;'>") ==
        "<b _s=0 title='&quot;x&quot;'><b _s=0 title='\"x\"'><b _s=0 title='&#34;x&#x22;'>");
  sluice::HtmlAttributeFilterStats stats;
  CHECK(Filter("<b class=x><i title='&copy;'>t", &stats) == "<b class=x><i title='&copy;'>t");
  CHECK(stats.formatting_verbatim);
  CHECK(Filter("<p class=keep><svg><![CDATA[<p class=x>]]></svg><p class=x>", &stats) ==
        "<p class=\"keep\"><svg><![CDATA[<p class=x>]]></svg><p class=x>");
  CHECK(stats.stopped_early);
}

TEST_CASE("html attribute filter: the parse is the same as the reader sees it", "[html_extract][attribute_filter]") {
  const std::string nul("a\0b", 3);
  const std::vector<std::string> cases = {
      // Attribute syntax.
      "<p class = \"keep1\" >a</p><p class=keep2/>b<p class='keep3'class=\"keep4\">c",
      "<p =class=keep x>a<p \"a=b class=keep>b<p class=>c<p class>d<p a=b=c class=keep>e",
      "<P CLASS=KEEP Title=T>a<p class=keep\tid=1\ntitle=\"x y\"\fhidden\r>b",
      "<p class=x class=keep>a<p CLASS=keep class=x>b<p title=a TITLE=b>c",
      // libgumbo: a duplicate without a value prefixes the next attribute's name.
      "<p a a class=keep>a<p cl cl ass=keep>b<p a a/ class=keep>c<p a=1 a class=keep>d<p a a=2 class=keep>e",
      "<p a a a class=keep>a<p a a a a class=keep>b<p class class=x>c<p a A class=keep>d<p t t itle=x>e",
      "<b a a class=keep><b a aclass=keep><b a a class=keep><b a a class=keep>t</b></b></b></b>",
      "<p \xff \xff class=keep>a<p a\x01 a\x02 class=keep>b<p a\x01 a\x01 class=keep>c",
      "<p class=\"&#107;eep &amp; keepme\" title=\"&lt;&gt;&amp\">a<p class=keep&x>b",
      "<p title='a\"b' class=\"keep'\">a<p title=`x`>b<p title=<x>c",
      "<p class=\"keep\xff x\" title=\"\xc3\xa9\">a<p title=\"" + nul + "\">b<p title=\"a\x01\">c",
      "<p class=\"keep\r\nx\" title=\"a\r\nb\">a<p title=\"a\rb\">b",
      "<img class=keep src=x.png /><br/><hr class=x/><input class=keep><p class=keep/>x",
      // Tokenizer states.
      "a < b <p class=keep>c<3 <p class=x>d <> <p class=keep2>",
      "<!--><p class=keep1>a<!---><p class=keep2>b<!-- x --!><p class=keep3>c<!-- <p class=x> -->d",
      "<!-- -- --- --!- --!x --><p class=keep>a<!----><p class=keep2>b<!-----><p class=keep3>c",
      "<!DOCTYPE html PUBLIC \"a>b\" 'c'><p class=keep>a<!doctype><p class=keep2>",
      "<?xml version=\"1.0\"?><p class=keep>a</ foo class=x><p class=keep2>b</><p class=keep3>c</p class=x>d",
      "</p a='>' class=keep><p class=keep2>",
      "<script>if (a<b) x='<p class=q>';</script><p class=keep>a<SCRIPT type=x>'</scripts>'</SCRIPT ><p class=k>",
      "<script><!--<script></script><p class=keep1></script>--></script><p class=keep2>",
      "<script><!-- x </script><p class=keep1>a<script>a<!-- <p class=x> --></script><p class=keep2>",
      "<style>p{}</style><p class=keep>a<style><!-- <p class=x> --></style><p class=keep2>",
      "<title><p class=x></title><p class=keep>a<textarea><b class=x></textarea><b class=keep>b",
      "<xmp><p class=x></xmp><iframe><p class=x></iframe><noembed><p class=x></noembed><p class=keep>",
      "<noframes><p class=x></noframes><noscript><p class=keep></noscript><template><p class=keep2></template>",
      "<p class=keep>a<plaintext><p class=x>b",
      "<p class=keep>a<textarea>b",
      "<p class=keep>a<script>b</script",
      "<p class=keep>a<div class=\"keep",
      "<p class=keep>a<div class=keep",
      "<p class=keep>a</div",
      "<p class=keep>a<!-- b",
      "<p class=keep>a<",
      "<p class=keep>a</",
      "<p>a</><h/tml>b</><x-y class=keep data-z>c</></><q-q/x>",
      // Foreign content.
      "<svg><![CDATA[<p class=x>]]><title><p class=keep></title></svg><p class=keep2>",
      "<svg><style><!-- </style> <p data-x=\"-->\"> --></style></svg><p class=keep>",
      "<math><mi><script><!-- </script> <p data-x=\"-->\"> --></script></mi></math><p class=keep>",
      "<svg><font color=red class=keep>x</font></svg><p class=keep>",
      "<math><annotation-xml encoding=text/html><p class=keep>x</p></annotation-xml></math>",
      "<frameset><iframe><!-- </iframe> <p data-x=\"-->\"> --></iframe></frameset>",
      "<svg><style><a data-t=\"</style> <p class=keep\">x</a></style></svg><p class=keep2>",
      "<svg><style>a{}</style><script>if (a<b) c()</script></svg><p class=keep>",
      "<svg><title><x data-t=\"</title>\">t</title></svg><p class=keep><style>p{}</style><p class=keep2>",
      "<select><style><p data-t=\"</style>\" class=keep></style></select><p class=keep2>",
      "<select><textarea><p data-t=\"</textarea>\"></textarea></select><p class=keep>",
      "<p><b data-n=1><b data-n=1><svg><style><b data-n=1>x</style></svg><b data-n=1>a</p><p>t",
      // Tree builder rules that read attributes.
      "<table><input type=hidden class=x><tr><td class=keep>a</td></tr></table>",
      "<table><input type=text class=keep><tr><td>a</td></tr></table>",
      "<body class=x><p>a</p><body class=keep title=t>",
      "<html class=x><body><html class=keep title=t>",
      "<isindex prompt=\"Search: \" class=keep action=/s>",
      // The list of active formatting elements (Noah's Ark) compares attribute sets: a fourth
      // element equal to three before it drops the earliest, and fewer are reopened after </p>.
      "<p><b class=x><b class=x><b class=x><b class=y>a</p><p>text",
      "<p><b data-n=1><b data-n=2><b data-n=3><b data-n=4>a</p><p>text",
      "<p><b class=keep data-n=1><b class=keep data-n=2><b class=keep data-n=1><b class=keep data-n=1>a</p><p>t",
      "<p><i data-t=\"&quot;x&quot;\"><i data-t='\"x\"'><i data-t=\"&#34;x&#x22;\">"
      "<i data-t=\"&quot;x&quot;\">a</p><p>y",
      "<p><i data-t=a><i data-t=b><i data-t=c><i data-t=d>a</p><p>y",
      "<p><i data-a=1 data-b=2><i data-b=2 data-a=1><i data-a=1 data-b=2 data-a=3><i data-a=1>a</p><p>y",
      "<p><i data-a=1 DATA-B=2><i data-b=2 data-a=1><i data-A=1 data-b=2><i data-a=1 data-b=2 data-c>a</p><p>y",
      "<p><u data-t=&amp;><u data-t=&><u data-t=\"&\"><u data-t='&#38;'>a</p><p>z",
      "<p><u data-t=\"a&b\"><u data-t=\"a&amp;b\"><u data-t=\"a&#x26;b\"><u data-t=\"a&\">a</p><p>z",
      "<p><b data-t=\"&copy;\"><b data-t=\"\xc2\xa9\"><b data-t=\"&copy;\"><b data-t=\"&copy;\">a</p><p>z",
      "<p><s data-t=\"a\rb\"><s data-t=\"a\nb\"><s data-t=\"a\r\nb\"><s data-t=\"a\nb\">a</p><p>z",
      "<p><s data-t=\"a\x01\"><s data-t=\"a\x02\"><s data-t=\"a\x03\"><s data-t=\"a\x04\">a</p><p>z",
      "<p><em data-t=\"\xff\"><em data-t=\"\xfe\"><em data-t=\"\xef\xbf\xbd\"><em data-t=\"\xfd\">a</p><p>z",
      "<p><code class=a><code class=a><code class=b><code class=a>q</p><p>r",
      "<p><b data-n=2><b data-n=1>a<script><script></script></script><b data-n=2><b data-n=2>t</p><p>u",
      "<p><a class=x><a class=y><a class=x href=1><a class=x>r</p><p>s",
      "<p><nobr class=a><nobr class=a><nobr class=a><nobr class=b>t</p><p>u",
      "<table><tr><td><p><b data-n=1><b data-n=2><b data-n=3><b data-n=4>x</p><p>y</td></tr></table><p>after",
  };
  for (const std::string& html : cases) {
    INFO(html);
    auto [original, filtered] = Views(html);
    CHECK(filtered == original);
  }
}

TEST_CASE("html attribute filter: html_extract extracts the same from real pages with and without it",
          "[html_extract][attribute_filter]") {
  // Debian Reference (scripts/setup.sh installs the en and zh-cn pages) and any
  // other HTML documentation on the machine.
  std::vector<std::filesystem::path> pages;
  for (const char* dir : {"/usr/share/debian-reference", "/usr/share/doc"}) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      const std::string p = it->path().string();
      if (it->is_regular_file() && (p.ends_with(".html") || p.ends_with(".htm"))) pages.push_back(it->path());
    }
  }
  std::sort(pages.begin(), pages.end());
  size_t debian_reference = 0;
  for (const auto& p : pages) debian_reference += p.string().find("/debian-reference/") != std::string::npos;
  if (debian_reference < 10) {
    if (Ci()) FAIL("fewer than 10 Debian Reference pages in /usr/share/debian-reference (debian-reference-en)");
    WARN("skipped: no Debian Reference pages (apt-get install debian-reference-en)");
    return;
  }
  sluice::HtmlExtractConfig with, without;
  with.limits.max_input_bytes = without.limits.max_input_bytes = 64u << 20;
  without.filter_attributes = false;
  size_t bytes = 0, same = 0;
  for (const auto& path : pages) {
    const std::string html = ReadFile(path);
    bytes += html.size();
    const sluice::HtmlExtraction a = sluice::ExtractMainContent(html, without);
    const sluice::HtmlExtraction b = sluice::ExtractMainContent(html, with);
    INFO(path.string());
    CHECK(b.text == a.text);
    CHECK(b.title == a.title);
    CHECK(b.nodes == a.nodes);
    CHECK(b.main_container == a.main_container);
    CHECK(b.link_density == a.link_density);
    CHECK(b.removed_tag == a.removed_tag);
    CHECK(b.removed_hidden == a.removed_hidden);
    CHECK(b.removed_role == a.removed_role);
    CHECK(b.removed_class == a.removed_class);
    CHECK(b.removed_header_footer == a.removed_header_footer);
    CHECK(b.removed_form == a.removed_form);
    CHECK(b.removed_link_dense == a.removed_link_dense);
    same += b.text == a.text;
  }
  CHECK(same == pages.size());
  // And the filter has something to drop on them.
  std::string filtered;
  const std::string page = ReadFile(pages[pages.size() / 2]);
  sluice::FilterHtmlAttributes(page, TestPolicy(), &filtered);
  CHECK(filtered.size() < page.size());
  WARN(pages.size() << " pages, " << bytes / 1024 << " KiB of HTML");
}

TEST_CASE("html attribute filter: pages in 42 languages keep their extraction", "[html_extract][attribute_filter]") {
  // UDHR articles (tests/data/udhr: Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Bengali,
  // Tamil, Thai, Lao, Khmer, Myanmar, Tibetan, Ethiopic, Georgian, Armenian, Hangul, Han, kana, ...)
  // as web pages whose attribute values are in the same script: titles, classes, ids, data-*,
  // formatting elements with non-ASCII titles (numbered by the filter), a chrome sidebar.
  size_t files = 0, smaller = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SLUICE_SOURCE_DIR) + "/tests/data/udhr")) {
    if (entry.path().extension() != ".txt") continue;
    ++files;
    const std::string text = ReadFile(entry.path());
    std::vector<std::string> paragraphs;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) paragraphs.push_back(line);
    }
    REQUIRE(paragraphs.size() >= 2);
    const std::string& head = paragraphs[0];
    std::string html = "<!doctype html><html lang=x><head><title>" + head + "</title></head><body class=\"" + head +
                       "\"><div class=\"sidebar " + head + "\"><a href=\"#" + head + "\">" + head + "</a></div>" +
                       "<main id=\"" + head + "\">";
    for (size_t i = 0; i < paragraphs.size(); ++i) {
      const std::string& p = paragraphs[i];
      const std::string word = p.substr(0, p.find(' '));
      html += "<p class=\"" + word + " x" + std::to_string(i % 3) + "\" title=\"" + word + "\" data-n=\"" + word +
              "\"><b title=\"" + word + "\">" + word + "</b> <a href=\"/" + word + "\" title=\"" + word + "\">" +
              word + "</a> " + p + " <i title=\"" + word + "\"><span style=\"color: red\">" + word +
              "</span></i></p>\n";
    }
    html += "</main><footer class=\"footer\">" + head + "</footer></body></html>";
    INFO(entry.path().string());
    sluice::HtmlExtractConfig with, without;
    without.filter_attributes = false;
    const sluice::HtmlExtraction a = sluice::ExtractMainContent(html, without);
    const sluice::HtmlExtraction b = sluice::ExtractMainContent(html, with);
    CHECK(a.text.find(paragraphs.back()) != std::string::npos);
    CHECK(b.text == a.text);
    CHECK(b.title == a.title);
    CHECK(b.nodes == a.nodes);
    CHECK(b.removed_class == a.removed_class);
    CHECK(b.link_density == a.link_density);
    std::string filtered;
    sluice::FilterHtmlAttributes(html, TestPolicy(), &filtered);
    smaller += filtered.size() < html.size();
    auto [original_view, filtered_view] = Views(html);
    CHECK(filtered_view == original_view);
  }
  CHECK(files >= 40);
  CHECK(smaller == files);
}
