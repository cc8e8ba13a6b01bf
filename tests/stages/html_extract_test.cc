#include "stages/text/html_extract.h"

#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "stages/text/html_dom.h"
#include "stages/engine/stage.h"

namespace {

using sluice::Document;
using sluice::Stage;
using sluice::StageContext;
using sluice::Stats;
using sluice::Verdict;

std::unique_ptr<Stage> Build(const std::string& yaml) {
  auto s = sluice::BuildStage("html_extract", yaml);
  INFO(yaml);
  REQUIRE(s.ok());
  return std::move(s).value();
}

struct Run {
  Verdict verdict;
  Document doc;
  Stats stats;
};

Run Process(const Stage& stage, const std::string& text, const std::string& content_type_json = "") {
  Run r;
  r.doc.text = text;
  if (!content_type_json.empty()) r.doc.fields.push_back({"content_type", content_type_json});
  StageContext ctx(&r.stats);
  r.verdict = stage.Process(r.doc, ctx);
  return r;
}

std::string Annotation(const Document& doc, const std::string& key) {
  for (const auto& f : doc.annotations) {
    if (f.key == key) return f.json;
  }
  return "";
}

// A page of a site: the article in `main_html`, wrapped in the usual chrome.
std::string Page(const std::string& lang, const std::string& title, const std::string& chrome_words,
                 const std::string& main_html, bool with_main_tag) {
  const std::string& w = chrome_words;  // words that must not survive
  std::string body =
      "<div id=\"cookie-banner\" class=\"cookie-consent\"><p>" + w + " cookies: we use cookies to improve " + w +
      "</p><button>OK</button></div>\n"
      "<header class=\"site-header\"><a href=\"/\" class=\"logo\">" + w + " Logo</a>\n"
      "<nav><ul><li><a href=\"/\">" + w + " Home</a></li><li><a href=\"/news\">" + w +
      " News</a></li><li><a href=\"/about\">" + w + " About</a></li></ul></nav></header>\n"
      "<div class=\"breadcrumbs\"><a href=\"/\">" + w + " Home</a> &gt; <a href=\"/news\">" + w +
      " News</a> &gt; <span>" + w + " here</span></div>\n"
      "<div class=\"layout\">\n"
      "<div class=\"sidebar\"><h3>" + w + " Popular</h3><p>" + w +
      " some sidebar blurb that is not a link at all but still chrome</p></div>\n" +
      (with_main_tag ? "<main>" : "<div class=\"content\">") + main_html +
      "<div class=\"share-buttons\"><a href=\"#\">" + w + " Share</a> <a href=\"#\">" + w + " Tweet</a></div>\n"
      "<div class=\"related-posts\"><h3>" + w + " Related</h3><ul><li><a href=\"/a\">" + w +
      " related one</a></li><li><a href=\"/b\">" + w + " related two</a></li></ul></div>\n"
      "<section id=\"comments\"><h3>" + w + " 3 comments</h3><div class=\"comment\"><b>" + w +
      " Bob:</b> <p>" + w + " great post, 2 hours ago</p></div></section>\n" +
      (with_main_tag ? "</main>" : "</div>") +
      "<div style=\"display: none\"><p>" + w + " hidden by inline style</p></div>\n"
      "<p hidden>" + w + " hidden attribute</p><div aria-hidden=\"true\">" + w + " aria hidden</div>\n"
      "<div role=\"complementary\"><p>" + w + " complementary role</p></div>\n"
      "</div>\n"
      "<div class=\"newsletter-signup\"><p>" + w + " subscribe to our newsletter for weekly updates</p></div>\n"
      "<footer><p>" + w + " Copyright 2024</p><a href=\"/privacy\">" + w + " Privacy</a></footer>\n"
      "<script>var " + w + "_tracking = 'chrome';</script><style>.x{color:red}</style>\n";
  return "<!DOCTYPE html>\n<html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><title>  " + title +
         "\n </title><script>var x = 1;</script></head><body>" + body + "</body></html>";
}

}  // namespace

