// Stage registry, option validation and the resolved-options writer.
// yaml-cpp 0.7 throws; every call into it is wrapped here.
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "stages/engine/stage.h"

namespace sluice {

// ---------------------------------------------------------------- option builders

OptionSpec MakeOption(std::string name, OptionType type, std::string default_value, std::string help, double min,
                      double max, std::vector<std::string> choices) {
  OptionSpec s;
  s.name = std::move(name);
  s.type = type;
  s.default_value = std::move(default_value);
  s.help = std::move(help);
  s.min = min;
  s.max = max;
  s.choices = std::move(choices);
  return s;
}

OptionSpec ChoiceOption(std::string name, std::string default_value, std::string help,
                        std::vector<std::string> choices) {
  return MakeOption(std::move(name), OptionType::kString, std::move(default_value), std::move(help), -1e300, 1e300,
                    std::move(choices));
}

// ---------------------------------------------------------------- Options

namespace {

// A stage asked for an option its schema does not declare, or as another type:
// a programming error that no recipe can cause. Fails loudly in every build
// instead of handing the stage a 0 or an empty string.
[[noreturn]] void OptionMisuse(std::string_view name, const char* asked, const char* problem) {
  std::fprintf(stderr, "sluice: internal error: a stage asked for option '%.*s' as %s, %s\n",
               static_cast<int>(name.size()), name.data(), asked, problem);
  std::abort();
}

}  // namespace

const Options::Value& Options::Get(std::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it == values_.end()) OptionMisuse(name, "any type", "but its schema does not declare it");
  return it->second;
}

bool Options::GetBool(std::string_view name) const {
  const Value& v = Get(name);
  if (!std::holds_alternative<bool>(v)) OptionMisuse(name, "bool", "but its schema declares another type");
  return std::get<bool>(v);
}
int64_t Options::GetInt(std::string_view name) const {
  const Value& v = Get(name);
  if (!std::holds_alternative<int64_t>(v)) OptionMisuse(name, "int", "but its schema declares another type");
  return std::get<int64_t>(v);
}
double Options::GetDouble(std::string_view name) const {
  const Value& v = Get(name);
  if (std::holds_alternative<double>(v)) return std::get<double>(v);
  if (std::holds_alternative<int64_t>(v)) return static_cast<double>(std::get<int64_t>(v));
  OptionMisuse(name, "number", "but its schema declares another type");
}
const std::string& Options::GetString(std::string_view name) const {
  const Value& v = Get(name);
  if (!std::holds_alternative<std::string>(v)) OptionMisuse(name, "string", "but its schema declares another type");
  return std::get<std::string>(v);
}
const std::vector<std::string>& Options::GetStringList(std::string_view name) const {
  const Value& v = Get(name);
  if (!std::holds_alternative<std::vector<std::string>>(v)) {
    OptionMisuse(name, "list", "but its schema declares another type");
  }
  return std::get<std::vector<std::string>>(v);
}

// ---------------------------------------------------------------- registry

StageRegistry& StageRegistry::Global() {
  static StageRegistry* registry = new StageRegistry();
  return *registry;
}

void StageRegistry::Register(StageInfo info) {
  std::string type = info.type;
  // Two stages registered under one type: the second would silently replace the
  // first. A build error in spirit; it fails at start-up in every build.
  if (infos_.count(type) != 0) {
    std::fprintf(stderr, "sluice: internal error: stage type '%s' is registered twice\n", type.c_str());
    std::abort();
  }
  infos_[type] = std::move(info);
}

const StageInfo* StageRegistry::Find(std::string_view type) const {
  auto it = infos_.find(type);
  return it == infos_.end() ? nullptr : &it->second;
}

std::vector<const StageInfo*> StageRegistry::All() const {
  std::vector<const StageInfo*> out;
  for (const auto& [_, info] : infos_) out.push_back(&info);
  return out;
}

// ---------------------------------------------------------------- validation

