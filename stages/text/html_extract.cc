#include "stages/text/html_extract.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "stages/engine/stage.h"
#include "stages/text/html_attribute_filter.h"

namespace sluice {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[i]) != prefix[i]) return false;
  }
  return true;
}

bool ContainsNoCase(std::string_view s, std::string_view needle) {
  if (needle.size() > s.size()) return false;
  for (size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (StartsWithNoCase(s.substr(i), needle)) return true;
  }
  return false;
}

template <size_t N>
bool OneOf(std::string_view s, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// Elements whose content is never page text.
constexpr std::array<std::string_view, 26> kDropTags = {
    "script", "style",  "noscript", "template", "nav",    "aside",  "head",   "iframe", "svg",
    "canvas", "object", "embed",    "button",   "select", "input",  "textarea", "option", "dialog",
    "menu",   "audio",  "video",    "map",      "link",   "meta",   "math",   "label"};

// ARIA landmark and widget roles of site chrome.
constexpr std::array<std::string_view, 10> kChromeRoles = {
    "navigation", "menu", "menubar", "dialog", "alertdialog", "banner", "contentinfo", "complementary", "search",
    "toolbar"};

// Whole class/id tokens (split at every non-alphanumeric byte, lower case) that name site chrome.
constexpr std::array<std::string_view, 56> kChromeTokens = {
    "sidebar",   "sidebars",  "sphinxsidebar", "sidenav",   "nav",        "navbar",    "navigation", "navheader",
    "navfooter", "topnav",    "topbar",        "menu",      "menubar",    "submenu",   "breadcrumb", "breadcrumbs",
    "toc",       "related",   "share",         "sharing",   "social",     "cookie",    "cookies",    "consent",
    "gdpr",      "banner",    "footer",        "header",    "masthead",   "comment",   "comments",   "advert",
    "advertisement", "advertising", "ad",      "ads",       "adsense",    "sponsor",   "sponsored",  "promo",
    "popup",     "modal",     "newsletter",    "subscribe", "pagination", "pager",     "skip",       "skiplink",
    "widget",    "widgets",   "disqus",        "signup",    "login",      "backtotop", "relatedposts", "shares"};

// Tokens of page-level chrome that articles also use for their own header/footer.
bool IsHeaderFooterToken(std::string_view t) { return t == "header" || t == "footer" || t == "masthead"; }
bool IsCommentToken(std::string_view t) { return t == "comment" || t == "comments" || t == "disqus"; }

// Blocks the link-density rule looks at.
// Tables are data: their links are the table's content, so they are never link-dense here.
// Lists are judged only outside an explicit main container: inside <main>, role=main or the
// article, a list of links is the author's (an index, a list of changed functions).
constexpr std::array<std::string_view, 6> kDensityBlocks = {"div", "section", "header", "footer", "center", "p"};
constexpr std::array<std::string_view, 3> kDensityLists = {"ul", "ol", "dl"};

// Elements that end a line of text; the second list ends a paragraph (blank line).
constexpr std::array<std::string_view, 19> kLineBlocks = {
    "div", "section", "article", "main", "li", "dt", "dd", "tr", "br", "header", "footer", "address", "figure",
    "figcaption", "caption", "details", "summary", "center", "form"};
constexpr std::array<std::string_view, 15> kParagraphBlocks = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "pre", "blockquote", "hr", "body"};

// Calls f(token) for each lower-case alphanumeric run of `value`.
template <typename F>
void ForEachToken(std::string_view value, F&& f) {
  std::string token;
  for (size_t i = 0; i <= value.size(); ++i) {
    char c = i < value.size() ? Lower(value[i]) : ' ';
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      token.push_back(c);
    } else if (!token.empty()) {
      f(std::string_view(token));
      token.clear();
    }
  }
}

// A style attribute that hides its element (display:none, visibility:hidden).
bool StyleHides(std::string_view style) {
  std::string v;
  for (char c : style) {
    if (!IsSpace(c)) v.push_back(Lower(c));
  }
  return v.find("display:none") != std::string::npos || v.find("visibility:hidden") != std::string::npos;
}

bool IsHidden(const HtmlNode& n) {
  if (n.Attribute("hidden")) return true;
  if (const std::string_view* a = n.Attribute("aria-hidden")) {
    std::string v;
    for (char c : *a) {
      if (!IsSpace(c)) v.push_back(Lower(c));
    }
    if (v == "true") return true;
  }
  if (const std::string_view* s = n.Attribute("style")) return StyleHides(*s);
  return false;
}

