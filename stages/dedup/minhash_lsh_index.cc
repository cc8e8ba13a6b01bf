#include "stages/dedup/minhash_lsh_index.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "stages/engine/large_memory.h"
#include "stages/dedup/minhash_signature.h"

namespace sluice {

namespace {
// Version 2: shingle sets are 32-bit (version 1 stored 64-bit hashes).
constexpr char kMagic[8] = {'S', 'L', 'M', 'H', 'I', 'D', 'X', '2'};
constexpr char kMagicV1[8] = {'S', 'L', 'M', 'H', 'I', 'D', 'X', '1'};

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<FILE, FileCloser>;

template <typename T>
bool WriteVec(FILE* f, const std::vector<T>& v) {
  uint64_t n = v.size();
  return std::fwrite(&n, sizeof(n), 1, f) == 1 && (n == 0 || std::fwrite(v.data(), sizeof(T), n, f) == n);
}
template <typename T>
bool ReadVec(FILE* f, std::vector<T>* v) {
  uint64_t n = 0;
  if (std::fread(&n, sizeof(n), 1, f) != 1 || n > (uint64_t{1} << 40)) return false;
  v->resize(n);
  return n == 0 || std::fread(v->data(), sizeof(T), n, f) == n;
}
}  // namespace

MinHashLshIndex::MinHashLshIndex(int bands, int rows, bool keep_shingles, size_t shingle_memory,
                                 std::string spill_dir)
    : bands_(bands), rows_(rows), keep_shingles_(keep_shingles), shingles_(shingle_memory, std::move(spill_dir)) {
  capacity_ = 1024;
  tables_.assign(bands_, std::vector<Entry>(capacity_, Entry{0, kEmpty}));
}

std::vector<MinHashLshIndex::Entry> MinHashLshIndex::NewTable(size_t capacity) {
  std::vector<Entry> table;
  table.reserve(capacity);
  PrepareLargeRegion(table.data(), capacity * sizeof(Entry));
  table.assign(capacity, Entry{0, kEmpty});
  return table;
}

void MinHashLshIndex::Place(std::vector<Entry>& table, uint32_t key, uint32_t slot) {
  size_t mask = capacity_ - 1;
  size_t pos = key & mask;
  while (table[pos].slot != kEmpty) pos = (pos + 1) & mask;
  table[pos] = Entry{key, slot};
}

void MinHashLshIndex::Grow() {
  size_t old_capacity = capacity_;
  capacity_ *= 2;
  for (auto& table : tables_) {
    std::vector<Entry> bigger = NewTable(capacity_);
    bigger.swap(table);  // table is now the new one; `bigger` holds the old entries
    // Re-insert in old slot order so probe sequences stay deterministic.
    for (size_t i = 0; i < old_capacity; ++i) {
      if (bigger[i].slot != kEmpty) Place(table, bigger[i].key, bigger[i].slot);
    }
  }
}

MinHashLshIndex::Match MinHashLshIndex::Query(const uint32_t* band_keys, const uint16_t* compact_sig,
                                              const std::vector<uint32_t>* shingle_set, double threshold) {
  Match best;
  seen_.clear();
  const int k = bands_ * rows_;
  size_t mask = capacity_ - 1;
  probe_keys_.assign(band_keys, band_keys + bands_);
  probe_end_.resize(bands_);
  for (int b = 0; b < bands_; ++b) {
    const std::vector<Entry>& table = tables_[b];
    size_t pos = band_keys[b] & mask;
    for (; table[pos].slot != kEmpty; pos = (pos + 1) & mask) {
      if (table[pos].key != band_keys[b]) continue;
      uint32_t slot = table[pos].slot;
      if (std::find(seen_.begin(), seen_.end(), slot) != seen_.end()) continue;
      seen_.push_back(slot);
      double sim;
      if (keep_shingles_) {
        const uint32_t* set = nullptr;
        size_t n = 0;
        // A failed spill read counts as "not similar"; the stage reports the error.
        sim = shingle_set && shingles_.Get(slot, &set, &n)
                  ? SetJaccard32(shingle_set->data(), shingle_set->size(), set, n)
                  : 0.0;
      } else {
        sim = CompactSimilarity(compact_sig, Sig(slot), k);
      }
      if (sim >= threshold &&
          (sim > best.similarity || (sim == best.similarity && static_cast<int64_t>(slot) < best.slot) ||
           best.slot < 0)) {
        best.slot = slot;
        best.similarity = sim;
      }
    }
    probe_end_[b] = pos;  // the first empty entry: where Place would put this key
  }
  probe_valid_ = true;
  best.candidates = static_cast<int64_t>(seen_.size());
  return best;
}

uint32_t MinHashLshIndex::Insert(const uint32_t* band_keys, const uint16_t* compact_sig,
                                 const std::vector<uint32_t>* shingle_set, uint64_t order_key,
                                 std::string_view id) {
  if ((entries_ + 1) * 4 > capacity_ * 3) {
    Grow();
    probe_valid_ = false;
  }
  uint32_t slot = static_cast<uint32_t>(order_keys_.size());
  if (probe_valid_ && std::equal(band_keys, band_keys + bands_, probe_keys_.begin())) {
    // Nothing changed since the Query of these keys: its probes ended where Place would stop.
    for (int b = 0; b < bands_; ++b) tables_[b][probe_end_[b]] = Entry{band_keys[b], slot};
  } else {
    for (int b = 0; b < bands_; ++b) Place(tables_[b], band_keys[b], slot);
  }
  probe_valid_ = false;
  ++entries_;
  const size_t k = static_cast<size_t>(bands_) * rows_;
  if (!keep_shingles_) {  // exact verification never reads the signatures
    if (slot % kChunkDocs == 0) {
      sig_chunks_.push_back(std::make_unique_for_overwrite<uint16_t[]>(kChunkDocs * k));
      PrepareLargeRegion(sig_chunks_.back().get(), kChunkDocs * k * sizeof(uint16_t));
    }
    std::copy(compact_sig, compact_sig + k, MutableSig(slot));
  }
  order_keys_.push_back(order_key);
  ids_.append(id);
  id_offsets_.push_back(ids_.size());
  cluster_sizes_.push_back(1);
  if (keep_shingles_) {
    if (shingle_set) {
      shingles_.Append(shingle_set->data(), shingle_set->size());
    } else {
      shingles_.Append(nullptr, 0);
    }
  }
  return slot;
}

size_t MinHashLshIndex::MemoryBytes() const {
  size_t bytes = static_cast<size_t>(bands_) * capacity_ * sizeof(Entry);
  bytes += sig_chunks_.size() * kChunkDocs * static_cast<size_t>(bands_) * rows_ * sizeof(uint16_t);
  bytes += order_keys_.capacity() * sizeof(uint64_t);
  bytes += ids_.capacity() + id_offsets_.capacity() * sizeof(uint64_t);
  bytes += cluster_sizes_.capacity() * sizeof(uint32_t);
  bytes += shingles_.MemoryBytes();
  return bytes;
}

Status MinHashLshIndex::Save(const std::string& path, const std::string& meta) const {
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) return Status::Io("cannot write MinHash index '" + path + "': " + std::strerror(errno));
  std::vector<char> meta_bytes(meta.begin(), meta.end());
  std::vector<char> id_bytes(ids_.begin(), ids_.end());
  int32_t header[3] = {bands_, rows_, keep_shingles_ ? 1 : 0};
  uint64_t sizes[2] = {capacity_, entries_};
  bool ok = std::fwrite(kMagic, 1, 8, f.get()) == 8 && WriteVec(f.get(), meta_bytes) &&
            std::fwrite(header, sizeof(header), 1, f.get()) == 1 && std::fwrite(sizes, sizeof(sizes), 1, f.get()) == 1;
  for (const auto& table : tables_) ok = ok && WriteVec(f.get(), table);
  const size_t k = static_cast<size_t>(bands_) * rows_;
  uint64_t sig_values = keep_shingles_ ? 0 : order_keys_.size() * k;
  ok = ok && std::fwrite(&sig_values, sizeof(sig_values), 1, f.get()) == 1;
  for (size_t c = 0; c < sig_chunks_.size(); ++c) {
    size_t docs = std::min(kChunkDocs, order_keys_.size() - c * kChunkDocs);
    ok = ok && std::fwrite(sig_chunks_[c].get(), sizeof(uint16_t), docs * k, f.get()) == docs * k;
  }
  ok = ok && WriteVec(f.get(), order_keys_) && WriteVec(f.get(), id_bytes) &&
       WriteVec(f.get(), id_offsets_) && WriteVec(f.get(), cluster_sizes_);
  // Shingle sets (keep_shingles only): per slot, its size then its values.
  for (size_t slot = 0; ok && keep_shingles_ && slot < shingles_.size(); ++slot) {
    const uint32_t* set = nullptr;
    size_t n = 0;
    if (!shingles_.Get(slot, &set, &n)) return shingles_.read_error();
    uint32_t n32 = static_cast<uint32_t>(n);
    ok = std::fwrite(&n32, sizeof(n32), 1, f.get()) == 1 && (n == 0 || std::fwrite(set, sizeof(uint32_t), n, f.get()) == n);
  }
  if (!ok || std::fflush(f.get()) != 0) return Status::Io("write error on MinHash index '" + path + "'");
  return Status::Ok();
}

