// Valid records that used to be lost as malformed (issue 19, item 7): a UTF-8
// byte order mark at the start of a file, lone surrogate escapes (which
// Python's json.dumps writes), repaired to U+FFFD like invalid UTF-8, and
// numbers a double or a 64-bit integer cannot hold, passed through as their text.
#include <catch2/catch.hpp>

#include "stages/io/record_reader.h"
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

// The value of field `key` of *doc as written out ("" when absent).
std::string FieldJson(const Document& doc, const std::string& key) {
  for (const auto& f : doc.fields) {
    if (f.key == key) return f.json;
  }
  return "";
}

TEST_CASE("numbers beyond 64 bits or a double's range are kept as their original text", "[reader][repair][numbers]") {
  struct Case {
    std::string value;     // the JSON value of field "n", as in the input
    std::string expected;  // as the document carries it
  };
  const std::vector<Case> cases = {
      {"18446744073709551616", "18446744073709551616"},   // 2^64
      {"18446744073709551615", "18446744073709551615"},   // 2^64 - 1: simdjson holds it
      {"-9223372036854775809", "-9223372036854775809"},   // below int64
      {"123456789012345678901234567890", "123456789012345678901234567890"},
      {"1e400", "1e400"},
      {"-1e400", "-1e400"},
      {"1E+400", "1E+400"},
      {"0.1e-400", "0.1e-400"},                           // underflows to 0 in a double
      {"-2.5e-999", "-2.5e-999"},
      {"0e-400", "0.0"},                                  // zero is zero: the usual rendering
      {"[1,1e400, 2]", "[1,1e400,2]"},                    // nested: original text, whitespace removed
      {"{\"a\": {\"b\": [18446744073709551616, \"x y\"]}}", "{\"a\":{\"b\":[18446744073709551616,\"x y\"]}}"},
      {"[\"1e400\", 0.5]", "[\"1e400\",0.5]"},        // a string that looks like a number stays a string
  };
  TempDir dir;
  std::string jsonl;
  for (size_t i = 0; i < cases.size(); ++i) {
    jsonl += "{\"id\":\"r" + std::to_string(i) + "\",\"text\":\"a\",\"n\":" + cases[i].value + ",\"after\":1e5}\n";
  }
  WriteText(dir / "n.jsonl", jsonl);
  Read r = ReadAll(dir / "n.jsonl");
  std::string why;
  for (const auto& m : r.malformed) why += std::to_string(m.line) + ": " + m.message + "\n";
  INFO(why);
  REQUIRE(r.malformed.empty());
  REQUIRE(r.docs.size() == cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].value);
    CHECK(r.docs[i].id == "r" + std::to_string(i));
    CHECK(r.docs[i].text == "a");
    CHECK(FieldJson(r.docs[i], "n") == cases[i].expected);
    CHECK(FieldJson(r.docs[i], "after") == "100000.0");  // fields without such a number: as before
  }
}

TEST_CASE("a big number as id is the id's text, as text it is the wrong type", "[reader][repair][numbers]") {
  TempDir dir;
  WriteText(dir / "n.jsonl",
            "{\"id\":18446744073709551616,\"text\":\"a\"}\n"
            "{\"text\":1e400}\n"
            "{\"text\":\"a\",\"n\":01}\n"          // not a JSON number at all
            "{\"text\":\"a\",\"n\":1e400,}\n"      // broken JSON beside a big number
            "{\"text\":\"a\",\"n\":-}\n");
  Read r = ReadAll(dir / "n.jsonl");
  REQUIRE(r.docs.size() == 1);
  CHECK(r.docs[0].id == "18446744073709551616");
  REQUIRE(r.malformed.size() == 4);
  CHECK(r.malformed[0].error == "text_not_string");
  CHECK(r.malformed[1].error == "invalid_json");
  CHECK(r.malformed[2].error == "invalid_json");
  CHECK(r.malformed[3].error == "invalid_json");
}

}  // namespace
}  // namespace sluice
