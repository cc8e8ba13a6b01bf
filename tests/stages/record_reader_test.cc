#include "stages/io/record_reader.h"

#include <catch2/catch.hpp>

#include "stages/engine/input_slices.h"
#include "stages/io/byte_stream.h"
#include "stages/io/record_writer.h"
#include "stages/text/utf8.h"
#include "test_util.h"

using namespace sluice;
using sluice::testing::TempDir;
using sluice::testing::WriteText;

namespace {

struct ReadOutcome {
  std::vector<Document> docs;
  std::vector<MalformedRecord> malformed;
  Status status;
};

ReadOutcome ReadAll(const std::string& path, ReaderOptions options = {}) {
  ReadOutcome out;
  out.status = ReadRecords(
      DescribeInput(path), 0, options, [&](Document& d) { out.docs.push_back(d); },
      [&](const MalformedRecord& m) { out.malformed.push_back(m); });
  return out;
}

void WriteCompressed(const std::string& path, const std::string& content) {
  auto f = OutputFile::Create(path, DescribeInput(path).compression == Compression::kGzip ? OutputFormat::kJsonlGz
                                                                                         : OutputFormat::kJsonlZst);
  REQUIRE(f.ok());
  REQUIRE((*f)->Write(content).ok());
  REQUIRE((*f)->Commit().ok());
}

const char* kJsonl =
    "{\"id\":\"d1\",\"text\":\"first\",\"url\":\"http://x\"}\n"
    "{\"text\":\"second\",\"n\":2}\n";

}  // namespace

TEST_CASE("JSONL records keep every field and get ids", "[reader]") {
  TempDir dir;
  WriteText(dir / "a.jsonl", kJsonl);
  auto r = ReadAll(dir / "a.jsonl");
  REQUIRE(r.status.ok());
  REQUIRE(r.docs.size() == 2);
  CHECK(r.docs[0].id == "d1");
  CHECK(r.docs[0].id_from_input);
  CHECK(r.docs[0].text == "first");
  REQUIRE(r.docs[0].fields.size() == 3);
  CHECK(r.docs[0].fields[2].key == "url");
  CHECK(r.docs[0].fields[2].json == "\"http://x\"");
  CHECK(r.docs[1].id == "a.jsonl:2");
  CHECK_FALSE(r.docs[1].id_from_input);
  CHECK(r.docs[1].line == 2);
}

TEST_CASE("gzip and zstd inputs read like plain ones", "[reader]") {
  TempDir dir;
  for (const char* name : {"a.jsonl.gz", "a.jsonl.zst"}) {
    WriteCompressed(dir / name, kJsonl);
    auto r = ReadAll(dir / name);
    INFO(name);
    REQUIRE(r.status.ok());
    REQUIRE(r.docs.size() == 2);
    CHECK(r.docs[1].text == "second");
  }
}

TEST_CASE("truncated compressed inputs end with a clear error, keeping earlier records", "[reader]") {
  TempDir dir;
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "{\"text\":\"record number " + std::to_string(i * 7919 % 10007) + "\"}\n";
  for (const char* name : {"t.jsonl.gz", "t.jsonl.zst"}) {
    WriteCompressed(dir / name, big);
    std::string bytes = sluice::testing::ReadText(dir / name);
    WriteText(dir / name, bytes.substr(0, bytes.size() / 2));
    auto r = ReadAll(dir / name);
    INFO(name);
    CHECK_FALSE(r.status.ok());
    CHECK(r.status.message().find("truncated") != std::string::npos);
    CHECK(r.docs.size() > 100);
    CHECK(r.docs.size() < 20000);
  }
}

TEST_CASE("garbage in a .zst file is an error, not a crash", "[reader]") {
  TempDir dir;
  WriteText(dir / "g.jsonl.zst", "this is not zstd at all\n");
  auto r = ReadAll(dir / "g.jsonl.zst");
  CHECK_FALSE(r.status.ok());
  CHECK(r.docs.empty());
}

TEST_CASE("zstd data compressed with a dictionary is refused with what to do", "[reader][messages]") {
  TempDir dir;
  // A zstd frame whose header names dictionary 7 (single segment, content size 5, one raw
  // block "hello"): `zstd -d` says "Dictionary mismatch" without `-D`.
  WriteText(dir / "d.jsonl.zst", std::string("\x28\xb5\x2f\xfd\x21\x07\x05\x29\x00\x00", 10) + "hello");
  auto r = ReadAll(dir / "d.jsonl.zst");
  INFO(r.status.message());
  CHECK_FALSE(r.status.ok());
  CHECK(r.status.message().find("Dictionary mismatch") != std::string::npos);
  CHECK(r.status.message().find("zstd -d -D") != std::string::npos);
  CHECK(r.docs.empty());
}

