// `sluice validate RECIPE`: builds every stage without reading data and prints
// the resolved recipe. `sluice stages`: every stage type with its options.
// `sluice schema`: the JSON Schema of recipes (RecipeJsonSchema).
#include <CLI/CLI.hpp>

#include <iostream>

#include "pipelines/command.h"
#include "pipelines/recipe.h"
#include "stages/engine/atomic_file.h"
#include "stages/engine/stage.h"

namespace sluice {
namespace {

int ValidateMain(const std::string& path, bool quiet) {
  auto recipe = path.empty() ? StatusOr<Recipe>(DefaultRecipe()) : LoadRecipeFile(path);
  if (!recipe.ok()) return ExitCodeFor(recipe.status());
  auto stages = BuildStages(*recipe, "", 1);
  if (!stages.ok()) return ExitCodeFor(stages.status());
  auto resolved = ResolvedRecipeYaml(*recipe);
  if (!resolved.ok()) return ExitCodeFor(resolved.status());
  if (!quiet) std::cout << *resolved;
  std::cerr << recipe->source << ": ok (" << stages->size() << " stages)\n";
  return 0;
}

const char* TypeName(OptionType t) {
  switch (t) {
    case OptionType::kBool: return "bool";
    case OptionType::kInt: return "int";
    case OptionType::kDouble: return "number";
    case OptionType::kString: return "string";
    case OptionType::kStringList: return "list";
    case OptionType::kYaml: return "yaml";
  }
  return "?";
}

int StagesMain(const std::string& only) {
  bool found = false;
  for (const StageInfo* info : StageRegistry::Global().All()) {
    if (!only.empty() && info->type != only) continue;
    found = true;
    std::cout << info->type << "  (" << info->folder << ")  " << info->summary << "\n";
    for (const auto& o : info->options) {
      std::cout << "    " << o.name << ": " << TypeName(o.type);
      if (o.required) {
        std::cout << ", required";
      } else {
        std::cout << " = " << (o.default_value.empty() ? "(none)" : o.default_value);
      }
      if (o.type == OptionType::kInt || o.type == OptionType::kDouble) {
        if (o.min > -1e299 || o.max < 1e299) std::cout << "  [" << o.min << ", " << o.max << "]";
      }
      if (!o.choices.empty()) {
        std::cout << "  {";
        for (size_t i = 0; i < o.choices.size(); ++i) std::cout << (i ? "|" : "") << o.choices[i];
        std::cout << "}";
      }
      std::cout << "\n        " << o.help << "\n";
    }
    std::cout << "\n";
  }
  if (!only.empty() && !found) return ExitCodeFor(Status::Config("no stage type '" + only + "'"));
  return 0;
}

Command MakeValidate() {
  Command c;
  c.name = "validate";
  c.help = "Check a recipe: build every stage without reading data, print the resolved recipe";
  c.setup = [](CLI::App* app) {
    auto path = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    app->add_option("recipe", *path, "Recipe YAML (default: the built-in default recipe)");
    app->add_flag("-q,--quiet", *quiet, "Only report success or the error");
    return [path, quiet] { return ValidateMain(*path, *quiet); };
  };
  return c;
}

Command MakeStages() {
  Command c;
  c.name = "stages";
  c.help = "List every stage type with its options and defaults";
  c.setup = [](CLI::App* app) {
    auto only = std::make_shared<std::string>();
    app->add_option("type", *only, "Show only this stage type");
    return [only] { return StagesMain(*only); };
  };
  return c;
}

Command MakeSchema() {
  Command c;
  c.name = "schema";
  c.help = "Print the JSON Schema (draft 2020-12) of recipes, for editors (yaml-language-server) and CI checks";
  c.setup = [](CLI::App* app) {
    auto out = std::make_shared<std::string>();
    app->add_option("-o,--output", *out, "Write the schema to this file instead of standard output");
    return [out] {
      const std::string schema = RecipeJsonSchema();
      if (out->empty()) {
        std::cout << schema;
        return 0;
      }
      AtomicFile f;
      Status st = f.Open(*out);
      if (st.ok()) st = f.Write(schema.data(), schema.size());
      if (st.ok()) st = f.Commit();
      return st.ok() ? 0 : ExitCodeFor(st);
    };
  };
  return c;
}

}  // namespace

SLUICE_REGISTER_COMMAND(Validate, MakeValidate);
SLUICE_REGISTER_COMMAND(Schema, MakeSchema);
SLUICE_REGISTER_COMMAND(Stages, MakeStages);

}  // namespace sluice
