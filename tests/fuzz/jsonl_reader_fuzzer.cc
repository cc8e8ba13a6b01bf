// libFuzzer target for the JSONL reader: every line either parses into a
// Document (valid UTF-8 text) or becomes a MalformedRecord, and the kept
// record written back out is always JSON that reads back to the same text.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "stages/io/record_reader.h"
#include "stages/io/record_writer.h"
#include "stages/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  InputFile input;
  input.path = "fuzz.jsonl";
  ReaderOptions options;
  options.max_record_bytes = 1 << 16;
  std::string_view all(reinterpret_cast<const char*>(data), size);
  uint64_t line = 0;
  while (!all.empty()) {
    size_t nl = all.find('\n');
    std::string_view piece = all.substr(0, nl);
    all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
    RawRecord raw;
    raw.line = ++line;
    raw.bytes.assign(piece);
    raw.full_size = piece.size();
    raw.too_large = piece.size() > options.max_record_bytes;
    Document doc;
    MalformedRecord malformed;
    int64_t repairs = 0;
    if (ParseRecord(input, 0, options, raw, &doc, &malformed, &repairs)) {
      if (!IsValidUtf8(doc.text)) abort();
      std::string out;
      AppendKeptRecord(doc, true, &out);
      // The kept record is JSON that reads back to the same text. Numbers beyond
      // simdjson's range are passed through as their original text (valid JSON,
      // which simdjson itself refuses), so the check reads it back with the
      // reader, which accepts them, and with simdjson when it can.
      RawRecord again;
      again.line = raw.line;
      again.bytes = out;
      while (!again.bytes.empty() && again.bytes.back() == '\n') again.bytes.pop_back();
      again.full_size = again.bytes.size();
      ReaderOptions big = options;
      big.max_record_bytes = uint64_t{1} << 30;
      Document back;
      MalformedRecord bad;
      int64_t more_repairs = 0;
      if (!ParseRecord(input, 0, big, again, &back, &bad, &more_repairs) || back.text != doc.text) abort();
      simdjson::dom::parser parser;
      simdjson::dom::element root;
      auto error = parser.parse(out).get(root);
      if (error == simdjson::NUMBER_ERROR) continue;  // read back above
      if (error) abort();
      std::string_view text;
      if (root["text"].get(text) || text != doc.text) abort();
    } else {
      if (malformed.error.empty() || !IsValidUtf8(malformed.raw)) abort();
      std::string out;
      AppendMalformedRecord(malformed, &out);
      simdjson::dom::parser parser;
      simdjson::dom::element root;
      if (parser.parse(out).get(root)) abort();
    }
  }
  return 0;
}
