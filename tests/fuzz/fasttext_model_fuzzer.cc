// libFuzzer target for the fastText model check (stages/io/fasttext_model_file.h):
// any bytes are accepted or refused with a message, in time bounded by their
// length; a model the check accepts must load in libfasttext and predict
// without a crash, an assertion, a hang or a huge allocation (an exception from
// prediction is allowed: the callers catch it).
#include <fasttext/fasttext.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "stages/io/fasttext_model_file.h"

namespace {

// One scratch file per process (libfasttext loads models from a path).
const std::string& ScratchPath() {
  static const std::string path = [] {
    char name[] = "/tmp/sluice-fasttext-fuzz-XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0) std::abort();
    close(fd);
    return std::string(name);
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto info = sluice::CheckFastTextModelBytes(bytes, "fuzz.bin");
  if (!info.ok()) {
    if (info.status().message().empty()) std::abort();
    return 0;
  }
  {
    std::ofstream out(ScratchPath(), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  fasttext::FastText ft;
  try {
    ft.loadModel(ScratchPath());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the check accepted a model libfasttext refuses: %s\n", e.what());
    std::abort();
  }
  if (!info->supervised) return 0;
  for (const char* text : {"hello world </s> x", "apple pear plum cherry hammer saw", "", "a b c d e f g h i j"}) {
    std::istringstream in(std::string(text) + "\n");
    std::vector<std::pair<fasttext::real, std::string>> predictions;
    try {
      ft.predictLine(in, predictions, info->labels, 0.0);
    } catch (const std::exception&) {
      // NaN weights make libfasttext throw "Encountered NaN"; both callers
      // (FastTextModel::Predict, language_id) catch it. A crash, an assertion
      // or a hang is what this target looks for.
    }
  }
  return 0;
}