bool HasRole(const HtmlNode& n, std::string_view role) {
  const std::string_view* r = n.Attribute("role");
  if (!r) return false;
  bool found = false;
  ForEachToken(*r, [&](std::string_view t) { found = found || t == role; });
  return found;
}

// class/role tokens of footnotes.
constexpr std::array<std::string_view, 4> kFootnoteTokens = {"footnote", "footnotes", "note", "endnotes"};

// <aside> is chrome, except footnotes (docutils/Sphinx, DPUB-ARIA): they belong to the text.
bool IsFootnoteAside(const HtmlNode& n) {
  if (n.tag != "aside") return false;
  bool found = false;
  for (const char* attr : {"class", "role"}) {
    if (const std::string_view* v = n.Attribute(attr)) {
      ForEachToken(*v, [&](std::string_view t) { found = found || OneOf(t, kFootnoteTokens); });
    }
  }
  return found;
}

bool HasChromeRole(const HtmlNode& n) {
  const std::string_view* r = n.Attribute("role");
  if (!r) return false;
  bool found = false;
  ForEachToken(*r, [&](std::string_view t) { found = found || OneOf(t, kChromeRoles); });
  return found;
}

// The first chrome token in class or id ("" when none).
std::string_view ChromeToken(const HtmlNode& n) {
  std::string_view hit;
  for (const char* attr : {"class", "id"}) {
    if (const std::string_view* v = n.Attribute(attr)) {
      ForEachToken(*v, [&](std::string_view t) {
        if (hit.empty()) {
          for (std::string_view k : kChromeTokens) {
            if (t == k) {
              hit = k;  // a view of the static table, valid after `t` is gone
              break;
            }
          }
        }
      });
    }
    if (!hit.empty()) break;
  }
  return hit;
}

bool IsMainish(const HtmlNode& n) { return n.tag == "main" || n.tag == "article" || HasRole(n, "main"); }

// The attributes the rules above read, and what of them: HtmlDom::Parse drops
// the rest before parsing (a third of a documentation page's bytes are class
// lists and URLs). Must stay in step with every Attribute() call in this file;
// the differential tests (html_extract_test "[attribute_filter]" and the fuzzer)
// compare extraction with and without it.
class ExtractorAttributes final : public HtmlAttributePolicy {
 public:
  Keep Classify(std::string_view name) const override {
    if (name == "href" || name == "hidden") return Keep::kName;  // only presence is read
    if (name == "aria-hidden") return Keep::kValue;
    if (name == "class" || name == "id" || name == "role" || name == "style") return Keep::kReduced;
    return Keep::kDrop;
  }
  void Reduce(std::string_view name, std::string_view value, std::string* out) const override {
    if (name == "style") {
      if (StyleHides(value)) out->append("display:none");
      return;
    }
    // class, id, role: the tokens some rule compares, in their order.
    ForEachToken(value, [&](std::string_view t) {
      if (!RuleTokens().contains(t)) return;
      if (!out->empty()) out->push_back(' ');
      out->append(t);
    });
  }

 private:
  static const std::unordered_set<std::string_view>& RuleTokens() {
    static const auto* tokens = [] {
      auto* t = new std::unordered_set<std::string_view>(kChromeTokens.begin(), kChromeTokens.end());
      t->insert(kChromeRoles.begin(), kChromeRoles.end());
      t->insert(kFootnoteTokens.begin(), kFootnoteTokens.end());
      t->insert("main");
      return t;
    }();
    return *tokens;
  }
};

// Non-whitespace bytes of `s`.
size_t Weight(std::string_view s) {
  size_t w = 0;
  for (char c : s) w += IsSpace(c) ? 0 : 1;
  return w;
}

// Builds the output text: collapses inline whitespace, turns blocks into line
// and paragraph breaks, and emits list bullets and table cell tabs lazily
// (only when text follows, so empty blocks leave no trace).
class TextWriter {
 public:
  void Break(int level) {
    if (in_cell_ > 0) {
      pending_space_ = true;
      return;
    }
    pending_break_ = std::max(pending_break_, level);
    pending_space_ = false;
  }
  void Prefix(std::string p) { prefix_ = std::move(p); }
  void CellStart() {
    if (row_has_text_) pending_tab_ = true;
  }
  void RowStart() {
    Break(1);
    row_has_text_ = false;
    pending_tab_ = false;
  }
  void EnterCell() { ++in_cell_; }
  void LeaveCell() { --in_cell_; }

