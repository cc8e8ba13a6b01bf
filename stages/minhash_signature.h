// MinHash signatures for near-duplicate detection: dedup-only normalization,
// shingling (word n-grams over ICU word segments, or character n-grams), XXH3
// base hashes and K = bands x rows universal-hash permutations
// h_k(x) = (a_k * x + b_k) mod (2^61 - 1). The values are persisted (signature
// files, saved indexes), so tests pin them with golden vectors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class ShingleMode { kWord, kChar };

struct MinHashParams {
  ShingleMode shingle = ShingleMode::kWord;
  int word_ngram = 5;  // words per shingle (kWord)
  int char_ngram = 5;  // code points per shingle (kChar)
  int bands = 14;
  int rows = 8;
  uint64_t seed = 1;
  int num_perm() const { return bands * rows; }
};

// The Mersenne prime 2^61 - 1 of the permutations.
inline constexpr uint64_t kMinHashPrime = (uint64_t{1} << 61) - 1;

// Probability that two documents with Jaccard similarity `s` share at least one
// band (the LSH S-curve): 1 - (1 - s^rows)^bands.
double LshCandidateProbability(double s, int bands, int rows);

// Picks bands x rows <= num_perm for a target Jaccard threshold t by minimizing
// 0.5 * (false-positive area + false-negative area) of the S-curve, i.e.
//   FP = integral_0^t P(s) ds,  FN = integral_t^1 (1 - P(s)) ds,
// with P the candidate probability above (the datasketch rule, equal weights).
// Ties go to more bands (higher recall). Returns {bands, rows}.
std::pair<int, int> DeriveBandsRows(double threshold, int num_perm);

// Signature of one document. `mins` holds the K minima (61-bit values); an
// empty document (no shingles) has empty `mins`.
struct MinHashSignature {
  std::vector<uint64_t> mins;
  size_t shingles = 0;  // distinct shingle hashes seen (an upper bound: duplicates are not removed)
  bool empty() const { return mins.empty(); }
};

// Computes shingles and signatures. Immutable after construction; all methods
// are const and thread-safe (scratch space is thread_local).
class MinHasher {
 public:
  explicit MinHasher(const MinHashParams& params);
  const MinHashParams& params() const { return params_; }

  // Dedup-only normalization of one word: case folding, punctuation removed,
  // every decimal digit mapped to '0'. "Don't" -> "dont", "v3.14" -> "v000".
  static void NormalizeWord(std::string_view word, std::string* out);

  // 64-bit XXH3 hashes of the document's shingles, in text order (with repeats).
  // Word mode: shingle = n consecutive normalized words (ICU segmentation, so
  // Chinese is split into words); a document with fewer than n words (but at
  // least one) gives one shingle of all its words. Char mode: text normalized
  // (case folded, punctuation dropped, digits to '0', whitespace runs to one
  // space), then n consecutive code points; shorter text gives one shingle.
  void Shingles(std::string_view text, std::vector<uint64_t>* out) const;

  // K minima of the permutations over the shingle hashes.
  void Compute(std::string_view text, MinHashSignature* sig) const;
  void ComputeFromShingles(const std::vector<uint64_t>& shingles, MinHashSignature* sig) const;

  // 32-bit LSH bucket key of band `band` (XXH3 of its `rows` minima, seeded by the band).
  uint32_t BandKey(const MinHashSignature& sig, int band) const;
  // The compact form kept in indexes: the low 16 bits of each minimum.
  static void Compact(const MinHashSignature& sig, std::vector<uint16_t>* out);

 private:
  MinHashParams params_;
  std::vector<uint64_t> a_;
  std::vector<uint64_t> b_;
};

// Estimated Jaccard similarity of two compact signatures: the fraction of equal
// 16-bit minima (a chance 16-bit collision adds at most 2^-16 to the estimate).
double CompactSimilarity(const uint16_t* x, const uint16_t* y, int num_perm);

// Exact Jaccard similarity of two sorted, de-duplicated hash sets.
double SetJaccard(const uint64_t* x, size_t nx, const uint64_t* y, size_t ny);
inline double SetJaccard(const std::vector<uint64_t>& x, const std::vector<uint64_t>& y) {
  return SetJaccard(x.data(), x.size(), y.data(), y.size());
}

}  // namespace sluice
