#include "stages/io/warc_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>
#include <vector>

#include "stages/io/html_charset.h"
#include "stages/io/json_writer.h"
#include "stages/text/utf8.h"

namespace sluice {

namespace {

constexpr size_t kReadChunk = 1 << 20;
constexpr size_t kExcerptBytes = 4096;
constexpr std::string_view kRecordStart = "WARC/1.";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Header lines "Name: value" (continuations folded in), names lower-cased.
using Headers = std::vector<std::pair<std::string, std::string>>;

std::string_view Get(const Headers& h, std::string_view name) {
  for (const auto& [k, v] : h) {
    if (k == name) return v;
  }
  return {};
}

// Parses the header block `block` (without its status/version line) into *h.
void ParseHeaderLines(std::string_view block, Headers* h) {
  while (!block.empty()) {
    size_t nl = block.find('\n');
    std::string_view line = block.substr(0, nl);
    block = nl == std::string_view::npos ? std::string_view() : block.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if ((line[0] == ' ' || line[0] == '\t') && !h->empty()) {
      h->back().second += ' ';
      h->back().second += TrimSpace(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    h->emplace_back(Lower(TrimSpace(line.substr(0, colon))), std::string(TrimSpace(line.substr(colon + 1))));
  }
}

// The end of the header block that starts at s[0]: the index just past its
// blank line, with *block_end at the blank line; npos when there is none in `s`.
size_t HeaderEnd(std::string_view s, size_t* block_end) {
  size_t i = 0;
  while (i < s.size()) {
    size_t nl = s.find('\n', i);
    if (nl == std::string_view::npos) return std::string_view::npos;
    std::string_view line = s.substr(i, nl - i);
    if (line.empty() || line == "\r") {
      *block_end = i;
      return nl + 1;
    }
    i = nl + 1;
  }
  return std::string_view::npos;
}

bool ParseUint(std::string_view s, uint64_t* v) {
  s = TrimSpace(s);
  if (s.empty() || s.size() > 18) return false;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  *v = n;
  return true;
}

// The media type of a Content-Type value, lower case: "Text/HTML; charset=x" -> "text/html".
std::string MediaType(std::string_view content_type) {
  return Lower(TrimSpace(content_type.substr(0, content_type.find(';'))));
}

bool IsHtmlType(std::string_view media) { return media == "text/html" || media == "application/xhtml+xml"; }

// A skipped record's kind as a stats key: lower case letters, digits, '_' and '-'.
std::string KindName(std::string_view type) {
  std::string k = Lower(TrimSpace(type));
  if (k.empty()) return "no_type";
  if (k.size() > 32) return "other";
  for (char c : k) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return "other";
  }
  return k;
}

// The framing of raw records between the source and WarcRecordToJson.
constexpr char kDocumentTag = 'D';
constexpr char kMalformedTag = 'M';

void PutField(std::string* out, std::string_view key, std::string_view value) {
  out->append(key);
  out->push_back('\t');
  for (char c : value) out->push_back(c == '\n' || c == '\r' ? ' ' : c);
  out->push_back('\n');
}

class WarcRecordSource : public RecordSource {
 public:
  WarcRecordSource(std::unique_ptr<ByteStream> stream, const ReaderOptions& options)
      : stream_(std::move(stream)), max_bytes_(options.max_record_bytes) {}

  bool Next(RawRecord* r) override {
    r->too_large = false;
    r->full_size = 0;
    while (!done_) {
      // Blank lines between records (the CRLF CRLF after each) are not records.
      while (true) {
        if (Ensure(1) == 0) return End();
        const char c = buf_[pos_];
        if (c != '\r' && c != '\n') break;
        ++pos_;
      }
      const uint64_t offset = Offset();
      r->line = ++ordinal_;
      const size_t avail = Ensure(kMaxWarcHeaderBytes + 2);
      std::string_view view(buf_.data() + pos_, std::min(avail, kMaxWarcHeaderBytes + 2));
      if (view.substr(0, kRecordStart.size()) != kRecordStart) {
        Malformed(r, "warc_bad_version", offset,
                  "no WARC/1.0 or WARC/1.1 version line where a record starts (the bytes up to the next record are "
                  "skipped)",
                  view);
        Resync(pos_ + 1);
        return true;
      }
      size_t block_end = 0;
      const size_t header_len = HeaderEnd(view, &block_end);
      if (header_len == std::string_view::npos) {
        if (avail < kMaxWarcHeaderBytes) {
          Malformed(r, "warc_truncated", offset, "the file ends inside the record's header" + StreamNote(), view);
          Consume(avail);
          truncation_reported_ = true;
          return true;
        }
        Malformed(r, "warc_header_too_large", offset,
                  "record header longer than " + std::to_string(kMaxWarcHeaderBytes) + " bytes", view);
        Resync(pos_ + 1);
        return true;
      }
      const size_t version_end = view.find('\n');
      Headers h;
      ParseHeaderLines(view.substr(version_end + 1, block_end - version_end - 1), &h);
      uint64_t length = 0;
      if (!ParseUint(Get(h, "content-length"), &length)) {
        Malformed(r, "warc_bad_content_length",
                  offset, Get(h, "content-length").empty() ? "record without a Content-Length header"
                                                           : "invalid Content-Length '" +
                                                                 std::string(Get(h, "content-length")) + "'",
                  view.substr(0, header_len));
        Resync(pos_ + 1);
        return true;
      }
      if (length > max_bytes_) {
        const std::string head(view.substr(0, header_len));
        Consume(header_len);
        const uint64_t skipped = Discard(length);
        if (skipped < length) {
          Malformed(r, "warc_truncated", offset, TruncatedMessage(length, skipped), head);
          truncation_reported_ = true;
          return true;
        }
        Malformed(r, "record_too_large", offset,
                  "record body of " + std::to_string(length) + " bytes exceeds max_record_bytes (" +
                      std::to_string(max_bytes_) + "); raise input.max_record_bytes to accept it",
                  head);
        r->full_size = length;
        return true;
      }
      const size_t need = header_len + static_cast<size_t>(length);
      const size_t have = Ensure(need + 4);
      if (have < need) {
        std::string_view all(buf_.data() + pos_, have);
        Malformed(r, "warc_truncated", offset, TruncatedMessage(length, have - header_len), all);
        Consume(have);
        truncation_reported_ = true;
        return true;
      }
      // After the block: CRLF CRLF (or what is left of it at the end, or the next record right away).
      std::string_view after(buf_.data() + pos_ + need, std::min<size_t>(have - need, 4));
      bool ends_well = true;
      for (char c : after) ends_well = ends_well && (c == '\r' || c == '\n');
      if (!ends_well && std::string_view(buf_.data() + pos_ + need, have - need).substr(0, kRecordStart.size()) !=
                            kRecordStart) {
        Malformed(r, "warc_bad_content_length", offset,
                  "Content-Length " + std::to_string(length) +
                      " does not end where the record does (no CRLF CRLF after the block)",
                  std::string_view(buf_.data() + pos_, need));
        Resync(pos_ + header_len);
        return true;
      }
      std::string_view block(buf_.data() + pos_ + header_len, static_cast<size_t>(length));
      const bool document = Classify(h, block, offset, r);
      Consume(need);
      if (document) return true;
    }
    return false;
  }

  uint64_t bytes_consumed() const override { return stream_->raw_bytes(); }
  uint64_t blank_lines() const override { return 0; }

 private:
  uint64_t Offset() const { return buf_offset_ + pos_; }

  // Makes at least n bytes available from pos_ (fewer at the end); returns how many are.
  size_t Ensure(size_t n) {
    while (buf_.size() - pos_ < n && !eof_) {
      if (pos_ > 0 && pos_ >= buf_.size() / 2) {
        buf_offset_ += pos_;
        buf_.erase(0, pos_);
        pos_ = 0;
      }
      const size_t old = buf_.size();
      const size_t want = std::max(kReadChunk, n - (old - pos_));
      buf_.resize(old + want);
      const size_t got = stream_->Read(buf_.data() + old, want);
      buf_.resize(old + got);
      if (got == 0) eof_ = true;
    }
    return buf_.size() - pos_;
  }

  void Consume(size_t n) {
    pos_ += n;
    if (pos_ == buf_.size()) {
      buf_offset_ += pos_;
      buf_.clear();
      pos_ = 0;
    }
  }

  // Skips n bytes without holding them; returns how many there were.
  uint64_t Discard(uint64_t n) {
    uint64_t done = 0;
    while (done < n) {
      const size_t avail = Ensure(static_cast<size_t>(std::min<uint64_t>(n - done, kReadChunk)));
      if (avail == 0) break;
      const size_t take = static_cast<size_t>(std::min<uint64_t>(avail, n - done));
      Consume(take);
      done += take;
    }
    return done;
  }

  // Goes on at the next line that starts "WARC/1." (the newline before it is
  // looked for from buf_[from - 1]), or at the end of the input.
  void Resync(size_t from) {
    pos_ = std::min(from, buf_.size());
    const std::string needle = "\n" + std::string(kRecordStart);
    size_t search = pos_ > 0 ? pos_ - 1 : 0;
    while (true) {
      const size_t at = buf_.find(needle, search);
      if (at != std::string::npos) {
        pos_ = at + 1;
        return;
      }
      // Keep a needle's length of tail: the line may be cut by the read.
      const size_t keep = std::min(buf_.size() - pos_, needle.size() - 1);
      Consume(buf_.size() - pos_ - keep);
      const size_t before = buf_.size() - pos_;
      if (eof_ || Ensure(before + kReadChunk) == before) {
        Consume(buf_.size() - pos_);
        return;
      }
      search = pos_;
    }
  }

  bool End() {
    done_ = true;
    const std::string& e = stream_->error();
    // A truncated last record is already malformed; any other stream error ends the input early.
    if (!e.empty() && !(truncation_reported_ && e.rfind("truncated", 0) == 0)) error_ = e;
    return false;
  }

  std::string StreamNote() const {
    return stream_->error().empty() ? "" : " (" + stream_->error() + ")";
  }

  std::string TruncatedMessage(uint64_t length, uint64_t got) const {
    return "the file ends inside the record: Content-Length " + std::to_string(length) + ", " + std::to_string(got) +
           " bytes left" + StreamNote();
  }

  void Malformed(RawRecord* r, std::string_view error, uint64_t offset, const std::string& message,
                 std::string_view excerpt) {
    r->bytes.clear();
    r->bytes.push_back(kMalformedTag);
    r->bytes.append(error);
    r->bytes.push_back('\n');
    r->bytes += "WARC record at byte offset " + std::to_string(offset) + ": ";
    for (char c : message) r->bytes.push_back(c == '\n' ? ' ' : c);
    r->bytes.push_back('\n');
    r->bytes.append(excerpt.substr(0, kExcerptBytes));
  }

  void Skip(const std::string& kind) { ++skipped_records_[kind]; }

  // A good record: fills *r and returns true for a document, else counts it.
  bool Classify(const Headers& h, std::string_view block, uint64_t offset, RawRecord* r) {
    const std::string type = KindName(Get(h, "warc-type"));
    auto begin_document = [&](std::string_view kind) {
      r->bytes.clear();
      r->bytes.push_back(kDocumentTag);
      PutField(&r->bytes, "kind", kind);
      for (auto [key, header] : {std::pair<std::string_view, std::string_view>{"id", "warc-record-id"},
                                 {"url", "warc-target-uri"},
                                 {"date", "warc-date"},
                                 {"lang", "warc-identified-content-language"}}) {
        std::string_view v = Get(h, header);
        if (!v.empty()) PutField(&r->bytes, key, v);
      }
      std::string_view digest = Get(h, "warc-payload-digest");
      if (digest.empty() && kind == "text") digest = Get(h, "warc-block-digest");
      if (!digest.empty()) PutField(&r->bytes, "digest", digest);
      PutField(&r->bytes, "offset", std::to_string(offset));
    };
    if (type == "conversion") {
      begin_document("text");
      PutField(&r->bytes, "ctype", MediaType(Get(h, "content-type")));
      r->bytes.push_back('\n');
      r->bytes.append(block);
      return true;
    }
    if (type != "response") {
      Skip(type);
      return false;
    }
    if (MediaType(Get(h, "content-type")) != "application/http") {
      Skip("response_not_http");  // dns:, ftp: and other non-HTTP payloads
      return false;
    }
    // The HTTP message: status line, headers, body.
    size_t block_end = 0;
    const size_t head_len = HeaderEnd(block.substr(0, kMaxWarcHeaderBytes), &block_end);
    const size_t status_end = block.find('\n');
    uint64_t status = 0;
    std::string_view status_line = block.substr(0, std::min(status_end, block.size()));
    const size_t sp = status_line.find(' ');
    if (head_len == std::string_view::npos || status_line.substr(0, 5) != "HTTP/" || sp == std::string_view::npos ||
        !ParseUint(status_line.substr(sp + 1, 3), &status)) {
      Malformed(r, "warc_bad_http", offset,
                "response record whose block is not an HTTP response (status line and headers up to a blank line, "
                "at most " + std::to_string(kMaxWarcHeaderBytes) + " bytes)",
                block);
      return true;
    }
    Headers http;
    ParseHeaderLines(block.substr(status_end + 1, block_end > status_end ? block_end - status_end - 1 : 0), &http);
    if (status >= 300 && status < 400) {
      Skip("response_redirect");
      return false;
    }
    if (status != 200) {
      Skip("response_not_200");
      return false;
    }
    std::string_view content_type = Get(http, "content-type");
    std::string media = MediaType(content_type);
    if (media.empty()) media = MediaType(Get(h, "warc-identified-payload-type"));
    if (!IsHtmlType(media)) {
      Skip("response_not_html");
      return false;
    }
    const std::string encoding = Lower(TrimSpace(Get(http, "content-encoding")));
    if (!encoding.empty() && encoding != "identity" && encoding != "gzip" && encoding != "x-gzip" &&
        encoding != "deflate") {
      Skip("response_unsupported_encoding");
      return false;
    }
    begin_document("html");
    PutField(&r->bytes, "ctype", media);
    const std::string charset = CharsetOfContentType(content_type);
    if (!charset.empty()) PutField(&r->bytes, "http_charset", charset);
    if (Lower(Get(http, "transfer-encoding")).find("chunked") != std::string::npos) PutField(&r->bytes, "te", "chunked");
    if (!encoding.empty() && encoding != "identity") PutField(&r->bytes, "ce", encoding == "deflate" ? "deflate" : "gzip");
    r->bytes.push_back('\n');
    r->bytes.append(block.substr(head_len));
    return true;
  }

  std::unique_ptr<ByteStream> stream_;
  uint64_t max_bytes_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t buf_offset_ = 0;  // stream offset of buf_[0]
  bool eof_ = false;
  bool done_ = false;
  bool truncation_reported_ = false;
  uint64_t ordinal_ = 0;
};

// Undoes chunked transfer coding; false when the chunks are damaged.
bool Dechunk(std::string_view in, std::string* out) {
  out->clear();
  size_t i = 0;
  while (true) {
    const size_t nl = in.find('\n', i);
    if (nl == std::string_view::npos) return false;
    std::string_view size_line = in.substr(i, nl - i);
    size_line = size_line.substr(0, size_line.find(';'));
    size_line = TrimSpace(size_line);
    if (size_line.empty() || size_line.size() > 15) return false;
    uint64_t n = 0;
    for (char c : size_line) {
      const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                    : (c >= 'a' && c <= 'f')                     ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F')                     ? c - 'A' + 10
                                                                 : -1;
      if (d < 0) return false;
      n = n * 16 + static_cast<uint64_t>(d);
    }
    i = nl + 1;
    if (n == 0) return true;  // trailers are not payload
    if (n > in.size() - i) {
      // The last chunk cut short: keep what there is (crawlers cut long bodies).
      out->append(in.substr(i));
      return true;
    }
    out->append(in.substr(i, static_cast<size_t>(n)));
    i += static_cast<size_t>(n);
    if (i < in.size() && in[i] == '\r') ++i;
    if (i < in.size() && in[i] == '\n') ++i;
    if (i >= in.size()) return true;  // no last chunk: what there is
  }
}

// gzip, zlib or raw deflate into *out, at most `max` bytes; 0 ok, 1 damaged, 2 too large.
int Inflate(std::string_view in, bool gzip, uint64_t max, std::string* out) {
  for (int window : gzip ? std::vector<int>{15 + 32} : std::vector<int>{15, -15}) {
    out->clear();
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, window) != Z_OK) return 1;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
    char buf[1 << 16];
    int rc = Z_OK;
    while (rc == Z_OK) {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      rc = inflate(&zs, Z_NO_FLUSH);
      out->append(buf, sizeof buf - zs.avail_out);
      if (out->size() > max) {
        inflateEnd(&zs);
        return 2;
      }
      if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // cut short: keep what there is
    }
    inflateEnd(&zs);
    if (rc == Z_STREAM_END || rc == Z_BUF_ERROR) return 0;
  }
  return 1;
}

void AddSource(JsonBuilder& b, const std::string& path, uint64_t offset) {
  b.Key("source").BeginObject().Key("file").String(path).Key("offset").Int(static_cast<int64_t>(offset)).EndObject();
}

}  // namespace

