// Reading inputs: file discovery, decompression, splitting into raw records and
// parsing records into Documents. Formats: JSONL (.jsonl/.json/.ndjson, also
// .gz/.zst compressed), plain text (.txt, also compressed), WARC/WET (.warc,
// .wet, also compressed) and HTML files (.html/.htm, also compressed; see
// stages/io/warc_reader.h), "-" for stdin. Every raw record becomes a Document or
// a MalformedRecord: nothing is skipped. WARC records that are not documents
// (warcinfo, request, redirects, ...) are not records: they are counted by kind
// (RecordSource::TakeSkippedRecords).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stages/engine/document.h"
#include "stages/engine/status.h"

namespace sluice {

enum class TextMode { kFile, kLine, kParagraph };

struct ReaderOptions {
  std::string text_key = "text";
  std::string id_key = "id";
  // How a plain-text input splits into documents: whole file, each line, or
  // blocks separated by blank lines.
  TextMode text_mode = TextMode::kFile;
  // A record (JSONL line, or text document) longer than this is malformed
  // ("record_too_large") and is never held in memory whole.
  uint64_t max_record_bytes = 64ull << 20;
};

// A record that could not become a Document: where it was and why.
struct MalformedRecord {
  uint32_t input_index = 0;
  std::string path;
  uint64_t line = 0;
  std::string error;  // stable snake_case: "invalid_json", "not_an_object", "missing_text", ...
  std::string message;
  std::string raw;    // the raw record, cut to at most 4 KiB
};

// kWarc: WARC files (documents from HTML 200 responses and WET conversion
// records); kWet: the same reader, for names like x.warc.wet.gz; kHtml: one
// document per file.
enum class InputFormat { kJsonl, kText, kWarc, kWet, kHtml };
enum class Compression { kNone, kGzip, kZstd };

struct InputFile {
  std::string path;  // "-" for stdin
  InputFormat format = InputFormat::kJsonl;
  Compression compression = Compression::kNone;
  int64_t size_bytes = -1;  // on-disk size, -1 when unknown (stdin)
  // Prefix of generated ids ("<id_name>:<line>"); "" = the file name. Set by
  // ExpandInputs to the path when two inputs share a file name.
  std::string id_name;
};

// What ExpandInputs passed over inside directories, by reason ("unknown
// extension", "hidden", "unreadable", "broken or looping link", "inside the
// output directory"), with the first few paths of each, and the inputs that
// name a file already listed.
struct ExpandReport {
  std::map<std::string, int64_t> skipped;
  std::map<std::string, std::vector<std::string>> examples;  // up to 3 per reason
  // (the later name, the name kept) of each file named twice: a relative and
  // an absolute path, ./a and a, a folder and a file in it, a link to it.
  std::vector<std::pair<std::string, std::string>> duplicates;
  int64_t total_skipped() const;  // duplicates included
  // "1 input names a file already listed, read once: './a.jsonl' (same file as 'a.jsonl');
  // skipped 5 paths below the input directories: 3 unknown extension (a.csv, b.xml, ...), 2 hidden (.git, ...)".
  // Paths are shown with control characters escaped (ShowPath).
  std::string Summary() const;
};

// Expands files, directories (recursively, files with known extensions only,
// compared case-insensitively) and glob patterns into a sorted list without
// duplicates: a file named twice (same device and inode) is listed once,
// under its first name in argument order, and reported in *report. A named file that does not exist, or a glob that matches nothing, is an
// I/O error naming it. Inside directories, hidden entries, unknown
// extensions, unreadable directories, broken or looping links and anything
// below `exclude_dir` (the run's OUTDIR, so a rerun never reads its own
// output) are passed over and counted in *report (when given); symlinks to
// directories are not followed (no loops).
StatusOr<std::vector<InputFile>> ExpandInputs(const std::vector<std::string>& inputs, ExpandReport* report = nullptr,
                                              const std::string& exclude_dir = "");
// Detects format and compression from the name ("x.jsonl.zst" -> jsonl, zstd).
InputFile DescribeInput(const std::string& path);

// One undecoded record as the splitter found it.
struct RawRecord {
  uint64_t line = 0;    // 1-based line of the record's first line
  std::string bytes;    // without the trailing newline
  bool too_large = false;  // bytes holds only a prefix
  uint64_t full_size = 0;
};

// The raw records of one batch back to back in one buffer (what the engine
// reads: one allocation reused batch after batch instead of one per record).
// Record i is bytes[offset, offset + size), followed by kPadding spaces, so
// simdjson parses it in place.
struct RawBatch {
  static constexpr size_t kPadding = 64;  // = simdjson::SIMDJSON_PADDING
  struct Record {
    size_t offset = 0;
    size_t size = 0;
    uint64_t line = 0;
    bool too_large = false;  // the bytes hold only a prefix
    uint64_t full_size = 0;
  };
  std::string bytes;
  std::vector<Record> records;
  std::string_view view(const Record& r) const { return std::string_view(bytes.data() + r.offset, r.size); }
  size_t size() const { return records.size(); }
  bool empty() const { return records.empty(); }
  void clear() {
    bytes.clear();
    records.clear();
  }
};

// A part of one input that one task reads (a sub-file shard), or the whole
// input. stages/engine/input_slices.h plans and aligns them.
//  * uncompressed line-oriented file: the byte range [begin, end), both at
//    line starts;
//  * zstd, or BGZF gzip: [begin, end) is a run of whole frames (members). The
//    slice owns the lines that START inside the decompressed bytes of those
//    frames: it skips the end of a line begun in an earlier frame (mid_line)
//    and reads past `end` to finish its last line.
struct InputSlice {
  uint32_t input_index = 0;
  uint32_t part = 0;   // 0 .. parts-1, in file order
  uint32_t parts = 1;  // 1 = the whole input
  uint64_t begin = 0;
  uint64_t end = UINT64_MAX;
  // Line number of the line at `begin` (compressed: of the line that holds the
  // first decompressed byte of the slice).
  uint64_t first_line = 1;
  // Compressed: the decompressed bytes before the slice do not end with '\n',
  // so the slice's first line is the rest of line first_line, which is not its.
  bool mid_line = false;
  // Compressed: the frames before the slice cannot be decompressed; a read of
  // the whole file stops there, so the slice holds no records either.
  bool after_read_error = false;
  // What the slice weighs when slices are dealt to shards (PlanSlices): the
  // bytes of text it holds — decompressed bytes where the frames declare them,
  // else bytes on disk.
  uint64_t weight = 0;
  bool whole() const { return parts == 1; }
};

// Streams the raw records of one input in order. Not thread-safe; one per input.
class RecordSource {
 public:
  static StatusOr<std::unique_ptr<RecordSource>> Open(const InputFile& input, const ReaderOptions& options);
  // Only the records of `slice` (aligned by AlignSlice), with their line
  // numbers in the whole file.
  static StatusOr<std::unique_ptr<RecordSource>> Open(const InputFile& input, const ReaderOptions& options,
                                                      const InputSlice& slice);
  virtual ~RecordSource() = default;
  // Fills *record and returns true, or returns false at the end of input. A read
  // error (truncated .gz/.zst, I/O failure) ends the input: error() then says why.
  virtual bool Next(RawRecord* record) = 0;
  // As Next, but appends the record to *batch (same records, same order).
  virtual bool NextInto(RawBatch* batch);
  const std::string& error() const { return error_; }
  // Compressed (on-disk) bytes consumed so far, for progress.
  virtual uint64_t bytes_consumed() const = 0;
  // Blank lines (or empty files) passed over: not records, but counted.
  virtual uint64_t blank_lines() const = 0;
  // Adds the WARC records passed over since the last call, by kind
  // ("warcinfo", "request", "response_redirect", ...), to *into and forgets them.
  // Not records (not in `in`); stats.json "skipped_records".
  void TakeSkippedRecords(std::map<std::string, int64_t>* into) {
    for (const auto& [kind, n] : skipped_records_) (*into)[kind] += n;
    skipped_records_.clear();
  }

 protected:
  std::string error_;
  std::map<std::string, int64_t> skipped_records_;
  RawRecord scratch_;  // for the default NextInto
};

// Parses one raw record into *doc, or fills *malformed and returns false.
// Thread-safe (uses a thread-local parser). Invalid UTF-8 is replaced by U+FFFD
// and counted in *utf8_repairs.
bool ParseRecord(const InputFile& input, uint32_t input_index, const ReaderOptions& options,
                 RawRecord& raw, Document* doc, MalformedRecord* malformed, int64_t* utf8_repairs);
// The same for record i of a batch (parsed in place; *doc's buffers are reused).
bool ParseRecord(const InputFile& input, uint32_t input_index, const ReaderOptions& options, const RawBatch& batch,
                 size_t i, Document* doc, MalformedRecord* malformed, int64_t* utf8_repairs);

// Convenience for tools (tokenizer training, encode): reads one input
// sequentially. Malformed records go to on_malformed (may be empty to ignore
// them, but callers should count them). Returns the source's read error, if any.
Status ReadRecords(const InputFile& input, uint32_t input_index, const ReaderOptions& options,
                   const std::function<void(Document&)>& on_doc,
                   const std::function<void(const MalformedRecord&)>& on_malformed);

}  // namespace sluice
