// The engine's buffer reuse and background compression must not change a byte:
// RawBatch parsing against RawRecord parsing, Document::Clear against a new
// Document, ChunkedWriter::WriteRecords against WriteFrame(CompressFrame(...)),
// and the SSE2 fast paths against byte-at-a-time references.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "stages/engine/batch_buffers.h"
#include "stages/engine/large_memory.h"
#include "stages/io/json_writer.h"
#include "stages/io/record_reader.h"
#include "stages/io/record_writer.h"
#include "stages/text/utf8.h"
#include "test_util.h"

namespace {

using sluice::Document;

std::vector<std::string> SampleLines() {
  return {
      R"({"id":"a","text":"hello\nworld","url":"https://x.org/\"q\"","n":1.50,"m":{"k":[1,true,null]}})",
      R"({"text":"no id \u0001 \\ \t","lang":"en"})",
      R"({"text": "broken)",
      R"([1,2,3])",
      R"({"id":5,"text":7})",
      R"({"id":5,"other":"x"})",
      "{\"text\":\"bad utf8 \xff\xfe here\",\"id\":\"u\"}",
      R"({"text":"x","a":tru)",
      R"({"text":"dup1","text":"dup2","id":"d","id":"e"})",
      R"({"id":{"nested":[1,2]},"text":"object id"})",
  };
}

std::string Describe(bool ok, const Document& d, const sluice::MalformedRecord& m) {
  if (!ok) return "malformed " + m.error + "|" + m.message + "|" + m.raw + "|" + std::to_string(m.line);
  std::string out;
  sluice::AppendKeptRecord(d, false, &out);
  return out + "|" + std::to_string(d.line) + "|" + std::to_string(d.id_from_input);
}

}  // namespace

TEST_CASE("RawBatch records parse exactly as RawRecords, into reused documents", "[batch_buffers]") {
  sluice::InputFile in;
  in.path = "dir/in.jsonl";
  sluice::ReaderOptions options;
  auto lines = SampleLines();
  sluice::RawBatch batch;
  for (size_t i = 0; i < lines.size(); ++i) {
    sluice::RawBatch::Record r;
    r.offset = batch.bytes.size();
    r.size = lines[i].size();
    r.line = i + 1;
    r.full_size = r.size;
    batch.bytes += lines[i];
    batch.bytes.append(sluice::RawBatch::kPadding, ' ');
    batch.records.push_back(r);
  }
  Document reused;  // one document for every record, as the engine does
  for (size_t i = 0; i < lines.size(); ++i) {
    sluice::RawRecord raw;
    raw.bytes = lines[i];
    raw.line = i + 1;
    raw.full_size = raw.bytes.size();
    Document fresh;
    sluice::MalformedRecord m1, m2;
    int64_t rep1 = 0, rep2 = 0;
    bool ok1 = sluice::ParseRecord(in, 0, options, raw, &fresh, &m1, &rep1);
    bool ok2 = sluice::ParseRecord(in, 0, options, batch, i, &reused, &m2, &rep2);
    CHECK(ok1 == ok2);
    CHECK(rep1 == rep2);
    CHECK(Describe(ok1, fresh, m1) == Describe(ok2, reused, m2));
  }
}

TEST_CASE("Document::Clear leaves a document equal to a new one", "[batch_buffers]") {
  Document d;
  d.id = "x";
  d.id_from_input = true;
  d.text = "some text";
  d.input_index = 3;
  d.line = 9;
  d.fields.push_back({"k", "\"v\""});
  d.Annotate("language", "en");
  d.AddSignal("s", 1.5);
  d.AddTag("t");
  d.route = "en";
  d.dropped = true;
  d.drop_stage = "st";
  d.drop_reason = "r";
  d.drop_detail = "dt";
  d.all_reasons = {"r"};
  d.ScratchFor(&d) = "bin";
  d.Clear();
  Document fresh;
  CHECK(d.id == fresh.id);
  CHECK(d.id_from_input == fresh.id_from_input);
  CHECK(d.text.empty());
  CHECK(d.input_index == 0);
  CHECK(d.line == 0);
  CHECK(d.fields.empty());
  CHECK(d.annotations.empty());
  CHECK(d.signals.empty());
  CHECK(d.tags.empty());
  CHECK(d.route.empty());
  CHECK(!d.dropped);
  CHECK(d.drop_stage.empty());
  CHECK(d.drop_reason.empty());
  CHECK(d.drop_detail.empty());
  CHECK(d.all_reasons.empty());
  CHECK(d.scratch.empty());
}

