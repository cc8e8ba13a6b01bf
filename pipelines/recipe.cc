// yaml-cpp 0.7 throws: every call into it is wrapped in this file.
#include "pipelines/recipe.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "pipelines/default_recipe_yaml.h"
#include "stages/show_path.h"
#include "stages/stage.h"

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

Status Unknown(const std::string& section, const std::string& key, const std::string& allowed) {
  return Status::Config("recipe section '" + section + "': unknown key '" + key + "' (allowed: " + allowed + ")");
}

template <typename T>
Status Scalar(const YAML::Node& n, const std::string& where, T* out) {
  if (!n.IsScalar() || !YAML::convert<T>::decode(n, *out)) {
    return Status::Config("recipe key '" + where + "': bad value '" + FlowYaml(n) + "'");
  }
  return Status::Ok();
}

Status ParseInput(const YAML::Node& node, Recipe* r) {
  if (!node.IsMap()) return Status::Config("recipe section 'input' must be a mapping");
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "text_key") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "input.text_key", &r->reader.text_key));
    } else if (key == "id_key") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "input.id_key", &r->reader.id_key));
    } else if (key == "text_mode") {
      std::string mode;
      SLUICE_RETURN_IF_ERROR(Scalar(v, "input.text_mode", &mode));
      if (mode == "file") r->reader.text_mode = TextMode::kFile;
      else if (mode == "line") r->reader.text_mode = TextMode::kLine;
      else if (mode == "paragraph") r->reader.text_mode = TextMode::kParagraph;
      else return Status::Config("recipe key 'input.text_mode': '" + mode + "' is not one of: file, line, paragraph");
    } else if (key == "max_record_bytes") {
      int64_t n;
      SLUICE_RETURN_IF_ERROR(Scalar(v, "input.max_record_bytes", &n));
      if (n < 1024 || n > (int64_t{4} << 30)) return Status::Config("recipe key 'input.max_record_bytes': must be in [1024, 4 GiB]");
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
      return Unknown("input", key, "text_key, id_key, text_mode, max_record_bytes, paths");
    }
  }
  return Status::Ok();
}

Status ParseOutput(const YAML::Node& node, Recipe* r) {
  if (!node.IsMap()) return Status::Config("recipe section 'output' must be a mapping");
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "format") {
      std::string f;
      SLUICE_RETURN_IF_ERROR(Scalar(v, "output.format", &f));
      auto fmt = ParseOutputFormat(f);
      if (!fmt.ok()) return fmt.status().WithContext("recipe key 'output.format'");
      r->output.format = *fmt;
    } else if (key == "max_file_bytes") {
      int64_t n;
      SLUICE_RETURN_IF_ERROR(Scalar(v, "output.max_file_bytes", &n));
      // A part file never splits a read batch (2 MiB of input, RunConfig::batch_bytes),
      // so a smaller limit could not be kept.
      if (n < kMinMaxFileBytes) {
        return Status::Config("recipe key 'output.max_file_bytes': must be at least " +
                              std::to_string(kMinMaxFileBytes) +
                              " (2 MiB: a part file holds whole read batches of ~2 MiB)");
      }
      r->output.max_file_bytes = static_cast<uint64_t>(n);
    } else if (key == "write_signals") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "output.write_signals", &r->output.write_signals));
    } else if (key == "write_rejected") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "output.write_rejected", &r->output.write_rejected));
    } else if (key == "samples_per_reason") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "output.samples_per_reason", &r->output.samples_per_reason));
    } else if (key == "dir") {
      SLUICE_RETURN_IF_ERROR(Scalar(v, "output.dir", &r->output_dir));
    } else {
      return Unknown("output", key, "format, max_file_bytes, write_signals, write_rejected, samples_per_reason, dir");
    }
  }
  return Status::Ok();
}

}  // namespace

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
