#include "stages/minhash_phases.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "stages/minhash_dedup.h"
#include "stages/stage.h"

using namespace sluice;

namespace {

struct TestDoc {
  uint32_t input_index;
  uint64_t line;
  std::string id;
  std::string text;
};

// A corpus with near-duplicate clusters and chains: real paragraphs (GPL-3),
// copies with random word edits of varying strength (some near the threshold),
// copies of copies, and Chinese paragraphs with edits, spread over 3 inputs.
std::vector<TestDoc> MakeCorpus() {
  std::ifstream in("/usr/share/common-licenses/GPL-3");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<std::vector<std::string>> paras;
  std::string all = ss.str();
  for (size_t pos = 0; pos < all.size();) {
    size_t end = std::min(all.find("\n\n", pos), all.size());
    std::istringstream is(all.substr(pos, end - pos));
    std::vector<std::string> words;
    for (std::string w; is >> w;) words.push_back(w);
    if (words.size() >= 40) paras.push_back(words);
    pos = end + 2;
  }
  const std::vector<std::string> zh = {
      "北京是中华人民共和国的首都，也是全国的政治中心和文化中心。这座城市有着三千多年的建城史和八百多年的建都史，"
      "拥有故宫、天坛、颐和园等众多世界文化遗产。每年都有大量来自世界各地的游客前来参观游览。",
      "计算机网络是指将地理位置不同的多台计算机及其外部设备，通过通信线路连接起来，在网络操作系统和网络管理软件"
      "及网络通信协议的管理和协调下，实现资源共享和信息传递的计算机系统。"};
  std::mt19937 rng(12345);
  std::vector<std::string> texts;
  auto join = [](const std::vector<std::string>& w) {
    std::string s;
    for (const auto& x : w) s += x + " ";
    return s;
  };
  std::vector<std::vector<std::string>> pool;
  for (const auto& p : paras) {
    pool.push_back(p);
    texts.push_back(join(p));
    // 0-3 edited copies, each editing either the original or the previous copy (chains).
    int copies = static_cast<int>(rng() % 4);
    std::vector<std::string> cur = p;
    for (int c = 0; c < copies; ++c) {
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) cur[rng() % cur.size()] = "edit" + std::string(1, char('a' + rng() % 26));
      texts.push_back(join(cur));
      if (rng() % 2) cur = p;
    }
  }
  for (const auto& z : zh) {
    texts.push_back(z);
    texts.push_back(z + "这是补充的一句话。");
  }
  texts.push_back("");  // no shingles
  std::vector<TestDoc> docs;
  for (size_t i = 0; i < texts.size(); ++i) {
    uint32_t input = static_cast<uint32_t>(i * 3 / texts.size());
    docs.push_back(TestDoc{input, i + 1, "d" + std::to_string(i), texts[i]});
  }
  return docs;
}

}  // namespace

