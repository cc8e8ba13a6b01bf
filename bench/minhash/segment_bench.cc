// Per-phase CPU cost of MinHash shingling on a corpus, one thread:
// word segmentation (ICU only vs the ASCII fast path), Shingles, Compute.
//
//   segment_bench CORPUS.jsonl [--repeat R] [--only icu|fast|icu_all|fast_all|shingles|signatures]
//
// Prints CPU-seconds (getrusage, median of R) and MB/s per CPU-second for each
// phase, and checks that both segmentation modes give identical spans. --only
// runs one phase (for `perf stat -e instructions:u`, which a loaded machine
// does not disturb).
#include <simdjson.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "stages/dedup/minhash_signature.h"
#include "stages/text/word_segmenter.h"

using namespace sluice;

namespace {

double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double MedianCpu(int repeat, const std::function<void()>& fn) {
  std::vector<double> t;
  for (int r = 0; r < repeat; ++r) {
    double c0 = CpuSeconds();
    fn();
    t.push_back(CpuSeconds() - c0);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: segment_bench CORPUS.jsonl [--repeat R]\n";
    return 2;
  }
  int repeat = 5;
  std::string only;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--repeat") repeat = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--only") only = argv[i + 1];
  }
  std::ifstream in(argv[1]);
  simdjson::ondemand::parser parser;
  std::vector<std::string> texts;
  size_t bytes = 0;
  std::string line;
  while (std::getline(in, line)) {
    simdjson::padded_string p(line);
    auto doc = parser.iterate(p);
    std::string_view text;
    if (doc["text"].get_string().get(text)) {
      std::cerr << "bad line\n";
      return 2;
    }
    texts.emplace_back(text);
    bytes += text.size();
  }
  const double mb = bytes / 1e6;
  std::printf("%s: %zu docs, %.2f MB\n", argv[1], texts.size(), mb);

  WordSegmenter fast(WordSegmenter::Mode::kAsciiFastPath);
  WordSegmenter icu(WordSegmenter::Mode::kIcuOnly);
  std::vector<WordSpan> a, b;
  size_t diffs = 0;
  for (const auto& t : only.empty() ? texts : std::vector<std::string>()) {
    fast.Segment(t, &a);
    icu.Segment(t, &b);
    bool same = a.size() == b.size();
    for (size_t i = 0; same && i < a.size(); ++i) {
      same = a[i].begin == b[i].begin && a[i].end == b[i].end && a[i].kind == b[i].kind;
    }
    diffs += !same;
  }
  std::printf("documents whose spans differ between fast path and ICU only: %zu\n", diffs);

  auto report = [&](const char* what, double cpu) {
    std::printf("%-34s %.3f CPU-s  %6.1f MB/s per CPU-second\n", what, cpu, mb / cpu);
  };
  auto run = [&](const char* name) { return only.empty() || only == name; };
  if (run("icu")) report("segment, ICU only", MedianCpu(repeat, [&] {
           for (const auto& t : texts) icu.Segment(t, &b);
         }));
  if (run("fast")) report("segment, ASCII fast path", MedianCpu(repeat, [&] {
           for (const auto& t : texts) fast.Segment(t, &a);
         }));
  // With non-word segments, as text_stats / fasttext features ask for them.
  if (run("icu_all")) report("segment + non-words, ICU only", MedianCpu(repeat, [&] {
           for (const auto& t : texts) icu.Segment(t, &b, true);
         }));
  if (run("fast_all")) report("segment + non-words, fast path", MedianCpu(repeat, [&] {
           for (const auto& t : texts) fast.Segment(t, &a, true);
         }));
  MinHasher hasher(MinHashParams{});
  std::vector<uint64_t> shingles;
  if (run("shingles")) report("Shingles (word 5-grams)", MedianCpu(repeat, [&] {
           for (const auto& t : texts) hasher.Shingles(t, &shingles);
         }));
  MinHashSignature sig;
  if (run("signatures")) report("Shingles + signature (112 perms)", MedianCpu(repeat, [&] {
           for (const auto& t : texts) {
             hasher.Shingles(t, &shingles);
             hasher.ComputeFromShingles(shingles, &sig);
           }
         }));
  return diffs == 0 ? 0 : 1;
}
