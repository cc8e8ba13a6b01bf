// Glue between sluice's engine and the standalone tokenizer library: status
// mapping, parallel word counting of documents, and the option checks shared
// by `sluice train-tokenizer` and the `train_tokenizer` stage. The stages
// themselves (train_tokenizer, token_count) register from tokenizer_stages.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stages/engine/stage.h"
#include "stages/engine/status.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer_status.h"
#include "tokenizer/word_counter.h"

namespace sluice {

// Stat and signal names (API: stable).
inline constexpr char kStatTrainDocs[] = "train_tokenizer.documents";
inline constexpr char kStatTrainBytes[] = "train_tokenizer.text_bytes";
inline constexpr char kStatTrainVocab[] = "train_tokenizer.vocab_size";
inline constexpr char kStatTrainMerges[] = "train_tokenizer.merges";
inline constexpr char kStatTrainWords[] = "train_tokenizer.distinct_words";
inline constexpr char kStatTrainPiecesCut[] = "train_tokenizer.pieces_cut";
inline constexpr char kSignalTokenCount[] = "token_count.tokens";
inline constexpr char kStatTokenCountTokens[] = "token_count.tokens";
inline constexpr char kStatTokenCountDocs[] = "token_count.documents";

// kInvalid -> Config (exit 1), kIo -> Io (exit 2).
Status FromTokStatus(const tokenizer::TokStatus& status);

// Everything a training run is configured by (CLI flags and stage options alike).
struct TokenizerTrainConfig {
  std::string preset = "gpt2";          // gpt2 | cl100k
  std::string pattern;                  // RE2 split pattern; replaces the preset when set
  tokenizer::BpeTrainerOptions trainer;
  uint64_t max_pretoken_bytes = tokenizer::kDefaultMaxPieceBytes;
};

// Builds the pre-tokenizer and checks the trainer options; messages name the
// option (as `option_prefix` + name, e.g. "--vocab-size" or "vocab_size").
Status ValidateTrainConfig(const TokenizerTrainConfig& config, tokenizer::PreTokenizer* pre_tokenizer);

// Trains on the merged word counts and writes tokenizer.json, vocab.json,
// merges.txt and tokenizer.tiktoken into `dir`.
Status TrainAndSave(const TokenizerTrainConfig& config, const tokenizer::PreTokenizer& pre_tokenizer,
                    const tokenizer::WordCounter& counts, const std::string& dir,
                    tokenizer::BpeTrainStats* stats, tokenizer::BpeModel* model);

// The train_tokenizer stage's validated options as a config; *pre_tokenizer
// gets the pre-tokenizer. Errors name the option.
Status TrainConfigFromOptions(const Options& options, TokenizerTrainConfig* config,
                              tokenizer::PreTokenizer* pre_tokenizer);

// Sharded runs: a stage standing where train_tokenizer stands that counts
// words the same way (and records the same per-document counters) and, in
// Finish, writes the shard's counts (WordCounter::Serialize) to `counts_path`.
std::unique_ptr<Stage> MakeWordCountWriter(TokenizerTrainConfig config, tokenizer::PreTokenizer pre_tokenizer,
                                           std::string counts_path);

// The tokenizer phase: merges the shards' count files, trains, writes the
// tokenizer files into `dir` and *stats_patch_json (the counters and report the
// in-process train_tokenizer stage adds in Finish; EncodeStatsPatch in stages/engine/run_state.h).
Status TrainFromCountFiles(const TokenizerTrainConfig& config, const tokenizer::PreTokenizer& pre_tokenizer,
                           const std::vector<std::string>& count_files, const std::string& dir,
                           std::string* stats_patch_json);

}  // namespace sluice
