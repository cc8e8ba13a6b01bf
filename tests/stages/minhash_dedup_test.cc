#include "stages/engine/global_stage.h"
#include "stages/dedup/minhash_dedup.h"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "stages/dedup/minhash_shingle_store.h"
#include "stages/engine/stage.h"

using namespace sluice;

namespace {

struct RunResult {
  std::vector<Verdict> verdicts;
  std::vector<Document> docs;
  std::string report;
  Stats stats;
};

// Runs the stage like the engine: Key in parallel (threads > 1), then the
// resolver and Apply in input order.
RunResult Run(const std::string& options, const std::vector<std::string>& texts, int threads = 1,
              const std::string& id_prefix = "doc-") {
  auto stage = BuildStage("minhash_dedup", options);
  REQUIRE(stage.ok());
  REQUIRE((*stage)->is_global());
  const auto& global = static_cast<const sluice::GlobalStage&>(**stage);
  RunResult r;
  r.docs.resize(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    r.docs[i].id = id_prefix + std::to_string(i);
    r.docs[i].text = texts[i];
    r.docs[i].line = i + 1;
  }
  std::vector<Stats> per_doc(texts.size());
  std::vector<std::string> keys(texts.size());
  auto key = [&](size_t i) {
    StageContext ctx(&per_doc[i]);
    global.Key(r.docs[i], ctx, &keys[i]);
  };
  if (threads > 1) {
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism, threads);
    tbb::parallel_for(size_t{0}, texts.size(), key);
  } else {
    for (size_t i = 0; i < texts.size(); ++i) key(i);
  }
  auto resolver = global.NewResolver();
  REQUIRE(resolver.ok());
  for (size_t i = 0; i < texts.size(); ++i) {
    StageContext ctx(&r.stats);
    std::string decision;
    (*resolver)->Add(sluice::OrderKeyOf(0, r.docs[i].line), keys[i], &decision, r.stats);
    r.verdicts.push_back(global.Apply(r.docs[i], decision, ctx));
  }
  FinishContext fin;
  fin.stats = &r.stats;
  REQUIRE((*resolver)->Finish(fin).ok());
  r.report = fin.report_json;
  return r;
}

std::string Annotation(const Document& d, std::string_view key) {
  for (const auto& f : d.annotations) {
    if (f.key == key) return f.json;
  }
  return "";
}

// Paragraphs of the GPL-3 text shipped with every Debian system, joined in groups of `per_doc`.
std::vector<std::string> GplDocuments(size_t per_doc) {
  std::ifstream in("/usr/share/common-licenses/GPL-3");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  std::vector<std::string> paras;
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find("\n\n", pos);
    if (end == std::string::npos) end = all.size();
    std::string p = all.substr(pos, end - pos);
    if (std::count(p.begin(), p.end(), ' ') >= 20) paras.push_back(p);
    pos = end + 2;
  }
  std::vector<std::string> docs;
  for (size_t i = 0; i + per_doc <= paras.size(); i += per_doc) {
    std::string d;
    for (size_t j = i; j < i + per_doc; ++j) d += paras[j] + "\n\n";
    docs.push_back(d);
  }
  return docs;
}

// Replaces `edits` random words (space-separated) with "zzz<k>".
std::string EditWords(const std::string& text, int edits, uint32_t seed) {
  std::vector<std::string> words;
  std::istringstream is(text);
  for (std::string w; is >> w;) words.push_back(w);
  std::mt19937 rng(seed);
  for (int k = 0; k < edits; ++k) words[rng() % words.size()] = "zzz" + std::to_string(k);
  std::string out;
  for (const auto& w : words) out += w + " ";
  return out;
}

const std::vector<std::string> kChineseParagraphs = {
    "自由软件基金会发布的通用公共许可证是一份自由的著佐权许可证，适用于软件和其他类型的作品。大多数软件和其他实用作品"
    "的许可证旨在剥夺你分享和修改作品的自由。相比之下，通用公共许可证旨在保证你分享和修改程序所有版本的自由，"
    "以确保它对所有用户都是自由软件。我们自由软件基金会将通用公共许可证用于我们的大多数软件。",
    "北京是中华人民共和国的首都，也是全国的政治中心和文化中心。这座城市有着三千多年的建城史和八百多年的建都史，"
    "拥有故宫、天坛、颐和园等众多世界文化遗产。每年都有大量来自世界各地的游客前来参观游览，感受古老文明的魅力。",
    "计算机网络是指将地理位置不同的多台计算机及其外部设备，通过通信线路连接起来，在网络操作系统和网络管理软件"
    "及网络通信协议的管理和协调下，实现资源共享和信息传递的计算机系统。互联网是目前世界上最大的计算机网络。",
    "春天来了，公园里的花都开了，红的像火，粉的像霞，白的像雪。孩子们在草地上放风筝，老人们在树下打太极拳，"
    "年轻人沿着湖边跑步。小鸟在枝头歌唱，微风吹过湖面，泛起层层涟漪，到处都是一派生机勃勃的景象。",
};

}  // namespace

