// Web archives as input: WARC/1.0 and 1.1 files (.warc, .warc.gz with one gzip
// member per record, .warc.zst), their WET form (conversion records, e.g.
// CommonCrawl's x.warc.wet.gz) and single HTML files.
//
// The WARC source (serial, one per input) frames records: the version line,
// headers up to the blank line, exactly Content-Length bytes, CRLF CRLF. For
// `response` records it reads the HTTP status line and headers; only HTTP 200
// responses with an HTML content type (text/html, application/xhtml+xml) and
// WET `conversion` records go on as raw records. Every other record (warcinfo,
// request, metadata, revisit, redirects, non-200, non-HTML, ...) becomes no
// document and is counted by kind (RecordSource::TakeSkippedRecords, written
// as stats.json "skipped_records"). A damaged record (bad version line,
// missing or wrong Content-Length, a header over 64 KiB, a truncated body or
// gzip member) becomes a malformed record whose line is the record's ordinal in
// the file and whose message gives its byte offset; reading goes on at the
// next line starting "WARC/1.".
//
// The raw records are an internal framing that WarcRecordToJson turns, in the
// parallel parse step, into the JSON object of the document (chunked transfer
// and gzip/deflate content encoding undone, the charset found and converted to
// UTF-8: stages/io/html_charset.h), which the JSONL parser then reads:
//   {"id": WARC-Record-ID, "url": WARC-Target-URI, "date": WARC-Date,
//    "digest": WARC-Payload-Digest, "content_type": "text/html", "charset": "windows-1251",
//    "content_language": WARC-Identified-Content-Language (WET, when present),
//    "source": {"file": path, "offset": byte offset of the record}, "text": ...}
// Offsets count bytes of the uncompressed WARC stream (for a plain .warc, the
// file offset). A record's "line" is its ordinal in the file (1-based, every
// record counted), so output order and ids are the same for any thread count.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "stages/io/byte_stream.h"
#include "stages/io/record_reader.h"

namespace sluice {

// Largest WARC or HTTP header block read (a longer one makes the record malformed).
inline constexpr size_t kMaxWarcHeaderBytes = 64 << 10;

std::unique_ptr<RecordSource> NewWarcRecordSource(std::unique_ptr<ByteStream> stream, const ReaderOptions& options);

// The document JSON of a raw record of a WARC source into *json, or false with
// *error (snake_case), *message and *excerpt (the damaged bytes, a prefix)
// filled. Thread-safe. U+FFFD repairs are added to *repairs.
bool WarcRecordToJson(const InputFile& input, std::string_view raw, uint64_t max_bytes, std::string* json,
                      std::string* error, std::string* message, std::string* excerpt, int64_t* repairs);

// The document JSON of an HTML file: {"id", "content_type": "text/html",
// "charset", "source": {"file", "offset": 0}, "text"} (no url). Thread-safe.
void HtmlFileToJson(const InputFile& input, const std::string& id, std::string_view bytes, std::string* json,
                    int64_t* repairs);

}  // namespace sluice
