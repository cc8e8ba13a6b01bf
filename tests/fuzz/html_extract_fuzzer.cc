// libFuzzer target for the HTML parser and main-content extractor
// (stages/text/html_dom.h, stages/text/html_extract.h): any bytes give a text without a
// crash, a hang or a huge allocation; small caps make the cut paths reachable.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "stages/text/html_extract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  sluice::HtmlExtractConfig config;
  auto full = sluice::ExtractMainContent(bytes, config);
  if (full.text.size() > size * 4 + 64) std::abort();  // text comes from the input (entities expand a little)
  config.limits.max_nodes = 64;
  config.limits.max_depth = 8;
  config.limits.max_input_bytes = 512;
  config.keep_links = size % 2 == 0;
  config.keep_tables = size % 3 == 0;
  auto capped = sluice::ExtractMainContent(bytes, config);
  if (capped.nodes > 64) std::abort();
  (void)sluice::LooksLikeHtml(bytes);
  return 0;
}
