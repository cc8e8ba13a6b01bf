// libFuzzer target for the recipe loader: any bytes either parse into a Recipe
// or give a kConfig status with a message (never a crash, a hang or an escaped
// yaml-cpp exception), and an accepted recipe resolves (every stage's options
// validated against its schema) or fails with a message. Stages are not built:
// they could open files the recipe names.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "pipelines/recipe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  auto recipe = sluice::ParseRecipe(yaml, "fuzz.yaml");
  if (!recipe.ok()) {
    if (recipe.status().code() != sluice::StatusCode::kConfig || recipe.status().message().empty()) std::abort();
    return 0;
  }
  auto resolved = sluice::ResolvedRecipeYaml(*recipe);
  if (resolved.ok() ? resolved->empty() : resolved.status().message().empty()) std::abort();
  return 0;
}
