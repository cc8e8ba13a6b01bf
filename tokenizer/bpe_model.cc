#include "tokenizer/bpe_model.h"

#include <algorithm>
#include <queue>

namespace sluice::tokenizer {
namespace {
inline uint64_t PairKey(uint32_t left, uint32_t right) { return (uint64_t{left} << 32) | right; }
}  // namespace

const std::vector<uint32_t>* EncodeCache::Find(std::string_view piece) const {
  auto it = map_.find(piece);
  return it == map_.end() ? nullptr : &it->second;
}

void EncodeCache::Put(std::string_view piece, const std::vector<uint32_t>& ids) {
  if (map_.size() >= capacity_) map_.clear();
  map_.emplace(std::string(piece), ids);
}

TokStatus BpeModel::Create(std::vector<std::string> tokens, std::vector<uint32_t> special_ids,
                           std::vector<MergeRule> merges, PreTokenizer pre_tokenizer, BpeModel* out) {
  BpeModel m;
  m.tokens_ = std::move(tokens);
  m.special_.assign(m.tokens_.size(), false);
  for (uint32_t id : special_ids) {
    if (id >= m.tokens_.size()) return TokStatus::Invalid("special token id " + std::to_string(id) + " out of range");
    m.special_[id] = true;
  }
  m.special_ids_ = std::move(special_ids);
  std::fill(std::begin(m.byte_id_), std::end(m.byte_id_), -1);
  for (uint32_t id = 0; id < m.tokens_.size(); ++id) {
    if (m.special_[id]) continue;
    const std::string& t = m.tokens_[id];
    if (t.empty()) return TokStatus::Invalid("token " + std::to_string(id) + " is empty");
    if (!m.id_of_.emplace(t, id).second) {
      return TokStatus::Invalid("token " + std::to_string(id) + " repeats the bytes of token " +
                                std::to_string(m.id_of_[t]));
    }
    if (t.size() == 1) m.byte_id_[static_cast<unsigned char>(t[0])] = static_cast<int32_t>(id);
  }
  m.merges_ = std::move(merges);
  m.merge_rank_.reserve(m.merges_.size());
  for (uint32_t rank = 0; rank < m.merges_.size(); ++rank) {
    const MergeRule& r = m.merges_[rank];
    const size_t n = m.tokens_.size();
    if (r.left >= n || r.right >= n || r.result >= n) {
      return TokStatus::Invalid("merge " + std::to_string(rank) + " refers to a token id out of range");
    }
    if (m.tokens_[r.result] != m.tokens_[r.left] + m.tokens_[r.right]) {
      return TokStatus::Invalid("merge " + std::to_string(rank) + " does not produce the concatenation of its parts");
    }
    m.merge_rank_[PairKey(r.left, r.right)] = {rank, r.result};
  }
  m.pre_tokenizer_ = std::move(pre_tokenizer);
  *out = std::move(m);
  return TokStatus::Ok();
}

int64_t BpeModel::IdOf(std::string_view bytes) const {
  auto it = id_of_.find(std::string(bytes));
  return it == id_of_.end() ? -1 : static_cast<int64_t>(it->second);
}

bool BpeModel::has_full_byte_alphabet() const {
  return std::all_of(std::begin(byte_id_), std::end(byte_id_), [](int32_t id) { return id >= 0; });
}

const std::pair<uint32_t, uint32_t>* BpeModel::FindMerge(uint32_t left, uint32_t right) const {
  auto it = merge_rank_.find(PairKey(left, right));
  return it == merge_rank_.end() ? nullptr : &it->second;
}

// HF's Word::merge_all: a min-heap of candidate merges on (rank, position).
// An entry is stale when its symbol was absorbed or its right neighbour
// changed so that the pair no longer yields the entry's result.
void BpeModel::MergePiece(std::string_view piece, std::vector<uint32_t>* ids) const {
  struct Sym {
    uint32_t id;
    int32_t prev, next;
    bool alive;
  };
  std::vector<Sym> syms;
  syms.reserve(piece.size());
  for (unsigned char b : piece) {
    if (byte_id_[b] < 0) continue;  // not in the vocabulary: dropped (no unk token)
    const int32_t k = static_cast<int32_t>(syms.size());
    syms.push_back(Sym{static_cast<uint32_t>(byte_id_[b]), k - 1, k + 1, true});
  }
  if (syms.empty()) return;
  syms.back().next = -1;
  struct Cand {
    uint32_t rank;
    uint32_t pos;
    uint32_t result;
    bool operator>(const Cand& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Cand, std::vector<Cand>, std::greater<Cand>> queue;
  for (uint32_t i = 0; i + 1 < syms.size(); ++i) {
    if (const auto* m = FindMerge(syms[i].id, syms[i + 1].id)) queue.push(Cand{m->first, i, m->second});
  }
  while (!queue.empty()) {
    const Cand top = queue.top();
    queue.pop();
    Sym& s = syms[top.pos];
    if (!s.alive || s.next < 0) continue;
    Sym& right = syms[s.next];
    const auto* m = FindMerge(s.id, right.id);
    if (!m || m->second != top.result) continue;
    s.id = top.result;
    right.alive = false;
    s.next = right.next;
    if (s.next >= 0) syms[s.next].prev = static_cast<int32_t>(top.pos);
    if (s.prev >= 0) {
      if (const auto* pm = FindMerge(syms[s.prev].id, s.id)) {
        queue.push(Cand{pm->first, static_cast<uint32_t>(s.prev), pm->second});
      }
    }
    if (s.next >= 0) {
      if (const auto* nm = FindMerge(s.id, syms[s.next].id)) queue.push(Cand{nm->first, top.pos, nm->second});
    }
  }
  for (const Sym& s : syms) {
    if (s.alive) ids->push_back(s.id);
  }
}

void BpeModel::EncodePiece(std::string_view piece, std::vector<uint32_t>* ids, EncodeCache* cache) const {
  if (cache) {
    if (const auto* hit = cache->Find(piece)) {
      ids->insert(ids->end(), hit->begin(), hit->end());
      return;
    }
    const size_t before = ids->size();
    MergePiece(piece, ids);
    cache->Put(piece, std::vector<uint32_t>(ids->begin() + static_cast<std::ptrdiff_t>(before), ids->end()));
    return;
  }
  MergePiece(piece, ids);
}

void BpeModel::EncodeOrdinary(std::string_view text, std::vector<uint32_t>* ids, EncodeCache* cache) const {
  pre_tokenizer_.Split(text, [&](std::string_view piece) { EncodePiece(piece, ids, cache); });
}

void BpeModel::Encode(std::string_view text, std::vector<uint32_t>* ids, EncodeCache* cache) const {
  if (special_ids_.empty()) {
    EncodeOrdinary(text, ids, cache);
    return;
  }
  // Split out special tokens: the leftmost occurrence, the longest at a tie.
  // next_at[k]: the next occurrence of special k at or after pos (cached).
  std::vector<size_t> next_at(special_ids_.size(), 0);
  std::vector<bool> valid(special_ids_.size(), false);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t best_start = std::string_view::npos, best_len = 0;
    uint32_t best_id = 0;
    for (size_t k = 0; k < special_ids_.size(); ++k) {
      const uint32_t id = special_ids_[k];
      const std::string& s = tokens_[id];
      if (!valid[k] || (next_at[k] != std::string_view::npos && next_at[k] < pos)) {
        next_at[k] = text.find(s, pos);
        valid[k] = true;
      }
      const size_t at = next_at[k];
      if (at == std::string_view::npos) continue;
      if (at < best_start || (at == best_start && s.size() > best_len)) {
        best_start = at;
        best_len = s.size();
        best_id = id;
      }
    }
    if (best_start == std::string_view::npos) {
      EncodeOrdinary(text.substr(pos), ids, cache);
      return;
    }
    if (best_start > pos) EncodeOrdinary(text.substr(pos, best_start - pos), ids, cache);
    ids->push_back(best_id);
    pos = best_start + best_len;
  }
}

bool BpeModel::Decode(std::span<const uint32_t> ids, std::string* out, bool skip_special) const {
  for (uint32_t id : ids) {
    if (id >= tokens_.size()) return false;
    if (skip_special && special_[id]) continue;
    out->append(tokens_[id]);
  }
  return true;
}

}  // namespace sluice::tokenizer
