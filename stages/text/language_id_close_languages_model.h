// The generated tables of the close-language naive Bayes model (data only; the
// features and the decision are in language_id_close_languages.cc). Written by
// `bench/textprep/langid_eval.py --write-close-model`, trained on gettext catalogues
// and Firefox language packs that the evaluation does not read. Read-only; thread-safe.
#pragma once

namespace sluice {

constexpr int kCloseMaxClusterSize = 3;

struct CloseLanguageCluster {
  int size;                                        // languages in the cluster
  const char* codes[kCloseMaxClusterSize];         // sluice language codes, e.g. "es"
  const signed char* tables[kCloseMaxClusterSize]; // 1 << kCloseHashBits int8 weights each
};

extern const int kCloseHashBits;  // each table has 1 << kCloseHashBits entries
extern const int kCloseScale;     // weight units per nat
extern const int kCloseClusterCount;
// kCloseScale * (log P(gram | language) - the mean over the cluster) per hash
// bucket, clamped to int8; 0 where no training gram of the cluster fell.
extern const CloseLanguageCluster kCloseClusters[];

}  // namespace sluice