namespace {

const char* TypeName(OptionType t) {
  switch (t) {
    case OptionType::kBool: return "a boolean";
    case OptionType::kInt: return "an integer";
    case OptionType::kDouble: return "a number";
    case OptionType::kString: return "a string";
    case OptionType::kStringList: return "a list of strings";
    case OptionType::kYaml: return "a YAML value";
  }
  return "?";
}

std::string Where(const std::string& instance, const std::string& key) {
  return "stage '" + instance + "', option '" + key + "'";
}

StatusOr<Options::Value> ConvertValue(const OptionSpec& spec, const YAML::Node& node,
                                      const std::string& instance) {
  auto bad = [&](const std::string& why) {
    return Status::Config(Where(instance, spec.name) + ": " + why);
  };
  try {
    switch (spec.type) {
      case OptionType::kBool: {
        if (!node.IsScalar()) return bad(std::string("expected ") + TypeName(spec.type));
        bool b;
        if (!YAML::convert<bool>::decode(node, b)) return bad("expected true or false, got '" + node.Scalar() + "'");
        return Options::Value(b);
      }
      case OptionType::kInt: {
        if (!node.IsScalar()) return bad(std::string("expected ") + TypeName(spec.type));
        int64_t v;
        if (!YAML::convert<int64_t>::decode(node, v)) return bad("expected an integer, got '" + node.Scalar() + "'");
        if (v < spec.min || v > spec.max) {
          std::ostringstream os;
          os << "value " << v << " is out of range [" << spec.min << ", " << spec.max << "]";
          return bad(os.str());
        }
        return Options::Value(v);
      }
      case OptionType::kDouble: {
        if (!node.IsScalar()) return bad(std::string("expected ") + TypeName(spec.type));
        double v;
        if (!YAML::convert<double>::decode(node, v) || !std::isfinite(v))
          return bad("expected a number, got '" + node.Scalar() + "'");
        if (v < spec.min || v > spec.max) {
          std::ostringstream os;
          os << "value " << v << " is out of range [" << spec.min << ", " << spec.max << "]";
          return bad(os.str());
        }
        return Options::Value(v);
      }
      case OptionType::kString: {
        if (!node.IsScalar()) return bad(std::string("expected ") + TypeName(spec.type));
        std::string s = node.Scalar();
        if (!spec.choices.empty()) {
          bool found = false;
          std::string all;
          for (const auto& c : spec.choices) {
            found |= c == s;
            all += (all.empty() ? "" : ", ") + c;
          }
          if (!found) return bad("'" + s + "' is not one of: " + all);
        }
        return Options::Value(s);
      }
      case OptionType::kStringList: {
        std::vector<std::string> list;
        if (node.IsNull()) return Options::Value(list);
        if (node.IsScalar()) {  // a single string is a one-element list
          list.push_back(node.Scalar());
          return Options::Value(list);
        }
        if (!node.IsSequence()) return bad(std::string("expected ") + TypeName(spec.type));
        for (const auto& item : node) {
          if (!item.IsScalar()) return bad("every list item must be a string");
          list.push_back(item.Scalar());
        }
        return Options::Value(list);
      }
      case OptionType::kYaml: {
        if (node.IsNull()) return Options::Value(std::string());
        YAML::Emitter em;
        em << YAML::Flow << node;
        return Options::Value(std::string(em.c_str()));
      }
    }
  } catch (const YAML::Exception& e) {
    return bad(e.what());
  }
  return bad("unsupported option type");
}

}  // namespace

