// MinHash dedup evaluation driver: exact ground truth, quality and throughput.
//
//   minhash_eval CORPUS.jsonl [--options YAML] [--threads N] [--repeat R] [--score-ids FILE]
//   minhash_eval --memory N
//
// 1. Ground truth: the shingle sets sluice uses (MinHasher::Shingles with the
//    options' shingle settings), exact Jaccard over all pairs (inverted index:
//    pairs sharing no shingle have J = 0), then the same greedy rule as the
//    stage (in input order, drop a document whose exact J with an earlier kept
//    document is >= threshold).
// 2. Runs the minhash_dedup stage like the engine (Process on N threads, then
//    the resolver and Apply in order), R times; prints wall time, docs/s, MB/s,
//    precision/recall/F1 of the removed set against the ground truth and the
//    index bytes per document.
// 3. --score-ids: scores a removed-id list produced elsewhere (datasketch) the same way.
#include <simdjson.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "stages/engine/global_stage.h"
#include "stages/dedup/minhash_dedup.h"
#include "stages/dedup/minhash_lsh_index.h"
#include "stages/engine/stage.h"

using namespace sluice;

namespace {

struct Doc {
  std::string id;
  std::string text;
};

std::vector<Doc> ReadCorpus(const std::string& path, size_t* bytes) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    std::exit(2);
  }
  simdjson::ondemand::parser parser;
  std::vector<Doc> docs;
  std::string line;
  *bytes = 0;
  while (std::getline(in, line)) {
    simdjson::padded_string p(line);
    auto doc = parser.iterate(p);
    std::string_view id, text;
    if (doc["id"].get_string().get(id) || doc["text"].get_string().get(text)) {
      std::cerr << "bad line in " << path << "\n";
      std::exit(2);
    }
    docs.push_back(Doc{std::string(id), std::string(text)});
    *bytes += text.size();
  }
  return docs;
}

double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Score {
  size_t tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp ? double(tp) / (tp + fp) : 1.0; }
  double recall() const { return tp + fn ? double(tp) / (tp + fn) : 1.0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
};

Score ScoreSets(const std::vector<bool>& truth, const std::vector<bool>& predicted) {
  Score s;
  for (size_t i = 0; i < truth.size(); ++i) {
    s.tp += truth[i] && predicted[i];
    s.fp += !truth[i] && predicted[i];
    s.fn += truth[i] && !predicted[i];
  }
  return s;
}

}  // namespace

