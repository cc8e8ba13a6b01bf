#include "stages/dedup/minhash_dedup.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>

#include "stages/engine/global_stage.h"

#include "stages/io/json_writer.h"
#include "stages/dedup/minhash_lsh_index.h"
#include "stages/dedup/minhash_shingle_store.h"
#include "stages/engine/run_log.h"

namespace sluice {

namespace {

std::string ResolvePath(const std::string& path, const StageEnv& env) {
  if (path.empty()) return path;
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(env.recipe_dir) / p).string();
}

// Key: u32 id length, id, the stash (EncodeMinHashStash). The resolver owns
// the LSH index of kept documents; the decision of a near-duplicate is "D",
// u32 survivor id length, survivor id, f64 similarity, i64 cluster size.
class MinHashDedupResolver final : public GlobalResolver {
 public:
  explicit MinHashDedupResolver(std::unique_ptr<MinHashDeduplicator> dedup) : dedup_(std::move(dedup)) {}

  void Add(uint64_t order_key, std::string_view key, std::string* decision, Stats& stats) override {
    if (key.size() < 4) return;
    uint32_t id_len;
    std::memcpy(&id_len, key.data(), 4);
    if (key.size() < 4 + static_cast<size_t>(id_len)) return;
    const std::string_view id = key.substr(4, id_len);
    MinHashDeduplicator::Decision d = dedup_->Decide(key.substr(4 + id_len), order_key, id, &stats);
    if (!d.duplicate) return;
    const uint32_t n = static_cast<uint32_t>(d.survivor_id.size());
    decision->push_back('D');
    decision->append(reinterpret_cast<const char*>(&n), 4);
    decision->append(d.survivor_id);
    decision->append(reinterpret_cast<const char*>(&d.similarity), 8);
    decision->append(reinterpret_cast<const char*>(&d.cluster_size), 8);
  }

  Status Finish(FinishContext& ctx) override { return dedup_->Finish(ctx.stats, &ctx.report_json); }

 private:
  std::unique_ptr<MinHashDeduplicator> dedup_;
};

class MinHashDedup final : public GlobalStage {
 public:
  MinHashDedup(MinHashDedupConfig config, std::unique_ptr<MinHashDeduplicator> first)
      : config_(std::move(config)), hasher_(config_.params), first_(std::move(first)) {}

  void Key(const Document& doc, StageContext&, std::string* key) const override {
    const uint32_t n = static_cast<uint32_t>(doc.id.size());
    key->append(reinterpret_cast<const char*>(&n), 4);
    key->append(doc.id);
    AppendStash(doc.text, key);
  }

  StatusOr<std::unique_ptr<GlobalResolver>> NewResolver() const override {
    std::unique_ptr<MinHashDeduplicator> dedup;
    {
      // The factory's deduplicator (index_in loaded and checked once) serves
      // the first resolver; later ones load their own.
      std::lock_guard<std::mutex> lock(mu_);
      dedup = std::move(first_);
    }
    if (!dedup) {
      auto made = MinHashDeduplicator::Create(config_);
      if (!made.ok()) return made.status();
      dedup = std::move(made).value();
    }
    return std::unique_ptr<GlobalResolver>(new MinHashDedupResolver(std::move(dedup)));
  }

  Verdict Apply(Document& doc, std::string_view decision, StageContext&) const override {
    if (decision.size() < 5 || decision[0] != 'D') return Verdict::Keep();
    uint32_t n;
    std::memcpy(&n, decision.data() + 1, 4);
    if (decision.size() != 5 + static_cast<size_t>(n) + 16) return Verdict::Keep();
    double similarity;
    int64_t cluster_size;
    std::memcpy(&similarity, decision.data() + 5 + n, 8);
    std::memcpy(&cluster_size, decision.data() + 13 + n, 8);
    return MarkNearDuplicate(doc, decision.substr(5, n), similarity, cluster_size);
  }

