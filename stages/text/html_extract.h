// Main-content extraction from HTML (the `html_extract` stage and the
// ExtractMainContent function it wraps): parse with the HTML5 parser behind
// stages/text/html_dom.h, pick the main container (<main>, role=main, the dominant
// <article>, else <body>), leave out site chrome (script/style/nav/aside,
// hidden elements, ARIA navigation roles, class/id tokens such as sidebar,
// breadcrumb, cookie, comments, link-dense blocks), and lay the rest out as
// text: blocks separated by blank lines, list items as "• " lines, table rows
// as tab-separated cells, <pre> with its line breaks.
//   "<nav><a>Home</a></nav><main><h1>T</h1><p>a  <b>b</b></p><ul><li>x</ul></main>"
//     -> "T\n\na b\n\n• x"
// Pure functions of their input and config: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stages/text/html_dom.h"

namespace sluice {

struct HtmlExtractConfig {
  HtmlParseLimits limits;
  bool keep_links = true;        // text of links inside kept blocks (false: left out)
  bool keep_link_dense = false;  // true: link-dense blocks are kept
  double link_density = 0.5;     // a block whose link text is more than this share of its text is link-dense
  bool keep_tables = true;       // false: <table> left out
  bool keep_code = true;         // false: <pre> blocks left out (inline <code> stays)
  // Drop the attributes no rule reads before parsing (same result, ~25 % less
  // CPU on documentation pages); false only to check that claim.
  bool filter_attributes = true;
};

// What ExtractMainContent found, and how many blocks each rule left out.
struct HtmlExtraction {
  std::string text;
  std::string title;             // <title>, whitespace collapsed
  size_t nodes = 0;              // DOM nodes parsed
  bool input_capped = false;     // see HtmlParseLimits
  bool nodes_capped = false;
  bool depth_capped = false;
  bool main_container = false;   // <main>/role=main/<article> chosen (else <body>)
  double link_density = 0.0;     // of the main container
  int64_t removed_tag = 0;       // script, style, nav, aside, form controls, ...
  int64_t removed_hidden = 0;    // hidden, aria-hidden, display:none, visibility:hidden
  int64_t removed_role = 0;      // ARIA navigation/menu/dialog/banner/... roles
  int64_t removed_class = 0;     // site-chrome class/id tokens
  int64_t removed_header_footer = 0;
  int64_t removed_form = 0;
  int64_t removed_link_dense = 0;
};

// True when `text` sniffs as an HTML document: optional BOM, whitespace,
// comments and an XML declaration, then <!doctype html, <html, <head or <body.
bool LooksLikeHtml(std::string_view text);

// Extracts the main content of one HTML document.
HtmlExtraction ExtractMainContent(std::string_view html, const HtmlExtractConfig& config);

// Stable names (API): drop reasons and counters of the stage.
inline constexpr char kHtmlExtractNoContent[] = "html_extract.no_content";
inline constexpr char kHtmlExtractTooLarge[] = "html_extract.too_large";
inline constexpr char kHtmlExtractHtmlDocs[] = "html_extract.html_docs";
inline constexpr char kHtmlExtractPassedThrough[] = "html_extract.passed_through";

}  // namespace sluice