std::unique_ptr<RecordSource> NewWarcRecordSource(std::unique_ptr<ByteStream> stream, const ReaderOptions& options) {
  return std::make_unique<WarcRecordSource>(std::move(stream), options);
}

bool WarcRecordToJson(const InputFile& input, std::string_view raw, uint64_t max_bytes, std::string* json,
                      std::string* error, std::string* message, std::string* excerpt, int64_t* repairs) {
  if (raw.empty() || (raw[0] != kDocumentTag && raw[0] != kMalformedTag)) {
    *error = "warc_internal";
    *message = "not a record of the WARC reader";
    excerpt->assign(raw.substr(0, kExcerptBytes));
    return false;
  }
  if (raw[0] == kMalformedTag) {
    raw.remove_prefix(1);
    const size_t a = raw.find('\n');
    const size_t b = raw.find('\n', a + 1);
    error->assign(raw.substr(0, a));
    message->assign(raw.substr(a + 1, b - a - 1));
    RepairUtf8(message);
    excerpt->assign(raw.substr(b + 1));
    return false;
  }
  raw.remove_prefix(1);
  std::string kind, id, url, date, digest, lang, ctype, http_charset, te, ce;
  uint64_t offset = 0;
  while (!raw.empty() && raw[0] != '\n') {
    const size_t nl = raw.find('\n');
    std::string_view line = raw.substr(0, nl);
    raw.remove_prefix(nl + 1);
    const size_t tab = line.find('\t');
    std::string_view key = line.substr(0, tab), value = line.substr(tab + 1);
    if (key == "kind") kind = value;
    else if (key == "id") id = value;
    else if (key == "url") url = value;
    else if (key == "date") date = value;
    else if (key == "digest") digest = value;
    else if (key == "lang") lang = value;
    else if (key == "ctype") ctype = value;
    else if (key == "http_charset") http_charset = value;
    else if (key == "te") te = value;
    else if (key == "ce") ce = value;
    else if (key == "offset") ParseUint(value, &offset);
  }
  if (!raw.empty()) raw.remove_prefix(1);
  for (std::string* s : {&id, &url, &date, &digest, &lang, &ctype, &http_charset}) *repairs += RepairUtf8(s);
  auto damaged = [&](const char* code, const std::string& what) {
    *error = code;
    *message = "WARC record at byte offset " + std::to_string(offset) + ": " + what;
    excerpt->assign(raw.substr(0, kExcerptBytes));
    return false;
  };
  thread_local std::string text, scratch, payload;
  std::string charset;
  if (kind == "html") {
    std::string_view body = raw;
    if (te == "chunked") {
      if (!Dechunk(body, &scratch)) return damaged("warc_bad_chunked", "damaged chunked transfer encoding");
      body = scratch;
    }
    if (!ce.empty()) {
      const int rc = Inflate(body, ce == "gzip", max_bytes, &payload);
      if (rc == 2) {
        return damaged("record_too_large", "decoded body exceeds max_record_bytes (" + std::to_string(max_bytes) +
                                               "); raise input.max_record_bytes to accept it");
      }
      if (rc != 0) return damaged("warc_bad_content_encoding", "damaged " + ce + " content encoding");
      body = payload;
    }
    charset = DecodeHtmlToUtf8(body, http_charset, &text, repairs);
  } else {
    text.assign(raw);
    *repairs += RepairUtf8(&text);
    charset = "utf-8";
  }
  JsonBuilder b;
  b.BeginObject();
  if (!id.empty()) b.Key("id").String(id);
  if (!url.empty()) b.Key("url").String(url);
  if (!date.empty()) b.Key("date").String(date);
  if (!digest.empty()) b.Key("digest").String(digest);
  if (!ctype.empty()) b.Key("content_type").String(ctype);
  b.Key("charset").String(charset);
  if (!lang.empty()) b.Key("content_language").String(lang);
  AddSource(b, input.path, offset);
  b.Key("text").String(text);
  b.EndObject();
  *json = b.Take();
  if (text.capacity() > (8u << 20)) std::string().swap(text);
  return true;
}

void HtmlFileToJson(const InputFile& input, const std::string& id, std::string_view bytes, std::string* json,
                    int64_t* repairs) {
  thread_local std::string text;
  const std::string charset = DecodeHtmlToUtf8(bytes, "", &text, repairs);
  JsonBuilder b;
  b.BeginObject();
  b.Key("id").String(id);
  b.Key("content_type").String("text/html");
  b.Key("charset").String(charset);
  AddSource(b, input.path, 0);
  b.Key("text").String(text);
  b.EndObject();
  *json = b.Take();
  if (text.capacity() > (8u << 20)) std::string().swap(text);
}

}  // namespace sluice
