#include "stages/io/fasttext_model_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <sstream>

namespace sluice {

namespace {

// The fastText 0.9.x file format (written by FastText::saveModel):
//   int32 magic, int32 version (11 or 12)
//   args: int32 dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket,
//         minn, maxn, lrUpdateRate; double t
//   dictionary: int32 size, nwords, nlabels; int64 ntokens, pruneidx_size;
//         size x (NUL-terminated word, int64 count, int8 type);
//         max(pruneidx_size, 0) x (int32 hash bucket, int32 row)
//   bool quant_input; the input matrix (dense or quantized)
//   bool qout; the output matrix (quantized only when both flags are set)
//   dense matrix: int64 m, n; m*n float32
//   quantized matrix: bool qnorm; int64 m, n; int32 codesize; codesize bytes;
//         product quantizer; with qnorm: m bytes and a second quantizer
//   product quantizer: int32 dim, nsubq, dsub, lastdsub; dim*256 float32
constexpr int32_t kMagic = 793712314;
constexpr int32_t kOldestVersion = 11;
constexpr int32_t kNewestVersion = 12;
constexpr int32_t kMaxDim = 1 << 20;
constexpr int32_t kMaxWordNgrams = 1 << 16;
constexpr int64_t kCentroidsPerSubquantizer = 256;
enum : int32_t { kModelCbow = 1, kModelSkipgram = 2, kModelSupervised = 3 };
enum : int32_t { kLossHs = 1, kLossOva = 4 };

class Reader {
 public:
  Reader(std::istream& in, uint64_t size, const std::string& name) : in_(in), size_(size), name_(name) {}

  uint64_t pos() const { return pos_; }
  uint64_t remaining() const { return size_ - pos_; }

  // A kConfig status: "<name> is truncated or corrupt: <what> (byte P of S)".
  Status Corrupt(const std::string& what) const {
    return Status::Config("fastText model " + name_ + " is truncated or corrupt: " + what + " (byte " +
                          std::to_string(pos_) + " of " + std::to_string(size_) + ")");
  }

  template <typename T>
  bool Read(T* value) {
    if (remaining() < sizeof(T)) return false;
    in_.read(reinterpret_cast<char*>(value), sizeof(T));
    if (static_cast<size_t>(in_.gcount()) != sizeof(T)) return false;
    pos_ += sizeof(T);
    return true;
  }

  bool Skip(uint64_t bytes) {
    if (remaining() < bytes) return false;
    if (bytes == 0) return true;
    in_.seekg(static_cast<std::streamoff>(bytes), std::ios::cur);
    if (!in_) return false;
    pos_ += bytes;
    return true;
  }

  // A NUL-terminated string; false when the data ends first.
  bool ReadCString(std::string* out) {
    out->clear();
    while (pos_ < size_) {
      const int c = in_.get();
      if (c == std::char_traits<char>::eof()) return false;
      ++pos_;
      if (c == 0) return true;
      out->push_back(static_cast<char>(c));
    }
    return false;
  }

