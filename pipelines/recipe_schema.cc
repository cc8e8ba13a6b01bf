// RecipeJsonSchema(): the JSON Schema of recipes, generated from the option tables
// (recipe sections and every registered stage), so it cannot drift from what
// ParseRecipe and ValidateOptions accept.
#include <string>
#include <vector>

#include "pipelines/recipe.h"
#include "stages/io/json_writer.h"
#include "stages/engine/stage.h"

namespace sluice {

namespace {

bool Bounded(double v) { return v > -1e299 && v < 1e299; }

// The JSON value of a default given as YAML text, for `default`; "" when it has none.
std::string DefaultJson(const OptionSpec& o) {
  const std::string& d = o.default_value;
  switch (o.type) {
    case OptionType::kBool:
      return d == "true" || d == "false" ? d : "";
    case OptionType::kInt:
    case OptionType::kDouble: {
      if (d.empty()) return "";
      char* end = nullptr;
      double v = std::strtod(d.c_str(), &end);
      if (end == d.c_str() || *end != '\0') return "";
      return o.type == OptionType::kInt ? std::to_string(static_cast<int64_t>(v)) : JsonNumber(v);
    }
    case OptionType::kString:
      return JsonString(d);
    case OptionType::kStringList: {
      if (d == "[]") return "[]";
      if (d.size() < 2 || d.front() != '[' || d.back() != ']') return "";
      std::string out = "[";
      std::string item;
      auto flush = [&] {
        size_t a = item.find_first_not_of(' '), b = item.find_last_not_of(' ');
        if (a == std::string::npos) return;
        std::string v = item.substr(a, b - a + 1);
        if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front()) {
          v = v.substr(1, v.size() - 2);
        }
        if (out.size() > 1) out += ',';
        AppendJsonString(out, v);
      };
      for (char c : d.substr(1, d.size() - 2)) {
        if (c == ',') {
          flush();
          item.clear();
        } else {
          item += c;
        }
      }
      flush();
      return out + "]";
    }
    case OptionType::kYaml:
      return "";
  }
  return "";
}

// The schema of one option. `numeric_keys` are the stage's numeric options, the
// keys a per_language / per_script mapping may override.
std::string OptionSchema(const OptionSpec& o, const std::vector<const OptionSpec*>& numeric_keys) {
  std::string s = "{";
  switch (o.type) {
    case OptionType::kBool:
      s += "\"type\":\"boolean\"";
      break;
    case OptionType::kInt:
    case OptionType::kDouble:
      s += o.type == OptionType::kInt ? "\"type\":\"integer\"" : "\"type\":\"number\"";
      if (Bounded(o.min)) s += ",\"minimum\":" + JsonNumber(o.min);
      if (Bounded(o.max)) s += ",\"maximum\":" + JsonNumber(o.max);
      break;
    case OptionType::kString:
      s += "\"type\":\"string\"";
      if (!o.choices.empty()) {
        s += ",\"enum\":[";
        for (size_t i = 0; i < o.choices.size(); ++i) {
          if (i) s += ',';
          AppendJsonString(s, o.choices[i]);
        }
        s += "]";
      }
      break;
    case OptionType::kStringList:
      // A single string is a one-element list; null is the empty list.
      s += "\"type\":[\"array\",\"string\",\"null\"],\"items\":{\"type\":\"string\"}";
      break;
    case OptionType::kYaml:
      if (o.name == "per_language" || o.name == "per_script") {
        s += "\"type\":[\"object\",\"null\"],\"additionalProperties\":{\"type\":\"object\",\"properties\":{";
        for (size_t i = 0; i < numeric_keys.size(); ++i) {
          if (i) s += ',';
          AppendJsonString(s, numeric_keys[i]->name);
          s += ":{\"type\":\"number\"";
          if (Bounded(numeric_keys[i]->min)) s += ",\"minimum\":" + JsonNumber(numeric_keys[i]->min);
          if (Bounded(numeric_keys[i]->max)) s += ",\"maximum\":" + JsonNumber(numeric_keys[i]->max);
          s += "}";
        }
        s += "},\"additionalProperties\":false}";
      }
      // Other YAML options (rule lists, groups) are checked by their stage's factory.
      break;
  }
  std::string def = DefaultJson(o);
  if (!def.empty()) s += (s.size() > 1 ? "," : "") + std::string("\"default\":") + def;
  s += std::string(s.size() > 1 ? "," : "") + "\"description\":";
  AppendJsonString(s, o.help);
  return s + "}";
}

std::string SectionSchema(const std::vector<OptionSpec>& table, const std::string& description) {
  std::string s = "{\"type\":\"object\",\"additionalProperties\":false,\"description\":";
  AppendJsonString(s, description);
  s += ",\"properties\":{";
  for (size_t i = 0; i < table.size(); ++i) {
    if (i) s += ',';
    AppendJsonString(s, table[i].name);
    s += ":" + OptionSchema(table[i], {});
  }
  return s + "}}";
}

std::string StageSchema(const StageInfo& info) {
  std::vector<const OptionSpec*> numeric;
  for (const OptionSpec& o : info.options) {
    if (o.type == OptionType::kInt || o.type == OptionType::kDouble) numeric.push_back(&o);
  }
  std::string s = "{\"type\":\"object\",\"title\":";
  AppendJsonString(s, info.type);
  s += ",\"description\":";
  AppendJsonString(s, info.summary);
  s += ",\"additionalProperties\":false,\"required\":[\"type\"";
  for (const OptionSpec& o : info.options) {
    if (o.required) {
      s += ',';
      AppendJsonString(s, o.name);
    }
  }
  s += "],\"properties\":{\"type\":{\"const\":";
  AppendJsonString(s, info.type);
  s += "},\"name\":{\"type\":\"string\",\"description\":\"unique name of this stage in the recipe (default: the "
       "type, then type_2, type_3, ...)\"}";
  for (const OptionSpec& o : info.options) {
    s += ',';
    AppendJsonString(s, o.name);
    s += ":" + OptionSchema(o, numeric);
  }
  return s + "}}";
}

}  // namespace

std::string RecipeJsonSchema() {
  std::string s =
      "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
      "\"$id\":\"https://sluice.dev/schema/recipe.json\","
      "\"title\":\"sluice recipe\","
      "\"description\":\"A sluice recipe: which stages run, in order, with which options (sluice schema)\","
      "\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"stages\"],\"properties\":{";
  s += "\"input\":" + SectionSchema(RecipeInputOptions(), "how inputs are read (the command line overrides it)");
  s += ",\"output\":" + SectionSchema(RecipeOutputOptions(), "what is written (the command line overrides it)");
  s += ",\"stages\":{\"type\":[\"array\",\"null\"],\"description\":\"the stages, in order\",\"items\":{\"oneOf\":[";
  bool first = true;
  for (const StageInfo* info : StageRegistry::Global().All()) {
    if (!first) s += ',';
    first = false;
    s += StageSchema(*info);
  }
  return s + "]}}}}\n";
}

}  // namespace sluice
