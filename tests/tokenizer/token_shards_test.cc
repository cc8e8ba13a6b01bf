// Token shard files: the exact bytes of a Megatron .idx/.bin and a nanoGPT
// .bin (golden), shard splitting, dtype rules, the refusals, SHA-256 vectors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "tokenizer/bpe_model.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/token_shards.h"

using namespace sluice::tokenizer;
namespace fs = std::filesystem;

namespace {

struct Dir {
  Dir() {
    path = (fs::temp_directory_path() / ("sluice-shards-" + std::to_string(::getpid()) + "-" + std::to_string(n++)))
               .string();
    fs::remove_all(path);
  }
  ~Dir() { fs::remove_all(path); }
  std::string path;
  static inline int n = 0;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Le(uint64_t v, int bytes) {
  std::string s;
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

TokenShardOptions Opts(const std::string& dir, TokenFormat f, uint64_t vocab, int64_t eod, bool append) {
  TokenShardOptions o;
  o.format = f;
  o.dir = dir;
  o.vocab_size = vocab;
  o.dtype = DtypeForVocab(vocab);
  o.eod_id = eod;
  o.append_eod = append;
  o.tokenizer_path = "tok.json";
  o.tokenizer_sha256 = "00";
  return o;
}

}  // namespace

TEST_CASE("SHA-256 known answers (FIPS 180-4 examples)", "[tokenizer][token_shards]") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Sha256Hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("dtype follows the vocabulary size", "[tokenizer][token_shards]") {
  CHECK(DtypeForVocab(50257) == TokenDtype::kUint16);
  CHECK(DtypeForVocab(65536) == TokenDtype::kUint16);
  CHECK(DtypeForVocab(65537) == TokenDtype::kInt32);
  CHECK(MegatronDtypeCode(TokenDtype::kUint16) == 8);
  CHECK(MegatronDtypeCode(TokenDtype::kInt32) == 4);
}

TEST_CASE("Megatron .idx/.bin golden bytes", "[tokenizer][token_shards]") {
  Dir d;
  TokenShardWriter w;
  REQUIRE(w.Open(Opts(d.path, TokenFormat::kMegatron, 300, 299, true)).ok());
  const std::vector<uint32_t> a = {1, 258}, b = {}, c = {7, 8, 9};
  REQUIRE(w.Add(a).ok());
  REQUIRE(w.Add(b).ok());
  REQUIRE(w.Add(c).ok());
  REQUIRE(w.Finish().ok());
  // sizes 3, 1, 4 (end-of-text 299 appended); uint16.
  std::string bin;
  for (uint32_t id : {1u, 258u, 299u, 299u, 7u, 8u, 9u, 299u}) bin += Le(id, 2);
  CHECK(Slurp(d.path + "/tokens.bin") == bin);
  std::string idx("MMIDIDX\0\0", 9);
  idx += Le(1, 8) + Le(8, 1) + Le(3, 8) + Le(4, 8);
  idx += Le(3, 4) + Le(1, 4) + Le(4, 4);
  idx += Le(0, 8) + Le(6, 8) + Le(8, 8);
  idx += Le(0, 8) + Le(1, 8) + Le(2, 8) + Le(3, 8);
  CHECK(Slurp(d.path + "/tokens.idx") == idx);
  MegatronIndex back;
  REQUIRE(ReadMegatronIndex(d.path + "/tokens.idx", &back).ok());
  CHECK(back.sizes == std::vector<int32_t>{3, 1, 4});
  const std::string sidecar = Slurp(d.path + "/tokens.json");
  CHECK(sidecar.find("\"dtype\":\"uint16\"") != std::string::npos);
  CHECK(sidecar.find("\"documents\":3,\"tokens\":8") != std::string::npos);
  CHECK(sidecar.find("\"eod_id\":299") != std::string::npos);
  // No temp files left.
  size_t files = 0;
  for (auto& e : fs::directory_iterator(d.path)) files += e.path().filename().string()[0] == '.' ? 100 : 1;
  CHECK(files == 3);
}

TEST_CASE("int32 for a large vocabulary, which nanogpt refuses", "[tokenizer][token_shards]") {
  Dir d;
  {
    TokenShardWriter w;
    REQUIRE(w.Open(Opts(d.path, TokenFormat::kMegatron, 100000, -1, false)).ok());
    const std::vector<uint32_t> a = {70000, 5};
    REQUIRE(w.Add(a).ok());
    REQUIRE(w.Finish().ok());
    CHECK(Slurp(d.path + "/tokens.bin") == Le(70000, 4) + Le(5, 4));
    MegatronIndex back;
    REQUIRE(ReadMegatronIndex(d.path + "/tokens.idx", &back).ok());
    CHECK(back.dtype_code == 4);
    CHECK(back.pointers == std::vector<int64_t>{0});
  }
  TokenShardWriter n;
  TokStatus st = n.Open(Opts(d.path + "/n", TokenFormat::kNanoGpt, 100000, 3, true));
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("uint16") != std::string::npos);
}

TEST_CASE("end-of-text is required when asked, and always for nanogpt", "[tokenizer][token_shards]") {
  Dir d;
  TokenShardWriter a, b;
  TokStatus st = a.Open(Opts(d.path, TokenFormat::kMegatron, 300, -1, true));
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("end-of-text") != std::string::npos);
  CHECK_FALSE(b.Open(Opts(d.path, TokenFormat::kNanoGpt, 300, -1, false)).ok());
}