StatusOr<MinHashLshIndex> MinHashLshIndex::Load(const std::string& path, const std::string& meta,
                                                size_t shingle_memory, std::string spill_dir) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return Status::Io("cannot read MinHash index '" + path + "': " + std::strerror(errno));
  char magic[8];
  std::vector<char> meta_bytes;
  int32_t header[3];
  uint64_t sizes[2];
  if (std::fread(magic, 1, 8, f.get()) == 8 && std::memcmp(magic, kMagicV1, 8) == 0) {
    return Status::Config("MinHash index '" + path +
                          "' was saved by an older sluice (64-bit shingle sets); rebuild it with this version");
  }
  if (std::memcmp(magic, kMagic, 8) != 0 || !ReadVec(f.get(), &meta_bytes) ||
      std::fread(header, sizeof(header), 1, f.get()) != 1 || std::fread(sizes, sizeof(sizes), 1, f.get()) != 1) {
    return Status::Io("'" + path + "' is not a sluice MinHash index (bad header)");
  }
  std::string saved_meta(meta_bytes.begin(), meta_bytes.end());
  if (saved_meta != meta) {
    return Status::Config("MinHash index '" + path + "' was built with different parameters (" + saved_meta +
                          ") than this stage (" + meta + ")");
  }
  if (header[0] < 1 || header[1] < 1 || header[0] > 4096 || header[1] > 4096) {
    return Status::Io("MinHash index '" + path + "' is corrupt (bands/rows)");
  }
  MinHashLshIndex index(header[0], header[1], header[2] != 0, shingle_memory, std::move(spill_dir));
  index.capacity_ = sizes[0];
  index.entries_ = sizes[1];
  bool ok = index.capacity_ >= 1 && (index.capacity_ & (index.capacity_ - 1)) == 0;
  for (auto& table : index.tables_) ok = ok && ReadVec(f.get(), &table) && table.size() == index.capacity_;
  std::vector<char> id_bytes;
  std::vector<uint16_t> sigs;
  ok = ok && ReadVec(f.get(), &sigs) && ReadVec(f.get(), &index.order_keys_) && ReadVec(f.get(), &id_bytes) &&
       ReadVec(f.get(), &index.id_offsets_) && ReadVec(f.get(), &index.cluster_sizes_);
  size_t n = index.order_keys_.size();
  ok = ok && n == index.entries_ && sigs.size() == (index.keep_shingles_ ? 0 : n * header[0] * header[1]) &&
       index.id_offsets_.size() == n + 1 && index.cluster_sizes_.size() == n;
  std::vector<uint32_t> set;
  for (size_t slot = 0; ok && index.keep_shingles_ && slot < n; ++slot) {
    uint32_t n32 = 0;
    ok = std::fread(&n32, sizeof(n32), 1, f.get()) == 1 && n32 <= (1u << 30);
    if (!ok) break;
    set.resize(n32);
    ok = n32 == 0 || std::fread(set.data(), sizeof(uint32_t), n32, f.get()) == n32;
    if (ok) index.shingles_.Append(set.data(), set.size());
  }
  ok = ok && std::fgetc(f.get()) == EOF;
  for (const auto& table : index.tables_) {
    for (const Entry& e : table) ok = ok && (e.slot == kEmpty || e.slot < n);
  }
  if (!ok) return Status::Io("MinHash index '" + path + "' is truncated or corrupt");
  index.ids_.assign(id_bytes.begin(), id_bytes.end());
  const size_t k = static_cast<size_t>(header[0]) * header[1];
  for (size_t slot = 0; !index.keep_shingles_ && slot < n; ++slot) {
    if (slot % kChunkDocs == 0) index.sig_chunks_.push_back(std::make_unique<uint16_t[]>(kChunkDocs * k));
    std::copy(sigs.begin() + slot * k, sigs.begin() + (slot + 1) * k, index.MutableSig(static_cast<uint32_t>(slot)));
  }
  return index;
}

}  // namespace sluice