TEST_CASE("minhash_dedup validates its options", "[minhash_dedup]") {
  auto bad_shingle = BuildStage("minhash_dedup", "{shingle: bytes}");
  REQUIRE(!bad_shingle.ok());
  CHECK(bad_shingle.status().message().find("shingle") != std::string::npos);
  auto bad_threshold = BuildStage("minhash_dedup", "{threshold: 1.5}");
  REQUIRE(!bad_threshold.ok());
  CHECK(bad_threshold.status().message().find("threshold") != std::string::npos);
  auto lonely_num_perm = BuildStage("minhash_dedup", "{num_perm: 64}");
  REQUIRE(!lonely_num_perm.ok());
  CHECK(lonely_num_perm.status().message().find("num_perm") != std::string::npos);
  auto missing_index = BuildStage("minhash_dedup", "{index_in: /nonexistent/index.bin}");
  REQUIRE(!missing_index.ok());
  CHECK(missing_index.status().message().find("index_in") != std::string::npos);
  CHECK(BuildStage("minhash_dedup", "{threshold: 0.7, num_perm: 128}").ok());
}

TEST_CASE("minhash_dedup derives bands x rows from an explicit threshold", "[minhash_dedup]") {
  auto r = Run("{threshold: 0.9, num_perm: 128}", {"a b c d e f"});
  auto [b, rows] = DeriveBandsRows(0.9, 128);
  CHECK(r.report.find("\"bands\":" + std::to_string(b) + ",") != std::string::npos);
  CHECK(r.report.find("\"rows\":" + std::to_string(rows) + ",") != std::string::npos);
  auto d = Run("{}", {"a b c d e f"});
  CHECK(d.report.find("\"bands\":14,\"rows\":8") != std::string::npos);
}

TEST_CASE("minhash_dedup drops edited copies of real English text and names the survivor", "[minhash_dedup]") {
  std::vector<std::string> base = GplDocuments(5);
  REQUIRE(base.size() >= 19);
  base.resize(19);
  std::vector<std::string> texts = base;
  // Copies of docs 0..9 with 2 word substitutions each (Jaccard ~0.9 on 5-shingles of >= 200 words).
  for (int i = 0; i < 10; ++i) texts.push_back(EditWords(base[i], 2, 100 + i));
  // A heavily rewritten copy (Jaccard well below 0.8) must survive.
  texts.push_back(EditWords(base[10], 60, 7));
  RunResult r = Run("{}", texts);
  for (int i = 0; i < 19; ++i) CHECK(r.verdicts[i].keep());
  for (int i = 0; i < 10; ++i) {
    const Verdict& v = r.verdicts[19 + i];
    INFO("doc " << i << " words " << std::count(base[i].begin(), base[i].end(), ' '));
    REQUIRE(!v.keep());
    CHECK(v.reason() == kMinHashNearDuplicate);
    CHECK(v.detail().find("near-duplicate of doc-" + std::to_string(i) + " (J") == 0);
    CHECK(Annotation(r.docs[19 + i], "duplicate_of") == "\"doc-" + std::to_string(i) + "\"");
    CHECK(r.docs[19 + i].Signal(kMinHashSimilaritySignal) >= 0.8);
    CHECK(r.docs[19 + i].Signal(kMinHashClusterSizeSignal) == 2);
  }
  CHECK(r.verdicts[29].keep());
  // The private stash never leaves the stage.
  for (const auto& d : r.docs) CHECK(d.scratch.empty());
  CHECK(r.stats.histograms().at(kMinHashClusterHistogram).total() == 10);
  CHECK(r.report.find("\"clusters\":10,\"dropped\":10") != std::string::npos);
}

TEST_CASE("minhash_dedup works on Chinese (segmented words)", "[minhash_dedup]") {
  std::vector<std::string> texts = kChineseParagraphs;
  // Near-duplicate: one clause changed and punctuation altered.
  std::string edited = kChineseParagraphs[1];
  edited.replace(edited.find("每年都有"), std::string("每年都有").size(), "每年总有");
  texts.push_back(edited);
  texts.push_back(kChineseParagraphs[2] + "！");  // punctuation-only change
  for (const char* mode : {"{}", "{shingle: char}"}) {
    INFO(mode);
    RunResult r = Run(mode, texts);
    for (size_t i = 0; i < kChineseParagraphs.size(); ++i) CHECK(r.verdicts[i].keep());
    CHECK(!r.verdicts[4].keep());
    CHECK(Annotation(r.docs[4], "duplicate_of") == "\"doc-1\"");
    CHECK(!r.verdicts[5].keep());
    CHECK(Annotation(r.docs[5], "duplicate_of") == "\"doc-2\"");
  }
}