TEST_CASE("nanogpt: flat uint16 with end-of-text after every document", "[tokenizer][token_shards]") {
  Dir d;
  TokenShardWriter w;
  REQUIRE(w.Open(Opts(d.path, TokenFormat::kNanoGpt, 300, 0, false)).ok());
  const std::vector<uint32_t> a = {5, 6}, b = {7};
  REQUIRE(w.Add(a).ok());
  REQUIRE(w.Add(b).ok());
  REQUIRE(w.Finish().ok());
  CHECK(Slurp(d.path + "/tokens.bin") == Le(5, 2) + Le(6, 2) + Le(0, 2) + Le(7, 2) + Le(0, 2));
  CHECK_FALSE(fs::exists(d.path + "/tokens.idx"));
}

TEST_CASE("max_shard_tokens starts a new shard at a document boundary", "[tokenizer][token_shards]") {
  Dir d;
  TokenShardWriter w;
  TokenShardOptions o = Opts(d.path, TokenFormat::kMegatron, 300, -1, false);
  o.max_shard_tokens = 5;
  REQUIRE(w.Open(o).ok());
  for (size_t len : {3, 2, 1, 9, 2}) {
    std::vector<uint32_t> ids(len, 4);
    REQUIRE(w.Add(ids).ok());
  }
  REQUIRE(w.Finish().ok());
  REQUIRE(w.shards().size() == 4);  // [3,2] [1] [9] [2]
  CHECK(w.shards()[0].name == "tokens_00000");
  CHECK(w.shards()[0].tokens == 5);
  CHECK(w.shards()[2].tokens == 9);
  MegatronIndex idx;
  REQUIRE(ReadMegatronIndex(d.path + "/tokens_00003.idx", &idx).ok());
  CHECK(idx.sizes == std::vector<int32_t>{2});
  CHECK(idx.document_indices == std::vector<int64_t>{0, 1});
  CHECK(fs::file_size(d.path + "/tokens_00001.bin") == 2);
}

TEST_CASE("end-of-text is found by name among the special tokens", "[tokenizer][token_shards]") {
  BpeModel m;
  REQUIRE(BpeModel::Create({"a", "b", "<pad>", "</s>", "<|endoftext|>"}, {2, 3, 4}, {}, PreTokenizer::Gpt2(), &m)
              .ok());
  CHECK(FindEndOfTextId(m) == 4);
  BpeModel none;
  REQUIRE(BpeModel::Create({"a", "b", "<pad>"}, {2}, {}, PreTokenizer::Gpt2(), &none).ok());
  CHECK(FindEndOfTextId(none) == -1);
}
