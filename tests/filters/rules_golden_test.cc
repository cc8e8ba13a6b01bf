// Golden end-to-end case for the rule stages: dirty web pages (Chinese and
// English) run through the recommended rule chain in recipe order via
// BuildStage + Process; the kept text must equal the checked-in expectation.
// Regenerate after an intended change with SLUICE_UPDATE_GOLDEN=1 and review the diff.
#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/filters/rule_test_util.h"

namespace {

const std::string kDir = std::string(SLUICE_SOURCE_DIR) + "/tests/data/web/";

// The rule part of the recommended default recipe (bench/rules/default_recipe.yaml).
const std::pair<const char*, const char*> kRecipe[] = {
    {"line_cleaner", "{}"},
    {"quality_signals", "{}"},
    {"c4", "{filter_no_terminal_punct: false}"},
    {"gopher_repetition", "{}"},
    {"gopher_quality", "{}"},
    {"fineweb", "{}"},
};

struct Outcome {
  bool kept = true;
  std::string stage, reason, text;
};

Outcome RunRecipe(const std::string& text, const std::string& lang) {
  Outcome out;
  sluice::Document doc;
  doc.text = text;
  if (!lang.empty()) doc.Annotate("language", lang);
  sluice::Stats stats;
  sluice::StageContext ctx(&stats);
  for (const auto& [type, options] : kRecipe) {
    auto stage = sluice::testing::Build(type, options);
    sluice::Verdict v = stage->Process(doc, ctx);
    if (!v.keep()) {
      out.kept = false;
      out.stage = type;
      out.reason = v.reason();
      break;
    }
  }
  out.text = doc.text;
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void CheckPage(const std::string& name, const std::string& lang, const std::string& spam_stage) {
  std::ifstream in(kDir + name + ".jsonl");
  REQUIRE(in);
  std::string line;
  simdjson::dom::parser parser;
  std::vector<std::string> texts;
  while (std::getline(in, line)) {
    simdjson::dom::element e;
    REQUIRE_FALSE(parser.parse(line).get(e));
    std::string_view t;
    REQUIRE_FALSE(e["text"].get(t));
    texts.emplace_back(t);
  }
  REQUIRE(texts.size() == 2);
  // The article: kept, junk lines gone. Also without the language annotation
  // (the script decides), the result must be the same.
  Outcome article = RunRecipe(texts[0], lang);
  INFO(name << " article dropped by " << article.stage << " " << article.reason);
  REQUIRE(article.kept);
  CHECK(RunRecipe(texts[0], "").text == article.text);
  const std::string expected_path = kDir + name + ".expected.txt";
  if (std::getenv("SLUICE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected_path, std::ios::binary) << article.text << "\n";
  }
  CHECK(article.text + "\n" == ReadFile(expected_path));
  // The spam page (one sentence over and over): its repeated lines are removed,
  // and with almost nothing left the page is dropped.
  Outcome spam = RunRecipe(texts[1], lang);
  CHECK_FALSE(spam.kept);
  CHECK(spam.stage == spam_stage);
}

}  // namespace

TEST_CASE("golden: a dirty Chinese web page keeps the article only", "[rules_golden]") {
  CheckPage("page_zh", "zh", "line_cleaner");
}

TEST_CASE("golden: a dirty English web page keeps the article only", "[rules_golden]") {
  CheckPage("page_en", "en", "line_cleaner");
}
