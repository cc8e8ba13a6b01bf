#include "stages/dedup/exact_dedup.h"

#include <unicode/uchar.h>
#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "stages/engine/byte_codec.h"
#include "stages/engine/global_stage.h"
#include "stages/io/json_writer.h"
#include "stages/io/record_writer.h"
#include "stages/dedup/hash_mix.h"
#include "stages/engine/stage.h"
#include "stages/text/utf8.h"
#include "stages/text/word_segmenter.h"

namespace sluice {

DedupKey DedupKeyOf(std::string_view text, bool fold_case, bool fold_whitespace) {
  std::string_view hashed = text;
  thread_local std::string folded;
  if (fold_case || fold_whitespace) {
    folded.clear();
    folded.reserve(text.size());
    bool pending_space = false;
    size_t i = 0;
    while (i < text.size()) {
      unsigned char b = static_cast<unsigned char>(text[i]);
      uint32_t cp;
      if (b < 0x80) {
        cp = b;
        ++i;
      } else {
        cp = DecodeUtf8(text, &i);
      }
      if (fold_whitespace && (cp < 0x80 ? (cp == ' ' || (cp >= '\t' && cp <= '\r')) : u_isUWhiteSpace(cp))) {
        pending_space = !folded.empty();
        continue;
      }
      if (pending_space) {
        folded.push_back(' ');
        pending_space = false;
      }
      if (fold_case) {
        if (cp < 0x80) {
          if (cp >= 'A' && cp <= 'Z') cp += 32;
        } else {
          cp = static_cast<uint32_t>(u_foldCase(static_cast<UChar32>(cp), U_FOLD_CASE_DEFAULT));
        }
      }
      AppendUtf8(&folded, cp);
    }
    hashed = folded;
  }
  XXH128_hash_t h = XXH3_128bits(hashed.data(), hashed.size());
  return DedupKey{h.high64, h.low64};
}

// ---------------------------------------------------------------- index

ExactDedupIndex::ExactDedupIndex() : slots_(1024, Slot{0, 0, 0}) {}

size_t ExactDedupIndex::Find(const DedupKey& key) const {
  size_t mask = slots_.size() - 1;
  size_t i = MixHashBits(key.low ^ key.high) & mask;
  while (true) {
    const Slot& s = slots_[i];
    if ((s.high == 0 && s.low == 0) || (s.high == key.high && s.low == key.low)) return i;
    i = (i + 1) & mask;
  }
}

std::string_view ExactDedupIndex::IdOf(const Slot& s) const {
  return std::string_view(ids_).substr(s.id_ref >> 24, s.id_ref & 0xFFFFFF);
}

void ExactDedupIndex::Grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, Slot{0, 0, 0});
  for (const Slot& s : old) {
    if (s.high == 0 && s.low == 0) continue;
    slots_[Find(DedupKey{s.high, s.low})] = s;
  }
}

bool ExactDedupIndex::Insert(const DedupKey& key_in, std::string_view id, std::string* survivor) {
  DedupKey key = key_in;
  if (key.high == 0 && key.low == 0) key.low = 1;  // all-zero marks an empty slot
  size_t i = Find(key);
  Slot& s = slots_[i];
  if (s.high != 0 || s.low != 0) {
    if (survivor != nullptr) survivor->assign(IdOf(s));
    return false;
  }
  size_t len = std::min<size_t>(id.size(), 0xFFFFFF);
  s = Slot{key.high, key.low, (static_cast<uint64_t>(ids_.size()) << 24) | len};
  ids_.append(id.data(), len);
  ++size_;
  if (size_ * 10 > slots_.size() * 7) Grow();
  return true;
}

size_t ExactDedupIndex::MemoryBytes() const { return slots_.capacity() * sizeof(Slot) + ids_.capacity(); }

namespace {
constexpr char kMagic[] = "SLUICE-EXACT-DEDUP 1\n";
}  // namespace

// The file: kMagic, the entry count (u64), then per entry the 16-byte key (two
// u64) and the id (u32 length + bytes), little-endian (stages/engine/byte_codec.h).
Status ExactDedupIndex::Save(const std::string& path) const {
  std::string buf(kMagic);
  PutU64(&buf, size_);
  for (const Slot& s : slots_) {
    if (s.high == 0 && s.low == 0) continue;
    PutU64(&buf, s.high);
    PutU64(&buf, s.low);
    PutStr(&buf, IdOf(s));
  }
  return WriteFileAtomically(path, buf).WithContext("dedup index");
}

