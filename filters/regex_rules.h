// regex_rules: user rules as named RE2 patterns from the recipe (`rules:` list
// of {name, pattern, action, replacement}) or a `patterns_file:`. Patterns are
// compiled once into RE2::Sets, so matching is linear in the input for any
// number of rules. Actions: drop_document (matched anywhere in the text),
// drop_line (matched per line; the line is removed), replace (every match in the
// text is replaced, RE2 rewrite syntax \1). An invalid pattern is a recipe error
// naming the rule. Registered as type `regex_rules`; immutable and thread-safe.
//
// patterns_file format: one rule per line, fields separated by a TAB:
//   name<TAB>action<TAB>pattern[<TAB>replacement]
// Blank lines and lines starting with '#' are ignored.
#pragma once

#include <string>
#include <vector>

#include "stages/engine/status.h"

namespace sluice::regex_rules {

// The drop reason is "regex_rules.<rule name>"; every matching drop_document
// rule is recorded in doc.all_reasons. Counters: "regex_rules.<name>" counts
// documents (drop_document), lines (drop_line) or replacements (replace).
inline constexpr char kReasonPrefix[] = "regex_rules.";
// Counter: replacement characters written where a replacement left invalid UTF-8.
inline constexpr char kUtf8RepairCounter[] = "regex_rules.invalid_utf8_repaired";

enum class Action { kDropDocument, kDropLine, kReplace };

struct Rule {
  std::string name;
  std::string pattern;
  Action action = Action::kDropDocument;
  std::string replacement;
};

// Parses a patterns file's text; errors name the file and the line.
StatusOr<std::vector<Rule>> ParsePatternsFile(const std::string& text, const std::string& file_name);

}  // namespace sluice::regex_rules
