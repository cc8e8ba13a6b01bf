// BpeModel: a trained byte-level BPE tokenizer (vocabulary, ranked merges,
// special tokens, pre-tokenizer) with its encoder and decoder. Encoding follows
// HF tokenizers exactly: special tokens are split out first (leftmost, then
// longest), the rest is pre-tokenized and each piece is merged lowest rank
// first, leftmost first. decode(encode(x)) == x for every byte string when all
// 256 bytes are in the vocabulary. Immutable and thread-safe; an EncodeCache is
// per thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer_status.h"

namespace sluice::tokenizer {

// left + right -> result, by token id. A model's merges are in rank order.
struct MergeRule {
  uint32_t left = 0;
  uint32_t right = 0;
  uint32_t result = 0;
  bool operator==(const MergeRule&) const = default;
};

// Remembers the ids of recently encoded pieces. Not thread-safe: one per thread.
class EncodeCache {
 public:
  explicit EncodeCache(size_t capacity = 1 << 16) : capacity_(capacity) {}
  const std::vector<uint32_t>* Find(std::string_view piece) const;
  void Put(std::string_view piece, const std::vector<uint32_t>& ids);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  size_t capacity_;
  std::unordered_map<std::string, std::vector<uint32_t>, Hash, std::equal_to<>> map_;
};

class BpeModel {
 public:
  // tokens[id] holds the bytes of token `id`; ids in `special_ids` are special
  // (added) tokens whose bytes are their literal content. Every merge must join
  // two existing tokens into the token holding their concatenated bytes.
  static TokStatus Create(std::vector<std::string> tokens, std::vector<uint32_t> special_ids,
                          std::vector<MergeRule> merges, PreTokenizer pre_tokenizer, BpeModel* out);

  size_t vocab_size() const { return tokens_.size(); }
  const std::string& token(uint32_t id) const { return tokens_[id]; }
  bool is_special(uint32_t id) const { return id < special_.size() && special_[id]; }
  const std::vector<uint32_t>& special_ids() const { return special_ids_; }
  const std::vector<MergeRule>& merges() const { return merges_; }
  const PreTokenizer& pre_tokenizer() const { return pre_tokenizer_; }
  // The id of the (non-special) token with these bytes, or -1.
  int64_t IdOf(std::string_view bytes) const;
  // True when every one of the 256 bytes is a token (then every input encodes losslessly).
  bool has_full_byte_alphabet() const;

  // Appends the ids of `text` to *ids. Bytes that are not tokens (possible only
  // without the full byte alphabet) are dropped, as HF does without unk_token.
  void Encode(std::string_view text, std::vector<uint32_t>* ids, EncodeCache* cache = nullptr) const;
  // BPE on one pre-token (no special-token splitting, no pre-tokenization).
  void EncodePiece(std::string_view piece, std::vector<uint32_t>* ids, EncodeCache* cache = nullptr) const;
  // Concatenates the bytes of `ids`; false when an id is out of range.
  bool Decode(std::span<const uint32_t> ids, std::string* out, bool skip_special = false) const;

 private:
  void EncodeOrdinary(std::string_view text, std::vector<uint32_t>* ids, EncodeCache* cache) const;
  void MergePiece(std::string_view piece, std::vector<uint32_t>* ids) const;
  // (rank, result) of the merge of (left, right), or nullptr.
  const std::pair<uint32_t, uint32_t>* FindMerge(uint32_t left, uint32_t right) const;

  std::vector<std::string> tokens_;
  std::vector<bool> special_;
  std::vector<uint32_t> special_ids_;
  std::vector<MergeRule> merges_;
  PreTokenizer pre_tokenizer_;
  int32_t byte_id_[256];
  std::unordered_map<std::string, uint32_t> id_of_;  // non-special tokens
  // (left << 32 | right) -> (rank, result); a repeated pair keeps its last rank.
  std::unordered_map<uint64_t, std::pair<uint32_t, uint32_t>> merge_rank_;
};

}  // namespace sluice::tokenizer
