// libFuzzer target: pre-tokenize + encode + decode must give the input back,
// for the GPT-2, cl100k and an RE2 pre-tokenizer, with a small model trained
// once on fixed text (all 256 bytes are tokens, plus a special token).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "tokenizer/bpe_model.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/word_counter.h"

namespace {

using namespace sluice::tokenizer;

std::vector<BpeModel> MakeModels() {
  const char* text =
      "The GNU General Public License is a free, copyleft license for software.\n"
      "列出指定文件（默认为当前目录）的信息。 It's   done\t\r\n 12345 ①②\u00a0\u3000x\n";
  PreTokenizer re;
  if (!PreTokenizer::FromRegex(R"(\p{L}+|\p{N}+|\s+)", &re).ok()) std::abort();
  std::vector<BpeModel> models;
  for (const PreTokenizer& pre : {PreTokenizer::Gpt2(), PreTokenizer::Cl100k(), re}) {
    WordCounter wc(&pre, 16);
    wc.AddText(text);
    BpeTrainerOptions o;
    o.vocab_size = 400;
    o.special_tokens = {"<|endoftext|>"};
    BpeModel m;
    if (!BpeTrainer(o).Train(wc.Sorted(), pre, &m).ok()) std::abort();
    models.push_back(std::move(m));
  }
  return models;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<BpeModel> models = MakeModels();
  const std::string input(reinterpret_cast<const char*>(data), size);
  for (const BpeModel& m : models) {
    std::string joined;
    m.pre_tokenizer().Split(input, [&](std::string_view piece) {
      if (piece.empty()) std::abort();
      joined.append(piece);
    });
    if (joined != input) std::abort();
    std::vector<uint32_t> ids;
    m.Encode(input, &ids);
    std::string back;
    if (!m.Decode(ids, &back) || back != input) std::abort();
  }
  return 0;
}