  void Inline(std::string_view text) {
    for (char c : text) {
      if (IsSpace(c)) {
        pending_space_ = true;
      } else {
        Emit(c);
      }
    }
  }
  void Pre(std::string_view text) {
    for (char c : text) {
      if (c == '\r') continue;
      if (c == '\n') {
        BeginText();
        out_.push_back('\n');
        continue;
      }
      Emit(c, /*pre=*/true);
    }
  }
  std::string Take() {
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\n')) out_.pop_back();
    return std::move(out_);
  }

 private:
  void BeginText() {
    if (pending_break_ > 0) {
      while (!out_.empty() && out_.back() == ' ') out_.pop_back();
      if (!out_.empty()) {
        // Count the newlines already there so that a break never exceeds its level.
        int have = 0;
        for (size_t i = out_.size(); i > 0 && out_[i - 1] == '\n' && have < 2; --i) ++have;
        for (int i = have; i < pending_break_; ++i) out_.push_back('\n');
      }
      pending_break_ = 0;
      pending_space_ = false;
    }
    if (!prefix_.empty()) {
      out_ += prefix_;
      prefix_.clear();
      pending_space_ = false;
    }
  }
  void Emit(char c, bool pre = false) {
    BeginText();
    if (pending_tab_) {
      out_.push_back('\t');
      pending_tab_ = false;
      pending_space_ = false;
    }
    if (pending_space_ && !pre) {
      if (!out_.empty() && out_.back() != '\n' && out_.back() != ' ' && out_.back() != '\t') out_.push_back(' ');
    }
    pending_space_ = false;
    out_.push_back(c);
    row_has_text_ = true;
  }

  std::string out_;
  std::string prefix_;
  int pending_break_ = 0;
  bool pending_space_ = false;
  bool pending_tab_ = false;
  bool row_has_text_ = false;
  int in_cell_ = 0;
};

class Extractor {
 public:
  Extractor(const HtmlDom& dom, const HtmlExtractConfig& cfg, HtmlExtraction* r) : dom_(dom), cfg_(cfg), r_(r) {}

  void Run() {
    const auto& nodes = dom_.nodes();
    const size_t n = nodes.size();
    if (n == 0) return;
    hard_.assign(n, 0);
    weight_.assign(n, 0);
    link_weight_.assign(n, 0);
    has_main_.assign(n, 0);
    std::vector<uint8_t> in_link(n, 0);
    uint32_t body = 0;
    // Top-down: elements removed whatever the main container is, and the title.
    for (uint32_t i = 0; i < n; ++i) {
      const HtmlNode& node = nodes[i];
      const bool parent_hard = node.parent != HtmlNode::kNone && hard_[node.parent];
      in_link[i] = node.parent != HtmlNode::kNone && in_link[node.parent];
      if (node.is_text) {
        hard_[i] = parent_hard;
        continue;
      }
      if (node.tag == "title" && r_->title.empty()) {
        for (uint32_t c : node.children) {
          if (nodes[c].is_text) r_->title += nodes[c].text;
        }
      }
      if (node.tag == "body" && body == 0) body = i;
      if (node.tag == "a" && node.Attribute("href")) in_link[i] = 1;  // <a id=...> is an anchor, not a link
      if (parent_hard) {
        hard_[i] = 1;
      } else if (OneOf(node.tag, kDropTags) && !IsFootnoteAside(node)) {
        hard_[i] = 1;
        if (node.tag != "head") ++r_->removed_tag;
      } else if (IsHidden(node)) {
        hard_[i] = 1;
        ++r_->removed_hidden;
      } else if (HasChromeRole(node)) {
        hard_[i] = 1;
        ++r_->removed_role;
      }
    }
    // Bottom-up: text weight and link text weight of what is left.
    for (uint32_t i = static_cast<uint32_t>(n); i-- > 0;) {
      const HtmlNode& node = nodes[i];
      if (hard_[i]) continue;
      if (node.is_text) {
        weight_[i] = Weight(node.text);
        if (in_link[i]) link_weight_[i] = weight_[i];
      } else if (IsMainish(node)) {
        has_main_[i] = 1;
      }
      if (node.parent != HtmlNode::kNone) {
        weight_[node.parent] += weight_[i];
        // A table's links are its data (package lists, API tables): they do not make the block around it link-dense.
        link_weight_[node.parent] += node.tag == "table" ? 0 : link_weight_[i];
        has_main_[node.parent] |= has_main_[i];
      }
    }
    root_ = ChooseRoot(body);
    r_->link_density = weight_[root_] ? static_cast<double>(link_weight_[root_]) / weight_[root_] : 0.0;
    bool in_article = IsMainish(nodes[root_]);
    Walk(root_, in_article, /*pre=*/false, /*list_depth=*/0);
    r_->text = writer_.Take();
    TextWriter title;
    title.Inline(r_->title);
    r_->title = title.Take();
  }

