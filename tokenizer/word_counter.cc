#include "tokenizer/word_counter.h"

#include <algorithm>
#include <cstring>

#include "tokenizer/unicode_classes.h"

namespace sluice::tokenizer {

uint64_t HashBytes(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  uint64_t h = 0x243F6A8885A308D3ULL ^ (s.size() * kMul);
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t v;
    std::memcpy(&v, s.data() + i, 8);
    h = (h ^ v) * kMul;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * kMul;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  h ^= h >> 32;
  return h;
}

WordCounter::WordCounter(const PreTokenizer* pre_tokenizer, size_t max_piece_bytes)
    : pre_tokenizer_(pre_tokenizer), max_piece_bytes_(max_piece_bytes) {
  if (max_piece_bytes_ != 0 && max_piece_bytes_ < 4) max_piece_bytes_ = 4;
  slots_.resize(1 << 12);
}

void WordCounter::Grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.used) continue;
    size_t i = s.hash & mask;
    while (slots_[i].used) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void WordCounter::AddHashed(std::string_view word, uint64_t hash, uint64_t count) {
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].used) {
    Slot& s = slots_[i];
    if (s.hash == hash && s.length == word.size() &&
        std::memcmp(arena_.data() + s.offset, word.data(), word.size()) == 0) {
      s.count += count;
      total_ += count;
      return;
    }
    i = (i + 1) & mask;
  }
  Slot& s = slots_[i];
  s.used = true;
  s.hash = hash;
  s.offset = arena_.size();
  s.length = static_cast<uint32_t>(word.size());
  s.count = count;
  arena_.append(word);
  total_ += count;
  if (++size_ * 4 > slots_.size() * 3) Grow();
}

void WordCounter::AddWord(std::string_view word, uint64_t count) {
  if (word.empty() || count == 0) return;
  AddHashed(word, HashBytes(word), count);
}

void WordCounter::AddPiece(std::string_view piece) {
  if (max_piece_bytes_ == 0 || piece.size() <= max_piece_bytes_) {
    AddWord(piece);
    return;
  }
  ++pieces_cut_;
  size_t pos = 0;
  while (pos < piece.size()) {
    size_t end = std::min(piece.size(), pos + max_piece_bytes_);
    if (end < piece.size()) {
      // Back up to a character boundary (never below pos + 1).
      size_t e = end;
      while (e > pos + 1 && (static_cast<unsigned char>(piece[e]) & 0xC0) == 0x80) --e;
      end = e;
    }
    AddWord(piece.substr(pos, end - pos));
    pos = end;
  }
}

void WordCounter::AddText(std::string_view text) {
  text_bytes_ += text.size();
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    pre_tokenizer_->Split(text.substr(start, end - start), [&](std::string_view piece) { AddPiece(piece); });
    start = end;
  }
}

void WordCounter::MergeFrom(const WordCounter& other) {
  for (const Slot& s : other.slots_) {
    if (s.used) AddHashed(std::string_view(other.arena_.data() + s.offset, s.length), s.hash, s.count);
  }
  pieces_cut_ += other.pieces_cut_;
  text_bytes_ += other.text_bytes_;
}

std::vector<WordCount> WordCounter::Sorted() const {
  std::vector<WordCount> out;
  out.reserve(size_);
  for (const Slot& s : slots_) {
    if (s.used) out.push_back(WordCount{std::string(arena_.data() + s.offset, s.length), s.count});
  }
  std::sort(out.begin(), out.end(), [](const WordCount& a, const WordCount& b) { return a.word < b.word; });
  return out;
}

}  // namespace sluice::tokenizer
