#include "stages/io/json_writer.h"

#include <catch2/catch.hpp>

#include "stages/text/utf8.h"

using namespace sluice;

TEST_CASE("JSON strings escape exactly what JSON requires", "[json]") {
  struct Case {
    std::string in, out;
  };
  std::vector<Case> cases = {
      {"", "\"\""},
      {"plain ascii text that is longer than eight bytes", "\"plain ascii text that is longer than eight bytes\""},
      {"quote\" back\\slash", "\"quote\\\" back\\\\slash\""},
      {"line\nbreak\ttab\rcr", "\"line\\nbreak\\ttab\\rcr\""},
      {std::string("nul\0byte", 8), "\"nul\\u0000byte\""},
      {"\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\""},
      {"中文，标点。</script>", "\"中文，标点。</script>\""},
      {"12345678\"12345678\\", "\"12345678\\\"12345678\\\\\""},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    CHECK(JsonString(c.in) == c.out);
  }
}

TEST_CASE("JSON numbers are shortest round-trip and never NaN", "[json]") {
  CHECK(JsonNumber(0.25) == "0.25");
  CHECK(JsonNumber(-0.0) == "0");
  CHECK(JsonNumber(1e-7) == "1e-07");
  CHECK(JsonNumber(3) == "3");
  CHECK(JsonNumber(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(JsonNumber(std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("JsonBuilder inserts commas", "[json]") {
  JsonBuilder b;
  b.BeginObject().Key("a").Int(1).Key("b").BeginArray().Int(2).String("x").EndArray().Key("c").Null().EndObject();
  CHECK(b.str() == "{\"a\":1,\"b\":[2,\"x\"],\"c\":null}");
}

TEST_CASE("CountCodePoints counts UTF-8 code points", "[json][utf8]") {
  CHECK(CountCodePoints("") == 0);
  CHECK(CountCodePoints("abcdefghij") == 10);
  CHECK(CountCodePoints("中文字符测试一二三") == 9);
  CHECK(CountCodePoints("a😀b中") == 4);
}