 private:
  uint32_t ChooseRoot(uint32_t body) {
    const auto& nodes = dom_.nodes();
    const size_t total = weight_[body];
    uint32_t best_main = HtmlNode::kNone, best_article = HtmlNode::kNone;
    size_t article_total = 0;
    for (uint32_t i = 0; i < nodes.size(); ++i) {
      const HtmlNode& node = nodes[i];
      if (node.is_text || hard_[i]) continue;
      if (node.tag == "main" || HasRole(node, "main")) {
        if (best_main == HtmlNode::kNone || weight_[i] > weight_[best_main]) best_main = i;
      } else if (node.tag == "article") {
        // Outermost articles only: a comment inside an article is not a second article.
        bool nested = false;
        for (uint32_t p = node.parent; p != HtmlNode::kNone && !nested; p = nodes[p].parent) {
          nested = nodes[p].tag == "article";
        }
        if (nested) continue;
        article_total += weight_[i];
        if (best_article == HtmlNode::kNone || weight_[i] > weight_[best_article]) best_article = i;
      }
    }
    // A container holding a fifth of the page's text or more is its main content.
    if (best_main != HtmlNode::kNone && weight_[best_main] * 5 >= total && weight_[best_main] > 0) {
      r_->main_container = true;
      return best_main;
    }
    if (best_article != HtmlNode::kNone && weight_[best_article] * 5 >= total && weight_[best_article] > 0 &&
        weight_[best_article] * 2 >= article_total) {
      r_->main_container = true;
      return best_article;
    }
    return body;
  }

  // Whether element `i` inside the main container is chrome; counts the rule that says so.
  bool IsChrome(uint32_t i, bool in_article) {
    const HtmlNode& node = dom_.node(i);
    if (i == root_ || has_main_[i] || node.tag == "body" || node.tag == "html") return false;
    if (!in_article && (node.tag == "header" || node.tag == "footer")) {
      ++r_->removed_header_footer;
      return true;
    }
    const size_t root_weight = weight_[root_];
    // A block with most of the page's text is the page's layout, whatever it is called.
    const bool dominant = weight_[i] * 5 >= root_weight * 3 && root_weight > 0;
    if (node.tag == "form" && !dominant) {
      ++r_->removed_form;
      return true;
    }
    if (node.tag != "article" && node.tag != "main") {
      std::string_view token = ChromeToken(node);
      if (!token.empty()) {
        const bool skip = (IsHeaderFooterToken(token) && in_article) || (dominant && !IsCommentToken(token));
        if (!skip) {
          ++r_->removed_class;
          return true;
        }
      }
    }
    // A paragraph that wraps a list item's or a table cell's text is judged with its list or table.
    const std::string_view parent_tag = node.parent == HtmlNode::kNone ? node.tag : dom_.node(node.parent).tag;
    const bool item_paragraph = node.tag == "p" && (parent_tag == "li" || parent_tag == "td" || parent_tag == "th" ||
                                                    parent_tag == "dd" || parent_tag == "dt");
    const bool judged = (OneOf(node.tag, kDensityBlocks) && !item_paragraph) ||
                        (!r_->main_container && OneOf(node.tag, kDensityLists));
    // A paragraph is prose with links unless nearly all of it is link text ("Read more »"); so is a
    // block inside an explicit main container (a section of reference prose).
    const double threshold =
        node.tag == "p" || r_->main_container ? std::max(cfg_.link_density, 0.8) : cfg_.link_density;
    // No exception for a dominant block here: a page whose main text is mostly links is a link list.
    if (!cfg_.keep_link_dense && weight_[i] > 0 && judged &&
        static_cast<double>(link_weight_[i]) > threshold * static_cast<double>(weight_[i])) {
      ++r_->removed_link_dense;
      return true;
    }
    return false;
  }

