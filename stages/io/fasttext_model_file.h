// CheckFastTextModelFile: reads the layout of a fastText 0.9.x model file
// (`.bin`, or a quantized `.ftz`) — magic and version, args, dictionary, input
// and output matrices — checking every count and dimension against the bytes
// that are really there, before libfasttext is allowed to read it. libfasttext
// trusts the file: a truncated dictionary makes it loop forever growing a
// string, a short matrix makes it assert (abort) at the first prediction, and a
// zero `bucket` divides by zero. A file this check accepts loads and predicts
// without any of that (tests/fuzz/fasttext_model_fuzzer.cc checks it).
// Reads the file once, skipping the matrix data; memory stays O(1) apart from
// the longest dictionary word. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stages/engine/status.h"

namespace sluice {

// What the check learned about an accepted model.
struct FastTextModelInfo {
  int32_t version = 0;
  int32_t dim = 0;
  bool supervised = false;  // args.model == sup (classifiers, language ID)
  bool quantized = false;   // a `.ftz`: product-quantized input matrix
  int32_t words = 0;
  int32_t labels = 0;
};

// Checks the model file at `path`. An unreadable file is a kIo status; a file
// that is not a complete, consistent fastText model is a kConfig status whose
// message names the path, what is wrong and at which byte, e.g.
// "fastText model m.bin is truncated or corrupt: the dictionary ends before
// entry 12 of 80 (byte 200 of 200)".
StatusOr<FastTextModelInfo> CheckFastTextModelFile(const std::string& path);

// The same check on a model held in memory; `name` stands for the path in
// messages.
StatusOr<FastTextModelInfo> CheckFastTextModelBytes(std::string_view bytes, const std::string& name);

}  // namespace sluice
