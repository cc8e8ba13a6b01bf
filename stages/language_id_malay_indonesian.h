// Indonesian or Malay? CLD2 labels half of real Indonesian text of >= 100
// characters as Malay (and a fifth of Malay as Indonesian): the two standards
// share most of their vocabulary and CLD2 answers all-or-nothing (no second
// language in its top 3). This second opinion counts words that are usual in one
// standard and rare in the other (spelling: karena/kerana, bahwa/bahawa,
// berbeda/berbeza, bagian/bahagian; vocabulary: berhasil/berjaya, jendela/
// tetingkap, surga/syurga; -itas/-iti loans: kualitas/kualiti). The lists are
// built from knowledge of the standards and checked on the `dev` half of
// bench/textprep/langid_eval.py. Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace sluice {

struct MalayIndonesianVotes {
  int indonesian = 0;  // occurrences of Indonesian-only words
  int malay = 0;       // occurrences of Malay-only words
};

// Counts the marker words in `utf8` (ASCII letters, case-insensitive; words are
// split at every other byte, so "mana-mana" is two words).
MalayIndonesianVotes CountMalayIndonesianMarkers(std::string_view utf8);

// "id" or "ms" when the votes disagree with each other by at least one, else
// `cld2_code` unchanged. Only call with a CLD2 answer of "id" or "ms".
std::string_view ResolveMalayIndonesian(std::string_view cld2_code, const MalayIndonesianVotes& votes);

}  // namespace sluice
