// yaml-cpp 0.7 throws: every call into it is wrapped in this file.
#include "pipelines/recipe.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "pipelines/default_recipe_yaml.h"
#include "stages/io/show_path.h"
#include "stages/engine/stage.h"

namespace sluice {

namespace fs = std::filesystem;

const char* DefaultRecipeYaml() { return kDefaultRecipeYaml; }

namespace {

constexpr int64_t kMinMaxFileBytes = int64_t{2} << 20;

std::string FlowYaml(const YAML::Node& n) {
  YAML::Emitter em;
  em << YAML::Flow << n;
  return em.c_str();
}

// yaml-cpp keeps both entries of a duplicated mapping key (iteration sees
// both, operator[] the first), so `stages:` twice would be merged in silence.
// A duplicate key anywhere in the recipe is an error naming the key and line.
// The walk is bounded in depth and in nodes visited (aliases can make a node
// its own child, or a small file expand exponentially).
Status CheckDuplicateKeys(const YAML::Node& node, const std::string& source, int depth, int64_t* budget) {
  if (depth > 64) return Status::Config(source + ": the recipe is nested more than 64 levels deep");
  if (--*budget < 0) return Status::Config(source + ": the recipe is too large (over 1,000,000 YAML nodes with aliases expanded)");
  if (node.IsMap()) {
    std::set<std::string> keys;
    for (const auto& kv : node) {
      if (kv.first.IsScalar() && !keys.insert(kv.first.Scalar()).second) {
        return Status::Config(source + ":" + std::to_string(kv.first.Mark().line + 1) + ": duplicate key '" +
                              kv.first.Scalar() + "' (each key may appear once in a mapping)");
      }
      SLUICE_RETURN_IF_ERROR(CheckDuplicateKeys(kv.second, source, depth + 1, budget));
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) SLUICE_RETURN_IF_ERROR(CheckDuplicateKeys(item, source, depth + 1, budget));
  }
  return Status::Ok();
}

template <typename T>
Status Scalar(const YAML::Node& n, const std::string& where, T* out) {
  if (!n.IsScalar() || !YAML::convert<T>::decode(n, *out)) {
    return Status::Config("recipe key '" + where + "': bad value '" + FlowYaml(n) + "'");
  }
  return Status::Ok();
}

Status Unknown(const std::string& section, const std::string& key, const std::vector<OptionSpec>& table) {
  std::string allowed;
  for (const OptionSpec& o : table) allowed += (allowed.empty() ? "" : ", ") + o.name;
  return Status::Config("recipe section '" + section + "': unknown key '" + key + "' (allowed: " + allowed + ")");
}

const OptionSpec& SpecOf(const std::vector<OptionSpec>& table, std::string_view name) {
  for (const OptionSpec& o : table) {
    if (o.name == name) return o;
  }
  static const OptionSpec kNone;
  return kNone;  // not reached: every key the parsers read is in its table
}

std::string ByteCount(double v) {
  if (v >= double(int64_t{1} << 50) && std::fmod(v, double(int64_t{1} << 50)) == 0) {
    return std::to_string(static_cast<int64_t>(v) >> 50) + " PiB";
  }
  if (v >= double(int64_t{1} << 30) && std::fmod(v, double(int64_t{1} << 30)) == 0) {
    return std::to_string(static_cast<int64_t>(v) >> 30) + " GiB";
  }
  if (v >= double(int64_t{1} << 20) && std::fmod(v, double(int64_t{1} << 20)) == 0) {
    return std::to_string(static_cast<int64_t>(v) >> 20) + " MiB";
  }
  return std::to_string(static_cast<int64_t>(v));
}

// An integer key checked against its table entry's range.
Status RangedInt(const YAML::Node& v, const std::string& section, const OptionSpec& spec, int64_t* out) {
  const std::string where = section + "." + spec.name;
  SLUICE_RETURN_IF_ERROR(Scalar(v, where, out));
  if (static_cast<double>(*out) < spec.min || static_cast<double>(*out) > spec.max) {
    return Status::Config("recipe key '" + where + "': must be in [" + ByteCount(spec.min) + ", " +
                          ByteCount(spec.max) + "] (" + spec.help + ")");
  }
  return Status::Ok();
}

// A string key checked against its table entry's choices.
Status Choice(const YAML::Node& v, const std::string& section, const OptionSpec& spec, std::string* out) {
  const std::string where = section + "." + spec.name;
  SLUICE_RETURN_IF_ERROR(Scalar(v, where, out));
  if (spec.choices.empty()) return Status::Ok();
  std::string all;
  for (const std::string& c : spec.choices) {
    if (c == *out) return Status::Ok();
    all += (all.empty() ? "" : ", ") + c;
  }
  return Status::Config("recipe key '" + where + "': '" + *out + "' is not one of: " + all);
}

Status ParseInput(const YAML::Node& node, Recipe* r) {
  if (!node.IsMap()) return Status::Config("recipe section 'input' must be a mapping");
  const auto& table = RecipeInputOptions();
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "text_key") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "input.text_key", &r->reader.text_key));
    } else if (key == "id_key") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "input.id_key", &r->reader.id_key));
    } else if (key == "text_mode") {
      std::string mode;
      SLUICE_RETURN_IF_ERROR(Choice(v, "input", SpecOf(table, key), &mode));
      r->reader.text_mode = mode == "line" ? TextMode::kLine : mode == "paragraph" ? TextMode::kParagraph : TextMode::kFile;
    } else if (key == "max_record_bytes") {
      int64_t n;
      SLUICE_RETURN_IF_ERROR(RangedInt(v, "input", SpecOf(table, key), &n));
      r->reader.max_record_bytes = static_cast<uint64_t>(n);
    } else if (key == "paths") {
      if (v.IsScalar()) {
        r->input_paths.push_back(v.Scalar());
      } else if (v.IsSequence()) {
        for (const auto& p : v) r->input_paths.push_back(p.Scalar());
      } else {
        return Status::Config("recipe key 'input.paths': expected a path or a list of paths");
      }
    } else {
      return Unknown("input", key, table);
    }
  }
  return Status::Ok();
}

