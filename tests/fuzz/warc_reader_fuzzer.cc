// libFuzzer target for the WARC reader: any bytes, read as a .warc file, end as
// documents (valid UTF-8 text, kept record valid JSON) or malformed records
// naming their byte offset; the reader never crashes nor reads past the caps.
#include <simdjson.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "stages/io/record_reader.h"
#include "stages/io/record_writer.h"
#include "stages/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  static const std::string path = "/tmp/sluice-warc-fuzz-" + std::to_string(getpid()) + ".warc";
  FILE* f = fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  ReaderOptions options;
  options.max_record_bytes = 1 << 16;
  const InputFile input = DescribeInput(path);
  simdjson::dom::parser parser;
  Status st = ReadRecords(
      input, 0, options,
      [&](Document& doc) {
        if (!IsValidUtf8(doc.text)) abort();
        std::string out;
        AppendKeptRecord(doc, true, &out);
        simdjson::dom::element root;
        if (parser.parse(out).get(root)) abort();
      },
      [&](const MalformedRecord& m) {
        if (m.message.rfind("WARC record at byte offset ", 0) != 0) abort();
      });
  (void)st;
  return 0;
}