TEST_CASE("minhash_dedup is greedy: a chain keeps documents unlike every kept one", "[minhash_dedup]") {
  // Unigram sets: J(A,B) = 8/12, J(B,C) = 8/12, J(A,C) = 6/14.
  // (Digits map to 0 in normalization, so the words are spelled out.)
  std::string a = "one two three four five six seven eight nine ten";
  std::string b = "one two three four five six seven eight alpha beta";
  std::string c = "one two three four five six alpha beta gamma delta";
  RunResult r = Run("{ngram: 1, threshold: 0.6, bands: 56, rows: 2, verify: exact}", {a, b, c});
  CHECK(r.verdicts[0].keep());
  CHECK(!r.verdicts[1].keep());
  CHECK(r.docs[1].Signal(kMinHashSimilaritySignal) == Approx(8.0 / 12));
  CHECK(r.verdicts[2].keep());  // similar only to the dropped B
}

TEST_CASE("minhash_dedup gives identical results on 1 and N threads", "[minhash_dedup]") {
  std::vector<std::string> base = GplDocuments(2);
  std::vector<std::string> texts = base;
  for (size_t i = 0; i < base.size(); i += 2) texts.push_back(EditWords(base[i], 1 + i % 4, 7 * i));
  texts.insert(texts.end(), kChineseParagraphs.begin(), kChineseParagraphs.end());
  RunResult one = Run("{}", texts, 1);
  RunResult many = Run("{}", texts, 4);
  REQUIRE(one.verdicts.size() == many.verdicts.size());
  int dropped = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    CHECK(one.verdicts[i].keep() == many.verdicts[i].keep());
    CHECK(one.verdicts[i].detail() == many.verdicts[i].detail());
    CHECK(one.docs[i].signals == many.docs[i].signals);
    dropped += !one.verdicts[i].keep();
  }
  CHECK(dropped >= 5);
  CHECK(one.report == many.report);
  CHECK(one.stats.counters() == many.stats.counters());
}