TEST_CASE("bytes after the last gzip member are reported as trailing garbage", "[reader][messages]") {
  TempDir dir;
  WriteCompressed(dir / "t.jsonl.gz", kJsonl);
  WriteText(dir / "t.jsonl.gz", sluice::testing::ReadText(dir / "t.jsonl.gz") + "GARBAGE");
  auto r = ReadAll(dir / "t.jsonl.gz");
  INFO(r.status.message());
  CHECK_FALSE(r.status.ok());
  CHECK(r.status.message().find("after the end of gzip member 1") != std::string::npos);
  CHECK(r.docs.size() == 2);  // the records before it
  // A member that is itself broken says only that.
  std::string broken = sluice::testing::ReadText(dir / "t.jsonl.gz");
  broken[12] = static_cast<char>(broken[12] ^ 0x55);
  WriteText(dir / "b.jsonl.gz", broken);
  auto b = ReadAll(dir / "b.jsonl.gz");
  CHECK_FALSE(b.status.ok());
  CHECK(b.status.message().find("after the end of gzip member") == std::string::npos);
}

TEST_CASE("a plain file named .gz or .zst is not gzip or zstd data, said so", "[reader][messages]") {
  struct Case {
    std::string name, content, expected;
  };
  const std::vector<Case> cases = {
      {"a.jsonl.gz", kJsonl, "not gzip data"},
      {"b.jsonl.zst", kJsonl, "not zstd data"},
      {"c.jsonl.zstd", "x", "not zstd data"},  // shorter than the magic bytes
      {"d.txt.gz", "plain text\n", "not gzip data"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    WriteText(dir / c.name, c.content);
    auto r = ReadAll(dir / c.name);
    INFO(c.name << ": " << r.status.message());
    CHECK_FALSE(r.status.ok());
    CHECK(r.status.message().find(c.expected) != std::string::npos);
    CHECK(r.docs.empty());
  }
  // Empty files stay empty inputs, as before.
  WriteText(dir / "e.jsonl.gz", "");
  CHECK(ReadAll(dir / "e.jsonl.gz").status.ok());
}

TEST_CASE("gzip or zstd data under a plain name is read by its magic bytes", "[reader]") {
  TempDir dir;
  WriteCompressed(dir / "src.jsonl.gz", kJsonl);
  WriteCompressed(dir / "src.jsonl.zst", kJsonl);
  const std::string gz = sluice::testing::ReadText(dir / "src.jsonl.gz");
  const std::string zst = sluice::testing::ReadText(dir / "src.jsonl.zst");
  struct Case {
    std::string name, bytes;
    Compression expected;
  };
  const std::vector<Case> cases = {
      {"download.jsonl", gz, Compression::kGzip},
      {"download2.jsonl", zst, Compression::kZstd},
      {"data", zst, Compression::kZstd},  // no extension at all (named on the command line)
      // pzstd and seekable-format writers start with a skippable frame (magic 0x184D2A5?).
      {"skippable.jsonl", std::string("\x50\x2a\x4d\x18\x04\x00\x00\x00" "abcd", 12) + zst, Compression::kZstd},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    WriteText(dir / c.name, c.bytes);
    CHECK(SniffFileCompression(dir / c.name) == c.expected);
    CHECK_FALSE(IsSplittable(DescribeInput(dir / c.name), ReaderOptions()));  // read whole, decompressed
    auto r = ReadAll(dir / c.name);
    REQUIRE(r.status.ok());
    REQUIRE(r.docs.size() == 2);
    CHECK(r.docs[0].id == "d1");
    CHECK(r.docs[1].text == "second");
  }
  // Plain JSONL and text in any script stay plain, whatever their first bytes.
  for (const char* plain : {"{\"text\":\"x\"}\n", "(\u00b5 text\n", "PK plain\n", "\xef\xbb\xbf{\"text\":\"bom\"}\n",
                            "\xd0\x9f\xd1\x80\xd0\xb8\n", "\xe0\xa4\xb9\xe0\xa4\xbf\n", "ab\n", "x"}) {
    WriteText(dir / "p.jsonl", plain);
    INFO(plain);
    CHECK(SniffFileCompression(dir / "p.jsonl") == Compression::kNone);
  }
}

namespace {

// `utf8` (valid) as UTF-16 with a byte order mark.
std::string ToUtf16(const std::string& utf8, bool big_endian) {
  std::string out = big_endian ? "\xFE\xFF" : "\xFF\xFE";
  auto unit = [&](uint32_t u) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += big_endian ? std::string{hi, lo} : std::string{lo, hi};
  };
  for (size_t i = 0; i < utf8.size();) {
    const uint32_t cp = DecodeUtf8(utf8, &i);
    if (cp >= 0x10000) {
      unit(0xD800 + ((cp - 0x10000) >> 10));
      unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("UTF-16 with a byte order mark is read as UTF-8 (Windows PowerShell's `>`)", "[reader][utf8]") {
  // Several scripts and a character outside the BMP (a surrogate pair).
  const std::string jsonl =
      "{\"id\":\"en\",\"text\":\"Hello world\"}\r\n"
      "{\"id\":\"ru\",\"text\":\"Привет, мир\"}\r\n"
      "{\"id\":\"hi\",\"text\":\"नमस्ते दुनिया\"}\r\n"
      "{\"id\":\"zh\",\"text\":\"你好，世界 😀\"}\r\n"
      "{\"id\":\"ar\",\"text\":\"مرحبا بالعالم\"}\r\n";
  TempDir dir;
  for (bool big_endian : {false, true}) {
    INFO((big_endian ? "UTF-16BE" : "UTF-16LE"));
    WriteText(dir / "w.jsonl", ToUtf16(jsonl, big_endian));
    auto r = ReadAll(dir / "w.jsonl");
    REQUIRE(r.status.ok());
    CHECK(r.malformed.empty());
    REQUIRE(r.docs.size() == 5);
    CHECK(r.docs[0].id == "en");  // no byte order mark left in front of the first record
    CHECK(r.docs[1].text == "Привет, мир");
    CHECK(r.docs[2].text == "नमस्ते दुनिया");
    CHECK(r.docs[3].text == "你好，世界 😀");
    CHECK(r.docs[4].text == "مرحبا بالعالم");
    CHECK(r.docs[4].line == 5);
    // Read whole by every shard plan: a byte range from the middle has no mark.
    CHECK(StartsWithUtf16Bom(DescribeInput(dir / "w.jsonl")));
    CHECK_FALSE(IsSplittable(DescribeInput(dir / "w.jsonl"), ReaderOptions()));
    // The same inside gzip and zstd.
    WriteCompressed(dir / "w.jsonl.gz", ToUtf16(jsonl, big_endian));
    WriteCompressed(dir / "w.jsonl.zst", ToUtf16(jsonl, big_endian));
    for (const char* name : {"w.jsonl.gz", "w.jsonl.zst"}) {
      auto c = ReadAll(dir / name);
      INFO(name);
      REQUIRE(c.status.ok());
      REQUIRE(c.docs.size() == 5);
      CHECK(c.docs[3].text == "你好，世界 😀");
      CHECK(StartsWithUtf16Bom(DescribeInput(dir / name)));
    }
    // Text files too, by paragraph.
    ReaderOptions paragraphs;
    paragraphs.text_mode = TextMode::kParagraph;
    WriteText(dir / "w.txt", ToUtf16("Первый абзац.\n\nदूसरा अनुच्छेद।\n", big_endian));
    auto t = ReadAll(dir / "w.txt", paragraphs);
    REQUIRE(t.docs.size() == 2);
    CHECK(t.docs[0].text == "Первый абзац.");
    CHECK(t.docs[1].text == "दूसरा अनुच्छेद।");
  }
  // A lone surrogate and an odd last byte: one U+FFFD each, the record kept.
  std::string broken = ToUtf16("{\"text\":\"a?b\"}\n", false);
  const size_t q = broken.find('?');
  broken.replace(q, 2, "\x00\xD8", 2);  // a high surrogate followed by 'b', not by a low one
  broken += "x";                        // odd byte count
  WriteText(dir / "b.jsonl", broken);
  auto r = ReadAll(dir / "b.jsonl");
  REQUIRE(r.docs.size() == 1);
  CHECK(r.docs[0].text == "a\xEF\xBF\xBD" "b");
  REQUIRE(r.malformed.size() == 1);  // the odd byte alone on a last line: not JSON, reported
  CHECK(r.malformed[0].line == 2);
  // UTF-8 that merely looks similar is untouched: no mark, no decoding.
  WriteText(dir / "p.jsonl", "{\"text\":\"\xC3\xBF\xC3\xBE plain\"}\n");
  auto p = ReadAll(dir / "p.jsonl");
  REQUIRE(p.docs.size() == 1);
  CHECK(p.docs[0].text == "\xC3\xBF\xC3\xBE plain");
  CHECK_FALSE(StartsWithUtf16Bom(DescribeInput(dir / "p.jsonl")));
  CHECK(IsSplittable(DescribeInput(dir / "p.jsonl"), ReaderOptions()));
}

TEST_CASE("malformed JSONL lines are reported with line and reason", "[reader]") {
  struct Case {
    std::string line;
    std::string error;
  };
  std::vector<Case> cases = {
      {"not json", "invalid_json"},
      {"{\"text\": \"unterminated}", "invalid_json"},
      {"[1, 2, 3]", "not_an_object"},
      {"\"just a string\"", "not_an_object"},
      {"{\"body\": \"no text key\"}", "missing_text"},
      {"{\"text\": 42}", "text_not_string"},
      {"{\"text\": null}", "text_not_string"},
      {"{\"text\": [\"a\"]}", "text_not_string"},
  };
  TempDir dir;
  std::string content = "{\"text\":\"ok\"}\n";
  for (const auto& c : cases) content += c.line + "\n";
  WriteText(dir / "m.jsonl", content);
  auto r = ReadAll(dir / "m.jsonl");
  REQUIRE(r.docs.size() == 1);
  REQUIRE(r.malformed.size() == cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].line);
    CHECK(r.malformed[i].error == cases[i].error);
    CHECK(r.malformed[i].line == i + 2);
    CHECK(r.malformed[i].raw == cases[i].line);
    CHECK(r.malformed[i].path == dir / "m.jsonl");
  }
}

TEST_CASE("invalid UTF-8 is repaired with U+FFFD, in JSON and in text", "[reader]") {
  TempDir dir;
  WriteText(dir / "u.jsonl", "{\"text\":\"caf\xE9 \xF0\x9F\x98 ok\"}\n");
  auto r = ReadAll(dir / "u.jsonl");
  REQUIRE(r.docs.size() == 1);
  CHECK(r.docs[0].text == "caf\xEF\xBF\xBD \xEF\xBF\xBD ok");
  WriteText(dir / "u.txt", "bad \xC3\x28 byte");
  r = ReadAll(dir / "u.txt");
  REQUIRE(r.docs.size() == 1);
  CHECK(IsValidUtf8(r.docs[0].text));
  CHECK(r.docs[0].text == "bad \xEF\xBF\xBD( byte");
}

TEST_CASE("UTF-8 repair replaces maximal invalid subparts", "[reader][utf8]") {
  struct Case {
    std::string in, out;
    int64_t repairs;
  };
  std::vector<Case> cases = {
      {"plain", "plain", 0},
      {"\x80", "\xEF\xBF\xBD", 1},
      {"a\xE4\xB8z", "a\xEF\xBF\xBDz", 1},                  // truncated 3-byte sequence: one U+FFFD
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3},  // surrogate: each byte
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD", 2},          // overlong
      {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 4},  // > U+10FFFF
      {"中文\xFF", "中文\xEF\xBF\xBD", 1},
  };
  for (const auto& c : cases) {
    std::string s = c.in;
    CHECK(RepairUtf8(&s) == c.repairs);
    CHECK(s == c.out);
    CHECK(IsValidUtf8(s));
  }
}

TEST_CASE("records over max_record_bytes are malformed, never held whole", "[reader]") {
  TempDir dir;
  std::string huge = "{\"text\":\"" + std::string(3 << 20, 'x') + "\"}";
  WriteText(dir / "h.jsonl", "{\"text\":\"small\"}\n" + huge + "\n{\"text\":\"after\"}\n");
  ReaderOptions options;
  options.max_record_bytes = 1 << 20;
  auto r = ReadAll(dir / "h.jsonl", options);
  REQUIRE(r.docs.size() == 2);
  CHECK(r.docs[1].text == "after");
  REQUIRE(r.malformed.size() == 1);
  CHECK(r.malformed[0].error == "record_too_large");
  CHECK(r.malformed[0].line == 2);
  CHECK(r.malformed[0].raw.size() <= 4096);
  CHECK(r.malformed[0].message.find("max_record_bytes") != std::string::npos);
}

TEST_CASE("plain text inputs split by file, line or paragraph", "[reader]") {
  TempDir dir;
  WriteText(dir / "t.txt", "para one\nstill one\n\n\npara two\r\n\nthree\n");
  auto r = ReadAll(dir / "t.txt");
  REQUIRE(r.docs.size() == 1);
  CHECK(r.docs[0].id == "t.txt");
  ReaderOptions options;
  options.text_mode = TextMode::kLine;
  r = ReadAll(dir / "t.txt", options);
  REQUIRE(r.docs.size() == 4);
  CHECK(r.docs[2].text == "para two");
  CHECK(r.docs[2].line == 5);
  options.text_mode = TextMode::kParagraph;
  r = ReadAll(dir / "t.txt", options);
  REQUIRE(r.docs.size() == 3);
  CHECK(r.docs[0].text == "para one\nstill one");
  CHECK(r.docs[1].line == 5);
  CHECK(r.docs[2].text == "three");
}

TEST_CASE("ExpandInputs walks directories and globs in sorted order", "[reader]") {
  TempDir dir;
  WriteText(dir / "b/2.jsonl", kJsonl);
  WriteText(dir / "b/1.jsonl.zst", "");
  WriteText(dir / "b/notes.bin", "ignored");
  WriteText(dir / "b/.hidden/x.jsonl", kJsonl);
  WriteText(dir / "a.txt", "text");
  auto all = ExpandInputs({dir.path()});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].path == dir / "a.txt");
  CHECK((*all)[0].format == InputFormat::kText);
  CHECK((*all)[1].path == dir / "b/1.jsonl.zst");
  CHECK((*all)[1].compression == Compression::kZstd);
  auto globbed = ExpandInputs({dir / "b/*.jsonl*"});
  REQUIRE(globbed.ok());
  CHECK(globbed->size() == 2);
  auto missing = ExpandInputs({dir / "nope.jsonl"});
  CHECK_FALSE(missing.ok());
  CHECK(missing.status().message().find("nope.jsonl") != std::string::npos);
  CHECK_FALSE(ExpandInputs({dir / "*.none"}).ok());
}

