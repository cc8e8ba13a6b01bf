// Recipes: the YAML file that says which stages run, in which order, with which
// options, plus optional input:/output: sections that the command line
// overrides. Parsing validates everything (unknown keys and bad values are
// errors naming the key and stage) before any data is read.
//
//   input:  {text_key: text, id_key: id, text_mode: file, max_record_bytes: 67108864, paths: [...]}
//   output: {format: jsonl.zst, max_file_bytes: 268435456, write_signals: false, write_rejected: true}
//   stages:
//     - {type: normalize, form: nfc}
//     - {type: gopher_quality, name: gopher_en, min_words: 50}
//
// A key may appear once in each mapping (a duplicate is an error naming it).
// output.max_file_bytes (>= 2 MiB) counts uncompressed bytes and is kept at read
// batch granularity: a part never splits a batch (~2 MiB of input), so a part
// closes before the batch that would take it past the limit, and one batch
// larger than the limit makes a part of its own.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stages/engine/pipeline_runner.h"
#include "stages/io/record_reader.h"
#include "stages/io/record_writer.h"
#include "stages/engine/stage.h"
#include "stages/engine/status.h"

namespace sluice {

struct RecipeStage {
  std::string type;
  std::string name;          // unique in the recipe; defaults to type (then type_2, type_3, ...)
  std::string options_yaml;  // the stage's options as a YAML flow mapping (without type/name)
};

struct Recipe {
  std::string source;  // file path, or "<built-in default>"
  std::string dir = ".";  // relative paths in stage options resolve against this
  ReaderOptions reader;
  OutputOptions output;
  std::vector<std::string> input_paths;
  std::string output_dir;
  std::vector<RecipeStage> stages;
};

// The keys of the recipe's `input:` and `output:` sections, one table each: name,
// type, default, range, choices and help. ParseRecipe checks keys, integer ranges
// and choices against them; `sluice schema` publishes them (RecipeJsonSchema).
const std::vector<OptionSpec>& RecipeInputOptions();
const std::vector<OptionSpec>& RecipeOutputOptions();

// Sets one key of the `input:` or `output:` section from its text exactly as the
// recipe's YAML would (the same checks and messages): how the command line's
// --text-key, --text-mode, --max-record-bytes, --format ... override the recipe.
// Example: SetRecipeSectionKey(&r, "input", "text_mode", "line").
Status SetRecipeSectionKey(Recipe* recipe, const std::string& section, const std::string& key,
                           const std::string& value);
// The table entry of a section key, or nullptr.
const OptionSpec* FindRecipeSectionKey(const std::string& section, const std::string& key);
// The command-line help of a section key, from its table: its help, choices or
// range, and default. Example: "how a plain-text input splits ... {file|line|paragraph}, default file".
std::string RecipeSectionKeyHelp(const std::string& section, const std::string& key);

// A JSON Schema (draft 2020-12) of whole recipes, from the tables above and the
// stage registry: `input`, `output`, and `stages` as a list whose items are a
// `oneOf` over the stage types (each keyed by a `type` const), every mapping with
// `additionalProperties: false`, numeric `minimum`/`maximum`, `enum` for choices.
// Editors (yaml-language-server) validate and complete recipes with it.
std::string RecipeJsonSchema();

// The YAML of the built-in default recipe (pipelines/recipes/default.yaml, embedded).
const char* DefaultRecipeYaml();

StatusOr<Recipe> ParseRecipe(const std::string& yaml_text, const std::string& source);
StatusOr<Recipe> LoadRecipeFile(const std::string& path);
Recipe DefaultRecipe();

// True when a file name says web input: .html, .htm, .warc, .wet (each optionally
// .gz/.zst; so also .warc.gz, .warc.zst, .warc.wet.gz), in any letter case.
bool IsWebInputName(std::string_view path);
// True when an input path, or a file below an input directory (hidden entries
// skipped, links to directories not followed), has a web name.
bool InputsIncludeWeb(const std::vector<std::string>& inputs);
// The built-in default recipe for these inputs: DefaultRecipe(), with
// html_extract as the first stage when InputsIncludeWeb(inputs). On JSONL and
// text inputs it is DefaultRecipe() exactly.
Recipe DefaultRecipeFor(const std::vector<std::string>& inputs);

// Builds every stage (validating options). env.output_dir / threads are passed on.
StatusOr<std::vector<StageInstance>> BuildStages(const Recipe& recipe, const std::string& output_dir, int threads);

// The recipe with every default filled in, as YAML (written as recipe.resolved.yaml).
StatusOr<std::string> ResolvedRecipeYaml(const Recipe& recipe);

}  // namespace sluice