  std::vector<HistogramSpec> signal_histograms() const override {
    return {HistogramSpec::Linear(kMinHashSimilaritySignal, 0.0, 1.0, 20)};
  }

 private:
  // Appends the binary stash of a document: band keys, compact signature and
  // (exact verification) the shingle set; nothing when the text has no shingles.
  void AppendStash(std::string_view text, std::string* out) const {
    thread_local std::vector<uint64_t> shingles;
    thread_local MinHashSignature sig;
    thread_local std::vector<uint32_t> keys;
    thread_local std::vector<uint16_t> compact;
    thread_local std::vector<uint32_t> set;
    hasher_.Shingles(text, &shingles);
    hasher_.ComputeFromShingles(shingles, &sig);
    if (sig.empty()) return;
    keys.resize(config_.params.bands);
    for (int b = 0; b < config_.params.bands; ++b) keys[b] = hasher_.BandKey(sig, b);
    // Exact verification never reads the compact signature: not stashed.
    if (config_.exact_verify) {
      compact.clear();
      ShingleSet32(shingles, &set);
    } else {
      MinHasher::Compact(sig, &compact);
    }
    EncodeMinHashStash(keys, compact, config_.exact_verify ? &set : nullptr, out);
  }

  MinHashDedupConfig config_;
  MinHasher hasher_;
  mutable std::mutex mu_;
  mutable std::unique_ptr<MinHashDeduplicator> first_;
};

StageInfo MakeInfo() {
  StageInfo info;
  info.type = kMinHashDedupType;
  info.folder = "stages";
  info.global = true;
  info.summary = "Near-duplicate removal: MinHash over word (ICU, CJK-aware) or char shingles, LSH, verified";
  info.options = {
      MakeOption("shingle", OptionType::kString, "word", "shingles: word n-grams over ICU word segments, or char n-grams",
          -1e300, 1e300, {"word", "char"}),
      MakeOption("ngram", OptionType::kInt, "5", "words per shingle (shingle: word)", 1, 64),
      MakeOption("char_ngram", OptionType::kInt, "5", "code points per shingle (shingle: char)", 1, 256),
      MakeOption("threshold", OptionType::kDouble, "0.8",
          "Jaccard similarity at or above which a document is a near-duplicate", 0.01, 1.0),
      MakeOption("bands", OptionType::kInt, "14",
          "LSH bands (derived from threshold when threshold is set and bands/rows are not)", 1, 1024),
      MakeOption("rows", OptionType::kInt, "8", "permutations per band", 1, 1024),
      MakeOption("num_perm", OptionType::kInt, "112", "permutation budget when bands x rows are derived from threshold", 1,
          4096),
      MakeOption("seed", OptionType::kInt, "1", "seed of the permutations (changes every signature)", 0, 9.2e18),
      MakeOption("hash_family", OptionType::kString, "multiply_shift",
          "the K hash functions: ((a*x+b) mod 2^64) >> 32 over 32-bit shingle ids, or (a*x+b) mod 2^61-1 over "
          "61-bit ones (datasketch's and datatrove's family; 3.5x the arithmetic, ~1.5x the stage's time)",
          -1e300, 1e300, {"multiply_shift", "mersenne61"}),
      MakeOption("verify", OptionType::kString, "exact",
          "candidate check: exact Jaccard on the kept documents' shingle sets (4 B per distinct shingle, spilled "
          "to disk beyond shingle_memory_mb), or the estimate from the 16-bit signatures (no sets kept)",
          -1e300, 1e300, {"exact", "signature"}),
      MakeOption("shingle_memory_mb", OptionType::kInt, "1024",
          "MiB of kept shingle sets held in RAM (verify: exact); the rest goes to an unlinked temporary file", 0,
          1 << 24),
      MakeOption("spill_dir", OptionType::kString, "",
          "directory of that temporary file (default: $TMPDIR, else /var/tmp)"),
      MakeOption("index_in", OptionType::kString, "", "load an index saved by an earlier run and dedup against it"),
      MakeOption("index_out", OptionType::kString, "", "save the index of kept documents here when the run ends"),
  };
  info.factory = [](const Options& options, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    auto config = MinHashDedupConfigFromOptions(options, env);
    if (!config.ok()) return config.status();
    if (!config->index_out.empty()) {
      auto dir = std::filesystem::path(config->index_out).parent_path();
      if (!dir.empty() && !std::filesystem::is_directory(dir)) {
        return Status::Config("option 'index_out': directory '" + dir.string() + "' does not exist");
      }
    }
    auto dedup = MinHashDeduplicator::Create(*config);
    if (!dedup.ok()) return dedup.status();
    return std::unique_ptr<Stage>(new MinHashDedup(*config, std::move(dedup).value()));
  };
  return info;
}

}  // namespace