StatusOr<Options> ValidateOptions(const StageInfo& info, const std::string& instance,
                                  std::string_view yaml_options) {
  YAML::Node map;
  try {
    map = yaml_options.empty() ? YAML::Node(YAML::NodeType::Map) : YAML::Load(std::string(yaml_options));
  } catch (const YAML::Exception& e) {
    return Status::Config("stage '" + instance + "': options are not valid YAML: " + e.what());
  }
  if (map.IsNull()) map = YAML::Node(YAML::NodeType::Map);
  if (!map.IsMap()) return Status::Config("stage '" + instance + "': options must be a mapping");
  Options options;
  // Unknown keys first: a typo must not silently fall back to a default.
  for (const auto& kv : map) {
    std::string key = kv.first.Scalar();
    bool known = false;
    for (const auto& spec : info.options) known |= spec.name == key;
    if (!known) {
      std::string all;
      for (const auto& spec : info.options) all += (all.empty() ? "" : ", ") + spec.name;
      return Status::Config("stage '" + instance + "': unknown option '" + key + "' (stage type '" + info.type +
                            "' takes: " + (all.empty() ? "no options" : all) + ")");
    }
  }
  for (const auto& spec : info.options) {
    YAML::Node node = map[spec.name];
    bool explicitly = node.IsDefined();
    if (!explicitly) {
      if (spec.required) return Status::Config(Where(instance, spec.name) + ": required option is missing");
      try {
        node = spec.default_value.empty() ? YAML::Node(YAML::NodeType::Null) : YAML::Load(spec.default_value);
      } catch (const YAML::Exception& e) {
        return Status::Internal(Where(instance, spec.name) + ": bad default: " + e.what());
      }
      if (node.IsNull() && (spec.type == OptionType::kString)) {
        options.Set(spec.name, std::string(), false);
        continue;
      }
    }
    auto value = ConvertValue(spec, node, instance);
    if (!value.ok()) return value.status();
    options.Set(spec.name, std::move(value).value(), explicitly);
  }
  return options;
}

StatusOr<std::unique_ptr<Stage>> BuildStage(std::string_view type, std::string_view yaml_options, StageEnv env) {
  const StageInfo* info = StageRegistry::Global().Find(type);
  if (info == nullptr) {
    std::string all;
    for (const auto* i : StageRegistry::Global().All()) all += (all.empty() ? "" : ", ") + i->type;
    return Status::Config("unknown stage type '" + std::string(type) + "' (known: " + all + ")");
  }
  if (env.instance_name.empty()) env.instance_name = std::string(type);
  auto options = ValidateOptions(*info, env.instance_name, yaml_options);
  if (!options.ok()) return options.status();
  auto stage = info->factory(*options, env);
  if (!stage.ok()) return stage.status().WithContext("stage '" + env.instance_name + "'");
  if ((*stage)->is_global() != info->global) {
    return Status::Internal("stage type '" + info->type + "': registered global = " + (info->global ? "true" : "false") +
                            " but its factory builds a " + ((*stage)->is_global() ? "global" : "plain") + " stage");
  }
  return stage;
}

bool IsGlobalStageType(std::string_view type) {
  const StageInfo* info = StageRegistry::Global().Find(type);
  return info != nullptr && info->global;
}

std::string OptionsToYaml(const StageInfo& info, const Options& options) {
  YAML::Emitter em;
  em << YAML::Flow << YAML::BeginMap;
  for (const auto& spec : info.options) {
    if (!options.Has(spec.name)) continue;
    em << YAML::Key << spec.name << YAML::Value;
    switch (spec.type) {
      case OptionType::kBool: em << options.GetBool(spec.name); break;
      case OptionType::kInt: em << options.GetInt(spec.name); break;
      case OptionType::kDouble: {
        // Shortest round-trip text ("0.8", not "0.80000000000000004").
        char buf[64];
        auto res = std::to_chars(buf, buf + sizeof buf, options.GetDouble(spec.name));
        std::string text(buf, res.ptr);
        if (text.find_first_of(".e") == std::string::npos) text += ".0";
        em << text;
        break;
      }
      case OptionType::kString: em << options.GetString(spec.name); break;
      case OptionType::kStringList:
        em << YAML::Flow << YAML::BeginSeq;
        for (const auto& s : options.GetStringList(spec.name)) em << s;
        em << YAML::EndSeq;
        break;
      case OptionType::kYaml: {
        const std::string& text = options.GetYaml(spec.name);
        if (text.empty()) {
          em << YAML::Null;
        } else {
          try {
            em << YAML::Load(text);
          } catch (const YAML::Exception&) {
            em << text;
          }
        }
        break;
      }
    }
  }
  em << YAML::EndMap;
  return em.c_str();
}

}  // namespace sluice
