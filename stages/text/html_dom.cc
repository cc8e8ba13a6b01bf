#include "stages/text/html_dom.h"

#include <gumbo.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "stages/engine/large_memory.h"
#include "stages/text/html_attribute_filter.h"

namespace sluice {

const std::string_view* HtmlNode::Attribute(std::string_view name) const {
  for (const auto& [n, v] : attributes) {
    if (n == name) return &v;
  }
  return nullptr;
}

namespace {

// The end of the longest prefix of `s` of at most `max` bytes that does not cut a UTF-8 sequence.
size_t Utf8Cut(std::string_view s, size_t max) {
  if (s.size() <= max) return s.size();
  size_t end = max;
  // Step back over continuation bytes (at most 3) to the start of a sequence.
  for (int i = 0; i < 4 && end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80; ++i) --end;
  return end;
}

char AsciiLower(char c) { return static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c); }

// A known tag's name (gumbo's static lower-case string), or an empty view for an
// unknown tag, whose source spelling *unknown is set to (to be lower-cased).
std::string_view KnownTagName(const GumboElement& e, std::string_view* unknown) {
  if (e.tag != GUMBO_TAG_UNKNOWN && e.tag < GUMBO_TAG_LAST) {
    // The names measured once (a strlen per element was 1 % of a parse).
    static const auto* const names = [] {
      auto* table = new std::string_view[GUMBO_TAG_LAST];
      for (int t = 0; t < GUMBO_TAG_LAST; ++t) table[t] = gumbo_normalized_tagname(static_cast<GumboTag>(t));
      return table;
    }();
    return names[e.tag];
  }
  GumboStringPiece piece = e.original_tag;
  // libgumbo 0.10 starts the source text of a tag that follows an empty end
  // tag at that "</>" ("</><h/x>" would name the element "><h/x").
  while (piece.data != nullptr && piece.length >= 5 && std::memcmp(piece.data, "</>", 3) == 0) {
    piece.data += 3;
    piece.length -= 3;
  }
  gumbo_tag_from_original_text(&piece);
  *unknown = piece.data ? std::string_view(piece.data, piece.length) : std::string_view();
  return std::string_view();
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == ':' || c == '_';
}

// How the nesting scan counts a start tag. Uncounted: void elements and those
// whose end tag HTML lets you omit (area base br col embed hr img input link meta
// source track wbr param keygen p li dt dd tr td th option optgroup rb rt rp thead
// tbody tfoot colgroup html head body). Raw text: counted, and no tags follow
// until its end tag (script style textarea title xmp iframe noembed noframes).
enum class NameClass { kCounted, kUncounted, kRawText };

// `name` is lower case.
NameClass ClassifyName(std::string_view name) {
  auto any = [&](std::initializer_list<std::string_view> names) {
    for (std::string_view n : names) {
      if (n == name) return true;
    }
    return false;
  };
  switch (name.size()) {
    case 1:
      return name[0] == 'p' ? NameClass::kUncounted : NameClass::kCounted;
    case 2:
      return any({"br", "hr", "li", "dt", "dd", "tr", "td", "th", "rb", "rt", "rp"}) ? NameClass::kUncounted
                                                                                   : NameClass::kCounted;
    case 3:
      if (any({"col", "img", "wbr"})) return NameClass::kUncounted;
      return name == "xmp" ? NameClass::kRawText : NameClass::kCounted;
    case 4:
      return any({"area", "base", "link", "meta", "html", "head", "body"}) ? NameClass::kUncounted
                                                                           : NameClass::kCounted;
    case 5:
      if (any({"embed", "input", "track", "param", "thead", "tbody", "tfoot"})) return NameClass::kUncounted;
      return any({"style", "title"}) ? NameClass::kRawText : NameClass::kCounted;
    case 6:
      if (any({"source", "keygen", "option"})) return NameClass::kUncounted;
      return any({"script", "iframe"}) ? NameClass::kRawText : NameClass::kCounted;
    case 7:
      return name == "noembed" ? NameClass::kRawText : NameClass::kCounted;
    case 8:
      if (any({"optgroup", "colgroup"})) return NameClass::kUncounted;
      return any({"textarea", "noframes"}) ? NameClass::kRawText : NameClass::kCounted;
    default:
      return NameClass::kCounted;
  }
}

// The parser's tree building scans its stack of open elements, so deep nesting
// costs time quadratic in the depth (100,000 nested <div> take a minute). This
// scan cuts the input before the parser sees it: at the tag that makes the
// estimated nesting (start tags minus end tags, leaving out void elements and
// those whose end tag HTML lets you omit) exceed `max_open`, or the tag count
// exceed `max_tags`. Returns the number of bytes to parse.
size_t CutForNesting(std::string_view s, size_t max_open, size_t max_tags, bool* depth_hit, bool* tags_hit) {
  size_t open = 0, tags = 0, i = 0;
  // The tag's name, lower case; names longer than the buffer are in no list (kCounted).
  char name_buf[16];
  while (true) {
    size_t lt = s.find('<', i);
    if (lt == std::string_view::npos || lt + 1 >= s.size()) return s.size();
    i = lt + 1;
    if (s[i] == '!') {  // comment, doctype, CDATA
      size_t end = s.compare(i, 3, "!--") == 0 ? s.find("-->", i + 3) : s.find('>', i);
      if (end == std::string_view::npos) return s.size();
      i = end + 1;
      continue;
    }
    const bool closing = s[i] == '/';
    if (closing) ++i;
    size_t name_len = 0;
    while (i < s.size() && IsNameChar(s[i])) {
      if (name_len < sizeof(name_buf)) {
        name_buf[name_len] = static_cast<char>((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
      }
      ++name_len;
      ++i;
    }
    if (name_len == 0) continue;  // "a < b": text
    const std::string_view name(name_buf, std::min(name_len, sizeof(name_buf)));
    const NameClass name_class = name_len <= sizeof(name_buf) ? ClassifyName(name) : NameClass::kCounted;
    // To the end of the tag, quotes respected.
    char quote = 0;
    bool self_closing = false;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        self_closing = s[i - 1] == '/';
        break;
      }
    }
    if (i >= s.size()) return s.size();
    ++i;
    if (++tags > max_tags) {
      *tags_hit = true;
      return lt;
    }
    const bool uncounted = name_class == NameClass::kUncounted;
    if (closing) {
      if (!uncounted && open > 0) --open;
      continue;
    }
    if (!uncounted && !self_closing && ++open > max_open) {
      *depth_hit = true;
      return lt;
    }
    if (name_class == NameClass::kRawText) {
      // Raw text: no tags until its end tag.
      std::string end = "</" + std::string(name);
      size_t j = i;
      while (true) {
        j = s.find("</", j);
        if (j == std::string_view::npos) return s.size();
        bool match = true;
        for (size_t k = 0; k < end.size() && match; ++k) {
          char c = j + k < s.size() ? s[j + k] : 0;
          match = ((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c) == end[k];
        }
        if (match) break;
        j += 2;
      }
      i = j;
    }
  }
}

// A bump allocator for one parse: the parser makes many small allocations and
// frees them all at the end, so frees are no-ops and the blocks are reset after
// the parse (one per thread, reused; blocks beyond the first few MiB are returned).
class ParseArena {
 public:
  static void* Allocate(void* self, size_t size) { return static_cast<ParseArena*>(self)->Get(size); }
  static void Free(void*, void*) {}
  void Reset() {
    size_t kept = 0;
    size_t n = 0;
    while (n < blocks_.size() && kept + blocks_[n].size <= kRetainBytes) kept += blocks_[n++].size;
    blocks_.resize(n);
    current_ = 0;
    used_ = 0;
  }

 private:
  // 2 MiB blocks, aligned to 2 MiB: each can be one transparent huge page,
  // prepared in one call (PrepareLargeRegion) instead of 512 page faults.
  static constexpr size_t kBlockBytes = size_t{2} << 20;
  static constexpr size_t kRetainBytes = size_t{8} << 20;
  struct FreeBlock {
    void operator()(void* p) const { std::free(p); }
  };
  struct Block {
    std::unique_ptr<void, FreeBlock> data;
    size_t size;
  };
  void* Get(size_t size) {
    size = (size + alignof(std::max_align_t) - 1) & ~(alignof(std::max_align_t) - 1);
    while (current_ < blocks_.size()) {
      if (used_ + size <= blocks_[current_].size) {
        void* p = static_cast<char*>(blocks_[current_].data.get()) + used_;
        used_ += size;
        return p;
      }
      ++current_;
      used_ = 0;
    }
    // Whole 2 MiB units covering `size`. Not value-initialized: the parser writes every byte it reads.
    const size_t bytes = (std::max(kBlockBytes, size) + kBlockBytes - 1) & ~(kBlockBytes - 1);
    void* data = std::aligned_alloc(kBlockBytes, bytes);
    if (data == nullptr) throw std::bad_alloc();
    PrepareLargeRegion(data, bytes);
    blocks_.push_back(Block{std::unique_ptr<void, FreeBlock>(data), bytes});
    current_ = blocks_.size() - 1;
    used_ = size;
    return data;
  }
  std::vector<Block> blocks_;
  size_t current_ = 0;
  size_t used_ = 0;
};

// What the last HtmlDom destroyed on this thread leaves for the next Parse()
// on it: its node array (emptied) and its arena blocks, so a big page's memory
// is not faulted in anew for every page.
struct SpareMemory {
  std::vector<HtmlNode> nodes;
  std::vector<std::unique_ptr<std::byte[]>> blocks;  // each kDomBlockBytes
};
SpareMemory& Spare() {
  thread_local SpareMemory spare;
  return spare;
}
constexpr size_t kMaxSpareNodes = size_t{1} << 18;  // 20 MiB of nodes
constexpr size_t kDomBlockBytes = size_t{256} << 10;
constexpr size_t kMaxSpareBlocks = 32;  // 8 MiB a thread

}  // namespace

void HtmlDom::Recycle() {
  SpareMemory& spare = Spare();
  if (nodes_.capacity() != 0 && nodes_.capacity() <= kMaxSpareNodes && spare.nodes.capacity() < nodes_.capacity()) {
    nodes_.clear();
    spare.nodes.swap(nodes_);
  }
  for (Block& b : blocks_) {
    if (b.size == kDomBlockBytes && spare.blocks.size() < kMaxSpareBlocks) spare.blocks.push_back(std::move(b.data));
  }
  blocks_.clear();
  nodes_.clear();
  block_used_ = 0;
}

HtmlDom::~HtmlDom() { Recycle(); }

HtmlDom& HtmlDom::operator=(HtmlDom&& other) noexcept {
  if (this != &other) {
    Recycle();
    nodes_ = std::move(other.nodes_);
    blocks_ = std::move(other.blocks_);
    block_used_ = other.block_used_;
    input_capped_ = other.input_capped_;
    nodes_capped_ = other.nodes_capped_;
    depth_capped_ = other.depth_capped_;
    parsed_bytes_ = other.parsed_bytes_;
    other.nodes_.clear();
    other.blocks_.clear();
    other.block_used_ = 0;
  }
  return *this;
}

void* HtmlDom::Allocate(size_t bytes, size_t align) {
  size_t at = blocks_.empty() ? 0 : (block_used_ + align - 1) & ~(align - 1);
  if (blocks_.empty() || at + bytes > blocks_.back().size) {
    Block b;
    SpareMemory& spare = Spare();
    if (bytes <= kDomBlockBytes && !spare.blocks.empty()) {
      b.data = std::move(spare.blocks.back());
      spare.blocks.pop_back();
      b.size = kDomBlockBytes;
    } else {
      b.size = std::max(kDomBlockBytes, bytes);
      b.data.reset(new std::byte[b.size]);  // operator new[] aligns for every fundamental type
    }
    blocks_.push_back(std::move(b));
    at = 0;
  }
  block_used_ = at + bytes;
  return blocks_.back().data.get() + at;
}

std::string_view HtmlDom::CopyString(const char* data, size_t size) {
  if (size == 0) return std::string_view();
  char* p = static_cast<char*>(Allocate(size, 1));
  std::memcpy(p, data, size);
  return std::string_view(p, size);
}

HtmlDom HtmlDom::Parse(std::string_view html, const HtmlParseLimits& limits, const HtmlAttributePolicy* attributes) {
  HtmlDom dom;
  size_t n = Utf8Cut(html, limits.max_input_bytes);
  dom.input_capped_ = n < html.size();
  bool depth_hit = false, tags_hit = false;
  n = CutForNesting(html.substr(0, n), size_t{limits.max_depth} * 4, limits.max_nodes, &depth_hit, &tags_hit);
  dom.depth_capped_ = depth_hit;
  dom.nodes_capped_ = tags_hit;
  dom.parsed_bytes_ = n;
  thread_local ParseArena arena;
  struct ResetOnExit {
    ParseArena& a;
    ~ResetOnExit() { a.Reset(); }
  } reset_on_exit{arena};
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // we never read the parse errors
  options.allocator = &ParseArena::Allocate;
  options.deallocator = &ParseArena::Free;
  options.userdata = &arena;
  // Every allocation of the parse is in the arena, which reset_on_exit releases at
  // once: gumbo_destroy_output (a walk of the whole tree freeing node by node) is not called.
  std::string_view input = html.substr(0, n);
  thread_local std::string filtered;
  if (attributes != nullptr) {
    FilterHtmlAttributes(input, *attributes, &filtered);
    input = filtered;
  }
  GumboOutput* out = gumbo_parse_with_options(&options, input.data(), input.size());
  if (out == nullptr || out->root == nullptr) return dom;
  // An explicit stack (no recursion: depth is bounded by the limit, not the stack).
  struct Item {
    const GumboNode* node;
    uint32_t parent;
    uint32_t depth;
  };
  std::vector<Item> stack = {{out->root, HtmlNode::kNone, 0}};
  dom.nodes_.swap(Spare().nodes);  // memory a previous DOM on this thread left (empty, or none)
  dom.nodes_.reserve(std::min<size_t>(limits.max_nodes, n / 16 + 16));
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    const GumboNode* g = item.node;
    if (g->type == GUMBO_NODE_COMMENT || g->type == GUMBO_NODE_DOCUMENT) continue;
    if (item.depth > limits.max_depth) {
      dom.depth_capped_ = true;
      continue;
    }
    if (dom.nodes_.size() >= limits.max_nodes) {
      dom.nodes_capped_ = true;
      break;  // document order: everything after this node is left out too
    }
    const uint32_t index = static_cast<uint32_t>(dom.nodes_.size());
    dom.nodes_.emplace_back();
    if (item.parent != HtmlNode::kNone) {
      // The parent's child list was allocated for all its children; this one goes next.
      HtmlNode& parent = dom.nodes_[item.parent];
      auto* slots = const_cast<uint32_t*>(parent.children.data());
      slots[parent.children.size()] = index;
      parent.children = std::span<const uint32_t>(slots, parent.children.size() + 1);
    }
    HtmlNode& node = dom.nodes_.back();
    node.parent = item.parent;
    node.depth = item.depth;
    if (g->type == GUMBO_NODE_ELEMENT || g->type == GUMBO_NODE_TEMPLATE) {
      const GumboElement& e = g->v.element;
      std::string_view unknown;
      if (std::string_view known = KnownTagName(e, &unknown); !known.empty()) {
        node.tag = known;
      } else {
        node.tag = dom.CopyString(unknown.data(), unknown.size());
        char* t = const_cast<char*>(node.tag.data());
        for (size_t k = 0; k < node.tag.size(); ++k) t[k] = AsciiLower(t[k]);
      }
      if (e.attributes.length > 0) {
        using Attr = std::pair<std::string_view, std::string_view>;
        auto* attrs = static_cast<Attr*>(dom.Allocate(sizeof(Attr) * e.attributes.length, alignof(Attr)));
        for (unsigned i = 0; i < e.attributes.length; ++i) {
          const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
          std::string_view name = dom.CopyString(a->name, std::strlen(a->name));
          char* lower = const_cast<char*>(name.data());
          for (size_t k = 0; k < name.size(); ++k) lower[k] = AsciiLower(lower[k]);
          new (&attrs[i]) Attr(name, dom.CopyString(a->value, std::strlen(a->value)));
        }
        node.attributes = std::span<const Attr>(attrs, e.attributes.length);
      }
      if (e.children.length > 0) {
        // Room for every child (comments among them are skipped, so some may stay unused).
        auto* slots = static_cast<uint32_t*>(dom.Allocate(sizeof(uint32_t) * e.children.length, alignof(uint32_t)));
        node.children = std::span<const uint32_t>(slots, size_t{0});
      }
      // Push in reverse so the first child is visited first (document order).
      for (unsigned i = e.children.length; i-- > 0;) {
        stack.push_back({static_cast<const GumboNode*>(e.children.data[i]), index, item.depth + 1});
      }
    } else {
      node.is_text = true;
      node.text = dom.CopyString(g->v.text.text, std::strlen(g->v.text.text));
    }
  }
  return dom;
}

}  // namespace sluice
