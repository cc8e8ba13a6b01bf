// What a DOM holds as a reader with an attribute policy sees it: tree shape,
// tags, text, and each element's attributes as the policy keeps them (names
// only, values as written, or reduced; dropped ones left out). The parse of
// FilterHtmlAttributes(html) must give the same view as the parse of html.
#pragma once

#include <string>

#include "stages/text/html_attribute_filter.h"
#include "stages/text/html_dom.h"

namespace sluice_test {

inline std::string ViewDom(const sluice::HtmlDom& dom, const sluice::HtmlAttributePolicy& policy) {
  using Keep = sluice::HtmlAttributePolicy::Keep;
  std::string out;
  for (const auto& n : dom.nodes()) {
    out += std::to_string(n.parent) + " " + std::to_string(n.depth) + " ";
    out += n.is_text ? "#" + std::string(n.text) : std::string(n.tag);
    for (const auto& [name, value] : n.attributes) {
      const Keep keep = policy.Classify(name);
      if (keep == Keep::kDrop) continue;
      std::string reduced;
      if (keep == Keep::kReduced) {
        policy.Reduce(name, value, &reduced);
        if (reduced.empty()) continue;  // the filter leaves such an attribute out
      }
      out += " " + std::string(name);
      if (keep == Keep::kValue) out += "=" + std::string(value);
      if (keep == Keep::kReduced) out += "=" + reduced;
    }
    out += " [";
    for (uint32_t c : n.children) out += std::to_string(c) + ",";
    out += "]\n";
  }
  return out;
}

}  // namespace sluice_test
