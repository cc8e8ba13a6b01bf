// Indonesian or Malay? CLD2 labels half of real Indonesian text of >= 100
// characters as Malay (and a fifth of Malay as Indonesian): the two standards
// share most of their vocabulary and CLD2 answers all-or-nothing (no second
// language in its top 3). This second opinion counts words that are usual in one
// standard and rare in the other (spelling: karena/kerana, bahwa/bahawa,
// berbeda/berbeza, bagian/bahagian; vocabulary: berhasil/berjaya, jendela/
// tetingkap, surga/syurga; -itas/-iti loans: kualitas/kualiti). The lists are
// built from knowledge of the standards and checked on the `dev` half of
// bench/textprep/langid_eval.py. Most text has no marker word, so a small naive
// Bayes model over character 4- and 5-grams (generated table, see
// language_id_malay_indonesian_model.h) decides when the markers tie.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace sluice {

struct MalayIndonesianVotes {
  int indonesian = 0;  // occurrences of Indonesian-only words
  int malay = 0;       // occurrences of Malay-only words
};

// Counts the marker words in `utf8` (ASCII letters, case-insensitive; words are
// split at every other byte, so "mana-mana" is two words).
MalayIndonesianVotes CountMalayIndonesianMarkers(std::string_view utf8);

// The naive Bayes score of `utf8` (> 0: Indonesian, < 0: Malay, 0: no evidence),
// in weight units (kIdMsScale per nat). Features: every 4- and 5-byte window of
// each ASCII letter run, lowercased and padded with one space on each side
// ("Kerana" -> " kera", "keran", ...), FNV-1a hashed; non-ASCII bytes end words.
// Must match id_ms_features() in bench/textprep/langid_eval.py.
int64_t MalayIndonesianModelScore(std::string_view utf8);

// Decides an "id"/"ms" answer of CLD2: the marker votes when they differ, else
// the model's sign, else `cld2_code` unchanged.
std::string_view ResolveMalayIndonesian(std::string_view cld2_code, const MalayIndonesianVotes& votes,
                                        int64_t model_score);

}  // namespace sluice
