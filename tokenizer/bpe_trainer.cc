// The merge loop follows Hugging Face tokenizers' BpeTrainer
// (tokenizers/src/models/bpe/trainer.rs) step for step, so that the same word
// counts give the same merges:
//  * Special tokens get ids 0..k-1, then the byte alphabet sorted by the code
//    point each byte is written as (GPT-2's bytes_to_unicode), then merges.
//  * Pair counts are sums of word counts over every adjacent occurrence. Each
//    queue entry carries the set of words it was created for; the queue is a
//    max-heap on (count, then the smaller (left_id, right_id)). A popped entry
//    whose count is stale gets the current count and goes back (lazy refresh).
//  * Stop when the vocabulary is full, the queue is empty, or the best count is
//    < 1 or < min_frequency.
//  * A merge rewrites its words left to right without overlap. Each rewrite
//    decrements the pairs it destroys and increments the pairs it creates; the
//    words where a pair was created become a new queue entry for that pair
//    (pushed when its count is > 0). The merged pair's own count is left as is.
//  * A merge whose result string already exists reuses that id; if the same
//    pair is merged twice, the saved model keeps it at its last rank.
// Differences, both deliberate: counts are 64-bit (HF's i32 pair counts
// overflow on large corpora, tokenizers#2058); max_token_length caps tokens at
// <= L bytes (HF's word.rs tests `< L` when forming new pairs, so its tokens
// stop at L-1 characters except the first merges).
#include "tokenizer/bpe_trainer.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "tokenizer/byte_level.h"

namespace sluice::tokenizer {
namespace {

inline uint64_t PairKey(uint32_t left, uint32_t right) { return (uint64_t{left} << 32) | right; }

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// Open-addressing map from pair key to a dense pair id.
class PairIndex {
 public:
  PairIndex() { Rehash(1 << 16); }

  // The id of `key`, or kNone.
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  uint32_t Find(uint64_t key) const {
    size_t i = Mix(key) & mask_;
    while (true) {
      const uint32_t id = slots_[i];
      if (id == kNone) return kNone;
      if (keys_[id] == key) return id;
      i = (i + 1) & mask_;
    }
  }
  // The id of `key`, adding it when absent.
  uint32_t Intern(uint64_t key) {
    size_t i = Mix(key) & mask_;
    while (true) {
      const uint32_t id = slots_[i];
      if (id == kNone) break;
      if (keys_[id] == key) return id;
      i = (i + 1) & mask_;
    }
    const uint32_t id = static_cast<uint32_t>(keys_.size());
    keys_.push_back(key);
    slots_[i] = id;
    if (keys_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return id;
  }
  uint64_t key(uint32_t id) const { return keys_[id]; }
  size_t size() const { return keys_.size(); }

 private:
  void Rehash(size_t capacity) {
    slots_.assign(capacity, kNone);
    mask_ = capacity - 1;
    for (uint32_t id = 0; id < keys_.size(); ++id) {
      size_t i = Mix(keys_[id]) & mask_;
      while (slots_[i] != kNone) i = (i + 1) & mask_;
      slots_[i] = id;
    }
  }
  std::vector<uint32_t> slots_;
  std::vector<uint64_t> keys_;
  size_t mask_ = 0;
};

// A queue entry: a pair, its count when pushed, the words to rewrite.
struct Entry {
  uint64_t count;
  uint64_t key;   // (left << 32) | right
  uint32_t pair;  // dense pair id
  uint32_t list;  // index into the word lists
  uint64_t seq;   // creation order: breaks ties between entries of one pair
};

// std heap "less": the greatest entry is on top.
struct EntryLess {
  bool operator()(const Entry& a, const Entry& b) const {
    if (a.count != b.count) return a.count < b.count;
    if (a.key != b.key) return a.key > b.key;
    return a.seq > b.seq;
  }
};

// Word lists owned by queue entries, recycled when an entry is consumed.
class WordLists {
 public:
  uint32_t Add(std::vector<uint32_t> words) {
    if (!free_.empty()) {
      const uint32_t id = free_.back();
      free_.pop_back();
      lists_[id] = std::move(words);
      return id;
    }
    lists_.push_back(std::move(words));
    return static_cast<uint32_t>(lists_.size() - 1);
  }
  std::vector<uint32_t>& Get(uint32_t id) { return lists_[id]; }
  void Release(uint32_t id) {
    std::vector<uint32_t>().swap(lists_[id]);
    free_.push_back(id);
  }

