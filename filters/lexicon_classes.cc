#include "filters/lexicon_classes.h"

#include "filters/phrase_matcher.h"

namespace sluice {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

}  // namespace

StatusOr<LexiconClasses> ParseLexiconClasses(std::string_view text) {
  LexiconClasses out;
  std::string lang, kind, cls;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = Trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const std::string where = "lexicon classes line " + std::to_string(line_no);
    if (line.front() == '[') {
      if (line.back() != ']') return Status::Config(where + ": unterminated section header");
      const std::string header(line.substr(1, line.size() - 2));
      const size_t a = header.find(' ');
      const size_t b = a == std::string::npos ? a : header.find(' ', a + 1);
      if (b == std::string::npos || header.find(' ', b + 1) != std::string::npos) {
        return Status::Config(where + ": expected [<lang> ambiguous <class>] or [<lang> context innocent]");
      }
      lang = header.substr(0, a);
      kind = header.substr(a + 1, b - a - 1);
      cls = header.substr(b + 1);
      if (kind != "ambiguous" && !(kind == "context" && cls == "innocent")) {
        return Status::Config(where + ": unknown section kind '" + kind + " " + cls + "'");
      }
      continue;
    }
    if (lang.empty()) return Status::Config(where + ": entry before any section header");
    std::string folded = PhraseMatcher::FoldCase(line);
    if (kind == "ambiguous") {
      out.ambiguous[lang][folded] = cls;
    } else {
      out.innocent_contexts[lang].insert(std::move(folded));
    }
  }
  return out;
}

const LexiconClasses& BuiltinLexiconClasses() {
  static const LexiconClasses kClasses = [] {
    auto parsed = ParseLexiconClasses(LdnoobwClassesText());
    return parsed.ok() ? std::move(parsed).value() : LexiconClasses{};
  }();
  return kClasses;
}

}  // namespace sluice