  void Walk(uint32_t i, bool in_article, bool pre, int list_depth) {
    const HtmlNode& node = dom_.node(i);
    if (hard_[i]) return;
    if (node.is_text) {
      if (!cfg_.keep_links && in_link_) return;
      if (pre) {
        writer_.Pre(node.text);
      } else {
        writer_.Inline(node.text);
      }
      return;
    }
    if (IsChrome(i, in_article)) return;
    const std::string_view tag = node.tag;
    if (!cfg_.keep_tables && tag == "table") return;
    if (!cfg_.keep_code && tag == "pre") return;
    // A list inside a list item continues its lines; elsewhere a list is a paragraph.
    // So is a paragraph inside a list item or definition (Sphinx writes <li><p>...</p></li>).
    const std::string_view parent_tag = node.parent == HtmlNode::kNone ? tag : dom_.node(node.parent).tag;
    const bool in_item = parent_tag == "li" || parent_tag == "dd" || parent_tag == "dt";
    const bool paragraph =
        OneOf(tag, kParagraphBlocks) && !((tag == "ul" || tag == "ol") && list_depth > 0) && !(tag == "p" && in_item);
    const bool line = !paragraph && (OneOf(tag, kLineBlocks) || tag == "ul" || tag == "ol" || tag == "p");
    if (paragraph) writer_.Break(2);
    if (line) writer_.Break(1);
    bool child_article = in_article || (i != root_ && IsMainish(node)) || tag == "section";
    int child_list_depth = list_depth;
    if (tag == "ul" || tag == "ol") ++child_list_depth;
    int ordinal = 0;
    const bool was_in_link = in_link_;
    if (tag == "a" && node.Attribute("href")) in_link_ = true;
    if (tag == "tr") writer_.RowStart();
    const bool cell = tag == "td" || tag == "th";
    if (cell) {
      writer_.CellStart();
      writer_.EnterCell();
    }
    for (uint32_t c : node.children) {
      const HtmlNode& child = dom_.node(c);
      if (!child.is_text && child.tag == "li" && !hard_[c]) {
        std::string prefix(static_cast<size_t>(std::max(0, child_list_depth - 1)) * 2, ' ');
        prefix += tag == "ol" ? std::to_string(++ordinal) + ". " : "• ";
        writer_.Break(1);
        writer_.Prefix(std::move(prefix));
      }
      Walk(c, child_article, pre || tag == "pre" || tag == "textarea", child_list_depth);
    }
    if (cell) writer_.LeaveCell();
    if (tag == "br") {
      if (pre) {
        writer_.Pre("\n");
      } else {
        writer_.Break(1);
      }
    }
    in_link_ = was_in_link;
    if (paragraph) writer_.Break(2);
    if (line) writer_.Break(1);
  }

  const HtmlDom& dom_;
  const HtmlExtractConfig& cfg_;
  HtmlExtraction* r_;
  std::vector<uint8_t> hard_;
  std::vector<size_t> weight_;
  std::vector<size_t> link_weight_;
  std::vector<uint8_t> has_main_;
  uint32_t root_ = 0;
  bool in_link_ = false;
  TextWriter writer_;
};

}  // namespace

bool LooksLikeHtml(std::string_view s) {
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  for (int guard = 0; guard < 64; ++guard) {
    while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
    if (s.starts_with("<!--")) {
      size_t end = s.find("-->", 4);
      if (end == std::string_view::npos) return false;
      s.remove_prefix(end + 3);
      continue;
    }
    if (s.starts_with("<?xml")) {
      size_t end = s.find("?>");
      if (end == std::string_view::npos) return false;
      s.remove_prefix(end + 2);
      continue;
    }
    break;
  }
  for (std::string_view open : {"<!doctype html", "<html", "<head", "<body"}) {
    if (StartsWithNoCase(s, open)) {
      if (s.size() == open.size()) return true;
      char next = s[open.size()];
      return IsSpace(next) || next == '>' || next == '/';
    }
  }
  return false;
}

HtmlExtraction ExtractMainContent(std::string_view html, const HtmlExtractConfig& config) {
  HtmlExtraction r;
  if (html.starts_with("\xEF\xBB\xBF")) html.remove_prefix(3);  // the parser would keep a BOM as text
  static const ExtractorAttributes kAttributes;
  HtmlDom dom = HtmlDom::Parse(html, config.limits, config.filter_attributes ? &kAttributes : nullptr);
  r.nodes = dom.nodes().size();
  r.input_capped = dom.input_capped();
  r.nodes_capped = dom.nodes_capped();
  r.depth_capped = dom.depth_capped();
  Extractor(dom, config, &r).Run();
  return r;
}

