// ShowPath/ShowText: what a message prints of a path cannot drive the
// terminal (issue 19, item 15).
#include "stages/io/show_path.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <string>
#include <vector>

namespace sluice {
namespace {

TEST_CASE("ShowPath escapes control characters and bytes that are not UTF-8, nothing else", "[show_path]") {
  struct Case {
    std::string path, shown;
  };
  const std::vector<Case> cases = {
      {"data/a.jsonl", "data/a.jsonl"},
      {"données/日本語/Ελληνικά 😀.jsonl", "données/日本語/Ελληνικά 😀.jsonl"},
      {"a\x1b[31mred.jsonl", "a\\x1b[31mred.jsonl"},
      {"line\nbreak\ttab\r", "line\\x0abreak\\x09tab\\x0d"},
      {std::string("nul\0byte", 8), "nul\\x00byte"},
      {"del\x7f", "del\\x7f"},
      {"csi\xc2\x9b" "2J", "csi\\xc2\\x9b2J"},       // U+009B, the one-byte CSI in UTF-8
      {"latin1 caf\xe9", "latin1 caf\\xe9"},           // not UTF-8
      {"cut \xe6\x97", "cut \\xe6\\x97"},              // a truncated sequence
      {"surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80"},
      {"back\\slash", "back\\slash"},
  };
  for (const auto& c : cases) {
    INFO(c.shown);
    CHECK(ShowPath(c.path) == c.shown);
  }
  CHECK(ShowText("first line\n\tsecond \x1b[2J") == "first line\n\tsecond \\x1b[2J");
}

TEST_CASE("CannotOpenMessage names the path and the OS reason", "[show_path]") {
  CHECK(CannotOpenMessage("input", "a\x1b.jsonl", ENOENT) == "cannot open input 'a\\x1b.jsonl': No such file or directory");
  CHECK(CannotOpenMessage("", "/root/x", EACCES) == "cannot open '/root/x': Permission denied");
}

}  // namespace
}  // namespace sluice
