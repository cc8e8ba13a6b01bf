// What the rule stages share: option-schema shorthands, the drop of a document
// that failed several rules, and named thresholds with per-language and
// per-script calibration (the recipe's `per_language:` / `per_script:`).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "filters/document_locale.h"
#include "stages/engine/document.h"
#include "stages/engine/stage.h"
#include "stages/engine/status.h"

namespace sluice::text {

// Option-schema shorthands for the rule stages (over MakeOption, stages/engine/stage.h).
OptionSpec NumberOption(std::string name, OptionType type, std::string def, std::string help, double min,
                        double max);
OptionSpec BoolOption(std::string name, std::string def, std::string help);
OptionSpec TextOption(std::string name, OptionType type, std::string def, std::string help);

// Ends a multi-rule evaluation: every failing reason is appended to
// doc.all_reasons and counted (one counter per reason, so the stats show every
// rule that fired, not only the first); the first one becomes the drop reason.
Verdict DropOnFailures(Document& doc, StageContext& ctx, const std::vector<std::string_view>& failed);

// Named numeric thresholds of a stage, with per-script and per-language
// overrides. A value comes from, in order of precedence: the language's entry
// (recipe over shipped), the script's entry (recipe over shipped), the stage's
// option; an option set explicitly in the recipe replaces the shipped entries
// of its key (FromOptions). Built once in the factory; For() is const and thread-safe.
class LanguageThresholds {
 public:
  struct Param {
    std::string name;  // the option name (also the key inside per_language)
    double min;
    double max;
  };

  // `base` holds the value of every param (index-aligned with `params`).
  // `per_language_yaml` is the recipe's per_language mapping
  // ({lang: {param: value}}), merged key by key over `builtin` (the shipped
  // defaults for zh/ja). Errors name the stage, the language and the key.
  // `builtin_script_yaml` / `per_script_yaml` are the same for ISO 15924 script
  // codes ({Thai: {param: value}}).
  static StatusOr<LanguageThresholds> Build(const std::string& stage, std::vector<Param> params,
                                            std::vector<double> base, const std::string& builtin_yaml,
                                            const std::string& per_language_yaml,
                                            const std::string& builtin_script_yaml = "",
                                            const std::string& per_script_yaml = "",
                                            const std::vector<bool>& explicitly_set = {});
  // Build() from a stage's options: the base is each param's option value, and
  // an option the recipe sets explicitly replaces the shipped per-language and
  // per-script values of that key (so `min_words: 30` means 30 everywhere,
  // unless the recipe's own per_language/per_script says otherwise). Reads the
  // stage's `per_language` and `per_script` options when it has them.
  static StatusOr<LanguageThresholds> FromOptions(const std::string& stage, std::vector<Param> params,
                                                  const Options& o, const std::string& builtin_yaml,
                                                  const std::string& builtin_script_yaml);

  // The values for a language and script ("" = none); unknown ones get the base.
  const std::vector<double>& For(std::string_view lang, std::string_view script = "") const;
  // For(locale.calibration_language, locale.script).
  const std::vector<double>& For(const DocumentLocale& locale) const {
    return For(locale.calibration_language, locale.script);
  }
  size_t Index(std::string_view name) const;  // programmer error if absent

 private:
  std::vector<Param> params_;
  std::vector<double> base_;
  std::map<std::string, std::vector<double>, std::less<>> per_lang_;
  std::map<std::string, std::vector<double>, std::less<>> per_script_;
  std::map<std::string, std::vector<double>, std::less<>> per_lang_script_;  // "lang|Script"
};

// The per_language and per_script options every calibrated rule stage has
// (read by LanguageThresholds::FromOptions); the defaults are the shipped tables.
OptionSpec PerLanguageOption(const char* builtin_yaml);
OptionSpec PerScriptOption(const char* builtin_yaml);

}  // namespace sluice::text
