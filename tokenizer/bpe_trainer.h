// BpeTrainer: learns byte-level BPE merges from counted words (pre-tokens),
// with Hugging Face tokenizers' algorithm and tie-breaking (see bpe_trainer.cc
// for the exact rules and the two documented differences). Stateless apart
// from its options: Train() may run concurrently on different inputs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tokenizer/bpe_model.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer_status.h"

namespace sluice::tokenizer {

struct BpeTrainerOptions {
  // Target vocabulary size, special tokens and the byte alphabet included.
  uint64_t vocab_size = 30000;
  // Stop when the best pair occurs fewer times than this (0 and 1 never stop).
  uint64_t min_frequency = 0;
  // Get ids 0..k-1 in this order; never produced by merges of text.
  std::vector<std::string> special_tokens;
  // true: all 256 bytes are tokens (decode(encode(x)) == x for any bytes);
  // false: only bytes seen in the words (HF's behaviour without an initial alphabet).
  bool full_byte_alphabet = true;
  // No token longer than this many bytes is created; 0 = unlimited.
  uint64_t max_token_length = 0;
  // Worker threads for pair counting (0 = TBB default); never changes the result.
  int threads = 0;
};

// A distinct word (pre-token bytes) and how often it occurred.
struct WordCount {
  std::string word;
  uint64_t count = 0;
};

// What a training run did, for reports.
struct BpeTrainStats {
  uint64_t words = 0;          // distinct words
  uint64_t word_occurrences = 0;
  uint64_t initial_pairs = 0;  // distinct adjacent pairs before merging
  uint64_t merges = 0;         // merges learned (after removing repeats)
  uint64_t repeated_merges = 0;  // merges whose result string already existed
  uint64_t vocab_size = 0;
  double count_seconds = 0;    // building words and pair counts
  double merge_seconds = 0;    // the merge loop
  // Why the loop stopped: "vocab_size", "min_frequency" or "no_pairs".
  std::string stop_reason;
};

class BpeTrainer {
 public:
  explicit BpeTrainer(BpeTrainerOptions options) : options_(std::move(options)) {}

  // Checks the options (names the offending one).
  TokStatus Validate() const;

  // Trains on `words` (any order; the result does not depend on it) and builds
  // a model that uses `pre_tokenizer`. Words with count 0 are ignored.
  TokStatus Train(const std::vector<WordCount>& words, const PreTokenizer& pre_tokenizer, BpeModel* model,
                  BpeTrainStats* stats = nullptr) const;

  const BpeTrainerOptions& options() const { return options_; }

 private:
  BpeTrainerOptions options_;
};

}  // namespace sluice::tokenizer