StatusOr<MinHashDedupConfig> MinHashDedupConfigFromOptions(const Options& options, const StageEnv& env) {
  MinHashDedupConfig c;
  c.params.shingle = options.GetString("shingle") == "char" ? ShingleMode::kChar : ShingleMode::kWord;
  c.params.word_ngram = static_cast<int>(options.GetInt("ngram"));
  c.params.char_ngram = static_cast<int>(options.GetInt("char_ngram"));
  c.params.seed = static_cast<uint64_t>(options.GetInt("seed"));
  c.params.family =
      options.GetString("hash_family") == "mersenne61" ? MinHashFamily::kMersenne61 : MinHashFamily::kMultiplyShift;
  c.threshold = options.GetDouble("threshold");
  c.exact_verify = options.GetString("verify") == "exact";
  bool bands_set = options.IsSet("bands"), rows_set = options.IsSet("rows");
  if (options.IsSet("threshold") && !bands_set && !rows_set) {
    auto [b, r] = DeriveBandsRows(c.threshold, static_cast<int>(options.GetInt("num_perm")));
    c.params.bands = b;
    c.params.rows = r;
  } else {
    if (options.IsSet("num_perm")) {
      return Status::Config("option 'num_perm' only applies when bands and rows are derived from 'threshold'");
    }
    c.params.bands = static_cast<int>(options.GetInt("bands"));
    c.params.rows = static_cast<int>(options.GetInt("rows"));
  }
  if (c.params.num_perm() > 4096) {
    return Status::Config("options 'bands' x 'rows' = " + std::to_string(c.params.num_perm()) +
                          " permutations (at most 4096)");
  }
  c.shingle_memory = static_cast<size_t>(options.GetInt("shingle_memory_mb")) << 20;
  c.spill_dir = ResolvePath(options.GetString("spill_dir"), env);
  c.index_in = ResolvePath(options.GetString("index_in"), env);
  c.index_out = ResolvePath(options.GetString("index_out"), env);
  return c;
}

std::string MinHashMeta(const MinHashParams& p) {
  std::string meta = p.shingle == ShingleMode::kWord ? "word" : "char";
  meta += ":n=" + std::to_string(p.shingle == ShingleMode::kWord ? p.word_ngram : p.char_ngram);
  meta += ":bands=" + std::to_string(p.bands) + ":rows=" + std::to_string(p.rows) + ":seed=" + std::to_string(p.seed);
  meta += p.family == MinHashFamily::kMersenne61 ? ":hash=mersenne61" : ":hash=multiply_shift";
  return meta;
}

std::string NearDuplicateDetail(std::string_view survivor_id, double similarity) {
  char sim[32];
  std::snprintf(sim, sizeof(sim), "%.2f", similarity);
  return "near-duplicate of " + std::string(survivor_id) + " (J\xE2\x89\x88" + sim + ")";
}

Verdict MarkNearDuplicate(Document& doc, std::string_view survivor_id, double similarity, int64_t cluster_size) {
  doc.Annotate("duplicate_of", survivor_id);
  doc.AnnotateNumber("duplicate_similarity", similarity);
  doc.AddSignal(kMinHashSimilaritySignal, similarity);
  doc.AddSignal(kMinHashClusterSizeSignal, static_cast<double>(cluster_size));
  return Verdict::Drop(kMinHashNearDuplicate, NearDuplicateDetail(survivor_id, similarity));
}

