#include "stages/io/record_reader.h"

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <set>

#include "stages/io/byte_stream.h"
#include "stages/io/json_numbers.h"
#include "stages/io/show_path.h"
#include "stages/io/json_writer.h"
#include "stages/text/utf8.h"
#include "stages/io/warc_reader.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

constexpr size_t kRawKeepBytes = 4096;   // prefix of a malformed record kept for the report
constexpr size_t kReadChunk = 1 << 20;

// Case-insensitive: "X.JSONL" is a JSONL file too.
bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != suffix[i]) return false;
  }
  return true;
}

bool HasKnownExtension(const std::string& path) {
  std::string_view p = path;
  for (std::string_view c : {".gz", ".zst", ".zstd"}) {
    if (EndsWith(p, c)) {
      p.remove_suffix(c.size());
      break;
    }
  }
  for (std::string_view e : {".jsonl", ".json", ".ndjson", ".txt", ".text", ".md", ".warc", ".wet", ".html", ".htm"}) {
    if (EndsWith(p, e)) return true;
  }
  return false;
}

// What sluice writes into an OUTDIR (besides hidden .sluice files).
bool IsOutputName(const std::string& name) {
  for (const char* n : {"kept", "rejected", "malformed", "stats", "tokenizer", "stats.json", "report.html",
                        "recipe.resolved.yaml", "slurm"}) {
    if (name == n) return true;
  }
  return false;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of the \uXXXX escape at json[i] (json[i] == '\\'), or -1.
int32_t EscapeAt(const std::string& json, size_t i) {
  if (i + 6 > json.size() || json[i + 1] != 'u') return -1;
  int32_t v = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const int h = HexValue(json[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Whether a record may hold a non-zero number below the smallest double: it
// needs a negative exponent or hundreds of zeros (a cheap test before a scan).
bool MayUnderflow(std::string_view json) {
  return json.find("e-") != std::string_view::npos || json.find("E-") != std::string_view::npos ||
         json.find("0000000000") != std::string_view::npos;
}

// Rewrites every unpaired surrogate escape in JSON text to \ufffd (same
// length); returns how many. Escaped backslashes are skipped.
int64_t RepairSurrogateEscapes(std::string* json) {
  std::string& j = *json;
  int64_t n = 0;
  for (size_t i = 0; i + 1 < j.size(); ++i) {
    if (j[i] != '\\') continue;
    const int32_t u = EscapeAt(j, i);
    if (u < 0) {
      ++i;  // "\\", "\n", ...: the escaped character is not an escape
      continue;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      const int32_t next = i + 6 < j.size() && j[i + 6] == '\\' ? EscapeAt(j, i + 6) : -1;
      if (next >= 0xDC00 && next <= 0xDFFF) {
        i += 11;  // a valid pair
        continue;
      }
    } else if (!(u >= 0xDC00 && u <= 0xDFFF)) {
      i += 5;
      continue;
    }
    j.replace(i, 6, "\\ufffd");
    ++n;
    i += 5;
  }
  return n;
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

std::string BaseName(const std::string& path) {
  if (path == "-") return "stdin";
  return fs::path(path).filename().string();
}

// BaseName of the input most recently asked about on this thread (records
// without an id ask once per record).
const std::string& CachedBaseName(const InputFile& input) {
  if (!input.id_name.empty()) return input.id_name;
  const std::string& path = input.path;
  thread_local std::string last_path, last_base;
  thread_local bool any = false;
  if (!any || last_path != path) {
    last_path = path;
    last_base = BaseName(path);
    any = true;
  }
  return last_base;
}

// Sets *out to "<base>:<line>" reusing its capacity.
void SetLineId(const InputFile& input, uint64_t line, std::string* out) {
  const std::string& base = CachedBaseName(input);
  char digits[24];
  auto res = std::to_chars(digits, digits + sizeof digits, line);
  out->assign(base);
  out->push_back(':');
  out->append(digits, res.ptr);
}

// Splits a byte stream into newline-terminated pieces without ever holding more
// than max_bytes (+ one read chunk) of a single piece. Over a stream with a
// boundary (ByteStream::OpenFrames: a compressed slice) it returns the lines
// that start before the boundary, the last one read to its end past it;
// `skip_first` drops the first (partial) line, which starts before the slice.
class LineSplitter {
 public:
  LineSplitter(std::unique_ptr<ByteStream> stream, uint64_t max_bytes, uint64_t first_line = 1,
               bool skip_first = false)
      : stream_(std::move(stream)),
        max_bytes_(max_bytes),
        buf_(kReadChunk),
        line_(first_line - 1),
        skip_first_(skip_first) {}

  // Reads the next line (without "\n" and a trailing "\r"). Returns false at the end.
  bool NextLine(RawRecord* r) {
    r->bytes.clear();
    RawBatch::Record meta;
    if (!NextLine(&r->bytes, &meta)) return false;
    r->line = meta.line;
    r->too_large = meta.too_large;
    r->full_size = meta.full_size;
    return true;
  }

  // The same, appending the line to *out: it is (*out)[meta->offset, meta->offset + meta->size).
  bool NextLine(std::string* out, RawBatch::Record* meta) {
    meta->offset = out->size();
    if (skip_first_) {
      skip_first_ = false;
      if (!SkipLine()) {
        // The line runs to the end of the input (or to a read error): it and
        // its error belong to the slice it starts in.
        eof_ = true;
        own_error_ = false;
        return false;
      }
      ++line_;
    }
    if (past_boundary_) return false;  // the next line starts in the next slice
    const size_t start = out->size();
    meta->too_large = false;
    meta->full_size = 0;
    bool any = false;
    while (true) {
      if (pos_ == end_ && !Fill(any)) break;
      any = true;
      const char* begin = buf_.data() + pos_;
      const char* nl = static_cast<const char*>(memchr(begin, '\n', end_ - pos_));
      size_t len = nl ? static_cast<size_t>(nl - begin) : end_ - pos_;
      Append(out, start, meta, begin, len);
      pos_ += len;
      if (nl) {
        ++pos_;
        break;
      }
    }
    if (!any) return false;
    ++line_;
    meta->line = line_;
    if (!meta->too_large && out->size() > start && out->back() == '\r') out->pop_back();
    meta->size = out->size() - start;
    return true;
  }

  void Append(std::string* out, size_t start, RawBatch::Record* meta, const char* data, size_t len) {
    meta->full_size += len;
    size_t have = out->size() - start;
    if (meta->too_large) {
      if (have < kRawKeepBytes) out->append(data, std::min(len, kRawKeepBytes - have));
      return;
    }
    if (meta->full_size > max_bytes_) {
      meta->too_large = true;
      if (have > kRawKeepBytes) out->resize(start + kRawKeepBytes);
      have = out->size() - start;
      if (have < kRawKeepBytes) out->append(data, std::min(len, kRawKeepBytes - have));
      return;
    }
    out->append(data, len);
  }

  uint64_t line() const { return line_; }
  // The stream's error, unless it came while skipping a line another slice owns.
  const std::string& error() const {
    static const std::string kNone;
    return own_error_ ? stream_->error() : kNone;
  }
  uint64_t raw_bytes() const { return stream_->raw_bytes(); }

 private:
  // Refills the buffer; false at the end of the input or at the boundary when
  // no line is under way (`in_line`: a line started before it is finished past it).
  bool Fill(bool in_line) {
    while (true) {
      if (eof_) return false;
      end_ = stream_->Read(buf_.data(), buf_.size());
      pos_ = 0;
      if (end_ > 0) return true;
      if (in_line && !past_boundary_ && stream_->PassBoundary()) {
        past_boundary_ = true;
        continue;
      }
      eof_ = true;
      return false;
    }
  }

  // Drops everything up to and including the next '\n'; false when the input
  // ends first.
  bool SkipLine() {
    while (true) {
      if (pos_ == end_ && !Fill(true)) return false;
      const char* begin = buf_.data() + pos_;
      const char* nl = static_cast<const char*>(memchr(begin, '\n', end_ - pos_));
      if (nl) {
        pos_ += static_cast<size_t>(nl - begin) + 1;
        return true;
      }
      pos_ = end_;
    }
  }

  std::unique_ptr<ByteStream> stream_;
  uint64_t max_bytes_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t line_ = 0;
  bool skip_first_ = false;
  bool past_boundary_ = false;
  bool own_error_ = true;
};

// Appends RawBatch::kPadding spaces after the record just added to *batch.
void PadRecord(RawBatch* batch) { batch->bytes.append(RawBatch::kPadding, ' '); }

// JSONL and line-mode text: one record per non-blank line.
class LineRecordSource : public RecordSource {
 public:
  LineRecordSource(std::unique_ptr<ByteStream> stream, uint64_t max_bytes, uint64_t first_line = 1,
                   bool skip_first = false)
      : lines_(std::move(stream), max_bytes, first_line, skip_first) {}
  bool Next(RawRecord* r) override {
    while (lines_.NextLine(r)) {
      if (!r->too_large && IsBlank(r->bytes)) {
        ++blank_lines_;
        continue;
      }
      return true;
    }
    error_ = lines_.error();
    return false;
  }
  bool NextInto(RawBatch* batch) override {
    RawBatch::Record meta;
    while (lines_.NextLine(&batch->bytes, &meta)) {
      if (!meta.too_large && IsBlank(batch->view(meta))) {
        batch->bytes.resize(meta.offset);
        ++blank_lines_;
        continue;
      }
      batch->records.push_back(meta);
      PadRecord(batch);
      return true;
    }
    batch->bytes.resize(meta.offset);
    error_ = lines_.error();
    return false;
  }
  uint64_t bytes_consumed() const override { return lines_.raw_bytes(); }
  uint64_t blank_lines() const override { return blank_lines_; }

 private:
  LineSplitter lines_;
  uint64_t blank_lines_ = 0;
};

// Paragraph-mode text: blocks of lines separated by blank lines.
class ParagraphRecordSource : public RecordSource {
 public:
  ParagraphRecordSource(std::unique_ptr<ByteStream> stream, uint64_t max_bytes)
      : lines_(std::move(stream), max_bytes), max_bytes_(max_bytes) {}
  bool Next(RawRecord* r) override {
    r->bytes.clear();
    r->too_large = false;
    r->full_size = 0;
    r->line = 0;
    RawRecord line;
    while (lines_.NextLine(&line)) {
      if (!line.too_large && IsBlank(line.bytes)) {
        if (r->line != 0) return true;
        ++blank_lines_;
        continue;
      }
      if (r->line == 0) r->line = line.line;
      uint64_t add = line.full_size + (r->full_size ? 1 : 0);
      if (r->too_large || line.too_large || r->full_size + add > max_bytes_) {
        if (!r->too_large && r->bytes.size() > kRawKeepBytes) r->bytes.resize(kRawKeepBytes);
        r->too_large = true;
      } else {
        if (r->full_size) r->bytes.push_back('\n');
        r->bytes += line.bytes;
      }
      r->full_size += add;
    }
    error_ = lines_.error();
    return r->line != 0;
  }
  uint64_t bytes_consumed() const override { return lines_.raw_bytes(); }
  uint64_t blank_lines() const override { return blank_lines_; }

 private:
  LineSplitter lines_;
  uint64_t max_bytes_;
  uint64_t blank_lines_ = 0;
};

// File-mode text: the whole input is one record.
class FileRecordSource : public RecordSource {
 public:
  FileRecordSource(std::unique_ptr<ByteStream> stream, uint64_t max_bytes)
      : stream_(std::move(stream)), max_bytes_(max_bytes) {}
  bool Next(RawRecord* r) override {
    if (done_) return false;
    done_ = true;
    r->bytes.clear();
    r->too_large = false;
    r->full_size = 0;
    r->line = 1;
    std::vector<char> buf(kReadChunk);
    while (size_t got = stream_->Read(buf.data(), buf.size())) {
      r->full_size += got;
      if (r->too_large) continue;
      if (r->full_size > max_bytes_) {
        r->too_large = true;
        size_t keep = std::min(kRawKeepBytes, r->bytes.size());
        r->bytes.resize(keep);
        continue;
      }
      r->bytes.append(buf.data(), got);
    }
    error_ = stream_->error();
    if (r->full_size == 0 || (!r->too_large && IsBlank(r->bytes))) {
      blank_ = r->full_size > 0 ? 1 : 0;
      return false;  // an empty file holds no record
    }
    return true;
  }
  uint64_t bytes_consumed() const override { return stream_->raw_bytes(); }
  uint64_t blank_lines() const override { return blank_; }

 private:
  std::unique_ptr<ByteStream> stream_;
  uint64_t max_bytes_;
  bool done_ = false;
  uint64_t blank_ = 0;
};

void FillMalformed(const InputFile& input, uint32_t input_index, std::string_view bytes, uint64_t line,
                   std::string error, std::string message, MalformedRecord* m) {
  m->input_index = input_index;
  m->path = input.path;
  m->line = line;
  m->error = std::move(error);
  m->message = std::move(message);
  m->raw.assign(bytes.substr(0, kRawKeepBytes));
  RepairUtf8(&m->raw);  // the raw excerpt is written into JSON
}

// A kept text buffer much larger than what it is about to hold is freed first,
// so that reused documents do not each grow to the largest record seen.
void FitBuffer(std::string* s, size_t need) {
  if (s->capacity() > (64u << 10) && s->capacity() > 4 * need) std::string().swap(*s);
}

// ParseRecord for both record forms. `bytes` has RawBatch::kPadding readable
// bytes after it when `padded`; `owned` (may be null) is the record's own
// string, which a text record's document takes over.
bool ParseRaw(const InputFile& input, uint32_t input_index, const ReaderOptions& options, std::string_view bytes,
              bool padded, uint64_t line, bool too_large, uint64_t full_size, std::string* owned, Document* doc,
              MalformedRecord* malformed, int64_t* utf8_repairs) {
  // The fields' strings are reused too (filled in place below).
  std::vector<JsonField> fields = std::move(doc->fields);
  doc->Clear();  // as *doc = Document(), keeping its buffers
  doc->input_index = input_index;
  doc->line = line;
  if (too_large) {
    FillMalformed(input, input_index, bytes, line, "record_too_large",
                  "record of " + std::to_string(full_size) + " bytes exceeds max_record_bytes (" +
                      std::to_string(options.max_record_bytes) + "); raise input.max_record_bytes to accept it",
                  malformed);
    return false;
  }
  // WARC and HTML records become the JSON object of their document first
  // (stages/io/warc_reader.h), which the JSON path below reads.
  thread_local std::string web_json;
  if (input.format == InputFormat::kWarc || input.format == InputFormat::kWet) {
    std::string error, message, excerpt;
    if (!WarcRecordToJson(input, bytes, options.max_record_bytes, &web_json, &error, &message, &excerpt,
                          utf8_repairs)) {
      FillMalformed(input, input_index, excerpt, line, std::move(error), std::move(message), malformed);
      return false;
    }
    bytes = web_json;
    padded = false;
  } else if (input.format == InputFormat::kHtml) {
    HtmlFileToJson(input, CachedBaseName(input), bytes, &web_json, utf8_repairs);
    bytes = web_json;
    padded = false;
  }
  // A UTF-8 byte order mark at the start of a file is not part of the record.
  if (line == 1 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (input.format == InputFormat::kText) {
    if (owned != nullptr && owned->compare(0, 3, "\xEF\xBB\xBF") == 0 && line == 1) owned->erase(0, 3);
    if (owned != nullptr) {
      *utf8_repairs += RepairUtf8(owned);
      doc->text.swap(*owned);  // the record gets the document's old buffer to read into
    } else {
      FitBuffer(&doc->text, bytes.size());
      doc->text.assign(bytes);
      *utf8_repairs += RepairUtf8(&doc->text);
    }
    if (options.text_mode == TextMode::kFile) {
      doc->id = CachedBaseName(input);
    } else {
      SetLineId(input, line, &doc->id);
    }
    return true;
  }

  thread_local simdjson::dom::parser parser;
  thread_local std::string repaired;
  // Numbers simdjson cannot hold (stages/io/json_numbers.h): their offsets in
  // `bytes`, the copy simdjson parses with them blanked, and the records'
  // top-level value spans; used only by the records that have such numbers.
  thread_local std::vector<std::pair<size_t, size_t>> raw_numbers;
  thread_local std::string blanked;
  thread_local std::vector<std::pair<size_t, size_t>> spans;
  raw_numbers.clear();
  bool numbers_checked = false;
  simdjson::dom::element root;
  // In place when the record has simdjson's padding after it, else simdjson
  // copies it into a padded buffer of its own.
  static_assert(RawBatch::kPadding >= simdjson::SIMDJSON_PADDING);
  const char* const original = bytes.data();  // padded when `padded`
  auto parse = [&]() {
    if (numbers_checked) {
      FindUnrepresentableNumbers(bytes, &raw_numbers);  // again: a repair may have moved them
      if (!raw_numbers.empty()) {
        BlankNumbers(bytes, raw_numbers, &blanked);
        return parser.parse(blanked.data(), blanked.size(), true).get(root);
      }
    }
    const bool in_place = padded && bytes.data() == original;
    return parser.parse(bytes.data(), bytes.size(), !in_place).get(root);
  };
  auto error = parser.parse(bytes.data(), bytes.size(), !padded).get(root);
  // Repairs, each at most once, in the order simdjson meets the problems.
  bool utf8_done = false, surrogates_done = false;
  while (error) {
    if (error == simdjson::UTF8_ERROR && !utf8_done) {
      utf8_done = true;
      std::string* fix = owned;
      if (fix == nullptr) {
        if (bytes.data() != repaired.data()) repaired.assign(bytes);
        fix = &repaired;
      } else if (bytes.data() != owned->data()) {
        owned->assign(bytes);
      }
      *utf8_repairs += RepairUtf8(fix);
      bytes = *fix;
      error = parse();
    } else if (error == simdjson::STRING_ERROR && !surrogates_done && bytes.find("\\u") != std::string_view::npos) {
      // Lone surrogate escapes ("\ud800", as Python's json.dumps writes them)
      // become U+FFFD, as invalid UTF-8 bytes do.
      surrogates_done = true;
      if (bytes.data() != repaired.data()) repaired.assign(bytes);
      const int64_t n = RepairSurrogateEscapes(&repaired);
      if (n == 0) break;
      *utf8_repairs += n;
      bytes = repaired;
      error = parse();
    } else if (error == simdjson::NUMBER_ERROR && !numbers_checked) {
      numbers_checked = true;
      error = parse();
      if (raw_numbers.empty()) break;  // a number that is not JSON ("01"): invalid
    } else {
      break;
    }
  }
  if (error) {
    FillMalformed(input, input_index, bytes, line, "invalid_json",
                  std::string("not valid JSON: ") + simdjson::error_message(error), malformed);
    return false;
  }
  simdjson::dom::object object;
  if (root.get_object().get(object)) {
    FillMalformed(input, input_index, bytes, line, "not_an_object", "the line is JSON but not an object", malformed);
    return false;
  }
  bool have_text = false;
  size_t nf = 0;  // fields[0, nf) are this record's
  auto next_field = [&](std::string_view key) -> JsonField& {
    if (nf == fields.size()) fields.emplace_back();
    JsonField& f = fields[nf++];
    f.key.assign(key);
    f.json.clear();
    return f;
  };
  // Whether member k's value holds a number kept as text.
  auto has_raw_number = [&](size_t k) {
    if (raw_numbers.empty() || k >= spans.size()) return false;
    for (const auto& [b, e] : raw_numbers) {
      if (b >= spans[k].first && e <= spans[k].second) return true;
    }
    return false;
  };
  // A non-string value as compact JSON: simdjson's rendering, or the record's
  // own text when it holds a number simdjson could not keep.
  auto value_json = [&](size_t k, simdjson::dom::element value, std::string* out) {
    if (has_raw_number(k)) {
      out->clear();
      AppendMinifiedJson(bytes.substr(spans[k].first, spans[k].second - spans[k].first), out);
    } else {
      *out = simdjson::minify(value);
    }
  };
  // Walks the members; false when the record is malformed (filled in). A
  // "0.0" may be a non-zero number simdjson took to zero: *recheck says so.
  auto walk = [&](bool* recheck) {
    have_text = false;
    nf = 0;
    doc->id.clear();
    doc->id_from_input = false;
    if (!raw_numbers.empty()) TopLevelValueSpans(bytes, &spans);
    size_t k = 0;
    for (auto field : object) {
      const size_t member = k++;
      std::string_view key = field.key;
      if (key == options.text_key) {
        std::string_view text;
        if (field.value.get_string().get(text)) {
          FillMalformed(input, input_index, bytes, line, "text_not_string",
                        "field '" + options.text_key + "' is not a string", malformed);
          return false;
        }
        if (have_text) continue;  // duplicate key: the first one wins, as in most parsers
        have_text = true;
        FitBuffer(&doc->text, text.size());
        doc->text.assign(text);
        next_field(key);  // placeholder (empty json): text goes here
        continue;
      }
      if (key == options.id_key && !doc->id_from_input) {
        std::string_view id;
        if (!field.value.get_string().get(id)) {
          doc->id.assign(id);
        } else {
          value_json(member, field.value, &doc->id);
        }
        doc->id_from_input = true;
      }
      JsonField& f = next_field(key);
      std::string_view str;
      if (!field.value.get_string().get(str)) {
        AppendJsonString(f.json, str);  // the same bytes as simdjson::minify of a string
      } else {
        value_json(member, field.value, &f.json);
        if (!numbers_checked && f.json.find("0.0") != std::string::npos) *recheck = MayUnderflow(bytes);
      }
    }
    return true;
  };
  bool recheck = false;
  if (!walk(&recheck)) return false;
  if (recheck) {
    // A number below the smallest double parsed as 0.0: keep its text instead.
    numbers_checked = true;
    FindUnrepresentableNumbers(bytes, &raw_numbers);
    if (!raw_numbers.empty()) {
      BlankNumbers(bytes, raw_numbers, &blanked);
      if (parser.parse(blanked.data(), blanked.size(), true).get(root) || root.get_object().get(object)) {
        FillMalformed(input, input_index, bytes, line, "invalid_json", "not valid JSON", malformed);  // not reached
        return false;
      }
      if (!walk(&recheck)) return false;
    }
  }
  fields.resize(nf);
  doc->fields = std::move(fields);
  if (!have_text) {
    FillMalformed(input, input_index, bytes, line, "missing_text", "no '" + options.text_key + "' field", malformed);
    return false;
  }
  if (!doc->id_from_input) SetLineId(input, line, &doc->id);
  return true;
}

}  // namespace

InputFile DescribeInput(const std::string& path) {
  InputFile f;
  f.path = path;
  std::string_view p = path;
  if (EndsWith(p, ".gz")) {
    f.compression = Compression::kGzip;
    p.remove_suffix(3);
  } else if (EndsWith(p, ".zst")) {
    f.compression = Compression::kZstd;
    p.remove_suffix(4);
  } else if (EndsWith(p, ".zstd")) {
    f.compression = Compression::kZstd;
    p.remove_suffix(5);
  }
  if (EndsWith(p, ".txt") || EndsWith(p, ".text") || EndsWith(p, ".md")) {
    f.format = InputFormat::kText;
  } else if (EndsWith(p, ".wet")) {
    f.format = InputFormat::kWet;
  } else if (EndsWith(p, ".warc")) {
    f.format = InputFormat::kWarc;
  } else if (EndsWith(p, ".html") || EndsWith(p, ".htm")) {
    f.format = InputFormat::kHtml;
  } else {
    f.format = InputFormat::kJsonl;
  }
  if (path != "-") {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    f.size_bytes = ec ? -1 : static_cast<int64_t>(size);
  }
  return f;
}

int64_t ExpandReport::total_skipped() const {
  int64_t n = static_cast<int64_t>(duplicates.size());
  for (const auto& [_, k] : skipped) n += k;
  return n;
}

std::string ExpandReport::Summary() const {
  std::string out;
  if (!duplicates.empty()) {
    const size_t n = duplicates.size();
    out = std::to_string(n) + (n == 1 ? " input names" : " inputs name") + " a file already listed, read once:";
    for (size_t i = 0; i < n && i < 3; ++i) {
      const auto& [later, kept] = duplicates[i];
      out += std::string(i ? ", " : " ") + "'" + ShowPath(later) + "'" +
             (later == kept ? " (given twice)" : " (same file as '" + ShowPath(kept) + "')");
    }
    if (n > 3) out += ", ...";
  }
  if (skipped.empty()) return out;
  if (!out.empty()) out += "; ";
  const int64_t below = total_skipped() - static_cast<int64_t>(duplicates.size());
  out += "skipped " + std::to_string(below) + " path" + (below == 1 ? "" : "s") + " below the input directories:";
  bool first = true;
  for (const auto& [reason, n] : skipped) {
    out += std::string(first ? " " : "; ") + std::to_string(n) + " " + reason + " (";
    const auto& ex = examples.at(reason);
    for (size_t i = 0; i < ex.size(); ++i) out += (i ? ", " : "") + ShowPath(ex[i]);
    out += std::string(static_cast<int64_t>(ex.size()) < n ? ", ..." : "") + ")";
    first = false;
  }
  return out;
}

StatusOr<std::vector<InputFile>> ExpandInputs(const std::vector<std::string>& inputs, ExpandReport* report,
                                              const std::string& exclude_dir) {
  bool use_stdin = false;
  ExpandReport local;
  ExpandReport& rep = report ? *report : local;
  auto skip = [&](const std::string& reason, const fs::path& p) {
    ++rep.skipped[reason];
    auto& ex = rep.examples[reason];
    if (ex.size() < 3) ex.push_back(p.string());
  };
  std::error_code ec;
  const fs::path excluded = exclude_dir.empty() ? fs::path() : fs::weakly_canonical(exclude_dir, ec);
  // The files of one argument, into `paths`.
  auto expand = [&](const std::string& in, std::set<std::string>& paths) -> Status {
    if (fs::is_directory(in, ec)) {
      // Errors on one entry (an unreadable folder, a broken link) skip that
      // entry, counted; only an unreadable top folder fails the expansion.
      fs::directory_iterator probe(in, ec);
      if (ec) return Status::Io("cannot list directory '" + in + "': " + ec.message());
      std::vector<fs::path> dirs = {fs::path(in)};
      while (!dirs.empty()) {
        const fs::path dir = dirs.back();
        dirs.pop_back();
        std::error_code e;
        std::vector<fs::directory_entry> entries;
        fs::directory_iterator it(dir, e);
        if (e) {
          skip("unreadable", dir);
          continue;
        }
        for (; it != fs::directory_iterator(); it.increment(e)) {
          if (e) break;
          entries.push_back(*it);
        }
        if (e) skip("unreadable", dir);
        std::vector<fs::path> subdirs;
        std::error_code e3;
        const bool dir_is_outdir = !excluded.empty() && fs::weakly_canonical(dir, e3) == excluded;
        for (const auto& entry : entries) {
          const fs::path& p = entry.path();
          std::error_code e2;
          const std::string name = p.filename().string();
          const bool is_link = entry.is_symlink(e2);
          const bool is_dir = !is_link && entry.is_directory(e2);
          if (!name.empty() && name[0] == '.') {
            skip("hidden", p);
            continue;
          }
          // OUTDIR below (or equal to) an input folder: what sluice wrote there is not input.
          const bool in_outdir = (dir_is_outdir && IsOutputName(name)) ||
                                 (is_dir && !excluded.empty() && fs::weakly_canonical(p, e2) == excluded);
          if (in_outdir) {
            skip("inside the output directory", p);
            continue;
          }
          if (is_dir) {
            subdirs.push_back(p);
            continue;
          }
          if (is_link && fs::is_directory(p, e2)) {
            skip("link to a directory, not followed", p);
            continue;
          }
          if (!fs::is_regular_file(p, e2)) {  // follows a link to a file
            skip(is_link ? "broken or looping link" : "not a regular file", p);
            continue;
          }
          if (!HasKnownExtension(p.string())) {
            skip("unknown extension", p);
            continue;
          }
          if (::access(p.c_str(), R_OK) != 0) {
            skip("unreadable", p);
            continue;
          }
          paths.insert(p.string());
        }
        // Depth first, in name order (the result is sorted anyway).
        std::sort(subdirs.rbegin(), subdirs.rend());
        for (auto& d : subdirs) dirs.push_back(std::move(d));
      }
      return Status::Ok();
    }
    if (in.find_first_of("*?[") != std::string::npos && !fs::exists(in, ec)) {
      glob_t g;
      int rc = glob(in.c_str(), 0, nullptr, &g);
      if (rc == GLOB_NOMATCH) {
        globfree(&g);
        return Status::Io("input pattern '" + in + "' matches no file");
      }
      if (rc != 0) {
        globfree(&g);
        return Status::Io("cannot expand input pattern '" + in + "'");
      }
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        if (fs::is_regular_file(g.gl_pathv[i], ec)) paths.insert(g.gl_pathv[i]);
      }
      globfree(&g);
      return Status::Ok();
    }
    if (!fs::exists(in, ec)) {
      std::error_code e2;
      if (fs::is_symlink(in, e2)) return Status::Io("input '" + in + "' is a broken or looping link");
      return Status::Io("input '" + in + "' does not exist");
    }
    paths.insert(in);
    return Status::Ok();
  };
  // In argument order, each argument's files sorted: the first name of a file wins.
  std::vector<std::string> found;
  for (const auto& in : inputs) {
    if (in == "-") {
      use_stdin = true;
      continue;
    }
    std::set<std::string> paths;
    SLUICE_RETURN_IF_ERROR(expand(in, paths));
    found.insert(found.end(), paths.begin(), paths.end());
  }
  // One file named twice (a relative and an absolute path, ./a and a, a folder
  // and a file in it, a link) is read once: files are the same when their
  // device and inode are.
  std::map<std::string, std::string> first_name;  // identity -> the name kept
  std::vector<std::string> paths;
  for (const auto& p : found) {
    struct stat st;
    std::error_code e;
    const std::string identity = ::stat(p.c_str(), &st) == 0
                                     ? std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)
                                     : "path:" + fs::weakly_canonical(p, e).string();
    auto [it, added] = first_name.emplace(identity, p);
    if (added) {
      paths.push_back(p);
    } else {
      rep.duplicates.emplace_back(p, it->second);
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<InputFile> out;
  for (const auto& p : paths) out.push_back(DescribeInput(p));
  if (use_stdin) out.push_back(DescribeInput("-"));
  // Generated ids are "<file name>:<line>"; inputs that share a file name
  // (2023/part-0.jsonl, 2024/part-0.jsonl) use their path instead, so that no
  // two records of a run get the same id.
  std::map<std::string, int> names;
  for (const auto& f : out) ++names[BaseName(f.path)];
  for (auto& f : out) {
    if (names[BaseName(f.path)] > 1 && f.path != "-") f.id_name = f.path;
  }
  return out;
}

StatusOr<std::unique_ptr<RecordSource>> RecordSource::Open(const InputFile& input, const ReaderOptions& options) {
  auto opened = ByteStream::Open(input.path, input.compression);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<ByteStream> stream = std::move(opened).value();
  if (input.format == InputFormat::kWarc || input.format == InputFormat::kWet) {
    return NewWarcRecordSource(std::move(stream), options);
  }
  if (input.format == InputFormat::kHtml) {  // HTML finds its own encoding (html_charset.h)
    return std::unique_ptr<RecordSource>(std::make_unique<FileRecordSource>(std::move(stream), options.max_record_bytes));
  }
  stream = DecodeUtf16WithBom(std::move(stream));  // JSONL and text
  std::unique_ptr<RecordSource> source;
  if (input.format == InputFormat::kJsonl || options.text_mode == TextMode::kLine) {
    source = std::make_unique<LineRecordSource>(std::move(stream), options.max_record_bytes);
  } else if (options.text_mode == TextMode::kParagraph) {
    source = std::make_unique<ParagraphRecordSource>(std::move(stream), options.max_record_bytes);
  } else {
    source = std::make_unique<FileRecordSource>(std::move(stream), options.max_record_bytes);
  }
  return source;
}

StatusOr<std::unique_ptr<RecordSource>> RecordSource::Open(const InputFile& input, const ReaderOptions& options,
                                                           const InputSlice& slice) {
  if (slice.whole()) return Open(input, options);
  if (input.path == "-" ||
      !(input.format == InputFormat::kJsonl || (input.format == InputFormat::kText && options.text_mode == TextMode::kLine))) {
    return Status::Internal("input '" + input.path + "' cannot be read in parts");
  }
  if (input.compression == Compression::kNone) {
    auto stream = ByteStream::OpenRange(input.path, slice.begin, slice.end);
    if (!stream.ok()) return stream.status();
    return std::unique_ptr<RecordSource>(
        std::make_unique<LineRecordSource>(std::move(stream).value(), options.max_record_bytes, slice.first_line));
  }
  // Frames [begin, end): nothing when the whole-file read stops before them.
  auto stream = slice.after_read_error ? ByteStream::OpenFrames(input.path, input.compression, slice.begin, slice.begin)
                                       : ByteStream::OpenFrames(input.path, input.compression, slice.begin, slice.end);
  if (!stream.ok()) return stream.status();
  if (slice.after_read_error) {
    return std::unique_ptr<RecordSource>(
        std::make_unique<LineRecordSource>(std::move(stream).value(), options.max_record_bytes, slice.first_line));
  }
  return std::unique_ptr<RecordSource>(std::make_unique<LineRecordSource>(
      std::move(stream).value(), options.max_record_bytes, slice.first_line, slice.mid_line));
}

bool ParseRecord(const InputFile& input, uint32_t input_index, const ReaderOptions& options, RawRecord& raw,
                 Document* doc, MalformedRecord* malformed, int64_t* utf8_repairs) {
  // Not in place: what follows the record in its buffer is unknown.
  return ParseRaw(input, input_index, options, raw.bytes, false, raw.line, raw.too_large, raw.full_size, &raw.bytes,
                  doc, malformed, utf8_repairs);
}

bool ParseRecord(const InputFile& input, uint32_t input_index, const ReaderOptions& options, const RawBatch& batch,
                 size_t i, Document* doc, MalformedRecord* malformed, int64_t* utf8_repairs) {
  const RawBatch::Record& r = batch.records[i];
  return ParseRaw(input, input_index, options, batch.view(r), true, r.line, r.too_large, r.full_size, nullptr, doc,
                  malformed, utf8_repairs);
}

bool RecordSource::NextInto(RawBatch* batch) {
  if (!Next(&scratch_)) return false;
  RawBatch::Record r;
  r.offset = batch->bytes.size();
  r.size = scratch_.bytes.size();
  r.line = scratch_.line;
  r.too_large = scratch_.too_large;
  r.full_size = scratch_.full_size;
  batch->bytes.append(scratch_.bytes);
  batch->records.push_back(r);
  PadRecord(batch);
  return true;
}

Status ReadRecords(const InputFile& input, uint32_t input_index, const ReaderOptions& options,
                   const std::function<void(Document&)>& on_doc,
                   const std::function<void(const MalformedRecord&)>& on_malformed) {
  auto source = RecordSource::Open(input, options);
  if (!source.ok()) return source.status();
  RawRecord raw;
  Document doc;
  MalformedRecord malformed;
  int64_t repairs = 0;
  while ((*source)->Next(&raw)) {
    if (ParseRecord(input, input_index, options, raw, &doc, &malformed, &repairs)) {
      on_doc(doc);
    } else if (on_malformed) {
      on_malformed(malformed);
    }
  }
  if (!(*source)->error().empty()) return Status::Io(input.path + ": " + (*source)->error());
  return Status::Ok();
}

}  // namespace sluice
