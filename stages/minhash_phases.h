// Multi-phase MinHash dedup for sharded and cluster runs, file-based:
//   1. signatures (one task per input shard): documents -> .mhsig file
//   2. buckets (one task per band): all .mhsig files -> .mhbkt file holding the
//      band's buckets with >= 2 documents (groups of order keys)
//   3. clusters (one task): all .mhbkt + the signatures of the documents they
//      mention -> duplicates list (greedy, input order; see minhash_dedup.h)
//   4. filter: the `minhash_filter` stage (or `sluice minhash filter`) drops the
//      listed documents with the same reason, detail, annotations and signals.
// The decisions equal the in-process minhash_dedup stage's on the same input
// (same candidates: documents sharing a band key; same verification; same
// greedy order), which a test checks. Documents are identified by their order
// key MinHashOrderKey(input_index, line). All functions are thread-compatible
// (no shared state); ComputeSignatures uses TBB internally.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stages/minhash_signature.h"
#include "stages/status.h"

namespace sluice {

// One input document of the signatures phase.
struct PhaseInputDoc {
  uint64_t order_key = 0;
  std::string id;
  std::string text;
};

// One record of a signature file.
struct SignatureRecord {
  uint64_t order_key = 0;
  std::string id;
  bool empty = false;               // no shingles: never a duplicate, never a survivor
  std::vector<uint32_t> band_keys;  // `bands` entries unless empty
  std::vector<uint16_t> compact;    // K entries unless empty
  std::vector<uint32_t> shingle_set;  // files written with_sets: the sorted 32-bit set (ShingleSet32)
};

// Fills `r` (all but order_key and id) for `text` exactly as the minhash_dedup
// stage computes it: empty flag, band keys, compact signature and, when
// `with_sets`, the shingle set. Thread-safe.
void ComputeSignatureRecord(const MinHasher& hasher, bool with_sets, std::string_view text, SignatureRecord* r);

// Writes a signature file record by record (increasing order keys) to
// `path`.tmp, renamed to `path` by Finish(): a crashed writer never leaves a
// file that looks complete. Not thread-safe.
class SignatureFileWriter {
 public:
  static StatusOr<std::unique_ptr<SignatureFileWriter>> Open(const std::string& path, const MinHashParams& params,
                                                            bool with_sets);
  ~SignatureFileWriter();
  Status Append(const SignatureRecord& r);
  Status Finish();
  int64_t records() const { return records_; }

 private:
  SignatureFileWriter() = default;
  std::string path_;
  std::FILE* file_ = nullptr;
  int num_perm_ = 0;
  int bands_ = 0;
  bool with_sets_ = false;
  int64_t records_ = 0;
  uint64_t last_key_ = 0;
  bool ok_ = true;
};

// Phase 1. Pulls batches from `next_batch` (false = no more input; documents in
// increasing order key), computes signatures (and shingle sets when
// `with_sets`, for exact verification) on up to `threads` threads and writes
// them, in order, to `out_path`. *documents gets the number written.
Status ComputeSignatures(const MinHasher& hasher, bool with_sets,
                         const std::function<bool(std::vector<PhaseInputDoc>*)>& next_batch,
                         const std::string& out_path, int threads, int64_t* documents);

// Reads a signature file; every record is passed to `on_record`. *with_sets
// (optional) tells whether the file carries shingle sets.
Status ReadSignatureFile(const std::string& path, const MinHashParams& params,
                         const std::function<void(SignatureRecord&)>& on_record, bool* with_sets = nullptr);

// Phase 2. Writes the buckets of band `band` with at least two documents.
Status BuildBandBuckets(const std::vector<std::string>& signature_files, const MinHashParams& params, int band,
                        const std::string& out_path, int64_t* groups);

struct ClusterSummary {
  int64_t documents_in_buckets = 0;  // documents sharing at least one band key with another
  int64_t candidates_verified = 0;
  int64_t dropped = 0;
  int64_t clusters = 0;  // kept documents with at least one dropped near-duplicate
  std::vector<int64_t> cluster_sizes;  // size of each such cluster, in survivor order
  bool exact = false;                  // verified on shingle sets (the signature files carry them)
};

// Phase 3. Reads every band's bucket file and the signature files, runs the
// greedy in-order verification (exact Jaccard when the signature files carry
// shingle sets, which must then all do; else the signature estimate) and
// writes the duplicates list to `out_path`
// (text, one line per dropped document, sorted by order key:
//  input_index TAB line TAB similarity TAB cluster_size TAB id(JSON) TAB survivor_id(JSON)).
Status ComputeClusters(const std::vector<std::string>& signature_files, const std::vector<std::string>& bucket_files,
                       const MinHashParams& params, double threshold, const std::string& out_path,
                       ClusterSummary* summary);

// A dropped document as listed by phase 3.
struct DuplicateEntry {
  std::string id;
  std::string survivor_id;
  double similarity = 0.0;
  int64_t cluster_size = 0;
};

// Loads a duplicates list: order key -> entry. Errors name the file and line.
StatusOr<std::unordered_map<uint64_t, DuplicateEntry>> LoadDuplicates(const std::string& path);

}  // namespace sluice
