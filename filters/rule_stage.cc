#include "filters/rule_stage.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cassert>
#include <sstream>

#include "filters/text_stats.h"

namespace sluice::text {

OptionSpec NumberOption(std::string name, OptionType type, std::string def, std::string help, double min,
                        double max) {
  return MakeOption(std::move(name), type, std::move(def), std::move(help), min, max);
}

OptionSpec BoolOption(std::string name, std::string def, std::string help) {
  return MakeOption(std::move(name), OptionType::kBool, std::move(def), std::move(help));
}

OptionSpec TextOption(std::string name, OptionType type, std::string def, std::string help) {
  return MakeOption(std::move(name), type, std::move(def), std::move(help));
}

Verdict DropOnFailures(Document& doc, StageContext& ctx, const std::vector<std::string_view>& failed) {
  if (failed.empty()) return Verdict::Keep();
  for (std::string_view r : failed) {
    doc.all_reasons.emplace_back(r);
    ctx.stats().Add(r);
  }
  return Verdict::Drop(std::string(failed.front()));
}

// ---------------------------------------------------------------- thresholds

namespace {

Status MergeYaml(const std::string& stage, const std::string& option, bool scripts,
                 const std::vector<LanguageThresholds::Param>& params, const std::string& yaml,
                 std::map<std::string, std::map<size_t, double>>* out) {
  if (yaml.empty()) return Status::Ok();
  const std::string opt = "stage '" + stage + "', option '" + option + "'";
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return Status::Config(opt + ": not valid YAML: " + e.what());
  }
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap())
    return Status::Config(opt + (scripts ? ": expected a mapping {script: {key: value}}"
                                         : ": expected a mapping {language: {key: value}}"));
  for (const auto& lang_kv : root) {
    std::string key_name = lang_kv.first.Scalar();
    std::string where = opt + (scripts ? ", script '" : ", language '") + key_name + "'";
    if (scripts) {
      // ISO 15924: four letters, title case ("Thai", "Deva").
      bool ok = key_name.size() == 4 && key_name[0] >= 'A' && key_name[0] <= 'Z';
      for (size_t i = 1; ok && i < 4; ++i) ok = key_name[i] >= 'a' && key_name[i] <= 'z';
      if (!ok) return Status::Config(where + ": expected an ISO 15924 script code such as Thai, Deva, Cyrl");
    } else if (key_name.empty() || key_name.size() > 16 || key_name.find_first_of("-_ ") != std::string::npos) {
      return Status::Config(where + ": expected a language code such as zh, ja, en");
    }
    if (!lang_kv.second.IsMap()) return Status::Config(where + ": expected a mapping {key: value}");
    auto& values = (*out)[scripts ? key_name : AsciiLower(key_name)];
    for (const auto& kv : lang_kv.second) {
      std::string key = kv.first.Scalar();
      size_t idx = params.size();
      for (size_t i = 0; i < params.size(); ++i) {
        if (params[i].name == key) idx = i;
      }
      if (idx == params.size()) {
        std::string all;
        for (const auto& p : params) all += (all.empty() ? "" : ", ") + p.name;
        return Status::Config(where + ": unknown key '" + key + "' (known: " + all + ")");
      }
      double v;
      if (!kv.second.IsScalar() || !YAML::convert<double>::decode(kv.second, v) || !std::isfinite(v))
        return Status::Config(where + ", key '" + key + "': expected a number");
      if (v < params[idx].min || v > params[idx].max) {
        std::ostringstream os;
        os << where << ", key '" << key << "': value " << v << " is out of range [" << params[idx].min << ", "
           << params[idx].max << "]";
        return Status::Config(os.str());
      }
      values[idx] = v;
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<LanguageThresholds> LanguageThresholds::Build(const std::string& stage, std::vector<Param> params,
                                                       std::vector<double> base, const std::string& builtin_yaml,
                                                       const std::string& per_language_yaml,
                                                       const std::string& builtin_script_yaml,
                                                       const std::string& per_script_yaml,
                                                       const std::vector<bool>& explicitly_set) {
  assert(params.size() == base.size());
  std::map<std::string, std::map<size_t, double>> langs, scripts;
  Status st = MergeYaml(stage, "per_language", false, params, builtin_yaml, &langs);
  if (st.ok()) st = MergeYaml(stage, "per_script", true, params, builtin_script_yaml, &scripts);
  if (!st.ok()) return Status::Internal("built-in defaults: " + st.message());
  // An option the recipe sets applies to every language and script: it
  // replaces the shipped values of that key (recipe per_language/per_script
  // entries still refine it).
  for (size_t i = 0; i < explicitly_set.size(); ++i) {
    if (!explicitly_set[i]) continue;
    for (auto* table : {&langs, &scripts}) {
      for (auto& [_, values] : *table) values.erase(i);
    }
  }
  SLUICE_RETURN_IF_ERROR(MergeYaml(stage, "per_language", false, params, per_language_yaml, &langs));
  SLUICE_RETURN_IF_ERROR(MergeYaml(stage, "per_script", true, params, per_script_yaml, &scripts));
  LanguageThresholds t;
  t.params_ = std::move(params);
  t.base_ = std::move(base);
  auto apply = [](std::vector<double> v, const std::map<size_t, double>& over) {
    for (const auto& [idx, value] : over) v[idx] = value;
    return v;
  };
  for (const auto& [script, values] : scripts) t.per_script_[script] = apply(t.base_, values);
  for (const auto& [lang, values] : langs) {
    t.per_lang_[lang] = apply(t.base_, values);
    for (const auto& [script, script_values] : scripts) {
      t.per_lang_script_[lang + "|" + script] = apply(apply(t.base_, script_values), values);
    }
  }
  return t;
}

const std::vector<double>& LanguageThresholds::For(std::string_view lang, std::string_view script) const {
  const bool has_lang = !lang.empty() && per_lang_.count(lang) != 0;
  const bool has_script = !script.empty() && per_script_.count(script) != 0;
  if (has_lang && has_script) {
    std::string key;
    key.reserve(lang.size() + 1 + script.size());
    key.append(lang).append("|").append(script);
    return per_lang_script_.find(key)->second;
  }
  if (has_lang) return per_lang_.find(lang)->second;
  if (has_script) return per_script_.find(script)->second;
  return base_;
}

StatusOr<LanguageThresholds> LanguageThresholds::FromOptions(const std::string& stage, std::vector<Param> params,
                                                             const Options& o, const std::string& builtin_yaml,
                                                             const std::string& builtin_script_yaml) {
  std::vector<double> base;
  std::vector<bool> explicitly_set;
  for (const auto& p : params) {
    base.push_back(o.GetDouble(p.name));
    explicitly_set.push_back(o.IsSet(p.name));
  }
  // The per_language/per_script options default to the shipped tables: only
  // what the recipe sets counts as the recipe's.
  const std::string empty;
  return Build(stage, std::move(params), std::move(base), builtin_yaml,
               o.IsSet("per_language") ? o.GetYaml("per_language") : empty, builtin_script_yaml,
               o.IsSet("per_script") ? o.GetYaml("per_script") : empty, explicitly_set);
}

OptionSpec PerLanguageOption(const char* builtin_yaml) {
  return TextOption("per_language", OptionType::kYaml, builtin_yaml,
                    "per-language overrides {language: {option: value}} of the numeric options, merged key by key "
                    "over the shipped values; they apply when language_id is sure of the language and it fits the "
                    "text's script");
}

OptionSpec PerScriptOption(const char* builtin_yaml) {
  return TextOption("per_script", OptionType::kYaml, builtin_yaml,
                    "per-script overrides {ISO 15924 script: {option: value}} (Thai, Deva, Hang, ...), merged key by "
                    "key over the shipped values; a per_language entry wins over its script's");
}

size_t LanguageThresholds::Index(std::string_view name) const {
  for (size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].name == name) return i;
  }
  assert(false && "unknown threshold");
  return 0;
}

}  // namespace sluice::text