// ---------------------------------------------------------------- the stage

namespace {

constexpr const char* kSignalNodes = "html_extract.nodes";
constexpr const char* kSignalTextRatio = "html_extract.text_ratio";
constexpr const char* kSignalLinkDensity = "html_extract.link_density";

// Strips the JSON quotes of a string field's value ("" for other JSON values); escapes are kept as written.
std::string_view JsonStringBody(std::string_view json) {
  if (json.size() >= 2 && json.front() == '"' && json.back() == '"') return json.substr(1, json.size() - 2);
  return {};
}

class HtmlExtractStage final : public Stage {
 public:
  HtmlExtractStage(HtmlExtractConfig cfg, bool drop_over_cap, int64_t min_text_chars, std::string title_field,
                   bool sniff)
      : cfg_(cfg),
        drop_over_cap_(drop_over_cap),
        min_text_chars_(min_text_chars),
        title_field_(std::move(title_field)),
        sniff_(sniff) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    Stats& s = ctx.stats();
    // The annotation wins over an input field of the same name (as when written out).
    const JsonField* content_type = nullptr;
    for (const auto& f : doc.fields) {
      if (f.key == "content_type") content_type = &f;
    }
    for (const auto& f : doc.annotations) {
      if (f.key == "content_type") content_type = &f;
    }
    bool html = false;
    if (content_type != nullptr && !JsonStringBody(content_type->json).empty()) {
      html = ContainsNoCase(JsonStringBody(content_type->json), "html");
      if (html) s.Add("html_extract.by_content_type");
    } else if (sniff_ && LooksLikeHtml(doc.text)) {
      html = true;
      s.Add("html_extract.by_sniff");
    }
    if (!html) {
      s.Add(kHtmlExtractPassedThrough);
      return Verdict::Keep();
    }
    s.Add(kHtmlExtractHtmlDocs);
    HtmlExtraction r = ExtractMainContent(doc.text, cfg_);
    auto add = [&s](const char* name, int64_t v) {
      if (v != 0) s.Add(name, v);
    };
    add("html_extract.input_capped", r.input_capped);
    add("html_extract.nodes_capped", r.nodes_capped);
    add("html_extract.depth_capped", r.depth_capped);
    add("html_extract.main_container", r.main_container);
    add("html_extract.removed_tag", r.removed_tag);
    add("html_extract.removed_hidden", r.removed_hidden);
    add("html_extract.removed_role", r.removed_role);
    add("html_extract.removed_class", r.removed_class);
    add("html_extract.removed_header_footer", r.removed_header_footer);
    add("html_extract.removed_form", r.removed_form);
    add("html_extract.removed_link_dense", r.removed_link_dense);
    add("html_extract.bytes_in", static_cast<int64_t>(doc.text.size()));
    add("html_extract.bytes_out", static_cast<int64_t>(r.text.size()));
    doc.AddSignal(kSignalNodes, static_cast<double>(r.nodes));
    doc.AddSignal(kSignalTextRatio,
                  doc.text.empty() ? 0.0 : static_cast<double>(r.text.size()) / static_cast<double>(doc.text.size()));
    doc.AddSignal(kSignalLinkDensity, r.link_density);
    if (!r.title.empty()) doc.Annotate(title_field_, r.title);
    const bool capped = r.input_capped || r.nodes_capped || r.depth_capped;
    if (capped && drop_over_cap_) {
      std::string detail = r.input_capped   ? "more than max_input_bytes=" + std::to_string(cfg_.limits.max_input_bytes)
                           : r.nodes_capped ? "more than max_nodes=" + std::to_string(cfg_.limits.max_nodes)
                                            : "deeper than max_depth=" + std::to_string(cfg_.limits.max_depth);
      doc.all_reasons.push_back(kHtmlExtractTooLarge);
      return Verdict::Drop(kHtmlExtractTooLarge, detail);
    }
    doc.text = std::move(r.text);
    int64_t chars = 0;
    for (char c : doc.text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (chars < min_text_chars_ || doc.text.empty()) {
      doc.all_reasons.push_back(kHtmlExtractNoContent);
      return Verdict::Drop(kHtmlExtractNoContent, std::to_string(chars) + " characters of main content");
    }
    return Verdict::Keep();
  }

