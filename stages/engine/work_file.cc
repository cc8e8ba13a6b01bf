#include "stages/engine/work_file.h"

#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice {

namespace {

constexpr char kMagic[] = "SLUICE-WORK 1\n";
constexpr size_t kMagicLen = sizeof(kMagic) - 1;

void PutFields(std::string* out, const std::vector<JsonField>& fields) {
  PutU32(out, static_cast<uint32_t>(fields.size()));
  for (const auto& f : fields) {
    PutStr(out, f.key);
    PutStr(out, f.json);
  }
}

bool GetFields(ByteReader& in, std::vector<JsonField>* fields) {
  fields->clear();
  for (uint32_t n = in.U32(); n > 0 && in.ok(); --n) {
    JsonField f;
    f.key = std::string(in.Str());
    f.json = std::string(in.Str());
    fields->push_back(std::move(f));
  }
  return in.ok();
}

void PutStrings(std::string* out, const std::vector<std::string>& list) {
  PutU32(out, static_cast<uint32_t>(list.size()));
  for (const auto& s : list) PutStr(out, s);
}

bool GetStrings(ByteReader& in, std::vector<std::string>* list) {
  list->clear();
  for (uint32_t n = in.U32(); n > 0 && in.ok(); --n) list->emplace_back(in.Str());
  return in.ok();
}

}  // namespace

void EncodeDocument(const Document& doc, std::string* out) {
  PutStr(out, doc.id);
  PutU8(out, (doc.id_from_input ? 1 : 0) | (doc.dropped ? 2 : 0));
  PutStr(out, doc.text);
  PutU32(out, doc.input_index);
  PutU64(out, doc.line);
  PutFields(out, doc.fields);
  PutFields(out, doc.annotations);
  PutU32(out, static_cast<uint32_t>(doc.signals.size()));
  for (const auto& [name, value] : doc.signals) {
    PutStr(out, name);
    PutF64(out, value);
  }
  PutStrings(out, doc.tags);
  PutStr(out, doc.route);
  PutStr(out, doc.drop_stage);
  PutStr(out, doc.drop_reason);
  PutStr(out, doc.drop_detail);
  PutStrings(out, doc.all_reasons);
}

bool DecodeDocument(ByteReader& in, Document* doc) {
  *doc = Document();
  doc->id = std::string(in.Str());
  const uint8_t flags = in.U8();
  doc->id_from_input = (flags & 1) != 0;
  doc->dropped = (flags & 2) != 0;
  doc->text = std::string(in.Str());
  doc->input_index = in.U32();
  doc->line = in.U64();
  if (!GetFields(in, &doc->fields) || !GetFields(in, &doc->annotations)) return false;
  for (uint32_t n = in.U32(); n > 0 && in.ok(); --n) {
    std::string name(in.Str());
    doc->signals.emplace_back(std::move(name), in.F64());
  }
  if (!GetStrings(in, &doc->tags)) return false;
  doc->route = std::string(in.Str());
  doc->drop_stage = std::string(in.Str());
  doc->drop_reason = std::string(in.Str());
  doc->drop_detail = std::string(in.Str());
  return GetStrings(in, &doc->all_reasons);
}

void EncodeMalformed(const MalformedRecord& m, std::string* out) {
  PutU32(out, m.input_index);
  PutStr(out, m.path);
  PutU64(out, m.line);
  PutStr(out, m.error);
  PutStr(out, m.message);
  PutStr(out, m.raw);
}

bool DecodeMalformed(ByteReader& in, MalformedRecord* m) {
  m->input_index = in.U32();
  m->path = std::string(in.Str());
  m->line = in.U64();
  m->error = std::string(in.Str());
  m->message = std::string(in.Str());
  m->raw = std::string(in.Str());
  return in.ok();
}

std::string CompressWorkFrame(std::string_view raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  struct Context {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ~Context() { ZSTD_freeCCtx(cctx); }
  };
  thread_local Context context;
  const size_t n = ZSTD_compressCCtx(context.cctx, out.data(), out.size(), raw.data(), raw.size(), 1);
  if (ZSTD_isError(n)) return {};
  out.resize(n);
  return out;
}

Status WorkFileWriter::Open(const std::string& path) {
  SLUICE_RETURN_IF_ERROR(file_.Open(path));
  return file_.Write(kMagic, kMagicLen);
}

Status WorkFileWriter::Append(std::string_view compressed_frame, uint64_t raw_size) {
  if (compressed_frame.empty() && raw_size > 0) return Status::Internal("work frame compression failed");
  std::string head;
  PutU64(&head, compressed_frame.size());
  PutU64(&head, raw_size);
  SLUICE_RETURN_IF_ERROR(file_.Write(head.data(), head.size()));
  return file_.Write(compressed_frame.data(), compressed_frame.size());
}

WorkFileReader::~WorkFileReader() {
  if (f_) std::fclose(f_);
}

Status WorkFileReader::Open(const std::string& path) {
  path_ = path;
  f_ = std::fopen(path.c_str(), "rb");
  if (!f_) return Status::Io("cannot read '" + path + "': " + std::strerror(errno));
  char magic[kMagicLen];
  if (std::fread(magic, 1, kMagicLen, f_) != kMagicLen || std::memcmp(magic, kMagic, kMagicLen) != 0) {
    return Status::Io("'" + path + "' is not a sluice work file");
  }
  return Status::Ok();
}

StatusOr<bool> WorkFileReader::Next(std::string* frame) {
  char head[16];
  const size_t n = std::fread(head, 1, sizeof head, f_);
  if (n == 0) return false;
  ByteReader h(std::string_view(head, n));
  const uint64_t csize = h.U64(), rsize = h.U64();
  if (!h.ok() || csize > (uint64_t{1} << 40) || rsize > (uint64_t{1} << 40)) {
    return Status::Io("'" + path_ + "': damaged work file");
  }
  compressed_.resize(csize);
  if (csize && std::fread(compressed_.data(), 1, csize, f_) != csize) {
    return Status::Io("'" + path_ + "': truncated work file");
  }
  frame->resize(rsize);
  if (rsize) {
    const size_t got = ZSTD_decompress(frame->data(), rsize, compressed_.data(), csize);
    if (ZSTD_isError(got) || got != rsize) return Status::Io("'" + path_ + "': damaged work file frame");
  }
  return true;
}

}  // namespace sluice