MinHashDeduplicator::MinHashDeduplicator(MinHashDedupConfig config, std::unique_ptr<MinHashLshIndex> index)
    : config_(std::move(config)), index_(std::move(index)), base_slots_(index_->size()) {}

StatusOr<std::unique_ptr<MinHashDeduplicator>> MinHashDeduplicator::Create(const MinHashDedupConfig& config) {
  const MinHashParams& p = config.params;
  std::unique_ptr<MinHashLshIndex> index;
  if (!config.index_in.empty()) {
    auto loaded = MinHashLshIndex::Load(config.index_in, MinHashMeta(p), config.shingle_memory, config.spill_dir);
    if (!loaded.ok()) return loaded.status().WithContext("option 'index_in'");
    if (loaded->keeps_shingles() != config.exact_verify) {
      return Status::Config("option 'index_in': index '" + config.index_in + "' was saved with verify: " +
                            (loaded->keeps_shingles() ? "exact" : "signature"));
    }
    index = std::make_unique<MinHashLshIndex>(std::move(loaded).value());
  } else {
    index = std::make_unique<MinHashLshIndex>(p.bands, p.rows, config.exact_verify, config.shingle_memory,
                                              config.spill_dir);
  }
  return std::unique_ptr<MinHashDeduplicator>(new MinHashDeduplicator(config, std::move(index)));
}

MinHashDeduplicator::Decision MinHashDeduplicator::Decide(std::string_view stash, uint64_t order_key,
                                                          std::string_view id, Stats* stats) {
  Decision d;
  const std::vector<uint32_t>* set = config_.exact_verify ? &set_ : nullptr;
  const int stashed_perms = config_.exact_verify ? 0 : config_.params.num_perm();  // see EncodeMinHashStash
  if (stash.empty() || !DecodeMinHashStash(stash, config_.params.bands, stashed_perms, &band_keys_, &compact_,
                                           config_.exact_verify ? &set_ : nullptr)) {
    stats->Add(kMinHashEmptyCounter);
    d.empty = true;
    return d;  // no shingles: nothing to compare, never indexed
  }
  MinHashLshIndex::Match match = index_->Query(band_keys_.data(), compact_.data(), set, config_.threshold);
  stats->Add(kMinHashCandidatesCounter, match.candidates);
  if (match.slot < 0) {
    index_->Insert(band_keys_.data(), compact_.data(), set, order_key, id);
    return d;
  }
  uint32_t slot = static_cast<uint32_t>(match.slot);
  index_->AddToCluster(slot);
  d.duplicate = true;
  d.survivor_id = index_->id(slot);
  d.similarity = match.similarity;
  d.cluster_size = index_->cluster_size(slot);
  return d;
}

