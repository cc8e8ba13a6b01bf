#include "stages/dedup/minhash_signature.h"

#include <xxhash.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cmath>
#include <random>
#include <string>
#include <vector>

using sluice::DeriveBandsRows;
using sluice::kMinHashPrime;
using sluice::LshCandidateProbability;
using sluice::MinHasher;
using sluice::MinHashParams;
using sluice::MinHashSignature;
using sluice::SetJaccard;
using sluice::ShingleMode;

namespace {

std::string Norm(std::string_view w) {
  std::string out;
  MinHasher::NormalizeWord(w, &out);
  return out;
}

std::vector<uint64_t> ShinglesOf(const MinHasher& h, std::string_view text) {
  std::vector<uint64_t> out;
  h.Shingles(text, &out);
  return out;
}

std::vector<uint64_t> SortedSet(std::vector<uint64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

const char kEnglish[] =
    "The GNU General Public License is a free, copyleft license for software and other kinds of works. "
    "The licenses for most software and other practical works are designed to take away your freedom to "
    "share and change the works. By contrast, the GNU General Public License is intended to guarantee your "
    "freedom to share and change all versions of a program--to make sure it remains free software for all "
    "its users.";
const char kChinese[] =
    "自由软件基金会发布的通用公共许可证是一份自由的、著佐权的许可证，适用于软件和其他类型的作品。"
    "大多数软件和其他实用作品的许可证旨在剥夺你分享和修改作品的自由。相比之下，通用公共许可证旨在保证"
    "你分享和修改程序所有版本的自由，以确保它对所有用户都是自由软件。";

}  // namespace

TEST_CASE("minhash normalization folds case, drops punctuation, maps digits", "[minhash]") {
  CHECK(Norm("Don't") == "dont");
  CHECK(Norm("V3.14") == "v000");
  CHECK(Norm("ÄÖÜ") == "äöü");
  CHECK(Norm("Straße") == "straße");  // simple case folding keeps ß (one code point in, one out)
  CHECK(Norm("ΣΑΣ") == "σασ");
  CHECK(Norm("北京") == "北京");
  CHECK(Norm("１２３") == "000");  // full-width digits are decimal digits too
  CHECK(Norm("...") == "");
}

TEST_CASE("minhash word shingles: n-grams, short documents, normalization", "[minhash]") {
  MinHasher h(MinHashParams{});
  CHECK(ShinglesOf(h, "one two three four five six seven").size() == 3);
  CHECK(ShinglesOf(h, "one two").size() == 1);  // fewer than n words: one shingle of all words
  CHECK(ShinglesOf(h, "").empty());
  CHECK(ShinglesOf(h, " ... !!! ").empty());
  CHECK(ShinglesOf(h, "One, TWO; three-four five 1999!") == ShinglesOf(h, "one two three four five 2024"));
  CHECK(ShinglesOf(h, "one two three four five") != ShinglesOf(h, "one two three four six"));
  // Word order matters inside a shingle.
  CHECK(ShinglesOf(h, "two one") != ShinglesOf(h, "one two"));
}

TEST_CASE("minhash word shingles segment Chinese into words", "[minhash]") {
  MinHashParams p;
  p.word_ngram = 2;
  MinHasher h(p);
  // Unsegmented, the sentence would be one token and give a single shingle.
  auto s = ShinglesOf(h, "我们在北京大学学习中文");
  CHECK(s.size() >= 3);
  // Punctuation does not change the words.
  CHECK(ShinglesOf(h, "我们在北京大学学习中文。") == s);
  CHECK(ShinglesOf(h, "我们在北京，大学学习中文！") == s);
}

TEST_CASE("minhash char shingles normalize whitespace and punctuation", "[minhash]") {
  MinHashParams p;
  p.shingle = ShingleMode::kChar;
  p.char_ngram = 3;
  MinHasher h(p);
  CHECK(ShinglesOf(h, "Hello,   World!\n") == ShinglesOf(h, "hello world"));
  CHECK(ShinglesOf(h, "hello world").size() == 9);  // 11 code points
  CHECK(ShinglesOf(h, "ab").size() == 1);
  CHECK(ShinglesOf(h, "中文文本").size() == 2);
}

TEST_CASE("minhash permutations are (a*x+b) mod 2^61-1 minima", "[minhash]") {
  MinHashParams p;
  p.family = sluice::MinHashFamily::kMersenne61;
  p.bands = 2;
  p.rows = 3;
  p.seed = 7;
  MinHasher h(p);
  std::vector<uint64_t> shingles = {1, 2, 0xFFFFFFFFFFFFFFFFull, 0x123456789ABCDEFull, kMinHashPrime};
  MinHashSignature sig;
  h.ComputeFromShingles(shingles, &sig);
  REQUIRE(sig.mins.size() == 6);
  // Reference with plain 128-bit remainder, a and b recovered from the single-shingle signatures:
  // x = 0 gives b, x = 1 gives a + b.
  MinHashSignature s0, s1;
  h.ComputeFromShingles({0}, &s0);
  h.ComputeFromShingles({1}, &s1);
  for (int i = 0; i < 6; ++i) {
    uint64_t b = s0.mins[i];
    uint64_t a = (s1.mins[i] + kMinHashPrime - b) % kMinHashPrime;
    REQUIRE(a != 0);
    uint64_t expect = ~0ull;
    for (uint64_t x : shingles) {
      unsigned __int128 v = (static_cast<unsigned __int128>(a) * (x & kMinHashPrime) + b) % kMinHashPrime;
      expect = std::min(expect, static_cast<uint64_t>(v));
    }
    CHECK(sig.mins[i] == expect);
  }
}

namespace {

// Pinned values of one signature: shingle count, four minima, two band keys
// and a digest of all 112 minima.
struct GoldenSignature {
  size_t shingles;
  uint64_t min0, min1, min56, min111;
  uint32_t band0, band13;
  uint64_t digest;
};

void CheckGolden(const MinHasher& h, const char* name, std::string_view text, const GoldenSignature& want) {
  MinHashSignature s;
  h.Compute(text, &s);
  REQUIRE(s.mins.size() == 112);
  const uint64_t digest = XXH3_64bits(s.mins.data(), s.mins.size() * 8);
  if (std::getenv("SLUICE_PRINT_GOLDEN")) {  // to pin new values after a deliberate format change
    std::printf("%s: {%zu, 0x%llxull, 0x%llxull, 0x%llxull, 0x%llxull, %uu, %uu, 0x%llxull}\n", name, s.shingles,
                (unsigned long long)s.mins[0], (unsigned long long)s.mins[1], (unsigned long long)s.mins[56],
                (unsigned long long)s.mins[111], h.BandKey(s, 0), h.BandKey(s, 13), (unsigned long long)digest);
  }
  INFO(name);
  CHECK(s.shingles == want.shingles);
  CHECK(s.mins[0] == want.min0);
  CHECK(s.mins[1] == want.min1);
  CHECK(s.mins[56] == want.min56);
  CHECK(s.mins[111] == want.min111);
  CHECK(h.BandKey(s, 0) == want.band0);
  CHECK(h.BandKey(s, 13) == want.band13);
  CHECK(digest == want.digest);
  if (h.params().family == sluice::MinHashFamily::kMultiplyShift) {
    for (uint64_t m : s.mins) CHECK(m <= 0xFFFFFFFFull);
  }
}

}  // namespace

TEST_CASE("minhash golden signatures never change (mersenne61)", "[minhash]") {
  MinHashParams params;
  params.family = sluice::MinHashFamily::kMersenne61;
  MinHasher h(params);
  CheckGolden(h, "en", kEnglish,
              {68, 0xb399cbb2ee3f2cull, 0x1d68a237baee8aull, 0x26e1ceb9fa709aull, 0x9567abc1a3d993ull, 1200585582u,
               1427270586u, 0xed2013e39fa5b429ull});
  CheckGolden(h, "zh", kChinese,
              {71, 0xe18f3712243b6aull, 0x76a72a2303846full, 0x529feb808f547dull, 0x9f0951bc704269ull, 2426786242u,
               852731832u, 0xd9c9ddb629b42531ull});
}

TEST_CASE("minhash golden signatures never change (multiply_shift, the default)", "[minhash]") {
  MinHasher h(MinHashParams{});
  CheckGolden(h, "en", kEnglish,
              {68, 0x20629dfull, 0x38b163full, 0x9d83483ull, 0x576ebb0ull, 716763348u, 2193611155u,
               0x4769788a9bdb1dc9ull});
  CheckGolden(h, "zh", kChinese,
              {71, 0x2d2de39ull, 0x9063946ull, 0x2887665ull, 0x3b899a7ull, 891431047u, 2207351361u,
               0x48aa90e5b1865e90ull});
}

TEST_CASE("multiply-shift kernels are ((a*x+b) mod 2^64) >> 32 minima, on every instruction set", "[minhash]") {
  std::mt19937_64 rng(17);
  for (int k : {1, 3, 4, 8, 9, 16, 24, 33, 112, 130}) {
    std::vector<uint64_t> a(k), b(k);
    for (int i = 0; i < k; ++i) a[i] = rng(), b[i] = rng();
    a[0] = ~0ull, b[0] = ~0ull;  // extremes: every sum wraps
    if (k > 1) a[1] = 0, b[1] = 0;
    for (size_t n : {size_t{1}, size_t{2}, size_t{17}, size_t{500}}) {
      std::vector<uint32_t> x(n);
      for (auto& v : x) v = static_cast<uint32_t>(rng());
      x[0] = 0xFFFFFFFFu;
      if (n > 1) x[1] = 0;
      std::vector<uint64_t> want(k);
      for (int i = 0; i < k; ++i) {
        uint64_t m = ~0ull;
        for (uint32_t v : x) {
          unsigned __int128 full = static_cast<unsigned __int128>(a[i]) * v + b[i];
          m = std::min(m, static_cast<uint64_t>(static_cast<uint64_t>(full) >> 32));
        }
        want[i] = m;
      }
      std::vector<uint64_t> scalar(k, 7), avx2(k, 7), avx512(k, 7);
      sluice::MulShiftMinsScalar(a.data(), b.data(), k, x.data(), n, scalar.data());
      CHECK(scalar == want);
      if (sluice::MulShiftMinsAvx2(a.data(), b.data(), k, x.data(), n, avx2.data())) CHECK(avx2 == want);
      if (sluice::MulShiftMinsAvx512(a.data(), b.data(), k, x.data(), n, avx512.data())) CHECK(avx512 == want);
    }
  }
}

TEST_CASE("minhash estimate tracks exact Jaccard on edited text", "[minhash]") {
  MinHashParams p;
  p.bands = 32;
  p.rows = 8;  // 256 permutations: standard error ~0.03
  MinHasher h(p);
  std::string a = std::string(kEnglish) + " " + kEnglish;
  std::string b = a;
  b.replace(b.find("copyleft"), 8, "permissive");
  b.replace(b.find("guarantee"), 9, "ensure");
  for (const std::string& other : {b, std::string(kChinese) + kChinese}) {
    double exact = SetJaccard(SortedSet(ShinglesOf(h, a)), SortedSet(ShinglesOf(h, other)));
    MinHashSignature sa, sb;
    h.Compute(a, &sa);
    h.Compute(other, &sb);
    std::vector<uint16_t> ca, cb;
    MinHasher::Compact(sa, &ca);
    MinHasher::Compact(sb, &cb);
    double est = sluice::CompactSimilarity(ca.data(), cb.data(), p.num_perm());
    CHECK(std::abs(est - exact) < 0.1);
  }
}

TEST_CASE("minhash bands x rows from a threshold follow the S-curve", "[minhash]") {
  CHECK(LshCandidateProbability(1.0, 14, 8) == Approx(1.0));
  CHECK(LshCandidateProbability(0.0, 14, 8) == Approx(0.0));
  CHECK(LshCandidateProbability(0.8, 14, 8) == Approx(1 - std::pow(1 - std::pow(0.8, 8), 14)));
  for (double t : {0.5, 0.7, 0.8, 0.9}) {
    auto [b, r] = DeriveBandsRows(t, 112);
    CHECK(b * r <= 112);
    CHECK(b == 112 / r);
    CHECK(LshCandidateProbability(t, b, r) >= 0.99);
    // One more row per band would miss the recall target.
    CHECK(LshCandidateProbability(t, 112 / (r + 1), r + 1) < 0.99);
  }
  CHECK(DeriveBandsRows(0.8, 112) == std::make_pair(18, 6));
  CHECK(DeriveBandsRows(0.7, 112) == std::make_pair(28, 4));
  CHECK(DeriveBandsRows(0.9, 112) == std::make_pair(11, 10));
  CHECK(DeriveBandsRows(0.05, 4) == std::make_pair(4, 1));  // unreachable: most bands possible
}

TEST_CASE("minhash AVX-512, AVX2 and scalar permutation kernels agree", "[minhash]") {
  std::mt19937_64 rng(99);
  for (int k : {1, 3, 4, 7, 8, 9, 16, 24, 33, 56, 112, 130}) {
    std::vector<uint64_t> a(k), b(k);
    for (int i = 0; i < k; ++i) {
      a[i] = rng() % (kMinHashPrime - 1) + 1;
      b[i] = rng() % kMinHashPrime;
    }
    if (k >= 8) a[0] = kMinHashPrime - 1, b[0] = kMinHashPrime - 1;  // extremes
    if (k >= 16) a[15] = 1, b[15] = 0;                                 // identity permutation
    for (size_t n : {size_t{1}, size_t{2}, size_t{17}, size_t{500}}) {
      std::vector<uint64_t> x(n);
      for (auto& v : x) v = rng() & kMinHashPrime;
      x[0] = kMinHashPrime;  // 2^61-1 itself (= 0 mod p)
      if (n > 1) x[1] = 0;
      std::vector<uint64_t> scalar(k), avx2(k, 7), avx512(k, 7);
      sluice::MinHashMinsScalar(a.data(), b.data(), k, x.data(), n, scalar.data());
      if (sluice::MinHashMinsAvx2(a.data(), b.data(), k, x.data(), n, avx2.data())) {
        CHECK(avx2 == scalar);
      } else {
        WARN("AVX2 unavailable (CPU or SLUICE_MINHASH_ISA): the AVX2 kernel is not checked");
      }
      if (sluice::MinHashMinsAvx512(a.data(), b.data(), k, x.data(), n, avx512.data())) {
        CHECK(avx512 == scalar);
      } else {
        WARN("AVX-512F unavailable (CPU or SLUICE_MINHASH_ISA): the AVX-512 kernel is not checked");
      }
    }
  }
}

TEST_CASE("both hash families estimate Jaccard without bias, with the MinHash variance", "[minhash]") {
  // Random 32-bit shingle ids (what XXH3 gives), fresh random functions per
  // trial: the fraction of equal minima must average J and spread
  // sqrt(J(1-J)/K). 600 trials: the mean's standard error is ~0.0015.
  const int k = 112;
  std::mt19937_64 rng(2026);
  for (bool mersenne : {false, true}) {
    double sum = 0, sq = 0;
    const int trials = 600, common = 67;  // |A| = |B| = 100, J = 67 / 133 ~= 0.504
    const double j = common / 133.0;
    for (int t = 0; t < trials; ++t) {
      std::vector<uint64_t> a(k), b(k), ma(k), mb(k);
      for (int i = 0; i < k; ++i) {
        a[i] = mersenne ? rng() % (kMinHashPrime - 1) + 1 : rng();
        b[i] = mersenne ? rng() % kMinHashPrime : rng();
      }
      std::vector<uint32_t> xa, xb;
      for (int i = 0; i < 100; ++i) {
        uint32_t shared = static_cast<uint32_t>(rng());
        xa.push_back(i < common ? shared : static_cast<uint32_t>(rng()));
        xb.push_back(i < common ? shared : static_cast<uint32_t>(rng()));
      }
      if (mersenne) {
        std::vector<uint64_t> ya(xa.begin(), xa.end()), yb(xb.begin(), xb.end());
        sluice::MinHashMinsScalar(a.data(), b.data(), k, ya.data(), ya.size(), ma.data());
        sluice::MinHashMinsScalar(a.data(), b.data(), k, yb.data(), yb.size(), mb.data());
      } else {
        sluice::MulShiftMinsScalar(a.data(), b.data(), k, xa.data(), xa.size(), ma.data());
        sluice::MulShiftMinsScalar(a.data(), b.data(), k, xb.data(), xb.size(), mb.data());
      }
      int equal = 0;
      for (int i = 0; i < k; ++i) equal += ma[i] == mb[i];
      const double e = static_cast<double>(equal) / k - j;
      sum += e;
      sq += e * e;
    }
    INFO((mersenne ? "mersenne61" : "multiply_shift"));
    CHECK(std::abs(sum / trials) < 0.006);
    const double rmse = std::sqrt(sq / trials), theory = std::sqrt(j * (1 - j) / k);
    CHECK(rmse > 0.85 * theory);
    CHECK(rmse < 1.15 * theory);
  }
}
