// The `minhash_dedup` stage: near-duplicate removal with MinHash + LSH.
// Process() (parallel) computes the signature; ProcessSerial() (one thread,
// input order) queries the index and inserts kept documents.
//
// Semantic (shared exactly with the multi-phase mode, stages/minhash_phases.h):
// greedy in input order. A document is dropped iff some earlier *kept* document
// shares an LSH band key with it and their similarity is >= threshold; it then
// names the most similar such document (ties: the earlier one) as its survivor.
// Kept documents are therefore pairwise below the threshold (among LSH
// candidates) and every dropped one has a kept near-duplicate; unlike
// union-find, a chain A~B~C with A!~C keeps C (B is dropped for A, and C is
// not similar to any kept document).
#pragma once

#include <cstdint>
#include <string>

#include "stages/minhash_signature.h"
#include "stages/stage.h"

namespace sluice {

inline constexpr char kMinHashDedupType[] = "minhash_dedup";
inline constexpr char kMinHashNearDuplicate[] = "minhash_dedup.near_duplicate";
// Signals and counters.
inline constexpr char kMinHashSimilaritySignal[] = "minhash_dedup.similarity";
inline constexpr char kMinHashClusterSizeSignal[] = "minhash_dedup.cluster_size";
inline constexpr char kMinHashEmptyCounter[] = "minhash_dedup.empty_documents";
inline constexpr char kMinHashCandidatesCounter[] = "minhash_dedup.candidates_verified";
inline constexpr char kMinHashClusterHistogram[] = "minhash_dedup.cluster_size";

// Resolved settings of a minhash_dedup instance (also used by the multi-phase CLI).
struct MinHashDedupConfig {
  MinHashParams params;
  double threshold = 0.8;
  bool exact_verify = true;
  size_t shingle_memory = size_t{1} << 30;  // bytes of shingle sets in RAM before spilling
  std::string spill_dir;                     // "" = $TMPDIR, else /var/tmp
  std::string index_in;   // resolved path, "" = none
  std::string index_out;  // resolved path, "" = none
};

// Validates options of the minhash_dedup schema into a config. bands/rows are
// 14 x 8 unless set; when `threshold` is set and neither `bands` nor `rows` is,
// they are derived from it with DeriveBandsRows(threshold, num_perm).
StatusOr<MinHashDedupConfig> MinHashDedupConfigFromOptions(const Options& options, const StageEnv& env);

// Parameters that must match between an index (or signature file) and its user.
std::string MinHashMeta(const MinHashParams& params);

// Global input-order key: input file index in the high 24 bits, line in the low 40.
inline uint64_t MinHashOrderKey(uint32_t input_index, uint64_t line) {
  return (static_cast<uint64_t>(input_index) << 40) | (line & ((uint64_t{1} << 40) - 1));
}

// Verdict detail of a near-duplicate, "near-duplicate of <id> (J≈0.87)" (shared
// by the stage and the multi-phase filter so both modes match byte for byte).
std::string NearDuplicateDetail(std::string_view survivor_id, double similarity);

// The binary stash passed from Process to ProcessSerial in Document::scratch:
// band keys, compact signature, then (exact verification) the 32-bit shingle
// set, in native byte order (never persisted). Exposed for tests.
void EncodeMinHashStash(const std::vector<uint32_t>& band_keys, const std::vector<uint16_t>& compact,
                        const std::vector<uint32_t>* shingle_set, std::string* out);
bool DecodeMinHashStash(std::string_view data, int bands, int num_perm, std::vector<uint32_t>* band_keys,
                        std::vector<uint16_t>* compact, std::vector<uint32_t>* shingle_set);

}  // namespace sluice
