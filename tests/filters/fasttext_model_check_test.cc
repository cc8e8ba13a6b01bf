// A truncated or corrupt fastText model is refused with a clear status before
// libfasttext reads it (it would loop forever on a cut dictionary and assert on
// a short matrix), and every complete model still loads.
#include <fasttext/fasttext.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "stages/text/fasttext_model.h"
#include "stages/io/fasttext_model_file.h"
#include "test_util.h"

namespace {

using sluice::CheckFastTextModelBytes;
using sluice::FastTextModel;
using sluice::testing::ReadText;
using sluice::testing::TempDir;
using sluice::testing::WriteText;

// A tiny two-label classifier trained on made-up text.
std::string TrainTinyModel(const TempDir& dir, const std::string& name, int word_ngrams, int bucket = 64) {
  std::string train;
  for (int i = 0; i < 60; ++i) {
    train += "__label__fruit apple pear plum cherry " + std::to_string(i % 7) + "\n";
    train += "__label__tool hammer saw drill wrench " + std::to_string(i % 5) + "\n";
  }
  WriteText(dir / (name + ".txt"), train);
  sluice::FastTextTrainOptions o;
  o.dim = 4;
  o.epoch = 2;
  o.word_ngrams = word_ngrams;
  o.bucket = bucket;
  REQUIRE(sluice::TrainFastTextModel(dir / (name + ".txt"), dir / (name + ".bin"), o).ok());
  return dir / (name + ".bin");
}

}  // namespace

TEST_CASE("fastText model check: complete models pass, every truncation is refused", "[fasttext_model]") {
  TempDir dir;
  for (int ngrams : {1, 2}) {
    const std::string path = TrainTinyModel(dir, "m" + std::to_string(ngrams), ngrams);
    const std::string bytes = ReadText(path);
    auto info = sluice::CheckFastTextModelFile(path);
    REQUIRE(info.ok());
    CHECK(info->supervised);
    CHECK(info->labels == 2);
    CHECK(info->dim == 4);
    REQUIRE(FastTextModel::Load(path).ok());

    // Half a model used to pass and abort at the first prediction.
    const std::string half = dir / "half.bin";
    WriteText(half, bytes.substr(0, bytes.size() / 2));
    auto loaded = FastTextModel::Load(half);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().message().find("truncated or corrupt") != std::string::npos);
    CHECK(loaded.status().message().find(half) != std::string::npos);

    // 200 bytes (inside the dictionary) used to spin forever.
    const std::string short_model = dir / "short.bin";
    WriteText(short_model, bytes.substr(0, 200));
    const auto start = std::chrono::steady_clock::now();
    auto s = FastTextModel::Load(short_model);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().message().find("dictionary") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));

    for (size_t cut = 0; cut < bytes.size(); cut += (cut < 400 ? 1 : 97)) {
      INFO("cut at " << cut << " of " << bytes.size());
      CHECK_FALSE(CheckFastTextModelBytes(bytes.substr(0, cut), "m.bin").ok());
    }
    CHECK_FALSE(CheckFastTextModelBytes(bytes + "x", "m.bin").ok());  // trailing bytes
  }
}

TEST_CASE("fastText model check: corrupt header fields are refused", "[fasttext_model]") {
  TempDir dir;
  const std::string bytes = ReadText(TrainTinyModel(dir, "m", 2));
  REQUIRE(CheckFastTextModelBytes(bytes, "m.bin").ok());
  auto with_int = [&](size_t offset, int32_t value) {
    std::string b = bytes;
    std::memcpy(b.data() + offset, &value, sizeof value);
    return b;
  };
  auto message = [](const std::string& b) {
    auto r = CheckFastTextModelBytes(b, "m.bin");
    return r.ok() ? std::string("accepted") : r.status().message();
  };
  CHECK(message(with_int(0, 12345)).find("no fastText header") != std::string::npos);
  CHECK(message(with_int(4, 99)).find("version 99") != std::string::npos);
  CHECK(message(with_int(8, 0)).find("dim 0") != std::string::npos);                   // args.dim
  CHECK(message(with_int(8, 5)).find("columns") != std::string::npos);                 // dim != matrix
  CHECK(message(with_int(8 + 6 * 4, 9)).find("unknown loss") != std::string::npos);   // args.loss
  CHECK(message(with_int(8 + 8 * 4, 0)).find("bucket 0") != std::string::npos);       // n-grams, no bucket
  // A negative maxn is a huge one to fastText (size_t compare): with bucket 0 it
  // divided by zero (found by tests/fuzz/fasttext_model_fuzzer.cc).
  CHECK(message(with_int(8 + 10 * 4, -16777216)).find("maxn") != std::string::npos);
  CHECK(message(with_int(8 + 8 * 4, 65)).find("input matrix") != std::string::npos);  // rows != words + bucket
  const size_t dict = 8 + 12 * 4 + 8;
  CHECK(message(with_int(dict, 1 << 30)).find("inconsistent") != std::string::npos);          // size
  CHECK(message(with_int(dict + 8, 1 << 20)).find("inconsistent") != std::string::npos);      // nlabels
  CHECK(message(with_int(dict + 4, 0)).find("inconsistent") != std::string::npos);            // nwords
  CHECK(message(bytes.substr(0, 7)).find("header") != std::string::npos);
  CHECK(message("").find("no fastText header") != std::string::npos);
}

TEST_CASE("fastText model check: a quantized model passes, a cut one does not", "[fasttext_model]") {
  TempDir dir;
  // Quantizing needs at least 256 input rows (k-means with 256 centroids).
  const std::string path = TrainTinyModel(dir, "q", 2, 300);
  fasttext::FastText ft;
  ft.loadModel(path);
  fasttext::Args qa;
  qa.input = dir / "q.txt";
  qa.dsub = 2;
  qa.qnorm = true;
  qa.qout = false;  // a quantized output needs 256 labels
  qa.cutoff = 260;  // prunes the dictionary's n-grams: the pruned index is checked too
  qa.retrain = false;
  qa.verbose = 0;
  ft.quantize(qa);
  ft.saveModel(dir / "q.ftz");
  const std::string bytes = ReadText(dir / "q.ftz");
  auto info = CheckFastTextModelBytes(bytes, "q.ftz");
  REQUIRE(info.ok());
  CHECK(info->quantized);
  CHECK(FastTextModel::Load(dir / "q.ftz").ok());
  for (size_t cut = 0; cut < bytes.size(); cut += 13) CHECK_FALSE(CheckFastTextModelBytes(bytes.substr(0, cut), "q").ok());
}

TEST_CASE("fastText model check: a directory or a missing file says so", "[fasttext_model]") {
  TempDir dir;
  auto d = sluice::CheckFastTextModelFile(dir.path());
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().message().find("is a directory") != std::string::npos);
  auto m = sluice::CheckFastTextModelFile(dir / "missing.bin");
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message().find("no such file") != std::string::npos);
}

TEST_CASE("fastText model check: counts fastText's tree cannot take are refused (it loops on them)",
          "[fasttext_model]") {
  // Found by fasttext_model_fuzzer in CI: a hierarchical-softmax model with a
  // label count above 10^15 passed the check, and fastText's tree building then
  // grew memory without bound.
  const std::string bytes =
      ReadText(std::string(SLUICE_SOURCE_DIR) + "/tests/fuzz/corpus/fasttext_model_fuzzer/hs_unsorted_counts.bin");
  REQUIRE(bytes.size() > 100);
  auto checked = CheckFastTextModelBytes(bytes, "hs_unsorted_counts.bin");
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.status().message().find("at most 10^15") != std::string::npos);
}
