// MinHash signatures for near-duplicate detection: dedup-only normalization,
// shingling (word n-grams over ICU word segments, or character n-grams), XXH3
// base hashes and K = bands x rows universal hash functions, one of two families:
//   multiply_shift (default): h_k(x) = ((a_k * x + b_k) mod 2^64) >> 32 over the
//     low 32 bits x of the shingle hash (the same 32-bit ids as the exact sets);
//     Dietzfelbinger's multiply-add-shift, strongly universal for 32-bit keys;
//   mersenne61: h_k(x) = (a_k * x + b_k) mod (2^61 - 1) over the low 61 bits
//     (the family of datasketch and datatrove), about 3x the arithmetic.
// The values are persisted (signature files, saved indexes, both tagged with the
// family), so tests pin them with golden vectors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class ShingleMode { kWord, kChar };
enum class MinHashFamily { kMultiplyShift, kMersenne61 };

struct MinHashParams {
  ShingleMode shingle = ShingleMode::kWord;
  int word_ngram = 5;  // words per shingle (kWord)
  int char_ngram = 5;  // code points per shingle (kChar)
  int bands = 14;
  int rows = 8;
  uint64_t seed = 1;
  MinHashFamily family = MinHashFamily::kMultiplyShift;
  int num_perm() const { return bands * rows; }
};

// The Mersenne prime 2^61 - 1 of the permutations.
inline constexpr uint64_t kMinHashPrime = (uint64_t{1} << 61) - 1;

// Probability that two documents with Jaccard similarity `s` share at least one
// band (the LSH S-curve): 1 - (1 - s^rows)^bands.
double LshCandidateProbability(double s, int bands, int rows);

// Picks bands x rows <= num_perm for a target Jaccard threshold t. Candidates
// are verified afterwards, so a false candidate costs only a comparison while a
// missed one is a missed duplicate: take the most rows per band r (fewest false
// candidates) such that b = floor(num_perm / r) bands still make a pair at
// exactly J = t a candidate with probability >= 0.99:
//   1 - (1 - t^r)^b >= 0.99.     (t = 0.8, 112 -> 18 x 6; 0.7 -> 28 x 4; 0.9 -> 11 x 10)
// When even r = 1 falls short, returns num_perm x 1.
inline constexpr double kDerivedRecallAtThreshold = 0.99;
std::pair<int, int> DeriveBandsRows(double threshold, int num_perm);

// Signature of one document. `mins` holds the K minima (32-bit values for
// multiply_shift, 61-bit for mersenne61); an empty document (no shingles) has
// empty `mins`.
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

// The permutation kernels: mins[i] = min_j (a[i] * x[j] + b[i]) mod 2^61-1 for
// a, b, x < 2^61 and n >= 1. The AVX-512 and AVX2 ones return false (and do
// nothing) when the CPU lacks AVX-512F / AVX2; all give identical values.
void MinHashMinsScalar(const uint64_t* a, const uint64_t* b, int k, const uint64_t* x, size_t n, uint64_t* mins);
bool MinHashMinsAvx2(const uint64_t* a, const uint64_t* b, int k, const uint64_t* x, size_t n, uint64_t* mins);
bool MinHashMinsAvx512(const uint64_t* a, const uint64_t* b, int k, const uint64_t* x, size_t n, uint64_t* mins);

// The multiply-shift kernels: mins[i] = min_j ((a[i] * x[j] + b[i]) mod 2^64) >> 32
// for n >= 1; same contract as above.
void MulShiftMinsScalar(const uint64_t* a, const uint64_t* b, int k, const uint32_t* x, size_t n, uint64_t* mins);
bool MulShiftMinsAvx2(const uint64_t* a, const uint64_t* b, int k, const uint32_t* x, size_t n, uint64_t* mins);
bool MulShiftMinsAvx512(const uint64_t* a, const uint64_t* b, int k, const uint32_t* x, size_t n, uint64_t* mins);

// Estimated Jaccard similarity of two compact signatures: the fraction of equal
// 16-bit minima (a chance 16-bit collision adds at most 2^-16 to the estimate).
double CompactSimilarity(const uint16_t* x, const uint16_t* y, int num_perm);

// Exact Jaccard similarity of two sorted, de-duplicated sets (1 when both are empty).
template <typename T>
double SortedSetJaccard(const T* x, size_t nx, const T* y, size_t ny) {
  if (nx == 0 && ny == 0) return 1.0;
  size_t i = 0, j = 0, inter = 0;
  while (i < nx && j < ny) {
    if (x[i] < y[j]) {
      ++i;
    } else if (y[j] < x[i]) {
      ++j;
    } else {
      ++inter;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(inter) / static_cast<double>(nx + ny - inter);
}

// Exact Jaccard similarity of two sorted, de-duplicated hash sets.
inline double SetJaccard(const uint64_t* x, size_t nx, const uint64_t* y, size_t ny) {
  return SortedSetJaccard(x, nx, y, ny);
}
inline double SetJaccard(const std::vector<uint64_t>& x, const std::vector<uint64_t>& y) {
  return SetJaccard(x.data(), x.size(), y.data(), y.size());
}

}  // namespace sluice
