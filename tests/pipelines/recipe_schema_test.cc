// The recipe sections' option tables, the parser and `sluice schema` agree.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <set>
#include <string>

#include "pipelines/recipe.h"
#include "stages/engine/stage.h"

namespace {

std::string Recipe(const std::string& section, const std::string& key, const std::string& value) {
  return section + ":\n  " + key + ": " + value + "\nstages: []\n";
}

}  // namespace

TEST_CASE("recipe sections: the parser enforces the tables' ranges and choices", "[recipe][schema]") {
  struct Section {
    const char* name;
    const std::vector<sluice::OptionSpec>* table;
  };
  const Section sections[] = {{"input", &sluice::RecipeInputOptions()}, {"output", &sluice::RecipeOutputOptions()}};
  int checked = 0;
  for (const auto& sec : sections) {
    for (const sluice::OptionSpec& o : *sec.table) {
      INFO(sec.name << "." << o.name);
      // The default itself is accepted.
      if (!o.default_value.empty()) CHECK(sluice::ParseRecipe(Recipe(sec.name, o.name, o.default_value), "t").ok());
      if (o.type == sluice::OptionType::kInt) {
        const auto lo = static_cast<int64_t>(o.min), hi = static_cast<int64_t>(o.max);
        CHECK(sluice::ParseRecipe(Recipe(sec.name, o.name, std::to_string(lo)), "t").ok());
        CHECK(sluice::ParseRecipe(Recipe(sec.name, o.name, std::to_string(hi)), "t").ok());
        auto below = sluice::ParseRecipe(Recipe(sec.name, o.name, std::to_string(lo - 1)), "t");
        REQUIRE_FALSE(below.ok());
        CHECK(below.status().message().find(std::string(sec.name) + "." + o.name) != std::string::npos);
        CHECK_FALSE(sluice::ParseRecipe(Recipe(sec.name, o.name, std::to_string(hi) + "0"), "t").ok());
        ++checked;
      }
      for (const std::string& choice : o.choices) {
        CHECK(sluice::ParseRecipe(Recipe(sec.name, o.name, choice), "t").ok());
      }
      if (!o.choices.empty()) {
        auto bad = sluice::ParseRecipe(Recipe(sec.name, o.name, "bogus"), "t");
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.status().message().find("is not one of") != std::string::npos);
        ++checked;
      }
    }
    // An unknown key lists every key of the table.
    auto unknown = sluice::ParseRecipe(Recipe(sec.name, "no_such_key", "1"), "t");
    REQUIRE_FALSE(unknown.ok());
    for (const sluice::OptionSpec& o : *sec.table) CHECK(unknown.status().message().find(o.name) != std::string::npos);
  }
  CHECK(checked == 5);  // max_record_bytes, text_mode, format, max_file_bytes, samples_per_reason
}

TEST_CASE("sluice schema: every stage type once, closed objects, ranges and choices from the tables",
          "[recipe][schema]") {
  const std::string text = sluice::RecipeJsonSchema();
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  REQUIRE(parser.parse(padded).get(root) == simdjson::SUCCESS);
  CHECK(std::string_view(root["$schema"]) == "https://json-schema.org/draft/2020-12/schema");
  CHECK(bool(root["additionalProperties"]) == false);
  std::set<std::string> types;
  for (simdjson::dom::element branch : root["properties"]["stages"]["items"]["oneOf"].get_array()) {
    const std::string type{std::string_view(branch["properties"]["type"]["const"])};
    INFO(type);
    CHECK(types.insert(type).second);
    CHECK(bool(branch["additionalProperties"]) == false);
    const sluice::StageInfo* info = sluice::StageRegistry::Global().Find(type);
    REQUIRE(info != nullptr);
    for (const sluice::OptionSpec& o : info->options) {
      simdjson::dom::element prop;
      REQUIRE(branch["properties"][o.name].get(prop) == simdjson::SUCCESS);
      if ((o.type == sluice::OptionType::kInt || o.type == sluice::OptionType::kDouble) && o.min > -1e299) {
        CHECK(double(prop["minimum"]) == o.min);
      }
      if (!o.choices.empty()) CHECK(prop["enum"].get_array().size() == o.choices.size());
    }
  }
  CHECK(types.size() == sluice::StageRegistry::Global().All().size());
  CHECK(int64_t(root["properties"]["input"]["properties"]["max_record_bytes"]["minimum"]) == 1024);
  CHECK(int64_t(root["properties"]["output"]["properties"]["max_file_bytes"]["minimum"]) == (int64_t{2} << 20));
}
