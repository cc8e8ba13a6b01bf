#include "stages/minhash_phases.h"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "stages/json_writer.h"
#include "stages/minhash_dedup.h"
#include "stages/minhash_shingle_store.h"
#include "stages/utf8.h"

namespace sluice {

namespace {

// Version 2: a flags byte after the header (bit 0: records carry shingle sets).
constexpr char kSigMagic[8] = {'S', 'L', 'M', 'H', 'S', 'I', 'G', '2'};
constexpr char kBucketMagic[8] = {'S', 'L', 'M', 'H', 'B', 'K', 'T', '1'};
constexpr char kDuplicatesHeader[] = "# sluice minhash duplicates v1";

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<FILE, FileCloser>;

StatusOr<File> OpenFile(const std::string& path, const char* mode) {
  File f(std::fopen(path.c_str(), mode));
  if (!f) return Status::Io("cannot open '" + path + "': " + std::strerror(errno));
  std::setvbuf(f.get(), nullptr, _IOFBF, 1 << 20);
  return f;
}

bool Put(FILE* f, const void* p, size_t n) { return n == 0 || std::fwrite(p, 1, n, f) == n; }
bool Get(FILE* f, void* p, size_t n) { return n == 0 || std::fread(p, 1, n, f) == n; }

bool WriteHeader(FILE* f, const char (&magic)[8], const std::string& meta) {
  uint32_t len = static_cast<uint32_t>(meta.size());
  return Put(f, magic, 8) && Put(f, &len, 4) && Put(f, meta.data(), meta.size());
}

Status CheckHeader(FILE* f, const char (&magic)[8], const std::string& meta, const std::string& path) {
  char m[8];
  uint32_t len = 0;
  if (!Get(f, m, 8) || std::memcmp(m, magic, 8) != 0 || !Get(f, &len, 4) || len > 4096) {
    return Status::Io("'" + path + "' is not a sluice MinHash " +
                      (magic[4] == 'S' ? std::string("signature") : std::string("bucket")) + " file");
  }
  std::string saved(len, '\0');
  if (!Get(f, saved.data(), len)) return Status::Io("'" + path + "' is truncated");
  if (saved != meta) {
    return Status::Config("'" + path + "' was made with different MinHash parameters (" + saved + ", expected " +
                          meta + ")");
  }
  return Status::Ok();
}

// Unescapes a JSON string literal (with its quotes) produced by JsonString.
bool UnescapeJsonString(std::string_view json, std::string* out) {
  out->clear();
  if (json.size() < 2 || json.front() != '"' || json.back() != '"') return false;
  json = json.substr(1, json.size() - 2);
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= json.size()) return false;
    switch (json[i]) {
      case '"': out->push_back('"'); break;
      case '\\': out->push_back('\\'); break;
      case '/': out->push_back('/'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case 'u': {
        auto hex4 = [&](size_t at, uint32_t* v) {
          if (at + 4 > json.size()) return false;
          *v = 0;
          for (size_t k = at; k < at + 4; ++k) {
            char h = json[k];
            int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (d < 0) return false;
            *v = *v * 16 + d;
          }
          return true;
        };
        uint32_t cp;
        if (!hex4(i + 1, &cp)) return false;
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < json.size() && json[i + 1] == '\\' && json[i + 2] == 'u') {
          uint32_t lo;
          if (hex4(i + 3, &lo) && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        AppendUtf8(out, cp);
        break;
      }
      default: return false;
    }
  }
  return true;
}

}  // namespace

void ComputeSignatureRecord(const MinHasher& hasher, bool with_sets, std::string_view text, SignatureRecord* r) {
  thread_local std::vector<uint64_t> shingles;
  thread_local MinHashSignature sig;
  const MinHashParams& p = hasher.params();
  hasher.Shingles(text, &shingles);
  hasher.ComputeFromShingles(shingles, &sig);
  r->empty = sig.empty();
  r->band_keys.clear();
  r->compact.clear();
  r->shingle_set.clear();
  if (r->empty) return;
  r->band_keys.resize(p.bands);
  for (int b = 0; b < p.bands; ++b) r->band_keys[b] = hasher.BandKey(sig, b);
  MinHasher::Compact(sig, &r->compact);
  if (with_sets) ShingleSet32(shingles, &r->shingle_set);
}

StatusOr<std::unique_ptr<SignatureFileWriter>> SignatureFileWriter::Open(const std::string& path,
                                                                         const MinHashParams& params,
                                                                         bool with_sets) {
  std::unique_ptr<SignatureFileWriter> w(new SignatureFileWriter());
  w->path_ = path;
  w->num_perm_ = params.num_perm();
  w->bands_ = params.bands;
  w->with_sets_ = with_sets;
  w->file_ = std::fopen((path + ".tmp").c_str(), "wb");
  if (!w->file_) return Status::Io("cannot open '" + path + ".tmp': " + std::strerror(errno));
  std::setvbuf(w->file_, nullptr, _IOFBF, 1 << 20);
  uint8_t flags = with_sets ? 1 : 0;
  w->ok_ = WriteHeader(w->file_, kSigMagic, MinHashMeta(params)) && Put(w->file_, &flags, 1);
  return w;
}

SignatureFileWriter::~SignatureFileWriter() {
  if (file_) {
    std::fclose(file_);
    std::remove((path_ + ".tmp").c_str());
  }
}

Status SignatureFileWriter::Append(const SignatureRecord& r) {
  if (!file_) return Status::Internal("signature file '" + path_ + "' is already finished");
  if (records_ > 0 && r.order_key <= last_key_) {
    return Status::Internal("signatures: documents must come in increasing order key");
  }
  if (!r.empty && (r.band_keys.size() != static_cast<size_t>(bands_) ||
                   r.compact.size() != static_cast<size_t>(num_perm_))) {
    return Status::Internal("signatures: record does not match the file's parameters");
  }
  last_key_ = r.order_key;
  ++records_;
  uint32_t id_len = static_cast<uint32_t>(r.id.size());
  uint8_t empty = r.empty ? 1 : 0;
  FILE* f = file_;
  ok_ = ok_ && Put(f, &r.order_key, 8) && Put(f, &id_len, 4) && Put(f, r.id.data(), id_len) && Put(f, &empty, 1);
  if (!r.empty) {
    ok_ = ok_ && Put(f, r.band_keys.data(), r.band_keys.size() * 4) && Put(f, r.compact.data(), r.compact.size() * 2);
    if (with_sets_) {
      uint32_t n = static_cast<uint32_t>(r.shingle_set.size());
      ok_ = ok_ && Put(f, &n, 4) && Put(f, r.shingle_set.data(), r.shingle_set.size() * 4);
    }
  }
  if (!ok_) return Status::Io("write error on '" + path_ + ".tmp'");
  return Status::Ok();
}

Status SignatureFileWriter::Finish() {
  if (!file_) return Status::Internal("signature file '" + path_ + "' is already finished");
  bool ok = ok_ && std::fflush(file_) == 0;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  std::string tmp = path_ + ".tmp";
  if (!ok) {
    std::remove(tmp.c_str());
    return Status::Io("write error on '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    return Status::Io("cannot rename '" + tmp + "' to '" + path_ + "': " + std::strerror(errno));
  }
  return Status::Ok();
}

Status ComputeSignatures(const MinHasher& hasher, bool with_sets,
                         const std::function<bool(std::vector<PhaseInputDoc>*)>& next_batch,
                         const std::string& out_path, int threads, int64_t* documents) {
  auto writer = SignatureFileWriter::Open(out_path, hasher.params(), with_sets);
  if (!writer.ok()) return writer.status();
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, std::max(1, threads));
  std::vector<PhaseInputDoc> batch;
  std::vector<SignatureRecord> records;
  while (next_batch(&batch)) {
    records.resize(batch.size());
    tbb::parallel_for(size_t{0}, batch.size(), [&](size_t i) {
      SignatureRecord& r = records[i];
      r.order_key = batch[i].order_key;
      r.id = batch[i].id;
      ComputeSignatureRecord(hasher, with_sets, batch[i].text, &r);
    });
    for (const auto& r : records) SLUICE_RETURN_IF_ERROR((*writer)->Append(r));
    batch.clear();
  }
  if (documents) *documents = (*writer)->records();
  return (*writer)->Finish();
}

Status ReadSignatureFile(const std::string& path, const MinHashParams& params,
                         const std::function<void(SignatureRecord&)>& on_record, bool* with_sets_out) {
  auto file = OpenFile(path, "rb");
  if (!file.ok()) return file.status();
  FILE* f = file->get();
  SLUICE_RETURN_IF_ERROR(CheckHeader(f, kSigMagic, MinHashMeta(params), path));
  uint8_t flags = 0;
  if (!Get(f, &flags, 1) || flags > 1) return Status::Io("'" + path + "' is truncated or corrupt (flags)");
  const bool with_sets = flags & 1;
  if (with_sets_out) *with_sets_out = with_sets;
  SignatureRecord r;
  const int k = params.num_perm();
  while (true) {
    if (!Get(f, &r.order_key, 8)) {
      if (std::feof(f)) return Status::Ok();
      return Status::Io("read error on '" + path + "'");
    }
    uint32_t id_len = 0;
    uint8_t empty = 0;
    if (!Get(f, &id_len, 4) || id_len > (1u << 30)) return Status::Io("'" + path + "' is truncated or corrupt");
    r.id.resize(id_len);
    if (!Get(f, r.id.data(), id_len) || !Get(f, &empty, 1)) return Status::Io("'" + path + "' is truncated");
    r.empty = empty != 0;
    r.shingle_set.clear();
    if (r.empty) {
      r.band_keys.clear();
      r.compact.clear();
    } else {
      r.band_keys.resize(params.bands);
      r.compact.resize(k);
      if (!Get(f, r.band_keys.data(), params.bands * 4) || !Get(f, r.compact.data(), k * 2)) {
        return Status::Io("'" + path + "' is truncated");
      }
      if (with_sets) {
        uint32_t n = 0;
        if (!Get(f, &n, 4) || n > (1u << 30)) return Status::Io("'" + path + "' is truncated or corrupt");
        r.shingle_set.resize(n);
        if (!Get(f, r.shingle_set.data(), size_t{n} * 4)) return Status::Io("'" + path + "' is truncated");
      }
    }
    on_record(r);
  }
}

Status BuildBandBuckets(const std::vector<std::string>& signature_files, const MinHashParams& params, int band,
                        const std::string& out_path, int64_t* groups) {
  if (band < 0 || band >= params.bands) {
    return Status::Config("band " + std::to_string(band) + " is out of range [0, " + std::to_string(params.bands) + ")");
  }
  std::vector<std::pair<uint32_t, uint64_t>> keys;  // (band key, order key)
  for (const auto& path : signature_files) {
    SLUICE_RETURN_IF_ERROR(ReadSignatureFile(path, params, [&](SignatureRecord& r) {
      if (!r.empty) keys.emplace_back(r.band_keys[band], r.order_key);
    }));
  }
  std::sort(keys.begin(), keys.end());
  auto file = OpenFile(out_path, "wb");
  if (!file.ok()) return file.status();
  FILE* f = file->get();
  std::string meta = MinHashMeta(params) + ":band=" + std::to_string(band);
  bool ok = WriteHeader(f, kBucketMagic, meta);
  int64_t n_groups = 0;
  std::vector<uint64_t> members;
  for (size_t i = 0; i < keys.size();) {
    size_t j = i;
    while (j < keys.size() && keys[j].first == keys[i].first) ++j;
    if (j - i >= 2) {
      members.clear();
      for (size_t k = i; k < j; ++k) {
        if (!members.empty() && members.back() == keys[k].second) {
          return Status::Config("order key " + std::to_string(keys[k].second) +
                                " appears twice in the signature files (overlapping shards?)");
        }
        members.push_back(keys[k].second);
      }
      uint32_t count = static_cast<uint32_t>(members.size());
      ok = ok && Put(f, &count, 4) && Put(f, members.data(), members.size() * 8);
      ++n_groups;
    }
    i = j;
  }
  if (!ok || std::fflush(f) != 0) return Status::Io("write error on '" + out_path + "'");
  if (groups) *groups = n_groups;
  return Status::Ok();
}

Status ComputeClusters(const std::vector<std::string>& signature_files, const std::vector<std::string>& bucket_files,
                       const MinHashParams& params, double threshold, const std::string& out_path,
                       ClusterSummary* summary) {
  // Memberships (order key, group), from every band's groups.
  std::vector<std::pair<uint64_t, uint32_t>> memberships;
  uint32_t n_groups = 0;
  std::vector<bool> band_seen(params.bands, false);
  for (const auto& path : bucket_files) {
    auto file = OpenFile(path, "rb");
    if (!file.ok()) return file.status();
    FILE* f = file->get();
    // The header names the band: accept any band of these parameters, once.
    char m[8];
    uint32_t len = 0;
    if (!Get(f, m, 8) || std::memcmp(m, kBucketMagic, 8) != 0 || !Get(f, &len, 4) || len > 4096) {
      return Status::Io("'" + path + "' is not a sluice MinHash bucket file");
    }
    std::string meta(len, '\0');
    if (!Get(f, meta.data(), len)) return Status::Io("'" + path + "' is truncated");
    std::string prefix = MinHashMeta(params) + ":band=";
    if (meta.compare(0, prefix.size(), prefix) != 0) {
      return Status::Config("'" + path + "' was made with different MinHash parameters (" + meta + ")");
    }
    int band = std::atoi(meta.c_str() + prefix.size());
    if (band < 0 || band >= params.bands || band_seen[band]) {
      return Status::Config("'" + path + "': band " + std::to_string(band) + " is out of range or given twice");
    }
    band_seen[band] = true;
    uint32_t count;
    std::vector<uint64_t> members;
    while (Get(f, &count, 4)) {
      members.resize(count);
      if (count < 2 || !Get(f, members.data(), count * 8)) return Status::Io("'" + path + "' is truncated or corrupt");
      for (uint64_t key : members) memberships.emplace_back(key, n_groups);
      ++n_groups;
    }
  }
  for (int b = 0; b < params.bands; ++b) {
    if (!band_seen[b]) return Status::Config("the bucket file of band " + std::to_string(b) + " is missing");
  }
  std::sort(memberships.begin(), memberships.end());
  // Documents in any group, in input order; their index is their position here.
  std::vector<uint64_t> docs;
  std::vector<uint32_t> first_membership;  // per doc, index into memberships (+ sentinel)
  for (size_t i = 0; i < memberships.size(); ++i) {
    if (docs.empty() || docs.back() != memberships[i].first) {
      docs.push_back(memberships[i].first);
      first_membership.push_back(static_cast<uint32_t>(i));
    }
  }
  first_membership.push_back(static_cast<uint32_t>(memberships.size()));
  const int k = params.num_perm();
  std::vector<uint16_t> sigs(docs.size() * static_cast<size_t>(k));
  std::vector<std::string> ids(docs.size());
  std::vector<bool> loaded(docs.size(), false);
  // Exact verification: the shingle sets of the bucketed documents, concatenated.
  std::vector<uint32_t> set_values;
  std::vector<uint64_t> set_begin(docs.size() + 1, 0), set_end(docs.size(), 0);
  int files_with_sets = 0;
  for (const auto& path : signature_files) {
    bool with_sets = false;
    SLUICE_RETURN_IF_ERROR(ReadSignatureFile(
        path, params,
        [&](SignatureRecord& r) {
          auto it = std::lower_bound(docs.begin(), docs.end(), r.order_key);
          if (it == docs.end() || *it != r.order_key || r.empty) return;
          size_t d = static_cast<size_t>(it - docs.begin());
          std::copy(r.compact.begin(), r.compact.end(), sigs.begin() + d * k);
          ids[d] = std::move(r.id);
          loaded[d] = true;
          set_begin[d] = set_values.size();
          set_values.insert(set_values.end(), r.shingle_set.begin(), r.shingle_set.end());
          set_end[d] = set_values.size();
        },
        &with_sets));
    files_with_sets += with_sets ? 1 : 0;
  }
  if (files_with_sets != 0 && files_with_sets != static_cast<int>(signature_files.size())) {
    return Status::Config("some signature files carry shingle sets (verify: exact) and some do not; "
                          "recompute them with the same options");
  }
  const bool exact = files_with_sets > 0;
  for (size_t d = 0; d < docs.size(); ++d) {
    if (!loaded[d]) {
      return Status::Config("document with order key " + std::to_string(docs[d]) +
                            " is in a bucket file but in no signature file");
    }
  }
  // Greedy, in input order, exactly as MinHashLshIndex::Query + Insert.
  std::vector<std::vector<uint32_t>> kept_in_group(n_groups);
  std::vector<uint32_t> cluster_size(docs.size(), 1);
  std::vector<uint32_t> stamp(docs.size(), UINT32_MAX);
  auto file = OpenFile(out_path, "wb");
  if (!file.ok()) return file.status();
  FILE* out = file->get();
  std::string header = std::string(kDuplicatesHeader) + " " + MinHashMeta(params) + "\n";
  bool ok = Put(out, header.data(), header.size());
  ClusterSummary s;
  s.exact = exact;
  s.documents_in_buckets = static_cast<int64_t>(docs.size());
  std::string line;
  for (uint32_t d = 0; d < docs.size(); ++d) {
    int64_t best = -1;
    double best_sim = 0.0;
    for (uint32_t m = first_membership[d]; m < first_membership[d + 1]; ++m) {
      for (uint32_t c : kept_in_group[memberships[m].second]) {
        if (stamp[c] == d) continue;
        stamp[c] = d;
        ++s.candidates_verified;
        double sim =
            exact ? SetJaccard32(set_values.data() + set_begin[d], set_end[d] - set_begin[d],
                                 set_values.data() + set_begin[c], set_end[c] - set_begin[c])
                  : CompactSimilarity(sigs.data() + static_cast<size_t>(d) * k, sigs.data() + static_cast<size_t>(c) * k, k);
        if (sim >= threshold && (best < 0 || sim > best_sim || (sim == best_sim && c < best))) {
          best = c;
          best_sim = sim;
        }
      }
    }
    if (best < 0) {
      for (uint32_t m = first_membership[d]; m < first_membership[d + 1]; ++m) {
        kept_in_group[memberships[m].second].push_back(d);
      }
      continue;
    }
    uint32_t size = ++cluster_size[best];
    ++s.dropped;
    char num[64];
    line.clear();
    std::snprintf(num, sizeof(num), "%llu\t%llu\t%.17g\t%u\t", static_cast<unsigned long long>(docs[d] >> 40),
                  static_cast<unsigned long long>(docs[d] & ((uint64_t{1} << 40) - 1)), best_sim, size);
    line += num;
    AppendJsonString(line, ids[d]);
    line += '\t';
    AppendJsonString(line, ids[best]);
    line += '\n';
    ok = ok && Put(out, line.data(), line.size());
  }
  for (uint32_t d = 0; d < docs.size(); ++d) {
    if (cluster_size[d] >= 2) {
      ++s.clusters;
      s.cluster_sizes.push_back(cluster_size[d]);
    }
  }
  if (!ok || std::fflush(out) != 0) return Status::Io("write error on '" + out_path + "'");
  if (summary) *summary = std::move(s);
  return Status::Ok();
}

StatusOr<std::unordered_map<uint64_t, DuplicateEntry>> LoadDuplicates(const std::string& path) {
  auto file = OpenFile(path, "rb");
  if (!file.ok()) return file.status();
  FILE* f = file->get();
  std::unordered_map<uint64_t, DuplicateEntry> out;
  std::string line;
  uint64_t line_no = 0;
  char buf[1 << 16];
  bool eof = false;
  while (!eof) {
    line.clear();
    while (true) {
      if (!std::fgets(buf, sizeof(buf), f)) {
        eof = true;
        break;
      }
      line += buf;
      if (!line.empty() && line.back() == '\n') break;
    }
    if (line.empty()) break;
    ++line_no;
    if (line.back() == '\n') line.pop_back();
    auto bad = [&](const char* why) {
      return Status::Io("'" + path + "' line " + std::to_string(line_no) + ": " + why);
    };
    if (line_no == 1) {
      if (line.compare(0, sizeof(kDuplicatesHeader) - 1, kDuplicatesHeader) != 0) return bad("not a duplicates list");
      continue;
    }
    std::vector<std::string_view> cols;
    std::string_view rest(line);
    for (size_t tab; (tab = rest.find('\t')) != std::string_view::npos; rest.remove_prefix(tab + 1)) {
      cols.push_back(rest.substr(0, tab));
    }
    cols.push_back(rest);
    if (cols.size() != 6) return bad("expected 6 tab-separated columns");
    DuplicateEntry e;
    char* end = nullptr;
    std::string c0(cols[0]), c1(cols[1]), c2(cols[2]), c3(cols[3]);
    uint64_t input = std::strtoull(c0.c_str(), &end, 10);
    if (*end) return bad("bad input index");
    uint64_t ln = std::strtoull(c1.c_str(), &end, 10);
    if (*end) return bad("bad line");
    e.similarity = std::strtod(c2.c_str(), &end);
    if (*end) return bad("bad similarity");
    e.cluster_size = std::strtoll(c3.c_str(), &end, 10);
    if (*end) return bad("bad cluster size");
    if (!UnescapeJsonString(cols[4], &e.id) || !UnescapeJsonString(cols[5], &e.survivor_id)) {
      return bad("bad id (expected a JSON string)");
    }
    out[MinHashOrderKey(static_cast<uint32_t>(input), ln)] = std::move(e);
  }
  if (line_no == 0) return Status::Io("'" + path + "' is empty (expected a duplicates list)");
  return out;
}

}  // namespace sluice
