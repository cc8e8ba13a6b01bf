// Resume bookkeeping of a run's output directory. Each slice of the inputs
// (stages/engine/input_slices.h) writes part files named by PartStem; when it is
// finished, a completion marker (.sluice/done/<stem>.json: input, byte range,
// a hash of the input's identity, a hash of the recipe, its accounting) and the
// slice's RunState (.state) are written beside each other. A rerun skips the
// slices whose marker matches the same input content, range and recipe.
#pragma once

#include <string>

#include "stages/io/record_reader.h"
#include "stages/engine/run_state.h"

namespace sluice {

// part-IIIII for a whole input (and the first part of a cut one),
// part-IIIII.PPPP for its later parts, so that sorted names are input order.
std::string PartStem(const InputSlice& slice);

std::string MarkerPath(const std::string& output_dir, const InputSlice& slice);
// The RunState of one finished slice, beside its marker.
std::string SliceStatePath(const std::string& output_dir, const InputSlice& slice);

// The marker text of a finished slice.
std::string MarkerContent(const InputFile& input, const InputSlice& slice, const std::string& recipe_fingerprint,
                          const InputAccount& account);
// Whether a marker was written under the same recipe.
bool MarkerHasRecipe(const std::string& marker, const std::string& recipe_fingerprint);
// Whether a marker was written for this slice of this input as it is now
// (path, size and modification time; never true for stdin).
bool MarkerMatchesInput(const std::string& marker, const InputFile& input, const InputSlice& slice);

// Reads a whole (small) file; false when it cannot be opened.
bool ReadSmallFile(const std::string& path, std::string* out);

}  // namespace sluice