 private:
  std::vector<std::vector<uint32_t>> lists_;
  std::vector<uint32_t> free_;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

TokStatus BpeTrainer::Validate() const {
  const size_t base = options_.full_byte_alphabet ? 256 : 1;
  if (options_.vocab_size < base + options_.special_tokens.size()) {
    return TokStatus::Invalid("vocab_size " + std::to_string(options_.vocab_size) +
                              " is smaller than the special tokens plus the byte alphabet (" +
                              std::to_string(base + options_.special_tokens.size()) + ")");
  }
  if (options_.vocab_size > 0xFFFFFFF0ull) return TokStatus::Invalid("vocab_size is too large (max 2^32-16)");
  if (options_.max_token_length == 1) {
    return TokStatus::Invalid("max_token_length must be 0 (unlimited) or at least 2");
  }
  for (const std::string& s : options_.special_tokens) {
    if (s.empty()) return TokStatus::Invalid("special_tokens: empty token");
  }
  if (options_.threads < 0) return TokStatus::Invalid("threads must be >= 0");
  return TokStatus::Ok();
}

TokStatus BpeTrainer::Train(const std::vector<WordCount>& input, const PreTokenizer& pre_tokenizer,
                            BpeModel* model, BpeTrainStats* stats) const {
  if (TokStatus st = Validate(); !st.ok()) return st;
  BpeTrainStats local_stats;
  BpeTrainStats& st = stats ? *stats : local_stats;
  st = BpeTrainStats();
  const auto t0 = std::chrono::steady_clock::now();

  // ---- vocabulary: specials, then the alphabet. HF keys its vocabulary by the
  // token's string: specials by their content, others by their byte-level form.
  std::vector<std::string> tokens;              // bytes (specials: content)
  std::vector<uint32_t> special_ids;
  std::unordered_map<std::string, uint32_t> by_string;  // HF's word_to_id
  for (const std::string& s : options_.special_tokens) {
    if (by_string.emplace(s, static_cast<uint32_t>(tokens.size())).second) {
      special_ids.push_back(static_cast<uint32_t>(tokens.size()));
      tokens.push_back(s);
    }
  }
  bool seen[256] = {};
  for (const WordCount& w : input) {
    if (w.count == 0) continue;
    for (unsigned char b : w.word) seen[b] = true;
  }
  std::vector<int> alphabet;
  for (int b = 0; b < 256; ++b) {
    if (options_.full_byte_alphabet || seen[b]) alphabet.push_back(b);
  }
  std::sort(alphabet.begin(), alphabet.end(),
            [](int a, int b) { return ByteToCodePoint(a) < ByteToCodePoint(b); });
  int64_t byte_id[256];
  std::fill(std::begin(byte_id), std::end(byte_id), -1);
  for (int b : alphabet) {
    const std::string bytes(1, static_cast<char>(b));
    auto [it, inserted] = by_string.emplace(ToByteLevel(bytes), static_cast<uint32_t>(tokens.size()));
    if (inserted) tokens.push_back(bytes);
    byte_id[b] = it->second;
  }
  std::vector<uint32_t> token_len;  // bytes per token, for max_token_length
  for (const std::string& t : tokens) token_len.push_back(static_cast<uint32_t>(t.size()));

  // ---- words as symbol sequences in one arena.
  std::vector<uint32_t> symbols;
  std::vector<uint64_t> word_offset;
  std::vector<uint32_t> word_len;
  std::vector<uint64_t> word_count;
  {
    size_t total = 0;
    for (const WordCount& w : input) total += w.count ? w.word.size() : 0;
    symbols.reserve(total);
  }
  for (const WordCount& w : input) {
    if (w.count == 0) continue;
    const uint64_t off = symbols.size();
    for (unsigned char b : w.word) {
      if (byte_id[b] >= 0) symbols.push_back(static_cast<uint32_t>(byte_id[b]));
    }
    word_offset.push_back(off);
    word_len.push_back(static_cast<uint32_t>(symbols.size() - off));
    word_count.push_back(w.count);
    st.word_occurrences += w.count;
  }
  const size_t num_words = word_count.size();
  st.words = num_words;

  // ---- initial pair counts and, per pair, the words that hold it (ascending).
  const uint64_t max_len = options_.max_token_length;
  auto len_ok = [&](uint32_t a, uint32_t b) {
    return max_len == 0 || uint64_t{token_len[a]} + token_len[b] <= max_len;
  };
  PairIndex index;
  std::vector<int64_t> pair_count;
  std::vector<uint32_t> last_word;   // last word that counted the pair (dedup)
  std::vector<uint32_t> words_with;  // distinct words holding the pair
  for (size_t w = 0; w < num_words; ++w) {
    const uint32_t* s = symbols.data() + word_offset[w];
    const int64_t c = static_cast<int64_t>(word_count[w]);
    for (uint32_t i = 0; i + 1 < word_len[w]; ++i) {
      const uint32_t p = index.Intern(PairKey(s[i], s[i + 1]));
      if (p == pair_count.size()) {
        pair_count.push_back(0);
        last_word.push_back(0xFFFFFFFFu);
        words_with.push_back(0);
      }
      pair_count[p] += c;
      if (last_word[p] != w) {
        last_word[p] = static_cast<uint32_t>(w);
        ++words_with[p];
      }
    }
  }
  WordLists lists;
  std::vector<std::vector<uint32_t>> initial(index.size());
  for (size_t p = 0; p < initial.size(); ++p) initial[p].reserve(words_with[p]);
  std::fill(last_word.begin(), last_word.end(), 0xFFFFFFFFu);
  for (size_t w = 0; w < num_words; ++w) {
    const uint32_t* s = symbols.data() + word_offset[w];
    for (uint32_t i = 0; i + 1 < word_len[w]; ++i) {
      const uint32_t p = index.Find(PairKey(s[i], s[i + 1]));
      if (last_word[p] != w) {
        last_word[p] = static_cast<uint32_t>(w);
        initial[p].push_back(static_cast<uint32_t>(w));
      }
    }
  }
  std::vector<uint32_t>().swap(last_word);
  std::vector<uint32_t>().swap(words_with);
  st.initial_pairs = index.size();

  std::vector<Entry> heap;
  heap.reserve(index.size());
  uint64_t seq = 0;
  for (uint32_t p = 0; p < initial.size(); ++p) {
    if (pair_count[p] > 0) {
      const uint64_t key = index.key(p);
      heap.push_back(Entry{static_cast<uint64_t>(pair_count[p]), key, p, lists.Add(std::move(initial[p])), seq++});
    }
  }
  std::vector<std::vector<uint32_t>>().swap(initial);
  std::make_heap(heap.begin(), heap.end(), EntryLess());
  st.count_seconds = Seconds(t0);
  const auto t1 = std::chrono::steady_clock::now();

  // ---- the merge loop.
  std::vector<MergeRule> merges;
  std::vector<uint64_t> created;  // (pair id << 32 | word) for pairs a rewrite created
  st.stop_reason = "no_pairs";
  while (true) {
    if (by_string.size() >= options_.vocab_size) {
      st.stop_reason = "vocab_size";
      break;
    }
    if (heap.empty()) break;
    std::pop_heap(heap.begin(), heap.end(), EntryLess());
    Entry top = heap.back();
    heap.pop_back();
    const uint64_t current = static_cast<uint64_t>(std::max<int64_t>(pair_count[top.pair], 0));
    if (top.count != current) {
      top.count = current;
      heap.push_back(top);
      std::push_heap(heap.begin(), heap.end(), EntryLess());
      continue;
    }
    if (top.count < 1 || options_.min_frequency > top.count) {
      st.stop_reason = top.count < 1 ? "no_pairs" : "min_frequency";
      break;
    }
    const uint32_t a = static_cast<uint32_t>(top.key >> 32);
    const uint32_t b = static_cast<uint32_t>(top.key & 0xFFFFFFFFu);
    std::string bytes = tokens[a] + tokens[b];
    auto [it, inserted] = by_string.emplace(ToByteLevel(bytes), static_cast<uint32_t>(tokens.size()));
    const uint32_t z = it->second;
    if (inserted) {
      tokens.push_back(std::move(bytes));
      token_len.push_back(token_len[a] + token_len[b]);
    } else {
      ++st.repeated_merges;
    }
    merges.push_back(MergeRule{a, b, z});

    // Rewrite every listed word; apply count changes as they come.
    created.clear();
    auto change = [&](uint32_t x, uint32_t y, int64_t delta, uint32_t w) {
      // A destroyed pair may never have been counted (max_token_length kept
      // it out), so both directions intern; counts may dip below zero then.
      const uint32_t p = index.Intern(PairKey(x, y));
      if (p == pair_count.size()) pair_count.push_back(0);
      pair_count[p] += delta;
      if (delta > 0) created.push_back((uint64_t{p} << 32) | w);
    };
    std::vector<uint32_t>& words = lists.Get(top.list);
    for (uint32_t w : words) {
      uint32_t* s = symbols.data() + word_offset[w];
      const uint32_t n = word_len[w];
      const int64_t c = static_cast<int64_t>(word_count[w]);
      uint32_t i = 0, j = 0;
      while (i < n) {
        if (s[i] == a && i + 1 < n && s[i + 1] == b) {
          if (j > 0) {
            const uint32_t prev = s[j - 1];
            change(prev, a, -c, w);
            if (len_ok(prev, z)) change(prev, z, c, w);
          }
          if (i + 2 < n) {
            const uint32_t next = s[i + 2];
            change(b, next, -c, w);
            if (len_ok(z, next)) change(z, next, c, w);
          }
          s[j++] = z;
          i += 2;
        } else {
          s[j++] = s[i++];
        }
      }
      word_len[w] = j;
    }
    lists.Release(top.list);

    // New entries: one per created pair, with the words it was created in.
    std::sort(created.begin(), created.end());
    created.erase(std::unique(created.begin(), created.end()), created.end());
    for (size_t g = 0; g < created.size();) {
      const uint32_t p = static_cast<uint32_t>(created[g] >> 32);
      size_t e = g;
      while (e < created.size() && (created[e] >> 32) == p) ++e;
      if (pair_count[p] > 0) {
        std::vector<uint32_t> ws;
        ws.reserve(e - g);
        for (size_t k = g; k < e; ++k) ws.push_back(static_cast<uint32_t>(created[k] & 0xFFFFFFFFu));
        heap.push_back(Entry{static_cast<uint64_t>(pair_count[p]), index.key(p), p, lists.Add(std::move(ws)), seq++});
        std::push_heap(heap.begin(), heap.end(), EntryLess());
      }
      g = e;
    }
  }

  // A pair merged twice keeps its last rank (HF collects merges into a map).
  std::vector<MergeRule> unique_merges;
  {
    std::unordered_map<uint64_t, size_t> last;
    for (size_t i = 0; i < merges.size(); ++i) last[PairKey(merges[i].left, merges[i].right)] = i;
    for (size_t i = 0; i < merges.size(); ++i) {
      if (last[PairKey(merges[i].left, merges[i].right)] == i) unique_merges.push_back(merges[i]);
    }
  }
  st.merges = unique_merges.size();
  st.vocab_size = tokens.size();
  st.merge_seconds = Seconds(t1);
  return BpeModel::Create(std::move(tokens), std::move(special_ids), std::move(unique_merges), pre_tokenizer,
                          model);
}

}  // namespace sluice::tokenizer
