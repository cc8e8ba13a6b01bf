// decontaminate: keeps evaluation benchmarks out of the training text.
// Benchmarks are JSONL files (`text`, optional `task`; the file's stem names
// the task otherwise). Texts are compared as n-grams (default 13) of
// normalized words: ICU word segmentation (so Chinese is split into words),
// case-folded, with everything but letters, marks and digits removed ("Don't"
// == "dont"), so case, punctuation and spacing edits do not hide a copy.
// Each n-gram is a 64-bit hash (XXH3 over the words' XXH3 hashes).
//   mode drop: a document holding any benchmark n-gram is dropped
//              (decontaminate.benchmark_overlap, detail names the task);
//   mode cut:  GPT-3 style: every match is removed with cut_margin_chars (200)
//              characters on each side; the document is dropped when that
//              leaves more than max_pieces (10) pieces, or when no piece of
//              min_piece_chars (200) characters remains (shorter pieces are
//              discarded); the kept pieces are joined by a blank line.
// The index is a sorted array of (hash, task): 12 bytes per distinct n-gram
// (16 while building), so tens of millions fit. Immutable and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stages/engine/status.h"

namespace sluice {

// Drop reasons and stat names (API: stable).
inline constexpr char kDecontamOverlap[] = "decontaminate.benchmark_overlap";
inline constexpr char kDecontamTooManyPieces[] = "decontaminate.too_many_pieces";
inline constexpr char kDecontamTooShort[] = "decontaminate.too_short_after_cut";
inline constexpr char kStatDecontamDocs[] = "decontaminate.documents";
inline constexpr char kStatDecontamContaminated[] = "decontaminate.contaminated";
inline constexpr char kStatDecontamCut[] = "decontaminate.cut_documents";
inline constexpr char kStatDecontamCutChars[] = "decontaminate.cut_chars";
inline constexpr char kStatDecontamHits[] = "decontaminate.ngram_hits";
// + "<task>": contaminated documents per task (the task of the first match).
inline constexpr char kStatDecontamTaskPrefix[] = "decontaminate.task.";
inline constexpr char kSignalDecontamHits[] = "decontaminate.ngram_hits";

// One normalized word: the hash of its folded bytes and its byte span in the text.
struct NormalizedWord {
  uint64_t hash;
  uint32_t begin;
  uint32_t end;
};
// The normalized words of valid UTF-8 `text` (words that fold to nothing are skipped).
// With join_unspaced, non-CJK words separated only by punctuation (no space) are one
// word ("file/dir", "First-In", "e.g.") as they are once an editor drops the
// punctuation; the index holds the n-grams of both forms, and documents are
// looked up in both.
void NormalizedWords(std::string_view text, std::vector<NormalizedWord>* out, bool join_unspaced = false);
// The fold of one word: case-folded letters, marks and digits only ("Don't" -> "dont").
std::string FoldWord(std::string_view word);

// The benchmark n-grams. Build with Add, then Seal; Find is thread-safe after Seal.
class BenchmarkIndex {
 public:
  explicit BenchmarkIndex(int ngram) : ngram_(ngram) {}
  // Adds the n-grams of one benchmark text of `task`; false when it has fewer than n words.
  bool Add(std::string_view text, std::string_view task);
  void Seal();
  // Every benchmark n-gram in `text` (plain and joined words): returns the
  // number of matches, sets *first_task (the task of the earliest, or -1) and
  // the merged byte spans of the matches.
  int64_t Scan(std::string_view text, std::vector<std::pair<size_t, size_t>>* spans, int32_t* first_task) const;
  // The task index of the n-gram starting at words[0] (n words), or -1.
  int32_t Find(const NormalizedWord* words) const;
  int ngram() const { return ngram_; }
  const std::vector<std::string>& tasks() const { return tasks_; }
  size_t distinct_ngrams() const { return hashes_.size(); }
  // Distinct n-grams attributed to each task (after Seal).
  const std::vector<uint64_t>& ngrams_per_task() const { return per_task_; }

  static uint64_t NgramHash(const NormalizedWord* words, int n);

 private:
  int ngram_;
  std::vector<std::string> tasks_;
  std::vector<std::pair<uint64_t, uint32_t>> building_;
  std::vector<uint64_t> hashes_;  // sorted, distinct
  std::vector<uint32_t> task_of_;  // parallel to hashes_: the lowest task index holding it
  std::vector<uint32_t> bucket_;   // top 16 bits -> first position in hashes_
  std::vector<uint64_t> per_task_;
};

}  // namespace sluice
