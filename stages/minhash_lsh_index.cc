#include "stages/minhash_lsh_index.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "stages/minhash_signature.h"

namespace sluice {

namespace {
constexpr char kMagic[8] = {'S', 'L', 'M', 'H', 'I', 'D', 'X', '1'};

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

MinHashLshIndex::MinHashLshIndex(int bands, int rows, bool keep_shingles)
    : bands_(bands), rows_(rows), keep_shingles_(keep_shingles) {
  capacity_ = 1024;
  tables_.assign(bands_, std::vector<Entry>(capacity_, Entry{0, kEmpty}));
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
    std::vector<Entry> bigger(capacity_, Entry{0, kEmpty});
    bigger.swap(table);  // table is now the new one; `bigger` holds the old entries
    // Re-insert in old slot order so probe sequences stay deterministic.
    for (size_t i = 0; i < old_capacity; ++i) {
      if (bigger[i].slot != kEmpty) Place(table, bigger[i].key, bigger[i].slot);
    }
  }
}

MinHashLshIndex::Match MinHashLshIndex::Query(const uint32_t* band_keys, const uint16_t* compact_sig,
                                              const std::vector<uint64_t>* shingle_set, double threshold) {
  Match best;
  seen_.clear();
  const int k = bands_ * rows_;
  size_t mask = capacity_ - 1;
  for (int b = 0; b < bands_; ++b) {
    const std::vector<Entry>& table = tables_[b];
    for (size_t pos = band_keys[b] & mask; table[pos].slot != kEmpty; pos = (pos + 1) & mask) {
      if (table[pos].key != band_keys[b]) continue;
      uint32_t slot = table[pos].slot;
      if (std::find(seen_.begin(), seen_.end(), slot) != seen_.end()) continue;
      seen_.push_back(slot);
      double sim;
      if (keep_shingles_ && shingle_set != nullptr) {
        sim = SetJaccard(shingle_set->data(), shingle_set->size(), shingles_.data() + shingle_offsets_[slot],
                         shingle_offsets_[slot + 1] - shingle_offsets_[slot]);
      } else {
        sim = CompactSimilarity(compact_sig, sigs_.data() + static_cast<size_t>(slot) * k, k);
      }
      if (sim >= threshold &&
          (sim > best.similarity || (sim == best.similarity && static_cast<int64_t>(slot) < best.slot) ||
           best.slot < 0)) {
        best.slot = slot;
        best.similarity = sim;
      }
    }
  }
  best.candidates = static_cast<int64_t>(seen_.size());
  return best;
}

uint32_t MinHashLshIndex::Insert(const uint32_t* band_keys, const uint16_t* compact_sig,
                                 const std::vector<uint64_t>* shingle_set, uint64_t order_key,
                                 std::string_view id) {
  if ((entries_ + 1) * 4 > capacity_ * 3) Grow();
  uint32_t slot = static_cast<uint32_t>(order_keys_.size());
  for (int b = 0; b < bands_; ++b) Place(tables_[b], band_keys[b], slot);
  ++entries_;
  sigs_.insert(sigs_.end(), compact_sig, compact_sig + static_cast<size_t>(bands_) * rows_);
  order_keys_.push_back(order_key);
  ids_.append(id);
  id_offsets_.push_back(ids_.size());
  cluster_sizes_.push_back(1);
  if (keep_shingles_) {
    if (shingle_set) shingles_.insert(shingles_.end(), shingle_set->begin(), shingle_set->end());
    shingle_offsets_.push_back(shingles_.size());
  }
  return slot;
}

size_t MinHashLshIndex::MemoryBytes() const {
  size_t bytes = static_cast<size_t>(bands_) * capacity_ * sizeof(Entry);
  bytes += sigs_.capacity() * sizeof(uint16_t) + order_keys_.capacity() * sizeof(uint64_t);
  bytes += ids_.capacity() + id_offsets_.capacity() * sizeof(uint64_t);
  bytes += cluster_sizes_.capacity() * sizeof(uint32_t);
  bytes += shingles_.capacity() * sizeof(uint64_t) + shingle_offsets_.capacity() * sizeof(uint64_t);
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
  ok = ok && WriteVec(f.get(), sigs_) && WriteVec(f.get(), order_keys_) && WriteVec(f.get(), id_bytes) &&
       WriteVec(f.get(), id_offsets_) && WriteVec(f.get(), cluster_sizes_) && WriteVec(f.get(), shingles_) &&
       WriteVec(f.get(), shingle_offsets_);
  if (!ok || std::fflush(f.get()) != 0) return Status::Io("write error on MinHash index '" + path + "'");
  return Status::Ok();
}

StatusOr<MinHashLshIndex> MinHashLshIndex::Load(const std::string& path, const std::string& meta) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return Status::Io("cannot read MinHash index '" + path + "': " + std::strerror(errno));
  char magic[8];
  std::vector<char> meta_bytes;
  int32_t header[3];
  uint64_t sizes[2];
  if (std::fread(magic, 1, 8, f.get()) != 8 || std::memcmp(magic, kMagic, 8) != 0 || !ReadVec(f.get(), &meta_bytes) ||
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
  MinHashLshIndex index(header[0], header[1], header[2] != 0);
  index.capacity_ = sizes[0];
  index.entries_ = sizes[1];
  bool ok = index.capacity_ >= 1 && (index.capacity_ & (index.capacity_ - 1)) == 0;
  for (auto& table : index.tables_) ok = ok && ReadVec(f.get(), &table) && table.size() == index.capacity_;
  std::vector<char> id_bytes;
  ok = ok && ReadVec(f.get(), &index.sigs_) && ReadVec(f.get(), &index.order_keys_) && ReadVec(f.get(), &id_bytes) &&
       ReadVec(f.get(), &index.id_offsets_) && ReadVec(f.get(), &index.cluster_sizes_) &&
       ReadVec(f.get(), &index.shingles_) && ReadVec(f.get(), &index.shingle_offsets_);
  size_t n = index.order_keys_.size();
  ok = ok && n == index.entries_ && index.sigs_.size() == n * header[0] * header[1] &&
       index.id_offsets_.size() == n + 1 && index.cluster_sizes_.size() == n &&
       (!index.keep_shingles_ || index.shingle_offsets_.size() == n + 1);
  for (const auto& table : index.tables_) {
    for (const Entry& e : table) ok = ok && (e.slot == kEmpty || e.slot < n);
  }
  if (!ok) return Status::Io("MinHash index '" + path + "' is truncated or corrupt");
  index.ids_.assign(id_bytes.begin(), id_bytes.end());
  return index;
}

}  // namespace sluice