TEST_CASE("minhash_dedup saves its index and dedups a new corpus against it", "[minhash_dedup]") {
  auto dir = std::filesystem::temp_directory_path() / ("minhash_index_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "index.bin").string();
  std::vector<std::string> base = GplDocuments(3);
  base.resize(10);
  RunResult first = Run("{index_out: " + path + "}", base, 1, "old-");
  REQUIRE(std::filesystem::exists(path));
  // The new corpus: an edited old document, a new document, and its edited copy.
  std::vector<std::string> next = {EditWords(base[3], 2, 1), kChineseParagraphs[0],
                                   kChineseParagraphs[0] + "我们"};
  RunResult second = Run("{index_in: " + path + "}", next, 1, "new-");
  CHECK(!second.verdicts[0].keep());
  CHECK(Annotation(second.docs[0], "duplicate_of") == "\"old-3\"");
  CHECK(second.verdicts[1].keep());
  CHECK(!second.verdicts[2].keep());
  CHECK(Annotation(second.docs[2], "duplicate_of") == "\"new-1\"");
  CHECK(second.report.find("\"loaded_documents\":10") != std::string::npos);
  // Different parameters cannot use the index.
  auto mismatch = BuildStage("minhash_dedup", "{index_in: " + path + ", ngram: 3}");
  REQUIRE(!mismatch.ok());
  CHECK(mismatch.status().message().find("different parameters") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("minhash_dedup keeps documents without shingles and counts them", "[minhash_dedup]") {
  RunResult r = Run("{}", {"", "...", "", "real words here"});
  for (const auto& v : r.verdicts) CHECK(v.keep());
  CHECK(r.stats.Get(kMinHashEmptyCounter) == 3);
}

TEST_CASE("minhash_dedup stash round-trips", "[minhash_dedup]") {
  std::vector<uint32_t> keys = {1, 0xFFFFFFFFu, 42};
  std::vector<uint16_t> sig = {0, 1, 0xFFFF, 7, 8, 9};
  std::vector<uint32_t> set = {3, 1u << 31, 0xFFFFFFFFu};
  std::string data;
  EncodeMinHashStash(keys, sig, &set, &data);
  CHECK(data.size() == 3 * 4 + 6 * 2 + 3 * 4);
  std::string appended = "id";  // appends (the stage writes it after the id in its key)
  EncodeMinHashStash(keys, sig, &set, &appended);
  CHECK(appended == "id" + data);
  std::vector<uint32_t> k2;
  std::vector<uint16_t> s2;
  std::vector<uint32_t> set2;
  REQUIRE(DecodeMinHashStash(data, 3, 6, &k2, &s2, &set2));
  CHECK(k2 == keys);
  CHECK(s2 == sig);
  CHECK(set2 == set);
  CHECK(!DecodeMinHashStash(data.substr(1), 3, 6, &k2, &s2, &set2));  // not whole 32-bit values
  CHECK(!DecodeMinHashStash(data, 3, 6, &k2, &s2, nullptr));           // trailing bytes
  CHECK(!DecodeMinHashStash(data.substr(0, 10), 3, 6, &k2, &s2, &set2));  // shorter than keys + signature
}

TEST_CASE("minhash_dedup verify: exact spills shingle sets to disk with identical decisions", "[minhash_dedup]") {
  std::vector<std::string> base = GplDocuments(3);
  base.resize(12);
  std::vector<std::string> texts = base;
  for (int i = 0; i < 12; ++i) texts.push_back(EditWords(base[i], 1 + i % 5, 31 + i));
  texts.insert(texts.end(), kChineseParagraphs.begin(), kChineseParagraphs.end());
  texts.push_back(kChineseParagraphs[1] + "我们");
  RunResult in_ram = Run("{}", texts);
  RunResult spilled = Run("{shingle_memory_mb: 0}", texts);
  // A spill directory that cannot be created: the sets stay in RAM, decisions unchanged, warning in the report.
  RunResult no_spill = Run("{shingle_memory_mb: 0, spill_dir: /proc/sluice-no-such-dir}", texts);
  int dropped = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    INFO("doc " << i);
    CHECK(in_ram.verdicts[i].keep() == spilled.verdicts[i].keep());
    CHECK(in_ram.verdicts[i].detail() == spilled.verdicts[i].detail());
    CHECK(in_ram.docs[i].signals == spilled.docs[i].signals);
    CHECK(in_ram.verdicts[i].detail() == no_spill.verdicts[i].detail());
    dropped += !in_ram.verdicts[i].keep();
  }
  CHECK(dropped >= 8);  // most edited copies (1-5 words changed) and the Chinese one
  CHECK(in_ram.report.find("\"verify\":\"exact\"") != std::string::npos);
  CHECK(in_ram.report.find("\"shingle_bytes_spilled\":0") != std::string::npos);
  CHECK(spilled.report.find("\"shingle_bytes_spilled\":0") == std::string::npos);
  CHECK(no_spill.report.find("\"spill_error\":\"cannot create a MinHash spill file") != std::string::npos);
}

TEST_CASE("minhash_dedup verify: exact drops exactly the pairs at or above the threshold", "[minhash_dedup]") {
  // Unigram sets of 10 words: J(a, b_k) = (10 - k) / (10 + k) for k substituted words:
  // k = 1 -> 0.818 (>= 0.8, dropped), k = 2 -> 0.667 (kept). With 224 permutations
  // of 1 row the estimate would scatter around these values; exact does not.
  std::string a = "one two three four five six seven eight nine ten";
  std::string b1 = "one two three four five six seven eight nine eleven";
  std::string b2 = "one two three four five six seven eight twelve thirteen";
  RunResult r = Run("{ngram: 1, threshold: 0.8, bands: 224, rows: 1}", {a, b1, b2});
  CHECK(r.verdicts[0].keep());
  REQUIRE(!r.verdicts[1].keep());
  CHECK(r.docs[1].Signal(kMinHashSimilaritySignal) == Approx(9.0 / 11));
  CHECK(r.verdicts[2].keep());
}

TEST_CASE("SortUnique32 equals sort + unique at every size and digit pattern", "[minhash_dedup]") {
  std::mt19937_64 rng(5);
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{31}, size_t{32}, size_t{33}, size_t{66}, size_t{257},
                   size_t{5000}}) {
    for (int pattern = 0; pattern < 4; ++pattern) {
      std::vector<uint32_t> v(n);
      for (auto& x : v) {
        uint32_t r = static_cast<uint32_t>(rng());
        if (pattern == 1) r &= 0xFF00FF00u;            // constant digits
        if (pattern == 2) r = r % 7;                    // many repeats
        if (pattern == 3) r = r % 2 ? 0xFFFFFFFFu : 0;  // extremes only
        x = r;
      }
      std::vector<uint32_t> want = v;
      std::sort(want.begin(), want.end());
      want.erase(std::unique(want.begin(), want.end()), want.end());
      SortUnique32(&v);
      INFO("n " << n << " pattern " << pattern);
      CHECK(v == want);
    }
  }
}