TEST_CASE("minhash multi-phase mode makes the same decisions as the in-process stage", "[minhash_phases]") {
  const std::string options =
      GENERATE(std::string("{bands: 14, rows: 8, threshold: 0.8}"),  // verify: exact (the default)
               std::string("{bands: 14, rows: 8, threshold: 0.8, verify: signature}"));
  INFO(options);
  std::vector<TestDoc> corpus = MakeCorpus();
  REQUIRE(corpus.size() > 100);

  // In process.
  auto stage = BuildStage("minhash_dedup", options);
  REQUIRE(stage.ok());
  std::vector<Document> docs(corpus.size());
  std::vector<Verdict> verdicts;
  Stats stats;
  StageContext ctx(&stats);
  for (size_t i = 0; i < corpus.size(); ++i) {
    docs[i].id = corpus[i].id;
    docs[i].text = corpus[i].text;
    docs[i].input_index = corpus[i].input_index;
    docs[i].line = corpus[i].line;
    REQUIRE((*stage)->Process(docs[i], ctx).keep());
  }
  for (auto& d : docs) verdicts.push_back((*stage)->ProcessSerial(d, ctx));

  // Multi-phase: one signature file per input (shard), one bucket file per band.
  const StageInfo* info = StageRegistry::Global().Find("minhash_dedup");
  auto opts = ValidateOptions(*info, "minhash_dedup", options);
  REQUIRE(opts.ok());
  auto config = MinHashDedupConfigFromOptions(*opts, StageEnv{});
  REQUIRE(config.ok());
  MinHasher hasher(config->params);
  auto dir = std::filesystem::temp_directory_path() / ("minhash_phases_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<std::string> sig_files, bucket_files;
  for (uint32_t shard = 0; shard < 3; ++shard) {
    std::string path = (dir / ("shard-" + std::to_string(shard) + ".mhsig")).string();
    bool given = false;
    auto next = [&](std::vector<PhaseInputDoc>* batch) {
      if (given) return false;
      given = true;
      for (const auto& d : corpus) {
        if (d.input_index == shard) batch->push_back({MinHashOrderKey(d.input_index, d.line), d.id, d.text});
      }
      return true;
    };
    int64_t n = 0;
    REQUIRE(ComputeSignatures(hasher, config->exact_verify, next, path, 2, &n).ok());
    CHECK(n > 0);
    sig_files.push_back(path);
  }
  // Buckets of the bands in reverse order: the clusters phase must not depend on file order.
  for (int b = config->params.bands - 1; b >= 0; --b) {
    std::string path = (dir / ("band-" + std::to_string(b) + ".mhbkt")).string();
    REQUIRE(BuildBandBuckets(sig_files, config->params, b, path, nullptr).ok());
    bucket_files.push_back(path);
  }
  std::string dup_path = (dir / "duplicates.tsv").string();
  ClusterSummary summary;
  REQUIRE(ComputeClusters(sig_files, bucket_files, config->params, config->threshold, dup_path, &summary).ok());
  CHECK(summary.exact == config->exact_verify);
  auto dups = LoadDuplicates(dup_path);
  REQUIRE(dups.ok());

  int dropped = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    INFO("doc " << corpus[i].id);
    auto it = dups->find(MinHashOrderKey(corpus[i].input_index, corpus[i].line));
    bool listed = it != dups->end();
    REQUIRE(listed == !verdicts[i].keep());
    if (!listed) continue;
    ++dropped;
    CHECK(it->second.id == corpus[i].id);
    CHECK(NearDuplicateDetail(it->second.survivor_id, it->second.similarity) == verdicts[i].detail());
    CHECK(it->second.similarity == docs[i].Signal(kMinHashSimilaritySignal));
    CHECK(it->second.cluster_size == docs[i].Signal(kMinHashClusterSizeSignal));
  }
  CHECK(dropped == summary.dropped);
  CHECK(dropped >= 20);

  // Phase 4 as a stage reproduces the in-process verdicts, annotations and signals.
  auto filter = BuildStage("minhash_filter", "{duplicates: " + dup_path + "}");
  REQUIRE(filter.ok());
  for (size_t i = 0; i < corpus.size(); ++i) {
    Document d;
    d.id = corpus[i].id;
    d.text = corpus[i].text;
    d.input_index = corpus[i].input_index;
    d.line = corpus[i].line;
    Verdict v = (*filter)->Process(d, ctx);
    CHECK(v.keep() == verdicts[i].keep());
    CHECK(v.detail() == verdicts[i].detail());
    CHECK(d.signals == docs[i].signals);
    CHECK(d.annotations.size() == docs[i].annotations.size());
  }
  CHECK(stats.Get("minhash_filter.id_mismatch") == 0);

  // Missing bands and mismatched parameters are errors naming the problem.
  std::vector<std::string> too_few(bucket_files.begin(), bucket_files.end() - 1);
  Status missing = ComputeClusters(sig_files, too_few, config->params, 0.8, dup_path, nullptr);
  CHECK(missing.message().find("missing") != std::string::npos);
  MinHashParams other = config->params;
  other.word_ngram = 3;
  Status mismatch = BuildBandBuckets(sig_files, other, 0, (dir / "x").string(), nullptr);
  CHECK(mismatch.message().find("different MinHash parameters") != std::string::npos);
  // Signature files with and without shingle sets cannot be mixed.
  {
    std::string odd = (dir / "odd.mhsig").string();
    bool given = false;
    auto one = [&](std::vector<PhaseInputDoc>* batch) {
      if (given) return false;
      given = true;
      batch->push_back({MinHashOrderKey(9, 1), "odd", corpus[0].text});
      return true;
    };
    REQUIRE(ComputeSignatures(hasher, !config->exact_verify, one, odd, 1, nullptr).ok());
    std::vector<std::string> mixed = sig_files;
    mixed.push_back(odd);
    Status st = ComputeClusters(mixed, bucket_files, config->params, 0.8, dup_path, nullptr);
    CHECK(st.message().find("some signature files carry shingle sets") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("minhash duplicates list rejects malformed files", "[minhash_phases]") {
  auto dir = std::filesystem::temp_directory_path() / ("minhash_dups_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& text) {
    std::string p = (dir / "d.tsv").string();
    std::ofstream(p) << text;
    return p;
  };
  CHECK(!LoadDuplicates(write("hello\n")).ok());
  auto bad = LoadDuplicates(write("# sluice minhash duplicates v1 x\n1\t2\t0.9\n"));
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("line 2") != std::string::npos);
  auto good = LoadDuplicates(write("# sluice minhash duplicates v1 x\n1\t2\t0.875\t3\t\"a\\tb\"\t\"\\u4e2d\"\n"));
  REQUIRE(good.ok());
  const DuplicateEntry& e = good->at(MinHashOrderKey(1, 2));
  CHECK(e.id == "a\tb");
  CHECK(e.survivor_id == "中");
  CHECK(e.similarity == 0.875);
  CHECK(e.cluster_size == 3);
  std::filesystem::remove_all(dir);
}
