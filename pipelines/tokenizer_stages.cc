// The tokenizer stages:
//  * train_tokenizer (sink): Process() pre-tokenizes each document and counts
//    its words into a per-thread WordCounter; Finish() merges the counters
//    (counts are sums, so the totals do not depend on scheduling), trains, and
//    writes <OUTDIR>/tokenizer/{tokenizer.json,vocab.json,merges.txt,tokenizer.tiktoken}.
//  * token_count: encodes each document with a tokenizer.json, records the
//    signal token_count.tokens and sums tokens in the stats.
#include "pipelines/tokenizer_stages.h"

#include <tbb/enumerable_thread_specific.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "stages/engine/run_state.h"
#include "stages/io/record_writer.h"
#include "stages/io/show_path.h"
#include "stages/engine/stage.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/hf_json.h"

namespace sluice {

Status FromTokStatus(const tokenizer::TokStatus& status) {
  switch (status.code()) {
    case tokenizer::TokStatus::Code::kOk:
      return Status::Ok();
    case tokenizer::TokStatus::Code::kInvalid:
      return Status::Config(status.message());
    case tokenizer::TokStatus::Code::kIo:
      return Status::Io(status.message());
  }
  return Status::Internal(status.message());
}

Status ValidateTrainConfig(const TokenizerTrainConfig& config, tokenizer::PreTokenizer* pre_tokenizer) {
  if (!config.pattern.empty()) {
    if (Status st = FromTokStatus(tokenizer::PreTokenizer::FromRegex(config.pattern, pre_tokenizer)); !st.ok()) {
      return st.WithContext("pattern");
    }
  } else if (Status st = FromTokStatus(tokenizer::PreTokenizer::FromPreset(config.preset, pre_tokenizer));
             !st.ok()) {
    return st.WithContext("preset");
  }
  if (config.max_pretoken_bytes != 0 && config.max_pretoken_bytes < 4) {
    return Status::Config("max_pretoken_bytes must be 0 (no cut) or at least 4");
  }
  tokenizer::BpeTrainer trainer(config.trainer);
  return FromTokStatus(trainer.Validate());
}

Status TrainAndSave(const TokenizerTrainConfig& config, const tokenizer::PreTokenizer& pre_tokenizer,
                    const tokenizer::WordCounter& counts, const std::string& dir, tokenizer::BpeTrainStats* stats,
                    tokenizer::BpeModel* model) {
  tokenizer::BpeTrainer trainer(config.trainer);
  SLUICE_RETURN_IF_ERROR(FromTokStatus(trainer.Train(counts.Sorted(), pre_tokenizer, model, stats)));
  return FromTokStatus(tokenizer::SaveTokenizerFiles(*model, dir));
}

namespace {

// What train_tokenizer adds when it has trained: counters and its report.
std::string RecordTraining(const tokenizer::BpeTrainStats& stats, const tokenizer::WordCounter& total,
                           const tokenizer::PreTokenizer& pre, Stats* out) {
  if (out) {
    out->Add(kStatTrainVocab, static_cast<int64_t>(stats.vocab_size));
    out->Add(kStatTrainMerges, static_cast<int64_t>(stats.merges));
    out->Add(kStatTrainWords, static_cast<int64_t>(stats.words));
    out->Add(kStatTrainPiecesCut, static_cast<int64_t>(total.pieces_cut()));
  }
  std::ostringstream r;
  r << "{\"dir\":\"tokenizer\",\"vocab_size\":" << stats.vocab_size << ",\"merges\":" << stats.merges
    << ",\"distinct_words\":" << stats.words << ",\"word_occurrences\":" << stats.word_occurrences
    << ",\"stop_reason\":\"" << stats.stop_reason << "\",\"pre_tokenizer\":\"" << pre.name() << "\"}";
  return r.str();
}

// ---------------------------------------------------------------- train_tokenizer

// Counts the pre-tokens of every document it sees (per-thread counters, as
// Process is const) and the train_tokenizer counters; subclasses decide what
// Finish does with the merged counts.
class WordCountingStage : public Stage {
 public:
  bool keeps_state() const override { return true; }  // the word counts
  WordCountingStage(TokenizerTrainConfig config, tokenizer::PreTokenizer pre)
      : config_(std::move(config)),
        pre_(std::move(pre)),
        counters_([this] { return tokenizer::WordCounter(&pre_, config_.max_pretoken_bytes); }) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    counters_.local().AddText(doc.text);
    ctx.stats().Add(kStatTrainDocs);
    ctx.stats().Add(kStatTrainBytes, static_cast<int64_t>(doc.text.size()));
    return Verdict::Keep();
  }

