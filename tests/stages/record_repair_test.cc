// Valid records that used to be lost as malformed (issue 19, item 7): a UTF-8
// byte order mark at the start of a file, and lone surrogate escapes (which
// Python's json.dumps writes), repaired to U+FFFD like invalid UTF-8.
#include <catch2/catch.hpp>

#include "stages/record_reader.h"
#include "test_util.h"

namespace sluice {
namespace {

using testing::TempDir;
using testing::WriteText;

struct Read {
  std::vector<Document> docs;
  std::vector<MalformedRecord> malformed;
};

Read ReadAll(const std::string& path) {
  Read r;
  auto input = DescribeInput(path);
  REQUIRE(ReadRecords(input, 0, ReaderOptions(), [&](Document& d) { r.docs.push_back(d); },
                      [&](const MalformedRecord& m) { r.malformed.push_back(m); })
              .ok());
  return r;
}

TEST_CASE("a byte order mark at the start of a JSONL or text file is not part of record 1", "[reader][repair]") {
  TempDir dir;
  WriteText(dir / "bom.jsonl", "\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"Grüße aus Köln\"}\n{\"id\":\"b\",\"text\":\"zwei\"}\n");
  Read r = ReadAll(dir / "bom.jsonl");
  REQUIRE(r.malformed.empty());
  REQUIRE(r.docs.size() == 2);
  CHECK(r.docs[0].id == "a");
  CHECK(r.docs[0].text == "Grüße aus Köln");
  WriteText(dir / "bom.txt", "\xEF\xBB\xBFПривет, мир.\n");
  Read t = ReadAll(dir / "bom.txt");
  REQUIRE(t.docs.size() == 1);
  CHECK(t.docs[0].text == "Привет, мир.\n");
}

TEST_CASE("lone surrogate escapes become U+FFFD, pairs and escaped backslashes stay", "[reader][repair]") {
  TempDir dir;
  WriteText(dir / "s.jsonl",
            "{\"id\":\"lone-high\",\"text\":\"a\\ud800b\"}\n"
            "{\"id\":\"lone-low\",\"text\":\"\\udc00 end\"}\n"
            "{\"id\":\"pair\",\"text\":\"smile \\ud83d\\ude00\"}\n"
            "{\"id\":\"high-high\",\"text\":\"\\ud83d\\ud83d\\ude00\"}\n"
            "{\"id\":\"literal\",\"text\":\"C:\\\\ud800 path\"}\n"
            "{\"id\":\"meta\",\"text\":\"ok\",\"note\":\"\\udfff\"}\n");
  Read r = ReadAll(dir / "s.jsonl");
  REQUIRE(r.malformed.empty());
  REQUIRE(r.docs.size() == 6);
  CHECK(r.docs[0].text == "a\xEF\xBF\xBD" "b");
  CHECK(r.docs[1].text == "\xEF\xBF\xBD end");
  CHECK(r.docs[2].text == "smile \xF0\x9F\x98\x80");
  CHECK(r.docs[3].text == "\xEF\xBF\xBD\xF0\x9F\x98\x80");
  CHECK(r.docs[4].text == "C:\\ud800 path");
  REQUIRE(r.docs[5].fields.size() == 3);
  CHECK(r.docs[5].fields[2].json == "\"\xEF\xBF\xBD\"");
  // Still malformed: JSON that is broken in other ways.
  WriteText(dir / "bad.jsonl", "{\"text\":\"\\ud800\" oops}\n");
  CHECK(ReadAll(dir / "bad.jsonl").malformed.size() == 1);
}

}  // namespace
}  // namespace sluice
