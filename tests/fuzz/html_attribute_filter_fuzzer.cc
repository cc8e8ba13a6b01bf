// libFuzzer target for FilterHtmlAttributes (stages/text/html_attribute_filter.h):
// for any bytes, the parse of the filtered HTML equals the parse of the input as
// a reader with the policy sees it (tree, text, kept attributes), and html_extract
// extracts the same with and without the filter.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "html_dom_view.h"
#include "stages/text/html_attribute_filter.h"
#include "stages/text/html_dom.h"
#include "stages/text/html_extract.h"

namespace {

// class/id: tokens starting with 'k'; title as written; href and hidden by presence.
class FuzzPolicy final : public sluice::HtmlAttributePolicy {
 public:
  Keep Classify(std::string_view name) const override {
    if (name == "class" || name == "id") return Keep::kReduced;
    if (name == "title") return Keep::kValue;
    if (name == "href" || name == "hidden") return Keep::kName;
    return Keep::kDrop;
  }
  void Reduce(std::string_view, std::string_view value, std::string* out) const override {
    size_t i = 0;
    while (i < value.size()) {
      while (i < value.size() && value[i] == ' ') ++i;
      size_t j = i;
      while (j < value.size() && value[j] != ' ') ++j;
      if (j > i && value[i] == 'k') {
        if (!out->empty()) out->push_back(' ');
        out->append(value.substr(i, j - i));
      }
      i = j;
    }
  }
};

bool SameExtraction(const sluice::HtmlExtraction& a, const sluice::HtmlExtraction& b) {
  return a.text == b.text && a.title == b.title && a.nodes == b.nodes && a.main_container == b.main_container &&
         a.removed_tag == b.removed_tag && a.removed_hidden == b.removed_hidden && a.removed_role == b.removed_role &&
         a.removed_class == b.removed_class && a.removed_header_footer == b.removed_header_footer &&
         a.removed_form == b.removed_form && a.removed_link_dense == b.removed_link_dense &&
         std::memcmp(&a.link_density, &b.link_density, sizeof(double)) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64u << 10)) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const FuzzPolicy policy;
  const std::string original = sluice_test::ViewDom(sluice::HtmlDom::Parse(bytes), policy);
  const std::string filtered = sluice_test::ViewDom(sluice::HtmlDom::Parse(bytes, {}, &policy), policy);
  if (original != filtered) std::abort();
  sluice::HtmlExtractConfig with, without;
  without.filter_attributes = false;
  if (!SameExtraction(sluice::ExtractMainContent(bytes, with), sluice::ExtractMainContent(bytes, without))) {
    std::abort();
  }
  return 0;
}