 protected:
  // Merges the per-thread counts (and frees them).
  tokenizer::WordCounter TakeTotal() {
    tokenizer::WordCounter total(&pre_, config_.max_pretoken_bytes);
    for (const tokenizer::WordCounter& c : counters_) total.MergeFrom(c);
    counters_.clear();
    return total;
  }

  TokenizerTrainConfig config_;
  tokenizer::PreTokenizer pre_;

 private:
  mutable tbb::enumerable_thread_specific<tokenizer::WordCounter> counters_;
};

class TrainTokenizerStage : public WordCountingStage {
 public:
  using WordCountingStage::WordCountingStage;

  Status Finish(FinishContext& ctx) override {
    tokenizer::WordCounter total = TakeTotal();
    const std::string dir = (std::filesystem::path(ctx.output_dir) / "tokenizer").string();
    tokenizer::BpeTrainStats stats;
    tokenizer::BpeModel model;
    SLUICE_RETURN_IF_ERROR(TrainAndSave(config_, pre_, total, dir, &stats, &model).WithContext("train_tokenizer"));
    ctx.report_json = RecordTraining(stats, total, pre_, ctx.stats);
    return Status::Ok();
  }
};

SLUICE_REGISTER_STAGE(TrainTokenizer, [] {
  StageInfo info;
  info.type = "train_tokenizer";
  info.folder = "tokenizer";
  info.summary = "Sink: counts pre-tokens of kept documents and trains a byte-level BPE tokenizer at the end";
  info.options = {
      {"vocab_size", OptionType::kInt, "32000", "Vocabulary size (special tokens and byte alphabet included)", 1,
       4294967280.0, {}, false},
      {"preset", OptionType::kString, "gpt2", "Split pattern", -1e300, 1e300, {"gpt2", "cl100k"}, false},
      {"pattern", OptionType::kString, "", "RE2 split pattern replacing the preset (RE2's \\s is ASCII-only)",
       -1e300, 1e300, {}, false},
      {"min_frequency", OptionType::kInt, "0", "Stop when the best pair occurs fewer times", 0, 9.2e18, {}, false},
      {"special_tokens", OptionType::kStringList, "[]", "Special tokens, ids 0..k-1 in this order", -1e300, 1e300,
       {}, false},
      {"initial_alphabet", OptionType::kString, "all",
       "all: every byte is a token (lossless); seen: only bytes in the data (HF's default)", -1e300, 1e300,
       {"all", "seen"}, false},
      {"max_token_length", OptionType::kInt, "0", "Longest token in bytes (0 = unlimited)", 0, 1e9, {}, false},
      {"max_pretoken_bytes", OptionType::kInt, "256",
       "Pre-tokens longer than this are cut into chunks before counting (0 = never)", 0, 1e9, {}, false},
  };
  info.factory = [](const Options& o, const StageEnv&) -> StatusOr<std::unique_ptr<Stage>> {
    TokenizerTrainConfig config;
    tokenizer::PreTokenizer pre;
    SLUICE_RETURN_IF_ERROR(TrainConfigFromOptions(o, &config, &pre));
    return std::unique_ptr<Stage>(new TrainTokenizerStage(std::move(config), std::move(pre)));
  };
  return info;
});

// ---------------------------------------------------------------- word counts of a shard

// Counts like train_tokenizer (same counters in the stats); Finish writes the
// merged counts of this shard instead of training.
class WordCountWriter : public WordCountingStage {
 public:
  WordCountWriter(TokenizerTrainConfig config, tokenizer::PreTokenizer pre, std::string path)
      : WordCountingStage(std::move(config), std::move(pre)), path_(std::move(path)) {}