 private:
  std::istream& in_;
  uint64_t size_;
  uint64_t pos_ = 0;
  const std::string& name_;
};

// A bool stored as one byte: anything but 0 or 1 is not a bool fastText wrote.
Status ReadFlag(Reader& r, const char* what, bool* flag) {
  uint8_t b = 0;
  if (!r.Read(&b)) return r.Corrupt(std::string("the file ends before the ") + what + " flag");
  if (b > 1) return r.Corrupt(std::string("the ") + what + " flag is " + std::to_string(b) + ", not 0 or 1");
  *flag = b == 1;
  return Status::Ok();
}

Status CheckDenseMatrix(Reader& r, const char* what, int32_t dim, int64_t* rows) {
  int64_t m = 0, n = 0;
  if (!r.Read(&m) || !r.Read(&n)) return r.Corrupt(std::string("the file ends in the ") + what + " matrix header");
  if (m < 0 || n != dim) {
    return r.Corrupt(std::string("the ") + what + " matrix is " + std::to_string(m) + " x " + std::to_string(n) +
                     ", expected " + std::to_string(dim) + " columns");
  }
  const uint64_t row_bytes = static_cast<uint64_t>(n) * sizeof(float);
  if (static_cast<uint64_t>(m) > r.remaining() / row_bytes) {
    return r.Corrupt(std::string("the ") + what + " matrix needs " + std::to_string(m) + " rows of " +
                     std::to_string(row_bytes) + " bytes, only " + std::to_string(r.remaining()) + " bytes are left");
  }
  if (!r.Skip(static_cast<uint64_t>(m) * row_bytes)) return r.Corrupt(std::string("cannot skip the ") + what + " matrix");
  *rows = m;
  return Status::Ok();
}

// A product quantizer for vectors of `dim` floats; returns its number of
// sub-quantizers (bytes per quantized row).
Status CheckProductQuantizer(Reader& r, const std::string& what, int32_t dim, int64_t* subquantizers) {
  int32_t pq_dim = 0, nsubq = 0, dsub = 0, lastdsub = 0;
  if (!r.Read(&pq_dim) || !r.Read(&nsubq) || !r.Read(&dsub) || !r.Read(&lastdsub)) {
    return r.Corrupt("the file ends in the " + what + " quantizer header");
  }
  if (pq_dim != dim || dsub < 1 || dsub > dim) {
    return r.Corrupt("the " + what + " quantizer has dim " + std::to_string(pq_dim) + " and sub-vectors of " +
                     std::to_string(dsub) + ", expected dim " + std::to_string(dim));
  }
  const int32_t expect_nsubq = (dim + dsub - 1) / dsub;
  const int32_t expect_last = dim % dsub == 0 ? dsub : dim % dsub;
  if (nsubq != expect_nsubq || lastdsub != expect_last) {
    return r.Corrupt("the " + what + " quantizer's sub-quantizers (" + std::to_string(nsubq) + ", last of " +
                     std::to_string(lastdsub) + ") do not split dim " + std::to_string(dim) + " into pieces of " +
                     std::to_string(dsub));
  }
  const uint64_t centroid_bytes = static_cast<uint64_t>(dim) * kCentroidsPerSubquantizer * sizeof(float);
  if (!r.Skip(centroid_bytes)) {
    return r.Corrupt("the " + what + " quantizer needs " + std::to_string(centroid_bytes) + " bytes of centroids, only " +
                     std::to_string(r.remaining()) + " are left");
  }
  *subquantizers = nsubq;
  return Status::Ok();
}

Status CheckQuantMatrix(Reader& r, const char* what, int32_t dim, int64_t* rows) {
  bool qnorm = false;
  SLUICE_RETURN_IF_ERROR(ReadFlag(r, "quantized norm", &qnorm));
  int64_t m = 0, n = 0;
  int32_t codesize = 0;
  if (!r.Read(&m) || !r.Read(&n) || !r.Read(&codesize)) {
    return r.Corrupt(std::string("the file ends in the quantized ") + what + " matrix header");
  }
  if (m < 0 || n != dim || codesize < 0) {
    return r.Corrupt(std::string("the quantized ") + what + " matrix is " + std::to_string(m) + " x " +
                     std::to_string(n) + " with " + std::to_string(codesize) + " code bytes, expected " +
                     std::to_string(dim) + " columns");
  }
  if (!r.Skip(static_cast<uint64_t>(codesize))) {
    return r.Corrupt(std::string("the quantized ") + what + " matrix needs " + std::to_string(codesize) +
                     " code bytes, only " + std::to_string(r.remaining()) + " are left");
  }
  int64_t nsubq = 0;
  SLUICE_RETURN_IF_ERROR(CheckProductQuantizer(r, what, dim, &nsubq));
  if (m > INT32_MAX / nsubq || m * nsubq != codesize) {
    return r.Corrupt(std::string("the quantized ") + what + " matrix has " + std::to_string(codesize) +
                     " code bytes for " + std::to_string(m) + " rows of " + std::to_string(nsubq));
  }
  if (qnorm) {
    if (!r.Skip(static_cast<uint64_t>(m))) return r.Corrupt(std::string("the file ends in the ") + what + " norm codes");
    int64_t norm_subq = 0;
    SLUICE_RETURN_IF_ERROR(CheckProductQuantizer(r, std::string(what) + " norm", 1, &norm_subq));
  }
  *rows = m;
  return Status::Ok();
}

Status Check(Reader& r, FastTextModelInfo* info) {
  int32_t magic = 0, version = 0;
  if (!r.Read(&magic) || magic != kMagic) {
    return r.Corrupt("no fastText header (a fastText .bin or .ftz model starts with the magic number " +
                     std::to_string(kMagic) + ")");
  }
  if (!r.Read(&version)) return r.Corrupt("the file ends in the header");
  if (version < kOldestVersion || version > kNewestVersion) {
    return r.Corrupt("unsupported fastText file version " + std::to_string(version) + " (this build reads " +
                     std::to_string(kOldestVersion) + " to " + std::to_string(kNewestVersion) + ")");
  }
  info->version = version;

  int32_t a[12] = {};  // dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate
  double t = 0;
  for (int32_t& v : a) {
    if (!r.Read(&v)) return r.Corrupt("the file ends in the model's arguments");
  }
  if (!r.Read(&t)) return r.Corrupt("the file ends in the model's arguments");
  const int32_t dim = a[0], word_ngrams = a[5], loss = a[6], model = a[7], bucket = a[8];
  int32_t maxn = a[10];
  if (dim < 1 || dim > kMaxDim) return r.Corrupt("dim " + std::to_string(dim) + " is not in [1, " + std::to_string(kMaxDim) + "]");
  if (loss < kLossHs || loss > kLossOva) return r.Corrupt("unknown loss " + std::to_string(loss));
  if (model < kModelCbow || model > kModelSupervised) return r.Corrupt("unknown model kind " + std::to_string(model));
  if (word_ngrams < 0 || word_ngrams > kMaxWordNgrams) {
    return r.Corrupt("wordNgrams " + std::to_string(word_ngrams) + " is not in [0, " + std::to_string(kMaxWordNgrams) + "]");
  }
  // fastText compares character n-gram lengths with size_t: a negative minn or
  // maxn acts as a huge one.
  if (a[9] < 0 || maxn < 0) {
    return r.Corrupt("minn " + std::to_string(a[9]) + " and maxn " + std::to_string(maxn) + " must be >= 0");
  }
  if (version == 11 && model == kModelSupervised) maxn = 0;  // fastText ignores it for old classifiers
  if (bucket < 0 || (bucket == 0 && (maxn > 0 || word_ngrams > 1))) {
    return r.Corrupt("bucket " + std::to_string(bucket) + " with maxn " + std::to_string(maxn) + " and wordNgrams " +
                     std::to_string(word_ngrams) + " (n-grams need at least one bucket)");
  }
  info->dim = dim;
  info->supervised = model == kModelSupervised;

  int32_t size = 0, nwords = 0, nlabels = 0;
  int64_t ntokens = 0, pruneidx_size = 0;
  if (!r.Read(&size) || !r.Read(&nwords) || !r.Read(&nlabels) || !r.Read(&ntokens) || !r.Read(&pruneidx_size)) {
    return r.Corrupt("the file ends in the dictionary header");
  }
  if (nwords < 0 || nlabels < 0 || size != static_cast<int64_t>(nwords) + nlabels || ntokens < 0 ||
      pruneidx_size < -1) {
    return r.Corrupt("the dictionary header is inconsistent (" + std::to_string(size) + " entries, " +
                     std::to_string(nwords) + " words, " + std::to_string(nlabels) + " labels, " +
                     std::to_string(ntokens) + " tokens, " + std::to_string(pruneidx_size) + " pruned n-grams)");
  }
  // Each entry takes at least 10 bytes: an empty word's NUL, its count, its type.
  if (static_cast<uint64_t>(size) > r.remaining() / 10) {
    return r.Corrupt("the dictionary claims " + std::to_string(size) + " entries, only " +
                     std::to_string(r.remaining()) + " bytes are left");
  }
  std::string word;
  int64_t previous = INT64_MAX;  // fastText writes words, then labels, each by decreasing count
  for (int32_t i = 0; i < size; ++i) {
    int64_t count = 0;
    int8_t type = 0;
    if (!r.ReadCString(&word) || !r.Read(&count) || !r.Read(&type)) {
      return r.Corrupt("the dictionary ends before entry " + std::to_string(i + 1) + " of " + std::to_string(size));
    }
    // fastText numbers words first, then labels; a word id is a matrix row.
    const int8_t expect = i < nwords ? 0 : 1;
    if (type != expect || count < 0) {
      return r.Corrupt("dictionary entry " + std::to_string(i + 1) + " has type " + std::to_string(type) +
                       " and count " + std::to_string(count) + " (expected a " + (expect == 0 ? "word" : "label") +
                       " with a count >= 0)");
    }
    if (i == nwords) previous = INT64_MAX;
    // fastText's hierarchical-softmax tree takes 1e15 as "infinite": a count
    // at or above it makes a node its own parent, and fastText then walks that
    // cycle without end, growing memory (found by fasttext_model_fuzzer).
    // Out-of-order counts break the same construction.
    if (count >= 1000000000000000LL) {
      return r.Corrupt("dictionary entry " + std::to_string(i + 1) + " has count " + std::to_string(count) +
                       " (at most 10^15 - 1)");
    }
    if (count > previous) {
      return r.Corrupt("dictionary entry " + std::to_string(i + 1) + " has count " + std::to_string(count) +
                       ", more than the entry before it (fastText writes " + (expect == 0 ? "words" : "labels") +
                       " by decreasing count)");
    }
    previous = count;
  }
  int64_t max_pruned_row = -1;
  if (pruneidx_size > 0) {
    if (static_cast<uint64_t>(pruneidx_size) > r.remaining() / 8) {
      return r.Corrupt("the dictionary claims " + std::to_string(pruneidx_size) + " pruned n-grams, only " +
                       std::to_string(r.remaining()) + " bytes are left");
    }
    for (int64_t i = 0; i < pruneidx_size; ++i) {
      int32_t from = 0, to = 0;
      if (!r.Read(&from) || !r.Read(&to)) return r.Corrupt("the file ends in the pruned n-gram index");
      if (to < 0) return r.Corrupt("pruned n-gram " + std::to_string(i + 1) + " maps to row " + std::to_string(to));
      max_pruned_row = std::max<int64_t>(max_pruned_row, to);
    }
  }
  info->words = nwords;
  info->labels = nlabels;

  bool quant_input = false;
  SLUICE_RETURN_IF_ERROR(ReadFlag(r, "quantized input", &quant_input));
  int64_t input_rows = 0;
  if (quant_input) {
    SLUICE_RETURN_IF_ERROR(CheckQuantMatrix(r, "input", dim, &input_rows));
  } else {
    SLUICE_RETURN_IF_ERROR(CheckDenseMatrix(r, "input", dim, &input_rows));
    if (pruneidx_size >= 0) {
      return r.Corrupt("a pruned dictionary with an unquantized input matrix (fastText refuses such a model)");
    }
  }
  // Input rows: the words, then one per n-gram bucket (or per kept n-gram).
  const int64_t ngram_rows = pruneidx_size < 0 ? bucket : max_pruned_row + 1;
  if (pruneidx_size < 0 ? input_rows != nwords + ngram_rows : input_rows < nwords + ngram_rows) {
    return r.Corrupt("the input matrix has " + std::to_string(input_rows) + " rows for " + std::to_string(nwords) +
                     " words and " + std::to_string(ngram_rows) + " n-gram rows");
  }
  info->quantized = quant_input;

  bool qout = false;
  SLUICE_RETURN_IF_ERROR(ReadFlag(r, "quantized output", &qout));
  int64_t output_rows = 0;
  if (quant_input && qout) {
    SLUICE_RETURN_IF_ERROR(CheckQuantMatrix(r, "output", dim, &output_rows));
  } else {
    SLUICE_RETURN_IF_ERROR(CheckDenseMatrix(r, "output", dim, &output_rows));
  }
  // A classifier scores labels, the word-vector models predict words.
  const int64_t targets = model == kModelSupervised ? nlabels : nwords;
  if (output_rows != targets) {
    return r.Corrupt("the output matrix has " + std::to_string(output_rows) + " rows for " + std::to_string(targets) +
                     (model == kModelSupervised ? " labels" : " words"));
  }
  if (model == kModelSupervised && nlabels == 0) return r.Corrupt("a classifier without labels");
  if (r.remaining() != 0) {
    return r.Corrupt(std::to_string(r.remaining()) + " bytes follow the end of the model");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<FastTextModelInfo> CheckFastTextModelFile(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return Status::Io("cannot open fastText model " + path + ": no such file");
  if (std::filesystem::is_directory(status)) {
    return Status::Config("fastText model " + path + " is a directory, not a model file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open fastText model " + path + ": " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0 || !in) return Status::Io("cannot read fastText model " + path);
  Reader r(in, static_cast<uint64_t>(size), path);
  FastTextModelInfo info;
  SLUICE_RETURN_IF_ERROR(Check(r, &info));
  return info;
}

StatusOr<FastTextModelInfo> CheckFastTextModelBytes(std::string_view bytes, const std::string& name) {
  std::istringstream in{std::string(bytes)};
  Reader r(in, bytes.size(), name);
  FastTextModelInfo info;
  SLUICE_RETURN_IF_ERROR(Check(r, &info));
  return info;
}

}  // namespace sluice