TEST_CASE("ExpandInputs lists a file named twice once, under its first name, and reports it", "[reader][inputs]") {
  TempDir dir;
  WriteText(dir / "in/a.jsonl", kJsonl);
  WriteText(dir / "in/b.jsonl", kJsonl);
  std::filesystem::create_symlink(dir / "in/a.jsonl", dir / "link.jsonl");
  std::filesystem::create_hard_link(dir / "in/b.jsonl", dir / "hard.jsonl");
  struct InDir {  // relative names below dir, the old working directory back at the end
    std::filesystem::path old = std::filesystem::current_path();
    explicit InDir(const std::string& d) { std::filesystem::current_path(d); }
    ~InDir() { std::filesystem::current_path(old); }
  } in_dir(dir.path());
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> expected;                           // listed, sorted
    std::vector<std::pair<std::string, std::string>> duplicates;  // (later name, kept name)
  };
  const std::vector<Case> cases = {
      {{"in/a.jsonl", dir / "in/a.jsonl"}, {"in/a.jsonl"}, {{dir / "in/a.jsonl", "in/a.jsonl"}}},
      {{"./in/a.jsonl", "in/a.jsonl"}, {"./in/a.jsonl"}, {{"in/a.jsonl", "./in/a.jsonl"}}},
      {{"in/a.jsonl", "in/a.jsonl"}, {"in/a.jsonl"}, {{"in/a.jsonl", "in/a.jsonl"}}},
      {{"in", "in/b.jsonl"}, {"in/a.jsonl", "in/b.jsonl"}, {{"in/b.jsonl", "in/b.jsonl"}}},
      {{"in/b.jsonl", "in"}, {"in/a.jsonl", "in/b.jsonl"}, {{"in/b.jsonl", "in/b.jsonl"}}},
      {{"link.jsonl", "in/a.jsonl"}, {"link.jsonl"}, {{"in/a.jsonl", "link.jsonl"}}},
      {{"in/*.jsonl", "in/a.jsonl"}, {"in/a.jsonl", "in/b.jsonl"}, {{"in/a.jsonl", "in/a.jsonl"}}},
      {{"in/b.jsonl", "hard.jsonl"}, {"in/b.jsonl"}, {{"hard.jsonl", "in/b.jsonl"}}},
      {{"in/a.jsonl", "in/b.jsonl"}, {"in/a.jsonl", "in/b.jsonl"}, {}},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    const Case& k = cases[c];
    INFO(k.args[0] << " + " << k.args[1]);
    ExpandReport report;
    auto listed = ExpandInputs(k.args, &report);
    REQUIRE(listed.ok());
    std::vector<std::string> paths;
    for (const auto& f : *listed) paths.push_back(f.path);
    CHECK(paths == k.expected);
    CHECK(report.duplicates == k.duplicates);
    CHECK(report.total_skipped() == static_cast<int64_t>(k.duplicates.size()));
    if (!k.duplicates.empty()) CHECK(report.Summary().find("read once") != std::string::npos);
  }
}