  std::vector<HistogramSpec> signal_histograms() const override {
    return {HistogramSpec::Linear(kSignalTextRatio, 0.0, 1.0, 20),
            HistogramSpec::Linear(kSignalLinkDensity, 0.0, 1.0, 20)};
  }

 private:
  HtmlExtractConfig cfg_;
  bool drop_over_cap_;
  int64_t min_text_chars_;
  std::string title_field_;
  bool sniff_;
};

OptionSpec Opt(std::string name, OptionType type, std::string def, std::string help,
               std::vector<std::string> choices = {}, double min = -1e300, double max = 1e300) {
  OptionSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.default_value = std::move(def);
  spec.help = std::move(help);
  spec.choices = std::move(choices);
  spec.min = min;
  spec.max = max;
  return spec;
}

StatusOr<std::unique_ptr<Stage>> MakeHtmlExtract(const Options& o, const StageEnv&) {
  HtmlExtractConfig cfg;
  cfg.limits.max_input_bytes = static_cast<size_t>(o.GetInt("max_input_bytes"));
  cfg.limits.max_nodes = static_cast<size_t>(o.GetInt("max_nodes"));
  cfg.limits.max_depth = static_cast<uint32_t>(o.GetInt("max_depth"));
  cfg.keep_links = o.GetBool("keep_links");
  cfg.keep_link_dense = o.GetBool("keep_link_dense");
  cfg.link_density = o.GetDouble("link_density");
  cfg.keep_tables = o.GetBool("keep_tables");
  cfg.keep_code = o.GetBool("keep_code");
  const std::string& title_field = o.GetString("title_field");
  if (title_field.empty()) return Status::Config("option 'title_field' must not be empty");
  if (title_field == "text" || title_field == "id") {
    return Status::Config("option 'title_field': '" + title_field + "' would overwrite the document's " + title_field);
  }
  return std::unique_ptr<Stage>(new HtmlExtractStage(cfg, o.GetString("over_cap") == "drop",
                                                     o.GetInt("min_text_chars"), title_field, o.GetBool("sniff")));
}

}  // namespace

SLUICE_REGISTER_STAGE(HtmlExtract, [] {
  using T = OptionType;
  return StageInfo{
      "html_extract",
      "stages",
      "HTML -> main-content text (HTML5 parser; drops navigation, sidebars, hidden and link-dense chrome); "
      "title field; other documents pass through",
      {
          Opt("keep_links", T::kBool, "true", "keep the text of links inside kept blocks (false: leave it out)"),
          Opt("keep_link_dense", T::kBool, "false",
              "keep blocks whose text is mostly link text (menus, link lists); false leaves them out"),
          Opt("link_density", T::kDouble, "0.5",
              "a div/section/header/footer whose link text is more than this share of its text is link-dense, "
              "and so is a list outside an explicit main container; paragraphs, and any block inside <main>, "
              "role=main or the article, need max(this, 0.8); the links of tables never count",
              {}, 0.0, 1.0),
          Opt("keep_tables", T::kBool, "true", "keep tables (one row a line, cells separated by tabs)"),
          Opt("keep_code", T::kBool, "true", "keep <pre> blocks with their line breaks"),
          Opt("min_text_chars", T::kInt, "1",
              "fewer characters of main content drop the document (reason html_extract.no_content)", {}, 0, 1e9),
          Opt("max_input_bytes", T::kInt, "8388608",
              "bytes of HTML parsed; the rest of a longer document is not read (see over_cap)", {}, 1024, 1073741824),
          Opt("max_nodes", T::kInt, "200000", "DOM nodes kept, in document order (see over_cap)", {}, 100, 1e8),
          Opt("max_depth", T::kInt, "256", "deepest element nesting kept; deeper subtrees are left out (see over_cap)",
              {}, 8, 1000),
          Opt("over_cap", T::kString, "extract",
              "a document over max_input_bytes/max_nodes/max_depth: extract what was parsed up to the cap "
              "(counted), or drop it (reason html_extract.too_large)",
              {"extract", "drop"}),
          Opt("title_field", T::kString, "title", "annotation that receives the page <title>"),
          Opt("sniff", T::kBool, "true",
              "without a content_type field, treat text that starts like an HTML document (<!doctype html, <html, "
              "<head, <body) as HTML"),
      },
      MakeHtmlExtract};
});

}  // namespace sluice
