#include "tokenizer/token_shards.h"

#include <array>
#include <cstring>
#include <filesystem>
#include <limits>

#include "tokenizer/hf_json.h"

namespace sluice::tokenizer {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[9] = {'M', 'M', 'I', 'D', 'I', 'D', 'X', '\0', '\0'};
constexpr uint64_t kVersion = 1;

void PutLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetLe(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

TokStatus WriteAll(std::FILE* f, std::string_view data, const std::string& path) {
  if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f) != data.size()) {
    return TokStatus::Io("cannot write " + path);
  }
  return TokStatus::Ok();
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

// ---------------------------------------------------------------- SHA-256 (FIPS 180-4)

constexpr std::array<uint32_t, 64> kSha256K = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void Sha256Block(const unsigned char* p, uint32_t h[8]) {
  uint32_t w[64];
  for (int t = 0; t < 16; ++t) {
    w[t] = (uint32_t{p[4 * t]} << 24) | (uint32_t{p[4 * t + 1]} << 16) | (uint32_t{p[4 * t + 2]} << 8) | p[4 * t + 3];
  }
  for (int t = 16; t < 64; ++t) {
    const uint32_t s0 = Rotr(w[t - 15], 7) ^ Rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    const uint32_t s1 = Rotr(w[t - 2], 17) ^ Rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int t = 0; t < 64; ++t) {
    const uint32_t t1 = k + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kSha256K[t] + w[t];
    const uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  size_t i = 0;
  for (; i + 64 <= n; i += 64) Sha256Block(p + i, h);
  unsigned char tail[128] = {};
  const size_t rest = n - i;
  std::memcpy(tail, p + i, rest);
  tail[rest] = 0x80;
  const size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
  const uint64_t bits = static_cast<uint64_t>(n) * 8;
  for (int b = 0; b < 8; ++b) tail[tail_len - 1 - b] = static_cast<unsigned char>(bits >> (8 * b));
  for (size_t off = 0; off < tail_len; off += 64) Sha256Block(tail + off, h);
  std::string out;
  char buf[9];
  for (uint32_t v : h) {
    std::snprintf(buf, sizeof buf, "%08x", v);
    out += buf;
  }
  return out;
}

TokStatus ParseTokenFormat(std::string_view name, TokenFormat* out) {
  if (name == "megatron") {
    *out = TokenFormat::kMegatron;
  } else if (name == "nanogpt") {
    *out = TokenFormat::kNanoGpt;
  } else {
    return TokStatus::Invalid("unknown token format '" + std::string(name) + "' (megatron or nanogpt)");
  }
  return TokStatus::Ok();
}

std::string_view TokenFormatName(TokenFormat format) {
  return format == TokenFormat::kMegatron ? "megatron" : "nanogpt";
}
std::string_view TokenDtypeName(TokenDtype dtype) { return dtype == TokenDtype::kUint16 ? "uint16" : "int32"; }
uint8_t MegatronDtypeCode(TokenDtype dtype) { return dtype == TokenDtype::kUint16 ? 8 : 4; }
size_t TokenDtypeBytes(TokenDtype dtype) { return dtype == TokenDtype::kUint16 ? 2 : 4; }
TokenDtype DtypeForVocab(size_t vocab_size) {
  return vocab_size <= 65536 ? TokenDtype::kUint16 : TokenDtype::kInt32;
}

int64_t FindEndOfTextId(const BpeModel& model) {
  for (std::string_view name : {"<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>", "<|eos|>", "[EOS]"}) {
    for (uint32_t id : model.special_ids()) {
      if (model.token(id) == name) return id;
    }
  }
  return -1;
}

// ---------------------------------------------------------------- writer

TokenShardWriter::~TokenShardWriter() {
  // An unfinished writer leaves no files behind.
  std::error_code ec;
  if (bin_) std::fclose(bin_);
  if (sizes_) std::fclose(sizes_);
  if (!finished_) {
    if (!bin_tmp_.empty()) fs::remove(bin_tmp_, ec);
    if (!sizes_tmp_.empty()) fs::remove(sizes_tmp_, ec);
    for (const auto& [tmp, final_path] : renames_) fs::remove(tmp, ec);
  }
}

std::string TokenShardWriter::PathOf(const std::string& stem, std::string_view ext) const {
  return (fs::path(opt_.dir) / (stem + std::string(ext))).string();
}

TokStatus TokenShardWriter::Open(const TokenShardOptions& options) {
  opt_ = options;
  if (opt_.name.empty() || opt_.name.find('/') != std::string::npos) {
    return TokStatus::Invalid("shard name must be a non-empty file name without '/'");
  }
  if (opt_.vocab_size == 0) return TokStatus::Invalid("the tokenizer has an empty vocabulary");
  if (opt_.dtype == TokenDtype::kUint16 && opt_.vocab_size > 65536) {
    return TokStatus::Invalid("vocabulary of " + std::to_string(opt_.vocab_size) + " ids does not fit uint16");
  }
  if (opt_.format == TokenFormat::kNanoGpt) {
    if (opt_.dtype != TokenDtype::kUint16) {
      return TokStatus::Invalid("nanogpt .bin files are uint16, but the vocabulary has " +
                                std::to_string(opt_.vocab_size) + " ids (> 65536): use --format megatron (int32)");
    }
    opt_.append_eod = true;  // nanoGPT separates documents by the end-of-text id
  }
  if (opt_.append_eod && (opt_.eod_id < 0 || static_cast<uint64_t>(opt_.eod_id) >= opt_.vocab_size)) {
    return TokStatus::Invalid(
        std::string(opt_.format == TokenFormat::kNanoGpt ? "nanogpt output separates documents by" : "--append-eod needs") +
        " the tokenizer's end-of-text token, but it has none (no special token <|endoftext|>, <|end_of_text|>, </s>, "
        "<eos>, <|eos|> or [EOS])");
  }
  std::error_code ec;
  fs::create_directories(opt_.dir, ec);
  if (ec) return TokStatus::Io("cannot create " + opt_.dir + ": " + ec.message());
  open_ = true;
  return StartShard();
}

TokStatus TokenShardWriter::StartShard() {
  TokenShardInfo info;
  if (opt_.max_shard_tokens == 0) {
    info.name = opt_.name;
  } else {
    char buf[16];
    std::snprintf(buf, sizeof buf, "_%05zu", shards_.size());
    info.name = opt_.name + buf;
  }
  shards_.push_back(info);
  bin_tmp_ = PathOf("." + info.name, ".bin.tmp");
  bin_ = std::fopen(bin_tmp_.c_str(), "wb");
  if (!bin_) return TokStatus::Io("cannot create " + bin_tmp_);
  if (opt_.format == TokenFormat::kMegatron) {
    sizes_tmp_ = PathOf("." + info.name, ".sizes.tmp");
    sizes_ = std::fopen(sizes_tmp_.c_str(), "w+b");
    if (!sizes_) return TokStatus::Io("cannot create " + sizes_tmp_);
  }
  return TokStatus::Ok();
}

TokStatus TokenShardWriter::Add(std::span<const uint32_t> ids) {
  if (!open_ || finished_) return TokStatus::Invalid("token shard writer is not open");
  const uint64_t n = ids.size() + (opt_.append_eod ? 1 : 0);
  if (n > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return TokStatus::Invalid("a document of " + std::to_string(n) + " tokens does not fit Megatron's int32 sizes");
  }
  TokenShardInfo* cur = &shards_.back();
  if (opt_.max_shard_tokens != 0 && cur->tokens != 0 && cur->tokens + n > opt_.max_shard_tokens) {
    SLUICE_TOK_RETURN_IF_ERROR(CloseShard());
    SLUICE_TOK_RETURN_IF_ERROR(StartShard());
    cur = &shards_.back();
  }
  const int width = static_cast<int>(TokenDtypeBytes(opt_.dtype));
  buf_.clear();
  buf_.reserve(n * width);
  for (uint32_t id : ids) {
    if (id >= opt_.vocab_size) return TokStatus::Invalid("token id " + std::to_string(id) + " is out of the vocabulary");
    PutLe(&buf_, id, width);
  }
  if (opt_.append_eod) PutLe(&buf_, static_cast<uint64_t>(opt_.eod_id), width);
  SLUICE_TOK_RETURN_IF_ERROR(WriteAll(bin_, buf_, bin_tmp_));
  if (sizes_) {
    std::string size;
    PutLe(&size, n, 4);
    SLUICE_TOK_RETURN_IF_ERROR(WriteAll(sizes_, size, sizes_tmp_));
  }
  cur->documents += 1;
  cur->tokens += n;
  documents_ += 1;
  tokens_ += n;
  return TokStatus::Ok();
}

// Closes the open shard's .bin and, for megatron, writes its .idx from the
// sizes file: header, sizes, byte pointers (running sums), document indices.
TokStatus TokenShardWriter::CloseShard() {
  const TokenShardInfo& info = shards_.back();
  const bool ok = std::fflush(bin_) == 0 && !std::ferror(bin_);
  std::fclose(bin_);
  bin_ = nullptr;
  if (!ok) return TokStatus::Io("cannot write " + bin_tmp_);
  renames_.emplace_back(bin_tmp_, PathOf(info.name, ".bin"));
  bin_tmp_.clear();
  if (!sizes_) return TokStatus::Ok();

  const std::string idx_tmp = PathOf("." + info.name, ".idx.tmp");
  std::FILE* idx = std::fopen(idx_tmp.c_str(), "wb");
  if (!idx) return TokStatus::Io("cannot create " + idx_tmp);
  renames_.emplace_back(idx_tmp, PathOf(info.name, ".idx"));
  const uint64_t n = info.documents;
  std::string out(kMagic, sizeof kMagic);
  PutLe(&out, kVersion, 8);
  out.push_back(static_cast<char>(MegatronDtypeCode(opt_.dtype)));
  PutLe(&out, n, 8);      // sequences
  PutLe(&out, n + 1, 8);  // entries of the document index
  TokStatus st = WriteAll(idx, out, idx_tmp);
  // Two passes over the sizes file: the sizes as they are, then the pointers.
  std::vector<char> chunk(1 << 16);
  for (int pass = 0; pass < 2 && st.ok(); ++pass) {
    std::rewind(sizes_);
    int64_t pointer = 0;
    size_t got;
    while (st.ok() && (got = std::fread(chunk.data(), 1, chunk.size(), sizes_)) > 0) {
      if (pass == 0) {
        st = WriteAll(idx, std::string_view(chunk.data(), got), idx_tmp);
        continue;
      }
      out.clear();
      for (size_t i = 0; i + 4 <= got; i += 4) {
        PutLe(&out, static_cast<uint64_t>(pointer), 8);
        pointer += static_cast<int64_t>(GetLe(chunk.data() + i, 4) * TokenDtypeBytes(opt_.dtype));
      }
      st = WriteAll(idx, out, idx_tmp);
    }
    if (std::ferror(sizes_)) st = TokStatus::Io("cannot read " + sizes_tmp_);
  }
  for (uint64_t d = 0; st.ok() && d <= n;) {
    out.clear();
    for (int k = 0; k < 8192 && d <= n; ++k, ++d) PutLe(&out, d, 8);
    st = WriteAll(idx, out, idx_tmp);
  }
  const bool idx_ok = std::fflush(idx) == 0 && !std::ferror(idx);
  std::fclose(idx);
  std::fclose(sizes_);
  sizes_ = nullptr;
  std::error_code ec;
  fs::remove(sizes_tmp_, ec);
  sizes_tmp_.clear();
  if (st.ok() && !idx_ok) st = TokStatus::Io("cannot write " + idx_tmp);
  return st;
}

std::string TokenShardWriter::SidecarJson() const {
  std::string j = "{\"format\":" + JsonQuote(TokenFormatName(opt_.format));
  j += ",\"dtype\":" + JsonQuote(TokenDtypeName(opt_.dtype));
  j += ",\"itemsize\":" + std::to_string(TokenDtypeBytes(opt_.dtype));
  if (opt_.format == TokenFormat::kMegatron) {
    j += ",\"megatron_dtype_code\":" + std::to_string(MegatronDtypeCode(opt_.dtype));
  }
  j += ",\"append_eod\":" + std::string(opt_.append_eod ? "true" : "false");
  j += ",\"tokenizer\":{\"path\":" + JsonQuote(opt_.tokenizer_path) + ",\"sha256\":" +
       JsonQuote(opt_.tokenizer_sha256) + ",\"vocab_size\":" + std::to_string(opt_.vocab_size) +
       ",\"eod_id\":" + (opt_.eod_id >= 0 ? std::to_string(opt_.eod_id) : std::string("null")) + "}";
  j += ",\"documents\":" + std::to_string(documents_) + ",\"tokens\":" + std::to_string(tokens_);
  j += ",\"shards\":[";
  for (size_t i = 0; i < shards_.size(); ++i) {
    const TokenShardInfo& s = shards_[i];
    if (i) j += ",";
    j += "{\"name\":" + JsonQuote(s.name) + ",\"bin\":" + JsonQuote(s.name + ".bin");
    if (opt_.format == TokenFormat::kMegatron) j += ",\"idx\":" + JsonQuote(s.name + ".idx");
    j += ",\"documents\":" + std::to_string(s.documents) + ",\"tokens\":" + std::to_string(s.tokens) + "}";
  }
  j += "]}\n";
  return j;
}

TokStatus TokenShardWriter::Finish() {
  if (!open_) return TokStatus::Invalid("token shard writer is not open");
  if (finished_) return TokStatus::Ok();
  SLUICE_TOK_RETURN_IF_ERROR(CloseShard());
  const std::string sidecar_tmp = PathOf(".tokens", ".json.tmp");
  SLUICE_TOK_RETURN_IF_ERROR(WriteFile(sidecar_tmp, SidecarJson()));
  renames_.emplace_back(sidecar_tmp, PathOf("tokens", ".json"));
  for (const auto& [tmp, final_path] : renames_) {
    std::error_code ec;
    fs::rename(tmp, final_path, ec);
    if (ec) return TokStatus::Io("cannot rename " + tmp + " to " + final_path + ": " + ec.message());
  }
  finished_ = true;
  return TokStatus::Ok();
}

// ---------------------------------------------------------------- reader

TokStatus ReadMegatronIndex(const std::string& path, MegatronIndex* out) {
  std::string data;
  SLUICE_TOK_RETURN_IF_ERROR(ReadFile(path, &data));
  constexpr size_t kHeader = 9 + 8 + 1 + 8 + 8;
  if (data.size() < kHeader || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) {
    return TokStatus::Invalid(path + ": not a Megatron index (bad magic)");
  }
  if (GetLe(data.data() + 9, 8) != kVersion) return TokStatus::Invalid(path + ": unsupported version");
  out->dtype_code = static_cast<uint8_t>(data[17]);
  const uint64_t n = GetLe(data.data() + 18, 8);
  const uint64_t d = GetLe(data.data() + 26, 8);
  if (data.size() != kHeader + n * 4 + n * 8 + d * 8) return TokStatus::Invalid(path + ": size does not match counts");
  const char* p = data.data() + kHeader;
  out->sizes.resize(n);
  out->pointers.resize(n);
  out->document_indices.resize(d);
  for (uint64_t i = 0; i < n; ++i, p += 4) out->sizes[i] = static_cast<int32_t>(GetLe(p, 4));
  for (uint64_t i = 0; i < n; ++i, p += 8) out->pointers[i] = static_cast<int64_t>(GetLe(p, 8));
  for (uint64_t i = 0; i < d; ++i, p += 8) out->document_indices[i] = static_cast<int64_t>(GetLe(p, 8));
  return TokStatus::Ok();
}

}  // namespace sluice::tokenizer