Status ParseOutput(const YAML::Node& node, Recipe* r) {
  if (!node.IsMap()) return Status::Config("recipe section 'output' must be a mapping");
  const auto& table = RecipeOutputOptions();
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "format") {
      std::string f;
      SLUICE_RETURN_IF_ERROR(Choice(v, "output", SpecOf(table, key), &f));
      auto fmt = ParseOutputFormat(f);
      if (!fmt.ok()) return fmt.status().WithContext("recipe key 'output.format'");
      r->output.format = *fmt;
    } else if (key == "max_file_bytes") {
      int64_t n;
      SLUICE_RETURN_IF_ERROR(RangedInt(v, "output", SpecOf(table, key), &n));
      r->output.max_file_bytes = static_cast<uint64_t>(n);
    } else if (key == "write_signals") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "output.write_signals", &r->output.write_signals));
    } else if (key == "write_rejected") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "output.write_rejected", &r->output.write_rejected));
    } else if (key == "samples_per_reason") {
      int64_t n;
      SLUICE_RETURN_IF_ERROR(RangedInt(v, "output", SpecOf(table, key), &n));
      r->output.samples_per_reason = static_cast<int>(n);
    } else if (key == "dir") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "output.dir", &r->output_dir));
    } else {
      return Unknown("output", key, table);
    }
  }
  return Status::Ok();
}

}  // namespace

const std::vector<OptionSpec>& RecipeInputOptions() {
  static const auto* kTable = new std::vector<OptionSpec>{
      {"text_key", OptionType::kString, "text", "JSONL field holding the text", -1e300, 1e300, {}, false},
      {"id_key", OptionType::kString, "id", "JSONL field holding the record id (generated when absent)", -1e300,
       1e300, {}, false},
      {"text_mode", OptionType::kString, "file",
       "how a plain-text input splits into documents: the whole file, each line, or blank-line paragraphs", -1e300,
       1e300, {"file", "line", "paragraph"}, false},
      {"max_record_bytes", OptionType::kInt, "67108864",
       "a longer record is malformed (record_too_large) and never held in memory whole", 1024,
       double(int64_t{4} << 30), {}, false},
      {"paths", OptionType::kStringList, "[]",
       "input files, directories or globs (relative to the working directory; -i adds to them)", -1e300, 1e300, {},
       false},
  };
  return *kTable;
}

const std::vector<OptionSpec>& RecipeOutputOptions() {
  static const auto* kTable = new std::vector<OptionSpec>{
      {"format", OptionType::kString, "jsonl.zst", "kept/, rejected/ and malformed/ part files", -1e300, 1e300,
       {"jsonl", "jsonl.gz", "jsonl.zst"}, false},
      // A part file never splits a read batch (2 MiB of input, RunConfig::batch_bytes),
      // so a smaller limit could not be kept.
      {"max_file_bytes", OptionType::kInt, "268435456",
       "uncompressed bytes per part file, kept at read-batch granularity (~2 MiB)", double(kMinMaxFileBytes),
       double(int64_t{1} << 50), {}, false},
      {"write_signals", OptionType::kBool, "false", "write each stage's numeric signals into the records", -1e300,
       1e300, {}, false},
      {"write_rejected", OptionType::kBool, "true", "write dropped records to rejected/ with their reasons", -1e300,
       1e300, {}, false},
      {"samples_per_reason", OptionType::kInt, "3", "example records per drop reason in stats.json and the report", 0,
       1000000, {}, false},
      {"dir", OptionType::kString, "", "OUTDIR when -o is not given", -1e300, 1e300, {}, false},
  };
  return *kTable;
}