Status MinHashDeduplicator::Finish(Stats* stats, std::string* report_json) {
  const MinHashLshIndex& index = *index_;
  const HistogramSpec spec = HistogramSpec::Log(kMinHashClusterHistogram);
  int64_t clusters = 0, dropped = 0;
  std::vector<std::pair<uint32_t, uint32_t>> largest;  // (size, slot)
  for (uint32_t slot = 0; slot < index.size(); ++slot) {
    uint32_t size = index.cluster_size(slot);
    if (size < 2) continue;
    ++clusters;
    dropped += size - 1;
    if (stats) stats->Observe(spec, size);
    largest.emplace_back(size, slot);
  }
  std::sort(largest.begin(), largest.end(),
            [](const auto& x, const auto& y) { return x.first != y.first ? x.first > y.first : x.second < y.second; });
  if (largest.size() > 10) largest.resize(10);
  const size_t bytes = index.MemoryBytes();
  const MinHashParams& p = config_.params;
  const Status& spill_error = index.shingle_store().spill_error();
  JsonBuilder b;
  b.BeginObject();
  b.Key("shingle").String(p.shingle == ShingleMode::kWord ? "word" : "char");
  b.Key("ngram").Int(p.shingle == ShingleMode::kWord ? p.word_ngram : p.char_ngram);
  b.Key("bands").Int(p.bands);
  b.Key("rows").Int(p.rows);
  b.Key("threshold").Number(config_.threshold);
  b.Key("verify").String(config_.exact_verify ? "exact" : "signature");
  b.Key("indexed_documents").Int(static_cast<int64_t>(index.size()));
  b.Key("loaded_documents").Int(static_cast<int64_t>(base_slots_));
  b.Key("clusters").Int(clusters);
  b.Key("dropped").Int(dropped);
  b.Key("index_bytes").Int(static_cast<int64_t>(bytes));
  b.Key("index_bytes_per_document").Number(index.size() ? static_cast<double>(bytes) / index.size() : 0.0);
  b.Key("shingle_bytes_spilled").Int(static_cast<int64_t>(index.SpilledBytes()));
  if (!spill_error.ok()) b.Key("spill_error").String(spill_error.message());
  b.Key("largest_clusters").BeginArray();
  for (const auto& [size, slot] : largest) {
    b.BeginObject().Key("survivor").String(index.id(slot)).Key("size").Int(size).EndObject();
  }
  b.EndArray();
  b.EndObject();
  *report_json = b.Take();
  if (!spill_error.ok()) {
    LogWarning("minhash_dedup: " + spill_error.message() + "; shingle sets were kept in RAM instead");
  }
  // A failed read of a spilled set made a verification answer "not similar":
  // the decisions may be wrong, so the run fails.
  SLUICE_RETURN_IF_ERROR(index.shingle_store().read_error());
  if (!config_.index_out.empty()) SLUICE_RETURN_IF_ERROR(index.Save(config_.index_out, MinHashMeta(p)));
  return Status::Ok();
}

void EncodeMinHashStash(const std::vector<uint32_t>& band_keys, const std::vector<uint16_t>& compact,
                        const std::vector<uint32_t>* shingle_set, std::string* out) {
  size_t n_set = shingle_set ? shingle_set->size() : 0;
  size_t bytes = band_keys.size() * 4 + compact.size() * 2 + n_set * 4;
  const size_t at = out->size();
  out->resize(at + bytes);
  char* o = out->data() + at;
  // memcpy needs valid pointers even for 0 bytes (an empty vector's data() may be null).
  if (!band_keys.empty()) std::memcpy(o, band_keys.data(), band_keys.size() * 4);
  o += band_keys.size() * 4;
  if (!compact.empty()) std::memcpy(o, compact.data(), compact.size() * 2);
  o += compact.size() * 2;
  if (n_set) std::memcpy(o, shingle_set->data(), n_set * 4);
}

bool DecodeMinHashStash(std::string_view data, int bands, int num_perm, std::vector<uint32_t>* band_keys,
                        std::vector<uint16_t>* compact, std::vector<uint32_t>* shingle_set) {
  const size_t fixed = static_cast<size_t>(bands) * 4 + static_cast<size_t>(num_perm) * 2;
  if (data.size() < fixed) return false;
  const size_t rest = data.size() - fixed;
  if (shingle_set ? rest % 4 != 0 : rest != 0) return false;
  band_keys->resize(bands);
  compact->resize(num_perm);
  if (bands > 0) std::memcpy(band_keys->data(), data.data(), static_cast<size_t>(bands) * 4);
  if (num_perm > 0) {
    std::memcpy(compact->data(), data.data() + static_cast<size_t>(bands) * 4, static_cast<size_t>(num_perm) * 2);
  }
  if (shingle_set) {
    shingle_set->resize(rest / 4);
    if (rest) std::memcpy(shingle_set->data(), data.data() + fixed, rest);
  }
  return true;
}

SLUICE_REGISTER_STAGE(MinHashDedup, MakeInfo);

}  // namespace sluice