TEST_CASE("html_extract: article kept and chrome removed on real-looking pages in four scripts", "[html_extract]") {
  auto stage = Build("{}");
  struct Case {
    const char* name;
    const char* lang;
    const char* title;
    const char* chrome;  // a word that appears only in chrome
    std::string main_html;
    std::vector<std::string> kept;  // exact lines of the output, in order
    bool with_main_tag;
  };
  const std::vector<Case> cases = {
      {"English blog post", "en", "Why rivers meander | The River Blog", "ZZCHROME",
       "<article><h1>Why rivers meander</h1><p class=\"lead\">Rivers rarely run straight. Small bends grow "
       "because water flows faster on the outside of a curve.</p><p>Erosion on the outer bank and deposition on "
       "the inner bank move the bend sideways, <a href=\"/erosion\">as explained here</a>, over centuries.</p>"
       "<h2>Key factors</h2><ul><li>Slope of the valley</li><li>Sediment load</li></ul></article>",
       {"Why rivers meander", "",
        "Rivers rarely run straight. Small bends grow because water flows faster on the outside of a curve.", "",
        "Erosion on the outer bank and deposition on the inner bank move the bend sideways, as explained here, over "
        "centuries.",
        "", "Key factors", "", "• Slope of the valley", "• Sediment load"},
       true},
      {"Chinese news page without <main>", "zh", "长江流域今年降水偏多_新闻中心", "ZZCHROME",
       "<div class=\"article-body\"><h1>长江流域今年降水偏多</h1><p>据气象部门统计，今年入汛以来，长江流域平均降水量较常年同期偏多两成。</p>"
       "<p>专家表示，各地要提前做好防汛准备，加强巡查。</p><table><tr><th>省份</th><th>降水量</th></tr>"
       "<tr><td>湖北</td><td>820毫米</td></tr></table></div>",
       {"长江流域今年降水偏多", "", "据气象部门统计，今年入汛以来，长江流域平均降水量较常年同期偏多两成。", "",
        "专家表示，各地要提前做好防汛准备，加强巡查。", "", "省份\t降水量", "湖北\t820毫米"},
       false},
      {"Russian documentation page", "ru", "Установка — Руководство", "ZZCHROME",
       "<div role=\"main\"><h1>Установка</h1><p>Для установки выполните команду:</p>"
       "<pre>sudo apt-get install sluice\nsluice --version</pre><p>После установки проверьте версию.</p></div>",
       {"Установка", "", "Для установки выполните команду:", "", "sudo apt-get install sluice",
        "sluice --version", "", "После установки проверьте версию."},
       false},
      {"Arabic article", "ar", "الأنهار والوديان", "ZZCHROME",
       "<article><h1>الأنهار والوديان</h1><p>تتكون الوديان عندما تنحت الأنهار الصخور على مدى آلاف السنين.</p>"
       "<ol><li>التعرية</li><li>الترسيب</li></ol></article>",
       {"الأنهار والوديان", "", "تتكون الوديان عندما تنحت الأنهار الصخور على مدى آلاف السنين.", "",
        "1. التعرية", "2. الترسيب"},
       false},
      {"Hindi article", "hi", "नदियाँ और घाटियाँ", "ZZCHROME",
       "<main><h1>नदियाँ और घाटियाँ</h1><p>नदियाँ हज़ारों वर्षों में चट्टानों को काटकर घाटियाँ बनाती हैं।</p></main>",
       {"नदियाँ और घाटियाँ", "", "नदियाँ हज़ारों वर्षों में चट्टानों को काटकर घाटियाँ बनाती हैं।"}, false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    std::string html = Page(c.lang, c.title, c.chrome, c.main_html, c.with_main_tag);
    Run r = Process(*stage, html);
    REQUIRE(r.verdict.keep());
    std::string expected;
    for (const auto& line : c.kept) expected += (expected.empty() && &line == &c.kept.front() ? "" : "\n") + line;
    CHECK(r.doc.text == expected);
    CHECK(r.doc.text.find(c.chrome) == std::string::npos);
    CHECK(Annotation(r.doc, "title") == "\"" + std::string(c.title) + "\"");
    CHECK(r.stats.Get(sluice::kHtmlExtractHtmlDocs) == 1);
    CHECK(r.stats.Get("html_extract.by_sniff") == 1);
    CHECK(r.doc.Signal("html_extract.nodes") > 50);
    CHECK(r.doc.Signal("html_extract.text_ratio") > 0.0);
    CHECK(r.doc.Signal("html_extract.text_ratio") < 0.5);
  }
}

TEST_CASE("html_extract: each chrome rule on its own", "[html_extract]") {
  auto stage = Build("{}");
  const std::string article = "<p>The article paragraph stays in the output.</p>";
  struct Case {
    const char* chrome_html;
    const char* counter;  // the stage counter of the rule that removes it
  };
  const Case cases[] = {
      {"<nav><p>Menu text</p></nav>", "html_extract.removed_tag"},
      {"<aside><p>Aside text</p></aside>", "html_extract.removed_tag"},
      {"<noscript><p>Enable JavaScript</p></noscript>", "html_extract.removed_tag"},
      {"<template><p>Template text</p></template>", "html_extract.removed_tag"},
      {"<div hidden><p>Hidden text</p></div>", "html_extract.removed_hidden"},
      {"<div aria-hidden=\" TRUE \"><p>Hidden text</p></div>", "html_extract.removed_hidden"},
      {"<div style=\"color:red;DISPLAY : none\"><p>Hidden text</p></div>", "html_extract.removed_hidden"},
      {"<div style=\"visibility:hidden\"><p>Hidden text</p></div>", "html_extract.removed_hidden"},
      {"<div role=\"navigation\"><p>Role text</p></div>", "html_extract.removed_role"},
      {"<div role=\"dialog\"><p>Role text</p></div>", "html_extract.removed_role"},
      {"<div role=\"banner\"><p>Role text</p></div>", "html_extract.removed_role"},
      {"<div role=\"contentinfo\"><p>Role text</p></div>", "html_extract.removed_role"},
      {"<div role=\"search\"><p>Role text</p></div>", "html_extract.removed_role"},
      {"<ul role=\"menubar\"><li>Role text</li></ul>", "html_extract.removed_role"},
      {"<div class=\"widget sidebar-left\"><p>Class text</p></div>", "html_extract.removed_class"},
      {"<div id=\"breadcrumb\"><p>Class text</p></div>", "html_extract.removed_class"},
      {"<div class=\"toc\"><p>Class text</p></div>", "html_extract.removed_class"},
      {"<div class=\"post_comments\"><p>Class text</p></div>", "html_extract.removed_class"},
      {"<div class=\"ad-slot\"><p>Class text</p></div>", "html_extract.removed_class"},
      {"<div class=\"Cookie-Notice\"><p>Class text</p></div>", "html_extract.removed_class"},
      {"<div class=\"popup\"><p>Class text</p></div>", "html_extract.removed_class"},
      {"<div class=\"pagination\"><p>Class text</p></div>", "html_extract.removed_class"},
      {"<footer><p>Footer text</p></footer>", "html_extract.removed_header_footer"},
      {"<header><p>Header text</p></header>", "html_extract.removed_header_footer"},
      {"<form action=\"/search\"><p>Form text</p></form>", "html_extract.removed_form"},
      {"<div><a href=\"/1\">Link one</a> | <a href=\"/2\">Link two</a> | <a href=\"/3\">Link three</a></div>",
       "html_extract.removed_link_dense"},
  };
  for (const auto& c : cases) {
    INFO(c.chrome_html);
    Run r = Process(*stage, "<html><body>" + std::string(c.chrome_html) + article + "</body></html>");
    REQUIRE(r.verdict.keep());
    CHECK(r.doc.text == "The article paragraph stays in the output.");
    CHECK(r.stats.Get(c.counter) == 1);
  }
  // Whole tokens only: "loaded", "header-less" words inside longer tokens, "adventure" are not chrome.
  for (const char* cls : {"downloaded", "shadow", "navigator-info", "tocsin", "adventure", "commentary"}) {
    INFO(cls);
    Run r = Process(*stage, std::string("<html><body><div class=\"") + cls + "\"><p>Kept text.</p></div>" + article +
                                "</body></html>");
    CHECK(r.doc.text == "Kept text.\n\nThe article paragraph stays in the output.");
  }
  // Link density: a table's links are data; inside an explicit main container lists of links and
  // paragraphs wrapping an item's link are the author's; in <body> a list of links is a menu.
  struct DensityCase {
    const char* html;
    const char* text;
  };
  const DensityCase density_cases[] = {
      {"<body><div class=\"table\"><table><tr><td><a href=\"/p\">fonts-dejavu</a></td><td><a href=\"/q\">I:422"
       "</a></td></tr></table></div><p>Prose after the table.</p></body>",
       "fonts-dejavu\tI:422\n\nProse after the table."},
      {"<body><main><p>Removed functions:</p><ul><li><a href=\"/a\">assertNotRegex()</a></li>"
       "<li><p><a href=\"/b\">assertRegex()</a></p></li></ul></main></body>",
       "Removed functions:\n\n• assertNotRegex()\n• assertRegex()"},
      {"<body><p>Removed functions, and a long enough paragraph of prose.</p><ul><li><a href=\"/a\">Home</a></li>"
       "<li><a href=\"/b\">About</a></li></ul></body>",
       "Removed functions, and a long enough paragraph of prose."},
      {"<body><main><h1>Title</h1><div class=\"toctree-wrapper\"><ul><li><a href=\"/a\">Chapter one</a></li>"
       "<li><a href=\"/b\">Chapter two</a></li></ul></div></main></body>",
       "Title"},
      {"<body><main><p>Source code: <a href=\"/s\">Lib/json/__init__.py</a></p><p><a href=\"/m\">Read more "
       "about it</a></p></main></body>",
       "Source code: Lib/json/__init__.py"},
  };
  for (const auto& c : density_cases) {
    INFO(c.html);
    Run d = Process(*stage, std::string("<!doctype html><html>") + c.html + "</html>");
    CHECK(d.doc.text == c.text);
  }
  // Footnotes are asides that belong to the text.
  Run fn = Process(*stage, "<html><body>" + article +
                               "<aside class=\"footnote brackets\" role=\"note\"><p>A footnote.</p></aside>"
                               "<aside role=\"doc-endnotes\"><p>An endnote.</p></aside></body></html>");
  CHECK(fn.doc.text == "The article paragraph stays in the output.\n\nA footnote.\n\nAn endnote.");
  // An article's own header and footer stay; the body class never removes the page.
  Run r = Process(*stage,
                  "<html><body class=\"has-sidebar with-comments\"><article><header><h1>Title</h1></header>"
                  "<p>Text.</p><footer>Filed under rivers.</footer></article></body></html>");
  CHECK(r.doc.text == "Title\n\nText.\n\nFiled under rivers.");
  // A wrapper named like chrome that holds most of the page's text is layout, not chrome.
  r = Process(*stage,
              "<html><body><div class=\"page with-sidebar\"><p>Most of the text of this page is here, in a "
              "wrapper whose class names a sidebar.</p></div><p>Short.</p></body></html>");
  CHECK(r.doc.text ==
        "Most of the text of this page is here, in a wrapper whose class names a sidebar.\n\nShort.");
}

TEST_CASE("html_extract: layout of headings, lists, tables, pre, whitespace and entities", "[html_extract]") {
  auto stage = Build("{}");
  struct Case {
    const char* html;
    const char* text;
  };
  const Case cases[] = {
      {"<p>a  \n b\t<b>c</b>d</p>", "a b cd"},
      {"<p>Tom &amp; Jerry &lt;3 &eacute;t&eacute; &#x4E2D;&#25991; &nbsp;x</p>", "Tom & Jerry <3 été 中文 \u00a0x"},
      {"<h2>Head</h2>text<p>para</p>", "Head\n\ntext\n\npara"},
      {"<div>one</div><div>two</div>", "one\ntwo"},
      {"<p>line<br>break</p>", "line\nbreak"},
      {"<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>", "• a\n• b\n  • c"},
      {"<ol><li>first</li><li>second</li></ol>", "1. first\n2. second"},
      {"<ul><li></li><li>only</li></ul>", "• only"},
      {"<table><tr><th>k</th><th>v</th></tr><tr><td>a <p>b</p></td><td></td><td>c</td></tr></table>",
       "k\tv\na b\tc"},
      {"<pre>  int x;\n  if (x)\n    y();</pre>", "  int x;\n  if (x)\n    y();"},
      {"<p>before</p><pre><code>a  b\n\nc</code></pre><p>after</p>", "before\n\na  b\n\nc\n\nafter"},
      {"<dl><dt>term</dt><dd>definition</dd></dl>", "term\ndefinition"},
      {"<blockquote>quoted</blockquote>", "quoted"},
      {"<p>see <code>x()</code> and <a href=\"#\">link</a>.</p>", "see x() and link."},
  };
  for (const auto& c : cases) {
    INFO(c.html);
    Run r = Process(*stage, std::string("<!doctype html><html><body>") + c.html + "</body></html>");
    CHECK(r.doc.text == c.text);
  }
}

TEST_CASE("html_extract: options keep_links, keep_link_dense, keep_tables, keep_code", "[html_extract]") {
  const std::string html =
      "<html><body><p>Read <a href=\"/x\">the manual</a> first.</p>"
      "<div><a href=\"/1\">One</a> <a href=\"/2\">Two</a></div>"
      "<table><tr><td>cell</td></tr></table><pre>code\n  block</pre></body></html>";
  struct Case {
    const char* options;
    const char* text;
  };
  const Case cases[] = {
      {"{}", "Read the manual first.\n\ncell\n\ncode\n  block"},
      {"{keep_links: false}", "Read first.\n\ncell\n\ncode\n  block"},
      {"{keep_link_dense: true}", "Read the manual first.\n\nOne Two\n\ncell\n\ncode\n  block"},
      {"{link_density: 1.0}", "Read the manual first.\n\nOne Two\n\ncell\n\ncode\n  block"},
      {"{keep_tables: false}", "Read the manual first.\n\ncode\n  block"},
      {"{keep_code: false}", "Read the manual first.\n\ncell"},
  };
  for (const auto& c : cases) {
    INFO(c.options);
    auto stage = Build(c.options);
    Run r = Process(*stage, html);
    CHECK(r.doc.text == c.text);
  }
  for (const char* bad : {"{link_density: 1.5}", "{max_depth: 2}", "{over_cap: maybe}", "{title_field: text}",
                          "{title_field: ''}", "{keep_lnks: true}"}) {
    INFO(bad);
    CHECK_FALSE(sluice::BuildStage("html_extract", bad).ok());
  }
}

TEST_CASE("html_extract: which documents are HTML, and the others pass through untouched", "[html_extract]") {
  auto stage = Build("{}");
  struct Case {
    std::string text;
    std::string content_type;  // JSON, "" = no field
    bool html;
  };
  const std::vector<Case> cases = {
      {"<!DOCTYPE html><html><body><p>x</p></body></html>", "", true},
      {"\xEF\xBB\xBF  \n<!-- saved --><!doctype HTML><p>x</p>", "", true},
      {"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>x</p></body></html>", "", true},
      {"<HTML><BODY><P>x</P></BODY></HTML>", "", true},
      {"<head><title>t</title></head><p>x</p>", "", true},
      {"<body>x</body>", "", true},
      {"<p>x</p>", "\"text/html; charset=utf-8\"", true},
      {"<p>x</p>", "\"application/xhtml+xml\"", true},
      {"<html><body>x</body></html>", "\"text/plain\"", false},  // the field wins over sniffing
      {"Plain text that mentions <html> later.", "", false},
      {"<p>a fragment is not a document</p>", "", false},
      {"<htmlx>", "", false},
      {"{\"json\": \"<html>\"}", "", false},
      {"# Markdown\n\n<b>bold</b>", "", false},
      {"纯文本，没有标记。", "", false},
      {"", "", false},
  };
  for (const auto& c : cases) {
    INFO(c.text << " / " << c.content_type);
    Run r = Process(*stage, c.text, c.content_type);
    CHECK(r.stats.Get(sluice::kHtmlExtractHtmlDocs) == (c.html ? 1 : 0));
    CHECK(r.stats.Get(sluice::kHtmlExtractPassedThrough) == (c.html ? 0 : 1));
    if (!c.html) {
      CHECK(r.verdict.keep());
      CHECK(r.doc.text == c.text);
      CHECK(r.doc.signals.empty());
      CHECK(r.doc.annotations.empty());
    } else {
      CHECK(r.doc.text == "x");
    }
  }
  auto no_sniff = Build("{sniff: false}");
  Run r = Process(*no_sniff, "<!doctype html><p>x</p>");
  CHECK(r.doc.text == "<!doctype html><p>x</p>");
  r = Process(*no_sniff, "<p>x</p>", "\"text/html\"");
  CHECK(r.doc.text == "x");
}

TEST_CASE("html_extract: title field and empty results", "[html_extract]") {
  auto stage = Build("{}");
  Run r = Process(*stage, "<!doctype html><html><head><title> A  &amp;\n B </title></head><body><p>x</p></body></html>");
  CHECK(Annotation(r.doc, "title") == "\"A & B\"");
  auto other = Build("{title_field: page_title}");
  r = Process(*other, "<!doctype html><title>T</title><p>x</p>");
  CHECK(Annotation(r.doc, "page_title") == "\"T\"");
  CHECK(Annotation(r.doc, "title").empty());
  r = Process(*stage, "<!doctype html><p>x</p>");  // no title: no field
  CHECK(r.doc.annotations.empty());

  struct Case {
    const char* html;
    const char* options;
    bool keep;
  };
  const Case cases[] = {
      {"<!doctype html><title>Only a title</title><body><nav>menu</nav></body>", "{}", false},
      {"<!doctype html><body><script>x()</script></body>", "{}", false},
      {"<!doctype html><body><p>四个汉字</p></body>", "{min_text_chars: 4}", true},
      {"<!doctype html><body><p>三个字</p></body>", "{min_text_chars: 4}", false},
      {"<!doctype html><body></body>", "{min_text_chars: 0}", false},
  };
  for (const auto& c : cases) {
    INFO(c.html << " " << c.options);
    auto s = Build(c.options);
    Run run = Process(*s, c.html);
    CHECK(run.verdict.keep() == c.keep);
    if (!c.keep) {
      CHECK(run.verdict.reason() == sluice::kHtmlExtractNoContent);
      CHECK(run.doc.all_reasons == std::vector<std::string>{sluice::kHtmlExtractNoContent});
    }
  }
}

TEST_CASE("html_extract: caps on input bytes, nodes and depth extract what was parsed, or drop", "[html_extract]") {
  std::string paragraphs;
  for (int i = 0; i < 2000; ++i) paragraphs += "<p>paragraph " + std::to_string(i) + "</p>";
  const std::string long_page = "<!doctype html><html><body>" + paragraphs + "</body></html>";
  std::string deep = "<!doctype html><html><body><p>top</p>";
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "deep text";

  struct Case {
    const std::string* html;
    const char* options;
    const char* counter;
    const char* last_kept;   // the last paragraph that must be in the output ("" = none)
    const char* first_lost;  // the first that must not
  };
  const Case cases[] = {
      {&long_page, "{max_input_bytes: 1024}", "html_extract.input_capped", "paragraph 40", "paragraph 60"},
      {&long_page, "{max_nodes: 100}", "html_extract.nodes_capped", "paragraph 40", "paragraph 60"},
      {&deep, "{max_depth: 16}", "html_extract.depth_capped", "top", "deep text"},
      {&deep, "{}", "html_extract.depth_capped", "top", "deep text"},
  };
  for (const auto& c : cases) {
    INFO(c.options << " " << c.counter);
    auto extract = Build(c.options);
    Run r = Process(*extract, *c.html);
    REQUIRE(r.verdict.keep());
    CHECK(r.stats.Get(c.counter) == 1);
    CHECK(r.doc.text.find(c.last_kept) != std::string::npos);
    CHECK(r.doc.text.find(c.first_lost) == std::string::npos);

    std::string drop_options = std::string(c.options);
    drop_options = drop_options == "{}" ? "{over_cap: drop}" : drop_options.substr(0, drop_options.size() - 1) +
                                                                   ", over_cap: drop}";
    auto drop = Build(drop_options);
    r = Process(*drop, *c.html);
    REQUIRE_FALSE(r.verdict.keep());
    CHECK(r.verdict.reason() == sluice::kHtmlExtractTooLarge);
  }
  // Under every cap: nothing counted.
  auto stage = Build("{}");
  Run r = Process(*stage, long_page);
  CHECK(r.doc.text.find("paragraph 1999") != std::string::npos);
  CHECK(r.stats.Get("html_extract.input_capped") == 0);
  CHECK(r.stats.Get("html_extract.nodes_capped") == 0);
  CHECK(r.stats.Get("html_extract.depth_capped") == 0);
}

TEST_CASE("html_extract: the DOM keeps document order, lower-case names, attributes and decoded text", "[html_extract]") {
  auto dom = sluice::HtmlDom::Parse("<P CLASS='a b' Data-X=\"1\">x &amp; y<!-- c --><B>z</B></P>");
  REQUIRE_FALSE(dom.empty());
  std::vector<std::string> order;
  for (const auto& n : dom.nodes()) order.push_back(n.is_text ? "#" + std::string(n.text) : std::string(n.tag));
  CHECK(order == std::vector<std::string>{"html", "head", "body", "p", "#x & y", "b", "#z"});
  const auto& p = dom.node(3);
  REQUIRE(p.Attribute("class"));
  CHECK(*p.Attribute("class") == "a b");
  REQUIRE(p.Attribute("data-x"));
  CHECK(*p.Attribute("data-x") == "1");
  CHECK(p.Attribute("id") == nullptr);
  CHECK(dom.node(4).parent == 3);
  CHECK(dom.node(4).depth == 3);
  // Invalid UTF-8 and a cut in the middle of a character.
  auto cut = sluice::HtmlDom::Parse("<p>\xff\xe4\xb8\xad\xe6\x96\x87</p>", {8, 100, 16});
  CHECK(cut.input_capped());
  std::string text;
  for (const auto& n : cut.nodes()) text += n.is_text ? n.text : "";
  CHECK(text == "\xef\xbf\xbd\xe4\xb8\xad");  // U+FFFD, then 中; 文 was cut whole
}

namespace {

// Everything a DOM holds, one line per node.
std::string DumpDom(const sluice::HtmlDom& dom) {
  std::string out = std::to_string(dom.input_capped()) + std::to_string(dom.nodes_capped()) +
                    std::to_string(dom.depth_capped()) + " " + std::to_string(dom.parsed_bytes()) + "\n";
  for (const auto& n : dom.nodes()) {
    out += std::to_string(n.parent) + " " + std::to_string(n.depth) + " " + (n.is_text ? "#" + std::string(n.text) : std::string(n.tag));
    for (const auto& [name, value] : n.attributes) out += " " + std::string(name) + "=" + std::string(value);
    out += " [";
    for (uint32_t c : n.children) out += std::to_string(c) + ",";
    out += "]\n";
  }
  return out;
}

std::string DumpOnNewThread(const std::string& html, const sluice::HtmlParseLimits& limits) {
  std::string dump;
  std::thread t([&] { dump = DumpDom(sluice::HtmlDom::Parse(html, limits)); });
  t.join();
  return dump;
}

}  // namespace

TEST_CASE("html_extract: parses reusing a thread's parser memory equal parses on a fresh thread", "[html_extract]") {
  // The parser's per-thread arena (1 MiB blocks) and the node array a destroyed DOM leaves to the next
  // parse: pages bigger than a block, a single text and attribute larger than a block, and small pages
  // between them, parsed one after the other on this thread, each equal to its parse on a new thread.
  std::string big = "<!doctype html><html><head><title>Big</title></head><body>";
  for (int i = 0; i < 30000; ++i) {
    big += "<div class='c" + std::to_string(i % 7) + "'><p>paragraph " + std::to_string(i) + " &amp; <b>bold</b></p></div>";
  }
  big += "</body></html>";
  const std::string huge_text = "<pre>" + std::string(3u << 20, 'x') + "</pre>";
  const std::string huge_attribute = "<p title='" + std::string(2u << 20, 'y') + "'>t</p>";
  const std::string small = "<p class=a>one <i>two</i></p><ul><li>three<li>four</ul>";
  const std::vector<const std::string*> pages = {&small, &big,  &small, &huge_text, &huge_attribute,
                                                 &small, &big,  &big,   &small};
  sluice::HtmlParseLimits limits;
  limits.max_input_bytes = 16u << 20;
  std::vector<std::string> fresh;
  for (const std::string* page : pages) fresh.push_back(DumpOnNewThread(*page, limits));
  CHECK(fresh[3].find("#" + std::string(3u << 20, 'x')) != std::string::npos);
  CHECK(fresh[4].find("title=" + std::string(2u << 20, 'y')) != std::string::npos);
  CHECK(fresh[1].find("#paragraph 29999 & ") != std::string::npos);
  for (int round = 0; round < 2; ++round) {
    sluice::HtmlDom kept;  // round 1 keeps each DOM alive while the next is parsed
    for (size_t i = 0; i < pages.size(); ++i) {
      INFO("round " << round << " page " << i);
      sluice::HtmlDom dom = sluice::HtmlDom::Parse(*pages[i], limits);
      CHECK(DumpDom(dom) == fresh[i]);
      if (round == 1) kept = std::move(dom);
    }
  }
}

TEST_CASE("html_extract: the nesting scan counts what the parser keeps open", "[html_extract]") {
  // max_depth 2: the scan cuts at the 9th open element (4 x 2 + 1); parsed_bytes() says where.
  const sluice::HtmlParseLimits limits{1u << 20, 200000, 2};
  auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  struct Case {
    std::string html;
    bool cut;
  };
  const std::string long_name = "textarea-like-custom-element";  // longer than any listed name
  const Case cases[] = {
      {repeat("<div>", 8) + "x", false},
      {repeat("<div>", 9) + "x", true},
      {repeat("<DiV class='a>b'>", 9) + "x", true},
      {repeat("<div></div>", 50), false},
      {repeat("<div/>", 50), false},
      {repeat("<p>", 50) + repeat("<li>", 50) + repeat("<td>", 50) + repeat("<br>", 50) + repeat("<img>", 50) +
           repeat("<optgroup>", 50) + repeat("<colgroup>", 50) + repeat("<tbody>", 50),
       false},
      {repeat("<" + long_name + ">", 9) + "x", true},
      {repeat("<abcdefghijklmnop>", 9) + "x", true},  // 16 letters
      {repeat("<pp>", 9) + "x", true},
      {"<TITLE>" + repeat("<div>", 50) + "</TiTlE>" + repeat("<div>", 7) + "x", false},
      {"<script>" + repeat("<div>", 50) + "</script>" + repeat("<div>", 7) + "x", false},
      {"<textarea>" + repeat("<div>", 50) + "</textarea>" + repeat("<div>", 7) + "x", false},
      {"<xmp>" + repeat("<div>", 50) + "</xmp>" + repeat("<div>", 7) + "x", false},
      {"<noframes>" + repeat("<div>", 50) + "</noframes>" + repeat("<div>", 7) + "x", false},
      // A listed raw-text name with more letters is an ordinary element: its content is counted.
      {"<scripts>" + repeat("<div>", 8) + "x", true},
      {"<!-- " + repeat("<div>", 50) + " -->" + repeat("<div>", 8) + "x", false},
  };
  for (const auto& c : cases) {
    INFO(c.html.substr(0, 120));
    auto dom = sluice::HtmlDom::Parse(c.html, limits);
    CHECK((dom.parsed_bytes() < c.html.size()) == c.cut);
    if (c.cut) CHECK(dom.depth_capped());
  }
}
