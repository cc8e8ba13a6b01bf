// The generated table of the Indonesian/Malay naive Bayes model (data only; the
// features and the decision are in language_id_malay_indonesian.cc). Written by
// `bench/textprep/langid_eval.py --write-id-ms-model`, trained on gettext
// catalogues that the evaluation does not read. Read-only; thread-safe.
#pragma once

namespace sluice {

extern const int kIdMsHashBits;  // the table has 1 << kIdMsHashBits entries
extern const int kIdMsScale;     // weight units per nat
// kIdMsScale * (log P(gram | id) - log P(gram | ms)) per hash bucket, clamped to int8.
extern const signed char kIdMsWeights[];

}  // namespace sluice