Status ExactDedupIndex::Load(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::Io("cannot read dedup index " + path + ": " + std::strerror(errno));
  std::string buf;
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) buf.append(chunk, n);
  std::fclose(f);
  const size_t magic_len = sizeof(kMagic) - 1;
  if (buf.compare(0, magic_len, kMagic) != 0) return Status::Io(path + ": not a sluice exact-dedup index");
  ByteReader in(std::string_view(buf).substr(magic_len));
  const uint64_t count = in.U64();
  if (!in.ok()) return Status::Io(path + ": truncated dedup index");
  for (uint64_t k = 0; k < count; ++k) {
    DedupKey key{in.U64(), in.U64()};
    std::string_view id = in.Str();
    if (!in.ok()) return Status::Io(path + ": truncated dedup index (entry " + std::to_string(k) + ")");
    Insert(key, id, nullptr);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- the stage

namespace {

constexpr const char* kReasonDuplicate = "exact_dedup.duplicate";

// Key: the 16-byte text hash and the id; the resolver's index keeps the first
// id of every hash (input order); the decision names the survivor.
class ExactDedupResolver final : public GlobalResolver {
 public:
  ExactDedupResolver(std::unique_ptr<ExactDedupIndex> index, size_t preloaded, std::string index_out)
      : index_(std::move(index)), preloaded_(preloaded), index_out_(std::move(index_out)) {}

  void Add(uint64_t, std::string_view key, std::string* decision, Stats&) override {
    if (key.size() < 16) return;  // not written by Key(): keep
    DedupKey k;
    std::memcpy(&k.high, key.data(), 8);
    std::memcpy(&k.low, key.data() + 8, 8);
    if (!index_->Insert(k, key.substr(16), &survivor_)) {
      decision->push_back('D');  // "D" + survivor id ("" would mean keep)
      decision->append(survivor_);
    }
  }

  Status Finish(FinishContext& ctx) override {
    ctx.report_json = ExactDedupReport(*index_, preloaded_);
    if (index_out_.empty()) return Status::Ok();
    std::string path = index_out_;
    if (std::filesystem::path(path).is_relative() && !ctx.output_dir.empty()) {
      path = (std::filesystem::path(ctx.output_dir) / path).string();
    }
    return index_->Save(path).WithContext("stage exact_dedup, option 'index_out'");
  }

 private:
  std::unique_ptr<ExactDedupIndex> index_;
  size_t preloaded_;
  std::string index_out_;
  std::string survivor_;
};

class ExactDedupStage final : public GlobalStage {
 public:
  ExactDedupStage(bool fold_case, bool fold_whitespace, std::string index_in, std::string index_out)
      : fold_case_(fold_case),
        fold_whitespace_(fold_whitespace),
        index_in_(std::move(index_in)),
        index_out_(std::move(index_out)) {}

  void Key(const Document& doc, StageContext&, std::string* key) const override {
    const DedupKey k = DedupKeyOf(doc.text, fold_case_, fold_whitespace_);
    key->append(reinterpret_cast<const char*>(&k.high), 8);
    key->append(reinterpret_cast<const char*>(&k.low), 8);
    key->append(doc.id);
  }

  StatusOr<std::unique_ptr<GlobalResolver>> NewResolver() const override {
    auto index = std::make_unique<ExactDedupIndex>();
    if (!index_in_.empty()) {
      Status st = index->Load(index_in_);
      if (!st.ok()) return Status::Config("option 'index_in': " + st.message());
    }
    const size_t preloaded = index->size();
    return std::unique_ptr<GlobalResolver>(new ExactDedupResolver(std::move(index), preloaded, index_out_));
  }

  Verdict Apply(Document& doc, std::string_view decision, StageContext& ctx) const override {
    if (decision.empty()) return ExactDedupVerdict(doc, ctx, nullptr);
    const std::string survivor(decision.substr(1));
    return ExactDedupVerdict(doc, ctx, &survivor);
  }

 private:
  bool fold_case_;
  bool fold_whitespace_;
  std::string index_in_;   // resolved against the recipe directory
  std::string index_out_;  // relative to the output directory
};

StatusOr<std::unique_ptr<Stage>> MakeExactDedup(const Options& o, const StageEnv& env) {
  std::string in = o.GetString("index_in");
  if (!in.empty() && std::filesystem::path(in).is_relative()) {
    in = (std::filesystem::path(env.recipe_dir) / in).string();
  }
  auto stage = std::make_unique<ExactDedupStage>(o.GetBool("fold_case"), o.GetBool("fold_whitespace"), in,
                                                 o.GetString("index_out"));
  // A missing index_in is a recipe error, found when the recipe is built (the
  // resolver loads it; a damaged file fails there).
  std::error_code ec;
  if (!in.empty() && !std::filesystem::is_regular_file(in, ec)) {
    return Status::Config("option 'index_in': cannot read '" + in + "'");
  }
  return std::unique_ptr<Stage>(std::move(stage));
}

}  // namespace

Verdict ExactDedupVerdict(Document& doc, StageContext& ctx, const std::string* survivor) {
  if (survivor == nullptr) {
    ctx.stats().Add("exact_dedup.distinct");
    return Verdict::Keep();
  }
  ctx.stats().Add("exact_dedup.duplicates");
  doc.Annotate("duplicate_of", *survivor);
  doc.all_reasons.push_back(kReasonDuplicate);
  return Verdict::Drop(kReasonDuplicate, "duplicate of " + *survivor);
}

std::string ExactDedupReport(const ExactDedupIndex& index, size_t preloaded) {
  JsonBuilder j;
  j.BeginObject();
  j.Key("distinct_keys").Int(static_cast<int64_t>(index.size()));
  j.Key("preloaded_keys").Int(static_cast<int64_t>(preloaded));
  j.Key("index_bytes").Int(static_cast<int64_t>(index.MemoryBytes()));
  j.EndObject();
  return j.Take();
}

SLUICE_REGISTER_STAGE(ExactDedup, [] {
  using T = OptionType;
  return StageInfo{
      "exact_dedup",
      "stages",
      "drop exact duplicates (XXH3-128 of the text); the first in input order survives",
      {
          MakeOption("fold_case", T::kBool, "false", "hash the case-folded text (Unicode simple case folding)"),
          MakeOption("fold_whitespace", T::kBool, "false",
              "hash with every whitespace run as one space and the ends trimmed"),
          MakeOption("index_in", T::kString, "",
              "a saved index (from index_out of an earlier run): its documents count as seen first; relative to "
              "the recipe"),
          MakeOption("index_out", T::kString, "",
              "write the index here when the run ends (relative to the output directory)"),
      },
      MakeExactDedup, /*global=*/true};
});

}  // namespace sluice
