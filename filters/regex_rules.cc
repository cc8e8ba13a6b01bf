#include "filters/regex_rules.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "filters/rule_stage.h"
#include "filters/text_stats.h"
#include "stages/io/show_path.h"
#include "stages/engine/stage.h"
#include "stages/text/utf8.h"

namespace sluice::regex_rules {
namespace {

StatusOr<Action> ParseAction(const std::string& s) {
  if (s == "drop_document") return Action::kDropDocument;
  if (s == "drop_line") return Action::kDropLine;
  if (s == "replace") return Action::kReplace;
  return Status::Config("action '" + s + "' is not one of: drop_document, drop_line, replace");
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

StatusOr<std::vector<Rule>> ParsePatternsFile(const std::string& text, const std::string& file_name) {
  std::vector<Rule> rules;
  size_t line_no = 0;
  for (std::string_view line : text::SplitLines(text)) {
    ++line_no;
    if (text::Trim(line).empty() || text::Trim(line).front() == '#') continue;
    std::vector<std::string> fields;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      fields.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    std::string where = file_name + ":" + std::to_string(line_no);
    if (fields.size() < 3 || fields.size() > 4)
      return Status::Config(where + ": expected name<TAB>action<TAB>pattern[<TAB>replacement]");
    Rule r;
    r.name = fields[0];
    auto action = ParseAction(fields[1]);
    if (!action.ok()) return Status::Config(where + ": rule '" + r.name + "': " + action.status().message());
    r.action = action.value();
    r.pattern = fields[2];
    if (fields.size() == 4) r.replacement = fields[3];
    rules.push_back(std::move(r));
  }
  return rules;
}

namespace {

// True when `pattern` uses \C, RE2's "any single byte": it can match half of a
// UTF-8 character, so a replace rule could write invalid UTF-8 and a drop rule
// would match inside characters. Escapes are skipped pairwise ("\\C" is a
// backslash then C) and \Q...\E is literal text.
bool UsesAnyByte(std::string_view pattern) {
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    const char next = pattern[i + 1];
    if (next == 'C') return true;
    if (next == 'Q') {
      const size_t end = pattern.find("\\E", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 1;
      continue;
    }
    ++i;
  }
  return false;
}

RE2::Options RuleOptions() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

class RegexRules : public Stage {
 public:
  RegexRules() : doc_set_(RuleOptions(), RE2::UNANCHORED), line_set_(RuleOptions(), RE2::UNANCHORED),
                 line_prefilter_(RuleOptions(), RE2::UNANCHORED) {}

  // Compiles every rule; errors name the rule.
  Status Init(std::vector<Rule> rules, const std::string& stage) {
    rules_ = std::move(rules);
    std::set<std::string> names;
    for (size_t i = 0; i < rules_.size(); ++i) {
      const Rule& r = rules_[i];
      const std::string where = "stage '" + stage + "', rule '" + r.name + "'";
      if (!ValidName(r.name)) return Status::Config(where + ": names are 1-64 chars of a-z, 0-9, _");
      if (!names.insert(r.name).second) return Status::Config(where + ": duplicate rule name");
      if (UsesAnyByte(r.pattern)) {
        return Status::Config(where + ": pattern uses \\C (any single byte), which can split a UTF-8 character; "
                              "use . (any character) instead");
      }
      auto re = std::make_unique<RE2>(r.pattern, RuleOptions());
      if (!re->ok()) return Status::Config(where + ": invalid pattern: " + re->error());
      if (r.action == Action::kReplace) {
        std::string why;
        if (!re->CheckRewriteString(r.replacement, &why))
          return Status::Config(where + ": invalid replacement: " + why);
      } else if (!r.replacement.empty()) {
        return Status::Config(where + ": 'replacement' is only for action: replace");
      }
      std::string err;
      if (r.action == Action::kDropLine) {
        if (line_set_.Add(r.pattern, &err) < 0) return Status::Config(where + ": invalid pattern: " + err);
        // Prefilter on the whole text: (?m) makes ^ and $ match at line breaks,
        // so every per-line match is also a whole-text match.
        if (line_prefilter_.Add("(?m:" + r.pattern + ")", &err) < 0)
          return Status::Config(where + ": invalid pattern: " + err);
        line_rules_.push_back(i);
      } else {
        if (doc_set_.Add(r.pattern, &err) < 0) return Status::Config(where + ": invalid pattern: " + err);
        doc_rules_.push_back(i);
      }
      compiled_.push_back(std::move(re));
    }
    if (!doc_set_.Compile() || !line_set_.Compile() || !line_prefilter_.Compile())
      return Status::Config("stage '" + stage + "': the rules need more than the 64 MiB RE2 memory budget");
    for (const Rule& r : rules_) counters_.push_back(std::string(kReasonPrefix) + r.name);
    return Status::Ok();
  }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    thread_local std::vector<int> hits;
    std::vector<std::string_view> failed;
    size_t replaced = 0, lines_dropped = 0;
    if (!doc_rules_.empty()) {
      hits.clear();
      if (doc_set_.Match(doc.text, &hits)) {
        std::sort(hits.begin(), hits.end());
        for (int h : hits) {
          const size_t idx = doc_rules_[h];
          if (rules_[idx].action == Action::kDropDocument) {
            failed.push_back(counters_[idx]);
          } else if (failed.empty()) {
            int n = RE2::GlobalReplace(&doc.text, *compiled_[idx], rules_[idx].replacement);
            if (n > 0) ctx.stats().Add(counters_[idx], n);
            // A replacement read from a patterns_file may hold invalid bytes:
            // the text stays valid UTF-8 (repairs counted like the reader's).
            if (n > 0 && !IsValidUtf8(doc.text)) ctx.stats().Add(kUtf8RepairCounter, RepairUtf8(&doc.text));
            replaced += n;
          }
        }
      }
    }
    if (failed.empty() && !line_rules_.empty()) {
      hits.clear();
      if (line_prefilter_.Match(doc.text, &hits)) {
        std::string out;
        out.reserve(doc.text.size());
        for (std::string_view line : text::SplitLines(doc.text)) {
          hits.clear();
          if (line_set_.Match(re2::StringPiece(line.data(), line.size()), &hits)) {
            std::sort(hits.begin(), hits.end());
            ctx.stats().Add(counters_[line_rules_[hits.front()]]);
            ++lines_dropped;
            continue;
          }
          out.append(line);
          out += '\n';
        }
        if (!out.empty() && (doc.text.empty() || doc.text.back() != '\n')) out.pop_back();
        doc.text = std::move(out);
      }
    }
    doc.AddSignal("regex_rules.replacements", static_cast<double>(replaced));
    doc.AddSignal("regex_rules.lines_dropped", static_cast<double>(lines_dropped));
    return text::DropOnFailures(doc, ctx, failed);
  }

 private:
  std::vector<Rule> rules_;
  std::vector<std::unique_ptr<RE2>> compiled_;  // index-aligned with rules_
  std::vector<std::string> counters_;           // "regex_rules.<name>", index-aligned
  std::vector<size_t> doc_rules_, line_rules_;  // set index -> rule index
  RE2::Set doc_set_, line_set_, line_prefilter_;
};

StatusOr<std::vector<Rule>> ParseRulesYaml(const std::string& yaml, const std::string& stage) {
  std::vector<Rule> rules;
  if (yaml.empty()) return rules;
  const std::string opt = "stage '" + stage + "', option 'rules'";
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return Status::Config(opt + ": not valid YAML: " + e.what());
  }
  if (root.IsNull()) return rules;
  if (!root.IsSequence()) return Status::Config(opt + ": expected a list of {name, pattern, action, replacement}");
  size_t i = 0;
  for (const auto& item : root) {
    ++i;
    std::string where = opt + ", item " + std::to_string(i);
    if (!item.IsMap()) return Status::Config(where + ": expected a mapping {name, pattern, action, replacement}");
    Rule r;
    for (const auto& kv : item) {
      const std::string key = kv.first.Scalar();
      if (!kv.second.IsScalar()) return Status::Config(where + ", key '" + key + "': expected a string");
      const std::string value = kv.second.Scalar();
      if (key == "name") {
        r.name = value;
      } else if (key == "pattern") {
        r.pattern = value;
      } else if (key == "replacement") {
        r.replacement = value;
      } else if (key == "action") {
        auto a = ParseAction(value);
        if (!a.ok()) return Status::Config(where + ": " + a.status().message());
        r.action = a.value();
      } else {
        return Status::Config(where + ": unknown key '" + key + "' (takes: name, pattern, action, replacement)");
      }
    }
    if (r.name.empty()) return Status::Config(where + ": 'name' is required");
    if (r.pattern.empty()) return Status::Config(where + " ('" + r.name + "'): 'pattern' is required");
    rules.push_back(std::move(r));
  }
  return rules;
}

}  // namespace

SLUICE_REGISTER_STAGE(RegexRules, [] {
  StageInfo info;
  info.type = "regex_rules";
  info.folder = "filters";
  info.summary = "User RE2 rules (drop_document / drop_line / replace), compiled once into RE2::Sets";
  info.options = {
      text::TextOption("rules", OptionType::kYaml, "",
                       "list of {name, pattern, action: drop_document|drop_line|replace, replacement}"),
      text::TextOption("patterns_file", OptionType::kString, "",
                       "file of rules, one per line: name<TAB>action<TAB>pattern[<TAB>replacement]; '#' comments "
                       "(relative to the recipe)"),
  };
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    auto rules = ParseRulesYaml(o.GetYaml("rules"), env.instance_name);
    if (!rules.ok()) return rules.status();
    const std::string& file = o.GetString("patterns_file");
    if (!file.empty()) {
      std::string path = file.front() == '/' ? file : env.recipe_dir + "/" + file;
      std::ifstream in(path, std::ios::binary);
      if (!in)
        return Status::Config("stage '" + env.instance_name + "', option 'patterns_file': " +
                              CannotOpenMessage("", path, errno));
      std::stringstream ss;
      ss << in.rdbuf();
      auto more = ParsePatternsFile(ss.str(), path);
      if (!more.ok()) return more.status();
      for (auto& r : more.value()) rules->push_back(std::move(r));
    }
    if (rules->empty())
      return Status::Config("stage '" + env.instance_name + "': give at least one rule in 'rules' or 'patterns_file'");
    auto stage = std::make_unique<RegexRules>();
    SLUICE_RETURN_IF_ERROR(stage->Init(std::move(rules).value(), env.instance_name));
    return std::unique_ptr<Stage>(std::move(stage));
  };
  return info;
});

}  // namespace sluice::regex_rules
