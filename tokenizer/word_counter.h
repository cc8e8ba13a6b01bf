// WordCounter: counts the pre-tokens ("words") of training text. Like HF
// tokenizers reading files line by line, each line of a text (with its '\n')
// is pre-tokenized on its own, so a word never spans two lines. Pieces longer
// than max_piece_bytes are cut into chunks of at most that many bytes (at UTF-8
// character boundaries) so that long unsplit runs (Chinese without
// punctuation, DNA, base64) cannot make training quadratic; 0 disables the cut.
// Not thread-safe: keep one per thread and MergeFrom() them at the end (counts
// are sums, so the result is the same for any split of the input).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/bpe_trainer.h"
#include "tokenizer/pre_tokenizer.h"

namespace sluice::tokenizer {

inline constexpr size_t kDefaultMaxPieceBytes = 256;

class WordCounter {
 public:
  WordCounter(const PreTokenizer* pre_tokenizer, size_t max_piece_bytes = kDefaultMaxPieceBytes);

  // Counts the words of every line of `text`.
  void AddText(std::string_view text);
  // Counts one already split word `count` times (no cutting).
  void AddWord(std::string_view word, uint64_t count = 1);
  // Adds every count of `other` into this one.
  void MergeFrom(const WordCounter& other);

  // Moves the counts held in the hot cache into the table (distinct() is exact after it).
  void Flush();
  size_t distinct() const { return size_; }
  uint64_t total() const { return total_; }
  uint64_t pieces_cut() const { return pieces_cut_; }
  uint64_t text_bytes() const { return text_bytes_; }
  // Approximate heap bytes held (table + key arena).
  size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot) + arena_.capacity(); }

  // The words sorted by their bytes (a deterministic order for training).
  std::vector<WordCount> Sorted() const;

  // Binary form of the counts, for merging counts of separate processes
  // (shards): "SLUICE-WORD-COUNTS 1\n", u64 pieces_cut, u64 text_bytes,
  // u64 words, then per word (sorted) u32 length, bytes, u64 count.
  std::string Serialize() const;
  // Adds the counts of a Serialize() output; false when `data` is malformed
  // (nothing is added then).
  bool MergeSerialized(std::string_view data);

 private:
  // 32 bytes. Words of at most 16 bytes live in the slot itself (zero-padded),
  // so the common lookup touches one cache line; longer ones live in arena_.
  struct Slot {
    uint64_t tag = 0;  // hash with the length in the low byte; 0 = empty
    uint64_t count = 0;
    uint64_t a = 0;    // short word bytes 0..7, or arena offset
    uint64_t b = 0;    // short word bytes 8..15, or the length
  };
  static constexpr size_t kInline = 16;
  // A small direct-mapped cache of frequent short words with pending counts,
  // so most lookups stay in L2 instead of missing in the big table.
  static constexpr size_t kHot = 1 << 13;
  std::vector<Slot> hot_;
  std::string_view KeyOf(const Slot& s) const;
  void AddHashed(std::string_view word, uint64_t tag, uint64_t a, uint64_t b, uint64_t count);
  void Grow();
  void AddPiece(std::string_view piece);

  const PreTokenizer* pre_tokenizer_;
  size_t max_piece_bytes_;
  std::vector<Slot> slots_;
  std::string arena_;
  size_t size_ = 0;
  uint64_t total_ = 0;
  uint64_t pieces_cut_ = 0;
  uint64_t text_bytes_ = 0;
};

// 64-bit hash of a byte string (fast, not cryptographic).
uint64_t HashBytes(std::string_view s);

}  // namespace sluice::tokenizer
