// Small WARC files for the reader tests: records built by hand, text in other
// charsets through ICU, gzip members and zstd frames through zlib and zstd.
#pragma once

#include <unicode/ucnv.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <string>
#include <vector>

namespace sluice::testing {

// `utf8` converted to `charset` ("windows-1251", "GBK").
inline std::string EncodeAs(const std::string& utf8, const char* charset) {
  std::string out(utf8.size() * 4 + 16, '\0');
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                           static_cast<int32_t>(utf8.size()), &err);
  out.resize(U_SUCCESS(err) ? static_cast<size_t>(n) : 0);
  return out;
}

// One gzip member holding `data`.
inline std::string GzipMember(const std::string& data) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

inline std::string ZstdFrame(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

// A WARC/1.1 record: version line, headers, Content-Length bytes, CRLF CRLF.
inline std::string WarcRecord(const std::string& type, int id, const std::string& uri, const std::string& content_type,
                              const std::string& block, const std::string& extra_headers = "") {
  std::string r = "WARC/1.1\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: <urn:uuid:0000-" + std::to_string(id) +
                  ">\r\nWARC-Date: 2024-05-0" + std::to_string(id % 9 + 1) + "T10:00:00Z\r\n";
  if (!uri.empty()) r += "WARC-Target-URI: " + uri + "\r\n";
  r += extra_headers;
  r += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n";
  return r + block + "\r\n\r\n";
}

inline std::string HttpResponse(const std::string& status, const std::string& headers, const std::string& body) {
  return "HTTP/1.1 " + status + "\r\n" + headers + "\r\n" + body;
}

inline std::string Chunked(const std::string& body) {
  const size_t half = body.size() / 2;
  char a[32], b[32];
  snprintf(a, sizeof a, "%zx\r\n", half);
  snprintf(b, sizeof b, "%zx; ext=1\r\n", body.size() - half);
  return a + body.substr(0, half) + "\r\n" + b + body.substr(half) + "\r\n0\r\n\r\n";
}

// The records of the test crawl, in order, and what the tests expect of them.
struct TestCrawl {
  std::vector<std::string> records;
  size_t damaged = 0;    // index of the damaged record
  size_t truncated = 0;  // index of the truncated last record
  // Byte offset of record i in the uncompressed stream.
  uint64_t Offset(size_t i) const {
    uint64_t o = 0;
    for (size_t k = 0; k < i; ++k) o += records[k].size();
    return o;
  }
  std::string Plain() const {
    std::string s;
    for (const auto& r : records) s += r;
    return s;
  }
  // One gzip member per record; the truncated record's member cut in half.
  std::string Gzip() const {
    std::string s;
    for (size_t i = 0; i < records.size(); ++i) {
      std::string m = GzipMember(records[i]);
      if (i == truncated) m.resize(m.size() / 2);
      s += m;
    }
    return s;
  }
  std::string Zstd() const { return ZstdFrame(Plain()); }
};

inline const char* kHtmlType = "application/http; msgtype=response";

inline TestCrawl MakeTestCrawl() {
  TestCrawl c;
  auto& r = c.records;
  r.push_back(WarcRecord("warcinfo", 1, "", "application/warc-fields", "software: sluice-test\r\nformat: WARC/1.1\r\n"));
  r.push_back(WarcRecord("request", 2, "http://example.com/utf8", "application/http; msgtype=request",
                         "GET /utf8 HTTP/1.1\r\nHost: example.com\r\n\r\n"));
  const std::string utf8_page =
      "<html><head><title>Chunked page</title></head><body><p>Hello from a chunked page, caf\xC3\xA9.</p></body></html>";
  r.push_back(WarcRecord("response", 3, "http://example.com/utf8", kHtmlType,
                         HttpResponse("200 OK", "Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n",
                                      Chunked(utf8_page)),
                         "WARC-Payload-Digest: sha1:AAAAUTF8\r\n"));
  const std::string ru = "<html><body><p>Привет, мир! Съешь же ещё этих мягких французских булок.</p></body></html>";
  r.push_back(WarcRecord("response", 4, "http://example.ru/", kHtmlType,
                         HttpResponse("200 OK", "Content-Type: text/html; charset=windows-1251\r\n",
                                      EncodeAs(ru, "windows-1251")),
                         "WARC-Payload-Digest: sha1:BBBBRU\r\n"));
  const std::string zh =
      "<html><head><meta charset=\"gbk\"><title>中文</title></head><body><p>你好，世界。这是一个中文网页。</p></body></html>";
  r.push_back(WarcRecord("response", 5, "http://example.cn/", kHtmlType,
                         HttpResponse("200 OK", "Content-Type: text/html\r\n", EncodeAs(zh, "GBK"))));
  r.push_back(WarcRecord("response", 6, "http://example.com/missing", kHtmlType,
                         HttpResponse("404 Not Found", "Content-Type: text/html\r\n", "<p>not found</p>")));
  r.push_back(WarcRecord("response", 7, "http://example.com/old", kHtmlType,
                         HttpResponse("301 Moved Permanently", "Location: http://example.com/new\r\n", "")));
  r.push_back(WarcRecord("response", 8, "http://example.com/logo.png", kHtmlType,
                         HttpResponse("200 OK", "Content-Type: image/png\r\n", std::string("\x89PNG\r\n\x1a\n\0\0", 10))));
  r.push_back(WarcRecord("metadata", 9, "http://example.com/utf8", "application/warc-fields", "fetchTimeMs: 12\r\n"));
  const std::string gz_page = "<html><body><p>A page sent with gzip content encoding.</p></body></html>";
  r.push_back(WarcRecord("response", 10, "http://example.com/gz", kHtmlType,
                         HttpResponse("200 OK", "Content-Type: application/xhtml+xml\r\nContent-Encoding: gzip\r\n",
                                      GzipMember(gz_page))));
  r.push_back(WarcRecord("conversion", 11, "http://example.com/wet", "text/plain",
                         "Plain text of a converted page.\nSecond line.",
                         "WARC-Identified-Content-Language: eng\r\nWARC-Block-Digest: sha1:CCCCWET\r\n"));
  c.damaged = r.size();
  r.push_back("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:broken>\r\nContent-Length: many\r\n\r\n"
              "HTTP/1.1 200 OK\r\n\r\nlost\r\n\r\n");
  r.push_back(WarcRecord("response", 13, "http://example.com/after", kHtmlType,
                         HttpResponse("200 OK", "Content-Type: text/html\r\n", "<p>The record after the damage.</p>")));
  c.truncated = r.size();
  std::string last = WarcRecord("response", 14, "http://example.com/cut", kHtmlType,
                                HttpResponse("200 OK", "Content-Type: text/html\r\n", std::string(300, 'x')));
  last.resize(last.size() - 200);
  r.push_back(last);
  return c;
}

}  // namespace sluice::testing
