// A second opinion inside clusters of close languages that CLD2 confuses on UI and
// technical text: Spanish/Galician/Portuguese and Swedish/Norwegian/Danish. Debian's
// CLD2 (small tables) reads Spanish gettext strings as Galician and Swedish or Danish
// as Norwegian (bench/textprep/RESULTS.md section 2b); its top 3 rarely holds the
// right one, and stop-word lists do not separate these languages. When CLD2's answer
// is in a cluster, a multi-class naive Bayes model over hashed character 4- and
// 5-grams (one int8 table per language, language_id_close_languages_model.cc)
// chooses within the cluster; an answer outside every cluster is never changed.
// Only the label changes, never the text. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace sluice {

// The model's features of `utf8`: maximal runs of letters (general category L),
// each code point lower-cased by its simple case mapping, padded with one space on
// each side; every run of 4 and of 5 code points of a padded word is hashed
// (FNV-1a 32 over its UTF-8 bytes) to its low kCloseHashBits bits. Exposed for
// the golden tests (the Python trainer extracts the same ids).
std::vector<uint32_t> CloseLanguageFeatures(std::string_view utf8);

// The cluster's scores of `utf8`, in the cluster's order ("es", "gl", "pt" or
// "sv", "no", "da"), or empty when `code` is in no cluster. Higher = more likely.
std::vector<int64_t> CloseLanguageScores(std::string_view code, std::string_view utf8);

// The language to report for `code` on `utf8`: the cluster member with the highest
// score; a tie keeps `code`. Codes outside every cluster are returned unchanged.
// Example: ("gl", "Non se puido abrir o ficheiro") stays "gl";
// ("gl", "<Spanish UI strings>") -> "es".
std::string_view ResolveCloseLanguages(std::string_view code, std::string_view utf8);

// True when `a` and `b` are in the same cluster (e.g. "es" and "pt").
bool InCloseLanguageCluster(std::string_view a, std::string_view b);

}  // namespace sluice
