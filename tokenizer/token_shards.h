// Token shards: the binary files trainers read, written from token ids one
// document at a time, in order.
//  * megatron: Megatron-LM indexed datasets. NAME.bin holds the tokens
//    (little-endian, no header); NAME.idx is "MMIDIDX\0\0", u64 version 1,
//    u8 dtype code (8 uint16, 4 int32), u64 sequence count N, u64 document
//    count N+1, i32 sizes[N], i64 byte pointers[N], i64 document indices
//    [0, 1, ..., N] (one sequence per document).
//  * nanogpt: NAME.bin, a flat little-endian uint16 stream with the
//    end-of-text id after every document (nanoGPT's train.bin); no index.
// Next to them, tokens.json records the tokenizer (SHA-256, vocabulary size,
// end-of-text id), the dtype, and documents and tokens per shard.
// Memory does not grow with the corpus: sizes go to a temporary file and the
// .idx is assembled from it when a shard closes. Files appear under their
// final names only in Finish() (temp + rename). Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/bpe_model.h"
#include "tokenizer/tokenizer_status.h"

namespace sluice::tokenizer {

enum class TokenFormat { kMegatron, kNanoGpt };
enum class TokenDtype { kUint16, kInt32 };

// "megatron" / "nanogpt".
TokStatus ParseTokenFormat(std::string_view name, TokenFormat* out);
std::string_view TokenFormatName(TokenFormat format);
std::string_view TokenDtypeName(TokenDtype dtype);  // "uint16" / "int32"
uint8_t MegatronDtypeCode(TokenDtype dtype);        // 8 / 4
size_t TokenDtypeBytes(TokenDtype dtype);           // 2 / 4
// uint16 when every id of the vocabulary fits (vocab_size <= 65536), else int32.
TokenDtype DtypeForVocab(size_t vocab_size);

// The tokenizer's end-of-text token: the first special token named
// <|endoftext|>, <|end_of_text|>, </s>, <eos>, <|eos|> or [EOS] (in that order
// of preference), or -1 when it has none.
int64_t FindEndOfTextId(const BpeModel& model);

// Lower-case hex SHA-256 of `data` (FIPS 180-4), for the sidecar.
std::string Sha256Hex(std::string_view data);

struct TokenShardOptions {
  TokenFormat format = TokenFormat::kMegatron;
  std::string dir;             // created if missing
  std::string name = "tokens"; // NAME.bin/.idx, or NAME_00000.bin... with max_shard_tokens
  TokenDtype dtype = TokenDtype::kUint16;
  bool append_eod = false;     // always on for nanogpt
  int64_t eod_id = -1;         // required when append_eod or nanogpt
  uint64_t max_shard_tokens = 0;  // 0: one shard; else a new shard starts before a document that would overflow it
  // Facts for tokens.json.
  std::string tokenizer_path;
  std::string tokenizer_sha256;
  uint64_t vocab_size = 0;
};

struct TokenShardInfo {
  std::string name;  // file stem, e.g. "tokens" or "tokens_00001"
  uint64_t documents = 0;
  uint64_t tokens = 0;
};

class TokenShardWriter {
 public:
  TokenShardWriter() = default;
  ~TokenShardWriter();
  TokenShardWriter(const TokenShardWriter&) = delete;
  TokenShardWriter& operator=(const TokenShardWriter&) = delete;

  // Checks the options (dtype vs vocabulary and format, end-of-text id) and creates the directory.
  TokStatus Open(const TokenShardOptions& options);
  // Appends one document (and the end-of-text id when asked). Ids must be < vocab_size.
  TokStatus Add(std::span<const uint32_t> ids);
  // Closes the last shard, writes every .idx and tokens.json, renames the files into place.
  TokStatus Finish();

  const std::vector<TokenShardInfo>& shards() const { return shards_; }
  uint64_t documents() const { return documents_; }
  uint64_t tokens() const { return tokens_; }
  // tokens.json as written by Finish().
  std::string SidecarJson() const;

 private:
  TokStatus StartShard();
  TokStatus CloseShard();
  std::string PathOf(const std::string& stem, std::string_view ext) const;

  TokenShardOptions opt_;
  bool open_ = false;
  bool finished_ = false;
  std::vector<TokenShardInfo> shards_;
  std::vector<std::pair<std::string, std::string>> renames_;  // temp -> final, done in Finish
  std::FILE* bin_ = nullptr;
  std::FILE* sizes_ = nullptr;  // temp file of i32 sizes of the open shard (megatron)
  std::string bin_tmp_, sizes_tmp_;
  std::string buf_;
  uint64_t documents_ = 0;
  uint64_t tokens_ = 0;
};

// A Megatron .idx read back (tests and tools).
struct MegatronIndex {
  uint8_t dtype_code = 0;
  std::vector<int32_t> sizes;
  std::vector<int64_t> pointers;
  std::vector<int64_t> document_indices;
};
TokStatus ReadMegatronIndex(const std::string& path, MegatronIndex* out);

}  // namespace sluice::tokenizer
