// libFuzzer target for the tokenizer.json loader: any bytes either load into a
// BpeModel or give a status with a message; a loaded model encodes text and
// decodes the ids it produced (never a crash), and with all 256 bytes in its
// vocabulary decode(encode(x)) == x.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "tokenizer/bpe_model.h"
#include "tokenizer/hf_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice::tokenizer;
  if (size > (1 << 18)) return 0;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  BpeModel model;
  TokStatus st = ParseTokenizerJson(json, &model);
  if (!st.ok()) {
    if (st.message().empty()) std::abort();
    return 0;
  }
  for (std::string_view text : {std::string_view("Hello, world! It's 2024.\n  列出指定文件 ①\xff\xfe"),
                                json.substr(0, 256)}) {
    std::vector<uint32_t> ids;
    model.Encode(text, &ids);
    std::string back;
    if (!model.Decode(ids, &back)) std::abort();  // the encoder's own ids are in range
    if (model.has_full_byte_alphabet() && model.special_ids().empty() && back != text) std::abort();
  }
  return 0;
}