  Status Finish(FinishContext&) override {
    tokenizer::WordCounter total = TakeTotal();
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
    return WriteFileAtomically(path_, total.Serialize());
  }

 private:
  std::string path_;
};

// ---------------------------------------------------------------- token_count

class TokenCountStage : public Stage {
 public:
  explicit TokenCountStage(tokenizer::BpeModel model) : model_(std::move(model)) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    std::vector<uint32_t>& ids = scratch_.local();
    ids.clear();
    model_.Encode(doc.text, &ids, &caches_.local());
    doc.AddSignal(kSignalTokenCount, static_cast<double>(ids.size()));
    ctx.stats().Add(kStatTokenCountTokens, static_cast<int64_t>(ids.size()));
    ctx.stats().Add(kStatTokenCountDocs);
    return Verdict::Keep();
  }

 private:
  tokenizer::BpeModel model_;
  mutable tbb::enumerable_thread_specific<tokenizer::EncodeCache> caches_;
  mutable tbb::enumerable_thread_specific<std::vector<uint32_t>> scratch_;
};

SLUICE_REGISTER_STAGE(TokenCount, [] {
  StageInfo info;
  info.type = "token_count";
  info.folder = "tokenizer";
  info.summary = "Counts tokens of each document with a tokenizer.json (signal token_count.tokens)";
  info.options = {
      {"tokenizer", OptionType::kString, "", "Path to a byte-level BPE tokenizer.json (relative to the recipe)",
       -1e300, 1e300, {}, true},
  };
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    std::filesystem::path path(o.GetString("tokenizer"));
    if (path.empty()) return Status::Config("token_count: option 'tokenizer' is required");
    if (path.is_relative() && !env.recipe_dir.empty()) path = std::filesystem::path(env.recipe_dir) / path;
    tokenizer::BpeModel model;
    SLUICE_RETURN_IF_ERROR(
        FromTokStatus(tokenizer::LoadTokenizerJson(path.string(), &model)).WithContext("token_count: tokenizer"));
    return std::unique_ptr<Stage>(new TokenCountStage(std::move(model)));
  };
  return info;
});

}  // namespace

Status TrainConfigFromOptions(const Options& o, TokenizerTrainConfig* config, tokenizer::PreTokenizer* pre) {
  config->preset = o.GetString("preset");
  config->pattern = o.GetString("pattern");
  config->trainer.vocab_size = static_cast<uint64_t>(o.GetInt("vocab_size"));
  config->trainer.min_frequency = static_cast<uint64_t>(o.GetInt("min_frequency"));
  config->trainer.special_tokens = o.GetStringList("special_tokens");
  config->trainer.full_byte_alphabet = o.GetString("initial_alphabet") == "all";
  config->trainer.max_token_length = static_cast<uint64_t>(o.GetInt("max_token_length"));
  config->max_pretoken_bytes = static_cast<uint64_t>(o.GetInt("max_pretoken_bytes"));
  return ValidateTrainConfig(*config, pre).WithContext("train_tokenizer");
}

std::unique_ptr<Stage> MakeWordCountWriter(TokenizerTrainConfig config, tokenizer::PreTokenizer pre,
                                           std::string counts_path) {
  return std::unique_ptr<Stage>(new WordCountWriter(std::move(config), std::move(pre), std::move(counts_path)));
}

Status TrainFromCountFiles(const TokenizerTrainConfig& config, const tokenizer::PreTokenizer& pre,
                           const std::vector<std::string>& count_files, const std::string& dir,
                           std::string* stats_patch_json) {
  tokenizer::WordCounter total(&pre, config.max_pretoken_bytes);
  for (const std::string& path : count_files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Io(CannotOpenMessage("word counts", path, errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!total.MergeSerialized(ss.str())) return Status::Io("'" + path + "' is not a sluice word-count file");
  }
  tokenizer::BpeTrainStats stats;
  tokenizer::BpeModel model;
  SLUICE_RETURN_IF_ERROR(TrainAndSave(config, pre, total, dir, &stats, &model).WithContext("train_tokenizer"));
  Stats patch;
  std::string report = RecordTraining(stats, total, pre, &patch);
  *stats_patch_json = EncodeStatsPatch(patch, report);
  return Status::Ok();
}

}  // namespace sluice
