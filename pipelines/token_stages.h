// Training-ready token output shared by `sluice tokenize` and the write_tokens
// stage: loading a tokenizer.json with the facts the shard files record
// (SHA-256, vocabulary size, end-of-text id) and checking the output options.
// The write_tokens stage registers from token_stages.cc.
#pragma once

#include <cstdint>
#include <string>

#include "stages/engine/status.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/token_shards.h"

namespace sluice {

// Stat names (API: stable).
inline constexpr char kStatWriteTokensDocs[] = "write_tokens.documents";
inline constexpr char kStatWriteTokensTokens[] = "write_tokens.tokens";

// What the user asked for, from CLI flags or stage options.
struct TokenOutputConfig {
  std::string tokenizer_path;
  std::string format = "megatron";  // megatron | nanogpt
  bool append_eod = false;          // always on for nanogpt
  std::string eod_token;            // "" = find it among the special tokens
  std::string dir;                  // output directory
  std::string name = "tokens";      // file stem
  uint64_t max_shard_tokens = 0;    // 0 = one shard
};

// Loads the tokenizer and fills *options for a TokenShardWriter (dtype from
// the vocabulary size). Errors name the flag/option and say what to do.
Status PrepareTokenOutput(const TokenOutputConfig& config, tokenizer::BpeModel* model,
                          tokenizer::TokenShardOptions* options);

}  // namespace sluice
