// HtmlDom: a small immutable DOM of our own (elements with a lower-case tag
// name and attributes, text nodes), built from bytes by an HTML5 parser. This
// pair of files is the only place that knows the parser (Debian's libgumbo), so
// it can be swapped. Nodes are stored flat in document (pre-)order: a parent
// always comes before its children, so a forward loop is top-down and a
// backward loop bottom-up. The strings, attribute lists and child lists of all
// nodes live in one arena the DOM owns (no allocation per node); the views in
// a node are valid while its DOM lives. Thread-safe to read; Parse() is
// reentrant.
//   "<p>a &amp; <b>b</b></p>" -> html > (head, body > p > ("a & ", b > "b"))
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

class HtmlAttributePolicy;

struct HtmlNode {
  static constexpr uint32_t kNone = UINT32_MAX;
  bool is_text = false;
  uint32_t parent = kNone;
  uint32_t depth = 0;                 // the document's root element has depth 0
  std::string_view tag;               // lower case; "" for text nodes
  std::span<const std::pair<std::string_view, std::string_view>> attributes;  // name (lower case), value; in source order
  std::string_view text;              // text nodes: entities decoded, whitespace as in the source
  std::span<const uint32_t> children;  // indices into HtmlDom::nodes()

  // The attribute's value, or nullptr when absent.
  const std::string_view* Attribute(std::string_view name) const;
};

// Deterministic bounds on the work one Parse() does (no timeouts). Over a
// bound, the DOM is what was parsed up to it, and the flags say which bound was
// hit. Before parsing, a tag scan cuts the input at the tag past max_nodes tags
// or past an estimated nesting of 4 x max_depth open elements (the parser's
// time grows with the square of the nesting); after parsing, nodes past
// max_nodes and subtrees deeper than max_depth are left out.
struct HtmlParseLimits {
  size_t max_input_bytes = 8u << 20;  // longer input is cut (at a UTF-8 boundary) before parsing
  size_t max_nodes = 200000;          // nodes beyond this (in document order) are left out
  uint32_t max_depth = 256;           // subtrees deeper than this are left out
};

class HtmlDom {
 public:
  // Parses any bytes (invalid UTF-8 becomes U+FFFD, as HTML5 says). Comments,
  // doctype and processing instructions are left out. With `attributes`, start
  // tags keep only the attributes (and the parts of their values) the policy
  // asks for, dropped before parsing (FilterHtmlAttributes): same tree, less to parse.
  static HtmlDom Parse(std::string_view html, const HtmlParseLimits& limits = {},
                       const HtmlAttributePolicy* attributes = nullptr);

  HtmlDom() = default;
  // Move-only: the nodes' views point into this DOM's arena (a move keeps it).
  HtmlDom(const HtmlDom&) = delete;
  HtmlDom& operator=(const HtmlDom&) = delete;
  HtmlDom(HtmlDom&&) noexcept = default;
  HtmlDom& operator=(HtmlDom&&) noexcept;
  ~HtmlDom();  // leaves its (emptied) node array and arena blocks to the thread's next Parse()

  const std::vector<HtmlNode>& nodes() const { return nodes_; }
  const HtmlNode& node(uint32_t i) const { return nodes_[i]; }
  bool empty() const { return nodes_.empty(); }  // else nodes()[0] is the root (<html>)

  bool input_capped() const { return input_capped_; }
  bool nodes_capped() const { return nodes_capped_; }
  bool depth_capped() const { return depth_capped_; }
  size_t parsed_bytes() const { return parsed_bytes_; }

 private:
  // Memory that never moves once handed out (blocks are only added).
  struct Block {
    std::unique_ptr<std::byte[]> data;
    size_t size = 0;
  };
  void* Allocate(size_t bytes, size_t align);
  std::string_view CopyString(const char* data, size_t size);
  void Recycle();  // hands nodes_ and blocks_ to the thread's next Parse()

  std::vector<HtmlNode> nodes_;
  std::vector<Block> blocks_;
  size_t block_used_ = 0;  // bytes used in blocks_.back()
  bool input_capped_ = false;
  bool nodes_capped_ = false;
  bool depth_capped_ = false;
  size_t parsed_bytes_ = 0;
};

}  // namespace sluice