TEST_CASE("ChunkedWriter::WriteRecords writes the bytes of WriteFrame(CompressFrame)", "[batch_buffers]") {
  sluice::testing::TempDir tmp;
  std::mt19937 rng(7);
  std::vector<std::string> batches;
  for (int b = 0; b < 40; ++b) {
    std::string s;
    int n = 1 + static_cast<int>(rng() % 300);
    for (int i = 0; i < n; ++i) s += "{\"text\":\"record " + std::to_string(rng()) + " of batch " + std::to_string(b) + "\"}\n";
    batches.push_back(s);
  }
  for (auto format : {sluice::OutputFormat::kJsonlZst, sluice::OutputFormat::kJsonlGz, sluice::OutputFormat::kJsonl}) {
    for (int threads : {0, 1, 3}) {
      std::string a = tmp / "a", b = tmp / "b";
      std::filesystem::remove_all(a);
      std::filesystem::remove_all(b);
      sluice::ChunkedWriter sync(a, "part", format, 20000);
      sluice::ChunkedWriter async(b, "part", format, 20000, threads);
      for (const auto& s : batches) {
        REQUIRE(sync.WriteFrame(sluice::CompressFrame(format, s), s.size(), 1).ok());
        std::string copy = s;
        REQUIRE(async.WriteRecords(std::move(copy), 1).ok());
      }
      REQUIRE(sync.Close().ok());
      REQUIRE(async.Close().ok());
      REQUIRE(sync.committed().size() == async.committed().size());
      REQUIRE(sync.committed().size() > 1);
      for (size_t i = 0; i < sync.committed().size(); ++i) {
        CHECK(std::filesystem::path(sync.committed()[i]).filename() == std::filesystem::path(async.committed()[i]).filename());
        CHECK(sluice::testing::ReadText(sync.committed()[i]) == sluice::testing::ReadText(async.committed()[i]));
      }
    }
  }
}

TEST_CASE("SSE2 fast paths: AppendJsonString and CountCodePoints match byte-at-a-time references", "[batch_buffers]") {
  std::mt19937 rng(11);
  const char* pieces[] = {"a", "\xC3\xA9", "\xE4\xB8\xAD", "\n", "\"", "\\", "\x01", "\x1F", "\x7F", " ", "\xF0\x9F\x98\x80"};
  for (int t = 0; t < 2000; ++t) {
    std::string s;
    int n = static_cast<int>(rng() % 80);
    for (int i = 0; i < n; ++i) s += pieces[rng() % (sizeof pieces / sizeof *pieces)];
    std::string expect = "\"";
    for (unsigned char c : s) {
      switch (c) {
        case '"': expect += "\\\""; break;
        case '\\': expect += "\\\\"; break;
        case '\n': expect += "\\n"; break;
        case '\r': expect += "\\r"; break;
        case '\t': expect += "\\t"; break;
        case '\b': expect += "\\b"; break;
        case '\f': expect += "\\f"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            snprintf(buf, sizeof buf, "\\u%04x", c);
            expect += buf;
          } else {
            expect += static_cast<char>(c);
          }
      }
    }
    expect += "\"";
    CHECK(sluice::JsonString(s) == expect);
    size_t cps = 0;
    for (unsigned char c : s) cps += (c & 0xC0) != 0x80;
    CHECK(sluice::CountCodePoints(s) == cps);
  }
}

TEST_CASE("PrepareLargeRegion keeps contents, at any alignment and size", "[batch_buffers]") {
  // A hint to the kernel only: whatever it does (huge pages, populating), the
  // bytes written before stay as they are, including partial pages at the ends.
  for (size_t bytes : {size_t{0}, size_t{100}, sluice::kLargeRegionBytes - 1, sluice::kLargeRegionBytes, size_t{3} << 20,
                       (size_t{5} << 20) + 123}) {
    for (size_t offset : {size_t{0}, size_t{1}, size_t{4095}}) {
      std::vector<unsigned char> buf(bytes + offset + 1);
      for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<unsigned char>((i * 131) ^ (i >> 12));
      std::vector<unsigned char> before = buf;
      sluice::PrepareLargeRegion(buf.data() + offset, bytes);
      CHECK(buf == before);
    }
  }
  sluice::PrepareLargeRegion(nullptr, size_t{4} << 20);  // no-op
}
