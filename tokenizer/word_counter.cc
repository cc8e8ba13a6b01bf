#include "tokenizer/word_counter.h"

#include <algorithm>
#include <cstring>

#include "tokenizer/unicode_classes.h"

namespace sluice::tokenizer {

namespace {

inline uint64_t Mul(uint64_t x, uint64_t y) {
  const __uint128_t r = static_cast<__uint128_t>(x) * y;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// Loads up to 16 bytes zero-padded into (a, b).
inline void LoadPadded(std::string_view s, uint64_t* a, uint64_t* b) {
  unsigned char buf[16] = {};
  std::memcpy(buf, s.data(), s.size());
  std::memcpy(a, buf, 8);
  std::memcpy(b, buf + 8, 8);
}

constexpr uint64_t kP0 = 0xa0761d6478bd642fULL, kP1 = 0xe7037ed1a0b428dbULL, kP2 = 0x8ebc6af09c88c6e3ULL;

// The slot tag of a word: hash with the (capped) length in the low byte, never 0.
inline uint64_t TagOf(uint64_t hash, size_t length) {
  return (hash & ~uint64_t{0xFF}) | (length < 255 ? length : 255) | (length == 0 ? 1 : 0);
}

}  // namespace

uint64_t HashBytes(std::string_view s) {
  uint64_t h = kP0 ^ s.size();
  size_t i = 0;
  for (; i + 16 <= s.size(); i += 16) {
    uint64_t x, y;
    std::memcpy(&x, s.data() + i, 8);
    std::memcpy(&y, s.data() + i + 8, 8);
    h = Mul(x ^ kP1, y ^ h);
  }
  uint64_t a, b;
  LoadPadded(s.substr(i), &a, &b);
  return Mul(Mul(a ^ kP1, b ^ h ^ kP2), kP0 ^ s.size());
}

WordCounter::WordCounter(const PreTokenizer* pre_tokenizer, size_t max_piece_bytes)
    : pre_tokenizer_(pre_tokenizer), max_piece_bytes_(max_piece_bytes) {
  if (max_piece_bytes_ != 0 && max_piece_bytes_ < 4) max_piece_bytes_ = 4;
  slots_.resize(1 << 12);
  hot_.resize(kHot);
}

void WordCounter::Flush() {
  for (Slot& h : hot_) {
    if (!h.tag) continue;
    total_ -= h.count;
    AddHashed(KeyOf(h), h.tag, h.a, h.b, h.count);
    h = Slot();
  }
}

std::string_view WordCounter::KeyOf(const Slot& s) const {
  const size_t len = s.tag & 0xFF;
  if (len <= kInline) return std::string_view(reinterpret_cast<const char*>(&s.a), len);
  return std::string_view(arena_.data() + s.a, s.b);
}

void WordCounter::Grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.tag) continue;
    size_t i = (s.tag >> 8) & mask;
    while (slots_[i].tag) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void WordCounter::AddHashed(std::string_view word, uint64_t tag, uint64_t a, uint64_t b, uint64_t count) {
  const size_t mask = slots_.size() - 1;
  size_t i = (tag >> 8) & mask;
  const bool short_word = word.size() <= kInline;
  while (slots_[i].tag) {
    Slot& s = slots_[i];
    if (s.tag == tag &&
        (short_word ? (s.a == a && s.b == b)
                    : (s.b == word.size() && std::memcmp(arena_.data() + s.a, word.data(), word.size()) == 0))) {
      s.count += count;
      total_ += count;
      return;
    }
    i = (i + 1) & mask;
  }
  Slot& s = slots_[i];
  s.tag = tag;
  s.count = count;
  if (short_word) {
    s.a = a;
    s.b = b;
  } else {
    s.a = arena_.size();
    s.b = word.size();
    arena_.append(word);
  }
  total_ += count;
  if (++size_ * 2 > slots_.size()) Grow();
}

void WordCounter::AddWord(std::string_view word, uint64_t count) {
  if (word.empty() || count == 0) return;
  uint64_t a = 0, b = 0;
  uint64_t hash;
  if (word.size() <= kInline) {
    LoadPadded(word, &a, &b);
    hash = Mul(Mul(a ^ kP1, b ^ kP2), kP0 ^ word.size());
    const uint64_t tag = TagOf(hash, word.size());
    Slot& h = hot_[(tag >> 40) & (kHot - 1)];
    if (h.tag == tag && h.a == a && h.b == b) {
      h.count += count;
      total_ += count;
      return;
    }
    if (h.tag) {
      total_ -= h.count;  // AddHashed counts it again
      AddHashed(KeyOf(h), h.tag, h.a, h.b, h.count);
    }
    h.tag = tag;
    h.a = a;
    h.b = b;
    h.count = count;
    total_ += count;
    return;
  } else {
    hash = HashBytes(word);
  }
  AddHashed(word, TagOf(hash, word.size()), a, b, count);
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
  for (const std::vector<Slot>* table : {&other.slots_, &other.hot_}) {
    for (const Slot& s : *table) {
      if (s.tag) AddHashed(other.KeyOf(s), s.tag, s.a, s.b, s.count);
    }
  }
  pieces_cut_ += other.pieces_cut_;
  text_bytes_ += other.text_bytes_;
}

std::vector<WordCount> WordCounter::Sorted() const {
  std::vector<WordCount> out;
  out.reserve(size_ + kHot);
  for (const std::vector<Slot>* table : {&slots_, &hot_}) {
    for (const Slot& s : *table) {
      if (s.tag) out.push_back(WordCount{std::string(KeyOf(s)), s.count});
    }
  }
  std::sort(out.begin(), out.end(), [](const WordCount& a, const WordCount& b) { return a.word < b.word; });
  // A word can sit in both the hot cache and the table: add those up.
  size_t w = 0;
  for (size_t r = 0; r < out.size(); ++r) {
    if (w > 0 && out[w - 1].word == out[r].word) {
      out[w - 1].count += out[r].count;
    } else {
      if (w != r) out[w] = std::move(out[r]);
      ++w;
    }
  }
  out.resize(w);
  return out;
}

namespace {
constexpr char kCountsMagic[] = "SLUICE-WORD-COUNTS 1\n";
void PutLE(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t GetLE(std::string_view s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}
}  // namespace

std::string WordCounter::Serialize() const {
  std::vector<WordCount> words = Sorted();
  std::string out(kCountsMagic);
  PutLE(&out, pieces_cut_, 8);
  PutLE(&out, text_bytes_, 8);
  PutLE(&out, words.size(), 8);
  for (const WordCount& w : words) {
    PutLE(&out, w.word.size(), 4);
    out.append(w.word);
    PutLE(&out, w.count, 8);
  }
  return out;
}

bool WordCounter::MergeSerialized(std::string_view data) {
  const size_t magic = sizeof(kCountsMagic) - 1;
  if (data.size() < magic + 24 || data.substr(0, magic) != kCountsMagic) return false;
  size_t pos = magic;
  const uint64_t cut = GetLE(data, pos, 8), bytes = GetLE(data, pos + 8, 8), n = GetLE(data, pos + 16, 8);
  pos += 24;
  // Check the whole file first so that a malformed one adds nothing.
  size_t check = pos;
  for (uint64_t k = 0; k < n; ++k) {
    if (check + 4 > data.size()) return false;
    uint64_t len = GetLE(data, check, 4);
    if (check + 4 + len + 8 > data.size()) return false;
    check += 4 + len + 8;
  }
  if (check != data.size()) return false;
  for (uint64_t k = 0; k < n; ++k) {
    uint64_t len = GetLE(data, pos, 4);
    AddWord(data.substr(pos + 4, len), GetLE(data, pos + 4 + len, 8));
    pos += 4 + len + 8;
  }
  pieces_cut_ += cut;
  text_bytes_ += bytes;
  return true;
}

}  // namespace sluice::tokenizer
