// The `minhash_dedup` stage: near-duplicate removal with MinHash + LSH, a
// global stage (stages/engine/global_stage.h): Key() (parallel) computes the
// signature; the resolver (one thread, input order) queries the index and
// inserts kept documents; Apply() marks the near-duplicates.
//
// Semantic:
// greedy in input order. A document is dropped iff some earlier *kept* document
// shares an LSH band key with it and their similarity is >= threshold; it then
// names the most similar such document (ties: the earlier one) as its survivor.
// Kept documents are therefore pairwise below the threshold (among LSH
// candidates) and every dropped one has a kept near-duplicate; unlike
// union-find, a chain A~B~C with A!~C keeps C (B is dropped for A, and C is
// not similar to any kept document).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stages/dedup/minhash_lsh_index.h"
#include "stages/dedup/minhash_signature.h"
#include "stages/engine/stage.h"
#include "stages/engine/stats.h"

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

// Verdict detail of a near-duplicate, "near-duplicate of <id> (J≈0.87)" (shared
// by the stage and the multi-phase filter so both modes match byte for byte).
std::string NearDuplicateDetail(std::string_view survivor_id, double similarity);

// Marks `doc` as a near-duplicate of `survivor_id` exactly as minhash_dedup
// does (duplicate_of / duplicate_similarity annotations, similarity and
// cluster-size signals, reason and detail). Used by the stage's Apply(), in
// one process and in a sharded run alike.
Verdict MarkNearDuplicate(Document& doc, std::string_view survivor_id, double similarity, int64_t cluster_size);

// The serial, order-dependent half of minhash_dedup: the index of kept
// documents and the greedy in-input-order decision. Used by the stage's
// resolver, in one process and in the sharded resolve phase alike. Not
// thread-safe.
class MinHashDeduplicator {
 public:
  // A fresh index, or the one saved at config.index_in (errors name the option).
  static StatusOr<std::unique_ptr<MinHashDeduplicator>> Create(const MinHashDedupConfig& config);

  struct Decision {
    bool empty = false;        // no shingles: kept, never indexed
    bool duplicate = false;
    std::string_view survivor_id;  // valid until the next call
    double similarity = 0.0;
    int64_t cluster_size = 0;  // the survivor's cluster, this document included
  };
  // Decides the document whose stash (EncodeMinHashStash; "" = no shingles) is
  // given; kept documents are indexed under `order_key` and `id`. Adds the
  // stage's counters to `stats`.
  Decision Decide(std::string_view stash, uint64_t order_key, std::string_view id, Stats* stats);

  // End of input: observes the cluster-size histogram into `stats` (may be
  // null), returns the stage report, warns about a failed spill, fails on a
  // failed spill read, and saves config.index_out.
  Status Finish(Stats* stats, std::string* report_json);

 private:
  MinHashDeduplicator(MinHashDedupConfig config, std::unique_ptr<MinHashLshIndex> index);
  MinHashDedupConfig config_;
  std::unique_ptr<MinHashLshIndex> index_;
  size_t base_slots_ = 0;
  std::vector<uint32_t> band_keys_;
  std::vector<uint16_t> compact_;
  std::vector<uint32_t> set_;
};

// The binary stash in the stage's key (and so in the sharded run's key files): band keys, then the compact
// signature (verify: signature) or the 32-bit shingle set (verify: exact;
// `compact` is then empty and decoded with num_perm 0), in native byte order.
// EncodeMinHashStash appends it to *out. Exposed for tests.
void EncodeMinHashStash(const std::vector<uint32_t>& band_keys, const std::vector<uint16_t>& compact,
                        const std::vector<uint32_t>* shingle_set, std::string* out);
bool DecodeMinHashStash(std::string_view data, int bands, int num_perm, std::vector<uint32_t>* band_keys,
                        std::vector<uint16_t>* compact, std::vector<uint32_t>* shingle_set);

}  // namespace sluice