// --memory N: inserts N random documents (ids "doc-<i>") into an index with the
// default 14 x 8 parameters and prints MemoryBytes() and the process RSS per document.
// --memory N exact S: verify: exact with S random shingles per document (the
// sets spill to $TMPDIR beyond the default 1 GiB; SpilledBytes is printed).
int MemoryMode(int64_t n, int shingles_per_doc) {
  MinHashLshIndex index(14, 8, shingles_per_doc > 0);
  std::vector<uint32_t> set;
  std::mt19937_64 rng(1);
  std::vector<uint32_t> keys(14);
  std::vector<uint16_t> sig(112);
  rusage u0;
  getrusage(RUSAGE_SELF, &u0);
  for (int64_t i = 0; i < n; ++i) {
    for (auto& k : keys) k = static_cast<uint32_t>(rng());
    for (auto& v : sig) v = static_cast<uint16_t>(rng());
    set.resize(shingles_per_doc);
    for (auto& v : set) v = static_cast<uint32_t>(rng());
    std::sort(set.begin(), set.end());
    index.Insert(keys.data(), sig.data(), shingles_per_doc > 0 ? &set : nullptr, static_cast<uint64_t>(i),
                 "doc-" + std::to_string(i));
  }
  rusage u1;
  getrusage(RUSAGE_SELF, &u1);
  std::printf("index of %lld documents: MemoryBytes %.1f MB = %.1f B/doc; max RSS grew %.1f MB = %.1f B/doc\n",
              static_cast<long long>(n), index.MemoryBytes() / 1e6, double(index.MemoryBytes()) / n,
              (u1.ru_maxrss - u0.ru_maxrss) / 1e3, (u1.ru_maxrss - u0.ru_maxrss) * 1024.0 / n);
  if (shingles_per_doc > 0) std::printf("shingle sets spilled to disk: %.1f MB\n", index.SpilledBytes() / 1e6);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--memory") return MemoryMode(std::atoll(argv[2]), 0);
  if (argc == 5 && std::string(argv[1]) == "--memory" && std::string(argv[3]) == "exact") {
    return MemoryMode(std::atoll(argv[2]), std::atoi(argv[4]));
  }
  if (argc < 2) {
    std::cerr << "usage: minhash_eval CORPUS.jsonl [--options YAML] [--threads N] [--repeat R] [--score-ids FILE]\n";
    return 1;
  }
  std::string corpus = argv[1], options = "{}", score_ids;
  int threads = 1, repeat = 3;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--options") options = argv[i + 1];
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else if (a == "--repeat") repeat = std::atoi(argv[i + 1]);
    else if (a == "--score-ids") score_ids = argv[i + 1];
    else {
      std::cerr << "unknown flag " << a << "\n";
      return 1;
    }
  }
  size_t bytes = 0;
  std::vector<Doc> docs = ReadCorpus(corpus, &bytes);
  const StageInfo* info = StageRegistry::Global().Find("minhash_dedup");
  auto opts = ValidateOptions(*info, "minhash_dedup", options);
  if (!opts.ok()) {
    std::cerr << opts.status().message() << "\n";
    return 1;
  }
  auto config = MinHashDedupConfigFromOptions(*opts, StageEnv{});
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 1;
  }
  const double t = config->threshold;

  // ---- ground truth (exact Jaccard, all pairs, greedy in input order)
  auto g0 = std::chrono::steady_clock::now();
  MinHasher hasher(config->params);
  std::vector<std::vector<uint64_t>> sets(docs.size());
  tbb::parallel_for(size_t{0}, docs.size(), [&](size_t i) {
    hasher.Shingles(docs[i].text, &sets[i]);
    std::sort(sets[i].begin(), sets[i].end());
    sets[i].erase(std::unique(sets[i].begin(), sets[i].end()), sets[i].end());
  });
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings;
  std::vector<std::vector<uint32_t>> similar_earlier(docs.size());  // j < i with J >= t
  size_t pairs_above = 0;
  std::unordered_map<uint32_t, uint32_t> inter;
  for (uint32_t i = 0; i < docs.size(); ++i) {
    inter.clear();
    for (uint64_t h : sets[i]) {
      auto& post = postings[h];
      for (uint32_t j : post) ++inter[j];
      post.push_back(i);
    }
    for (auto [j, n] : inter) {
      double jac = double(n) / double(sets[i].size() + sets[j].size() - n);
      if (jac >= t) {
        similar_earlier[i].push_back(j);
        ++pairs_above;
      }
    }
  }
  std::vector<bool> truth(docs.size(), false);
  for (uint32_t i = 0; i < docs.size(); ++i) {
    if (sets[i].empty()) continue;
    for (uint32_t j : similar_earlier[i]) truth[i] = truth[i] || !truth[j];
  }
  size_t truth_removed = std::count(truth.begin(), truth.end(), true);
  double gt_sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
  std::printf("corpus %s: %zu docs, %.2f MB text; options %s -> %s threshold %.2f verify %s\n", corpus.c_str(),
              docs.size(), bytes / 1e6, options.c_str(), MinHashMeta(config->params).c_str(), t,
              config->exact_verify ? "exact" : "signature");
  std::printf("ground truth: %zu pairs with exact J >= %.2f, %zu docs to remove (greedy), %.1f s\n", pairs_above, t,
              truth_removed, gt_sec);

  // ---- the stage, like the engine
  std::vector<double> walls, par_secs, cpus;
  std::vector<bool> predicted(docs.size(), false);
  std::string report;
  // One thread limit for all runs (like the engine's long-lived pool), so each
  // run does not pay for TBB workers starting or waking up.
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, threads);
  for (int r = 0; r < repeat; ++r) {
    auto stage = BuildStage("minhash_dedup", options);
    if (!stage.ok()) {
      std::cerr << stage.status().message() << "\n";
      return 1;
    }
    std::vector<Document> ds(docs.size());
    for (size_t i = 0; i < docs.size(); ++i) {
      ds[i].id = docs[i].id;
      ds[i].text = docs[i].text;
      ds[i].line = i + 1;
    }
    double c0 = CpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    const auto& global = static_cast<const GlobalStage&>(**stage);
    std::vector<std::string> keys(ds.size());
    tbb::parallel_for(tbb::blocked_range<size_t>(0, ds.size(), 64), [&](const tbb::blocked_range<size_t>& range) {
      Stats s;
      StageContext ctx(&s);
      for (size_t i = range.begin(); i < range.end(); ++i) global.Key(ds[i], ctx, &keys[i]);
    });
    auto t1 = std::chrono::steady_clock::now();
    Stats stats;
    StageContext ctx(&stats);
    auto resolver = global.NewResolver();
    if (!resolver.ok()) return 2;
    std::string decision;
    for (size_t i = 0; i < ds.size(); ++i) {
      decision.clear();
      (*resolver)->Add(OrderKeyOf(ds[i].input_index, ds[i].line), keys[i], &decision, stats);
      predicted[i] = !global.Apply(ds[i], decision, ctx).keep();
    }
    FinishContext fin;
    fin.stats = &stats;
    if (!(*resolver)->Finish(fin).ok()) return 2;
    auto t2 = std::chrono::steady_clock::now();
    cpus.push_back(CpuSeconds() - c0);
    walls.push_back(std::chrono::duration<double>(t2 - t0).count());
    par_secs.push_back(std::chrono::duration<double>(t1 - t0).count());
    report = fin.report_json;
  }
  std::sort(walls.begin(), walls.end());
  std::sort(par_secs.begin(), par_secs.end());
  std::sort(cpus.begin(), cpus.end());
  double cpu = cpus[cpus.size() / 2];
  double wall = walls[walls.size() / 2], par = par_secs[par_secs.size() / 2];
  Score s = ScoreSets(truth, predicted);
  std::printf("sluice CPU time: median %.3f s: %.1f MB/s per core busy\n", cpu, bytes / 1e6 / cpu);
  std::printf("sluice threads=%d: median of %d runs %.3f s (parallel part %.3f s, serial part %.3f s): %.0f docs/s, %.1f MB/s\n",
              threads, repeat, wall, par, wall - par, docs.size() / wall, bytes / 1e6 / wall);
  std::printf("sluice removed %zu: precision %.4f recall %.4f F1 %.4f (tp %zu fp %zu fn %zu)\n",
              size_t(std::count(predicted.begin(), predicted.end(), true)), s.precision(), s.recall(), s.f1(), s.tp,
              s.fp, s.fn);
  std::printf("report %s\n", report.c_str());

  if (!score_ids.empty()) {
    std::unordered_set<std::string> removed;
    std::ifstream in(score_ids);
    for (std::string line; std::getline(in, line);) removed.insert(line);
    std::vector<bool> other(docs.size());
    for (size_t i = 0; i < docs.size(); ++i) other[i] = removed.count(docs[i].id) != 0;
    Score o = ScoreSets(truth, other);
    std::printf("%s removed %zu: precision %.4f recall %.4f F1 %.4f (tp %zu fp %zu fn %zu)\n", score_ids.c_str(),
                removed.size(), o.precision(), o.recall(), o.f1(), o.tp, o.fp, o.fn);
  }
  return 0;
}
