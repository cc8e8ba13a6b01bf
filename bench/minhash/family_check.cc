// Estimator check of the two MinHash hash families (bench/minhash/RESULTS.md):
// for random shingle sets (|A| = |B| = 100, fresh random hash functions per
// trial) with exact J in {0.5, 0.7, 0.8, 0.9}, the bias and RMSE of the
// K = 112 estimate (fraction of equal minima) against sqrt(J(1-J)/K).
// Built by build_eval.sh: build/family_check
#include <cstdio>
#include <random>
#include <vector>
#include <cmath>
#include "stages/dedup/minhash_signature.h"
using namespace sluice;
int main() {
  std::mt19937_64 rng(123);
  const int K = 112;
  for (double target : {0.5, 0.7, 0.8, 0.9}) {
    for (int fam = 0; fam < 2; ++fam) {
      double sum = 0, sq = 0; int trials = 4000;
      for (int t = 0; t < trials; ++t) {
        std::vector<uint64_t> a(K), b(K);
        for (int i = 0; i < K; ++i) {
          if (fam == 0) { a[i] = rng(); b[i] = rng(); }
          else { a[i] = rng() % (kMinHashPrime - 1) + 1; b[i] = rng() % kMinHashPrime; }
        }
        // |A|=|B|=100, intersection c with c/(200-c)=target
        int c = (int)std::lround(200 * target / (1 + target));
        std::vector<uint64_t> A, B;
        for (int i = 0; i < c; ++i) { uint64_t v = rng(); A.push_back(v); B.push_back(v); }
        for (int i = c; i < 100; ++i) { A.push_back(rng()); B.push_back(rng()); }
        double J = double(c) / (200 - c);
        std::vector<uint64_t> ma(K), mb(K);
        if (fam == 0) {
          std::vector<uint32_t> xa(A.begin(), A.end()), xb(B.begin(), B.end());
          for (size_t i=0;i<A.size();++i) xa[i]=(uint32_t)A[i];
          for (size_t i=0;i<B.size();++i) xb[i]=(uint32_t)B[i];
          MulShiftMinsScalar(a.data(), b.data(), K, xa.data(), xa.size(), ma.data());
          MulShiftMinsScalar(a.data(), b.data(), K, xb.data(), xb.size(), mb.data());
        } else {
          for (auto& v : A) v &= kMinHashPrime;
          for (auto& v : B) v &= kMinHashPrime;
          MinHashMinsScalar(a.data(), b.data(), K, A.data(), A.size(), ma.data());
          MinHashMinsScalar(a.data(), b.data(), K, B.data(), B.size(), mb.data());
        }
        int eq = 0; for (int i = 0; i < K; ++i) eq += ma[i] == mb[i];
        double e = double(eq) / K - J; sum += e; sq += e * e;
        (void)J;
      }
      double J = double((int)std::lround(200 * target / (1 + target))) / (200 - std::lround(200 * target / (1 + target)));
      std::printf("J=%.3f %-14s bias %+.4f  rmse %.4f  (theory sd %.4f)\n", J, fam ? "mersenne61" : "multiply_shift",
                  sum / trials, std::sqrt(sq / trials), std::sqrt(J * (1 - J) / K));
    }
  }
}