Status SetRecipeSectionKey(Recipe* recipe, const std::string& section, const std::string& key,
                           const std::string& value) {
  try {
    YAML::Node node(YAML::NodeType::Map);
    node[key] = value;
    if (section == "input") return ParseInput(node, recipe);
    if (section == "output") return ParseOutput(node, recipe);
  } catch (const YAML::Exception& e) {
    return Status::Config("recipe key '" + section + "." + key + "': " + e.what());
  }
  return Status::Config("no recipe section '" + section + "' (input, output)");
}

const OptionSpec* FindRecipeSectionKey(const std::string& section, const std::string& key) {
  const auto* table = section == "input" ? &RecipeInputOptions() : section == "output" ? &RecipeOutputOptions() : nullptr;
  if (table == nullptr) return nullptr;
  for (const OptionSpec& o : *table) {
    if (o.name == key) return &o;
  }
  return nullptr;
}

std::string RecipeSectionKeyHelp(const std::string& section, const std::string& key) {
  const auto& table = section == "input" ? RecipeInputOptions() : RecipeOutputOptions();
  const OptionSpec& o = SpecOf(table, key);
  std::string help = o.help;
  if (!o.choices.empty()) {
    help += " {";
    for (size_t i = 0; i < o.choices.size(); ++i) help += (i ? "|" : "") + o.choices[i];
    help += "}";
  }
  if (o.type == OptionType::kInt && o.min > -1e299 && o.max < 1e299) {
    help += ", " + ByteCount(o.min) + " to " + ByteCount(o.max);
  }
  if (!o.default_value.empty() && o.type != OptionType::kStringList) {
    help += ", default " + (o.type == OptionType::kInt ? ByteCount(std::strtod(o.default_value.c_str(), nullptr))
                                                        : o.default_value);
  }
  return help + " (recipe: " + section + "." + key + ")";
}

StatusOr<Recipe> ParseRecipe(const std::string& yaml_text, const std::string& source) {
  Recipe r;
  r.source = source;
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (root.IsNull()) return Status::Config(source + ": the recipe is empty (it needs a 'stages:' list)");
    if (!root.IsMap()) return Status::Config(source + ": a recipe is a mapping with 'stages:' (and optional input:, output:)");
    int64_t node_budget = 1000000;
    SLUICE_RETURN_IF_ERROR(CheckDuplicateKeys(root, source, 0, &node_budget));
    bool have_stages = false;
    for (const auto& kv : root) {
      std::string key = kv.first.Scalar();
      if (key == "input") {
        SLUICE_RETURN_IF_ERROR(ParseInput(kv.second, &r).WithContext(source));
      } else if (key == "output") {
        SLUICE_RETURN_IF_ERROR(ParseOutput(kv.second, &r).WithContext(source));
      } else if (key == "stages") {
        have_stages = true;
        const YAML::Node& list = kv.second;
        if (!list.IsSequence() && !list.IsNull()) return Status::Config(source + ": 'stages' must be a list");
        std::map<std::string, int> seen_types;
        std::set<std::string> names;
        int index = 0;
        for (const auto& entry : list) {
          ++index;
          std::string where = source + ": stage #" + std::to_string(index);
          if (!entry.IsMap()) return Status::Config(where + ": must be a mapping with 'type:'");
          if (!entry["type"] || !entry["type"].IsScalar())
            return Status::Config(where + ": missing 'type:' (run `sluice stages` for the list)");
          RecipeStage st;
          st.type = entry["type"].Scalar();
          if (StageRegistry::Global().Find(st.type) == nullptr) {
            std::string all;
            for (const auto* i : StageRegistry::Global().All()) all += (all.empty() ? "" : ", ") + i->type;
            return Status::Config(where + ": unknown stage type '" + st.type + "' (known: " + all + ")");
          }
          int n = ++seen_types[st.type];
          st.name = entry["name"] ? entry["name"].Scalar() : (n == 1 ? st.type : st.type + "_" + std::to_string(n));
          if (!names.insert(st.name).second)
            return Status::Config(where + ": stage name '" + st.name + "' is used twice (set a unique 'name:')");
          YAML::Node opts(YAML::NodeType::Map);
          for (const auto& okv : entry) {
            std::string k = okv.first.Scalar();
            if (k == "type" || k == "name") continue;
            opts[k] = okv.second;
          }
          st.options_yaml = FlowYaml(opts);
          r.stages.push_back(std::move(st));
        }
      } else {
        return Status::Config(source + ": unknown top-level key '" + key + "' (allowed: input, output, stages)");
      }
    }
    if (!have_stages) return Status::Config(source + ": the recipe has no 'stages:' list");
  } catch (const YAML::Exception& e) {
    return Status::Config(source + ": not valid YAML: " + e.what());
  }
  return r;
}

