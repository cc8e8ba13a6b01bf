// FilterHtmlAttributes: rewrites HTML so that start tags carry only the
// attributes a reader of the DOM asks for, before the HTML5 parser sees it.
// Attribute bytes are most of a modern page (class lists, URLs, data-*), and
// the parser spends its time per input character, so a DOM consumer that reads
// a handful of attributes (html_extract) parses a third less text.
//
// The rewrite follows the HTML5 tokenizer (the states of libgumbo 0.10, which
// sluice parses with) so that the parse of the output equals the parse of the
// input except for attributes: the same elements in the same tree, the same
// text, comments and doctype. Precisely:
//   * only start tags are rewritten; text, end tags, comments, doctypes, bogus
//     comments and the content of raw-text elements (script, style, title,
//     textarea, xmp, iframe, noembed, noframes) are copied byte for byte;
//   * duplicate attributes are resolved as the tokenizer does (the first wins;
//     a duplicate without a value prefixes the next name, a libgumbo quirk);
//     a tag with a name that is not printable ASCII is copied unchanged;
//   * tags whose attributes steer tree construction (html, body, input, font,
//     isindex, annotation-xml, math, svg) are copied unchanged;
//   * formatting elements (b, code, em, i, ...; not <a>, of which the parser
//     never holds two to compare) get one extra attribute, `_s`, numbering the
//     distinct attribute sets of the document (names lower case, values as the
//     parser stores them), so the parser's "Noah's Ark" rule, which compares
//     their attribute sets, decides as it would have; when a value's stored form
//     is not certain (a named reference other than amp/lt/gt/quot/apos/nbsp,
//     a numeric one to a code point the parser maps, NUL, CR, control
//     characters, invalid UTF-8), every formatting element of the document is
//     copied unchanged instead;
//   * where the tokenizer's state cannot be followed without the tree builder
//     (CDATA sections; raw text holding "<!--" after <svg>/<math>/<frameset>, or
//     "<script" inside a script; input ending inside a tag), the rest of the
//     input is copied unchanged.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

class HtmlAttributePolicy {
 public:
  enum class Keep {
    kDrop,     // left out
    kName,     // kept without its value (only presence is read)
    kValue,    // kept as written
    kReduced,  // Reduce() rewrites the value (an empty result leaves the attribute out)
  };
  virtual ~HtmlAttributePolicy() = default;
  // `name` is lower case (ASCII), as the parser reports it.
  virtual Keep Classify(std::string_view name) const = 0;
  // Appends to *out what the reader needs of `value`, which the parser stores as
  // written (no character reference, NUL, CR, control character or invalid
  // UTF-8; the filter keeps other values as written). The result must read the
  // same to the consumer as `value` did.
  virtual void Reduce(std::string_view name, std::string_view value, std::string* out) const = 0;
};

struct HtmlAttributeFilterStats {
  bool formatting_verbatim = false;  // a formatting element's attributes forced them all to be copied
  bool stopped_early = false;        // the rest of the input was copied from `stopped_at` on
  size_t stopped_at = 0;
};

// Replaces *out with the rewritten `html` (any bytes; never fails).
void FilterHtmlAttributes(std::string_view html, const HtmlAttributePolicy& policy, std::string* out,
                          HtmlAttributeFilterStats* stats = nullptr);

}  // namespace sluice
