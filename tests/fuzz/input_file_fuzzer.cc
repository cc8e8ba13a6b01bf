// libFuzzer target for reading one input file the way `sluice run` does
// (DescribeInput, then ReadRecords through the byte stream): magic-byte
// sniffing of gzip/zstd under a plain name, the UTF-16 byte order mark
// decoder, line and paragraph splitting. Whatever the bytes, the read ends
// (maybe with an error message), every record is a Document with valid UTF-8
// text or a MalformedRecord with a line, and never a crash or a hang.
//
// The first byte picks the file's name (.jsonl, .txt by paragraph, no
// extension) and whether a UTF-16 mark (LE or BE) is put in front.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "stages/io/record_reader.h"
#include "stages/text/utf8.h"

namespace {

// One scratch directory per process: the reader opens inputs by path.
const std::string& ScratchDir() {
  static const std::string dir = [] {
    char name[] = "/tmp/sluice-input-fuzz-XXXXXX";
    if (mkdtemp(name) == nullptr) std::abort();
    return std::string(name);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  if (size == 0) return 0;
  const uint8_t how = data[0];
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  if ((how & 3) == 1) bytes.insert(0, "\xFF\xFE");
  if ((how & 3) == 2) bytes.insert(0, "\xFE\xFF");
  static const char* kNames[] = {"in.jsonl", "in.txt", "in"};
  const std::string path = ScratchDir() + "/" + kNames[(how >> 2) % 3];
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
  std::fclose(f);

  ReaderOptions options;
  options.max_record_bytes = 1 << 12;
  options.text_mode = (how & 0x20) ? TextMode::kParagraph : TextMode::kLine;
  const InputFile input = DescribeInput(path);
  uint64_t last_line = 0;
  Status s = ReadRecords(
      input, 0, options,
      [&](Document& d) {
        if (!IsValidUtf8(d.text) || d.line < last_line) std::abort();
        last_line = d.line;
      },
      [&](const MalformedRecord& m) {
        if (m.line == 0 || m.error.empty()) std::abort();
      });
  if (!s.ok() && s.message().empty()) std::abort();
  std::remove(path.c_str());
  return 0;
}