StatusOr<Recipe> LoadRecipeFile(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return Status::Config("recipe '" + path + "' is a directory, not a recipe file (give RECIPE.yaml)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Config(CannotOpenMessage("recipe", path, errno));
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = ParseRecipe(ss.str(), path);
  if (!r.ok()) return r;
  r->dir = fs::absolute(path).parent_path().string();
  return r;
}

Recipe DefaultRecipe() {
  auto r = ParseRecipe(DefaultRecipeYaml(), "<built-in default recipe>");
  // The default recipe is tested; failing here is a programmer error.
  assert(r.ok());
  return r.ok() ? std::move(r).value() : Recipe{};
}

bool IsWebInputName(std::string_view path) {
  std::string name(path.substr(path.find_last_of('/') == std::string_view::npos ? 0 : path.find_last_of('/') + 1));
  for (char& c : name) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  for (std::string_view compressed : {".gz", ".zst"}) {
    if (name.ends_with(compressed)) {
      name.resize(name.size() - compressed.size());
      break;
    }
  }
  for (std::string_view ext : {".html", ".htm", ".warc", ".wet"}) {
    if (name.size() > ext.size() && name.ends_with(ext)) return true;
  }
  return false;
}

bool InputsIncludeWeb(const std::vector<std::string>& inputs) {
  for (const auto& in : inputs) {
    std::error_code ec;
    if (!fs::is_directory(in, ec)) {
      if (IsWebInputName(in)) return true;
      continue;
    }
    fs::recursive_directory_iterator it(in, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && IsWebInputName(name)) return true;
    }
  }
  return false;
}

Recipe DefaultRecipeFor(const std::vector<std::string>& inputs) {
  Recipe r = DefaultRecipe();
  if (InputsIncludeWeb(inputs)) {
    RecipeStage html;
    html.type = "html_extract";
    html.name = "html_extract";
    html.options_yaml = "{}";
    r.stages.insert(r.stages.begin(), std::move(html));
  }
  return r;
}

StatusOr<std::vector<StageInstance>> BuildStages(const Recipe& recipe, const std::string& output_dir, int threads) {
  std::vector<StageInstance> out;
  for (const auto& rs : recipe.stages) {
    StageEnv env;
    env.recipe_dir = recipe.dir;
    env.output_dir = output_dir;
    env.instance_name = rs.name;
    env.threads = threads;
    auto stage = BuildStage(rs.type, rs.options_yaml, env);
    if (!stage.ok()) return stage.status().WithContext(recipe.source);
    out.push_back(StageInstance{rs.name, rs.type, std::move(stage).value()});
  }
  return out;
}

StatusOr<std::string> ResolvedRecipeYaml(const Recipe& recipe) {
  std::string out = "# Resolved by sluice " SLUICE_VERSION_STRING " from " + recipe.source + ": every default filled in.\n";
  const char* mode = recipe.reader.text_mode == TextMode::kFile ? "file"
                     : recipe.reader.text_mode == TextMode::kLine ? "line" : "paragraph";
  out += "input:\n  text_key: " + recipe.reader.text_key + "\n  id_key: " + recipe.reader.id_key +
         "\n  text_mode: " + mode + "\n  max_record_bytes: " + std::to_string(recipe.reader.max_record_bytes) + "\n";
  std::string fmt = OutputExtension(recipe.output.format) + 1;
  out += "output:\n  format: " + fmt + "\n  max_file_bytes: " + std::to_string(recipe.output.max_file_bytes) +
         "\n  write_signals: " + (recipe.output.write_signals ? "true" : "false") +
         "\n  write_rejected: " + (recipe.output.write_rejected ? "true" : "false") +
         "\n  samples_per_reason: " + std::to_string(recipe.output.samples_per_reason) + "\n";
  out += "stages:\n";
  for (const auto& rs : recipe.stages) {
    const StageInfo* info = StageRegistry::Global().Find(rs.type);
    auto options = ValidateOptions(*info, rs.name, rs.options_yaml);
    if (!options.ok()) return options.status();
    std::string opts = OptionsToYaml(*info, *options);  // "{a: 1, b: 2}"
    out += "  - {type: " + rs.type + ", name: " + rs.name;
    if (opts.size() > 2) out += ", " + opts.substr(1, opts.size() - 2);
    out += "}\n";
  }
  return out;
}

}  // namespace sluice
