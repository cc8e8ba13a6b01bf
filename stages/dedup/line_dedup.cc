#include "stages/dedup/line_dedup.h"

#include <cstring>

#include "stages/engine/global_stage.h"

#include <unicode/uchar.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>

#include "stages/io/json_writer.h"
#include "stages/dedup/hash_mix.h"
#include "stages/engine/stage.h"
#include "stages/text/utf8.h"
#include "stages/text/word_segmenter.h"

namespace sluice {

bool LineKey(std::string_view line, uint64_t* key) {
  thread_local std::string norm;
  norm.clear();
  bool pending_space = false;
  size_t i = 0;
  while (i < line.size()) {
    unsigned char b = static_cast<unsigned char>(line[i]);
    uint32_t cp;
    if (b < 0x80) {
      cp = b;
      ++i;
      if (cp >= 'A' && cp <= 'Z') cp += 32;
      else if (cp >= '0' && cp <= '9') cp = '0';
      else if (cp == ' ' || cp == '\t' || cp == '\r') {
        pending_space = !norm.empty();
        continue;
      } else if (!((cp >= 'a' && cp <= 'z'))) {
        pending_space = !norm.empty();  // ASCII punctuation, symbols, controls separate like spaces
        continue;
      }
    } else {
      cp = DecodeUtf8(line, &i);
      if (u_isUWhiteSpace(cp)) {
        pending_space = !norm.empty();
        continue;
      }
      if (u_isdigit(cp)) {
        cp = '0';
      } else if (u_ispunct(cp) || (U_GET_GC_MASK(cp) & (U_GC_S_MASK | U_GC_C_MASK | U_GC_Z_MASK))) {
        // Punctuation, symbols (© ™), format/control characters separate
        // like spaces: "公司。保留" and "公司 保留" share a key.
        pending_space = !norm.empty();
        continue;
      } else {
        cp = static_cast<uint32_t>(u_tolower(static_cast<UChar32>(cp)));
      }
    }
    if (pending_space) {
      norm.push_back(' ');
      pending_space = false;
    }
    AppendUtf8(&norm, cp);
  }
  if (norm.empty()) return false;
  uint64_t h = XXH3_64bits(norm.data(), norm.size());
  *key = h == 0 ? 1 : h;
  return true;
}

LineCounter::LineCounter() : keys_(1024, 0), counts_(1024, 0) {}

size_t LineCounter::Find(uint64_t key) const {
  size_t mask = keys_.size() - 1;
  size_t i = MixHashBits(key) & mask;
  while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & mask;
  return i;
}

uint32_t LineCounter::Count(uint64_t key) const {
  size_t i = Find(key);
  return keys_[i] == key ? counts_[i] : 0;
}

void LineCounter::Grow() {
  std::vector<uint64_t> old_keys;
  std::vector<uint32_t> old_counts;
  old_keys.swap(keys_);
  old_counts.swap(counts_);
  keys_.assign(old_keys.size() * 2, 0);
  counts_.assign(old_keys.size() * 2, 0);
  for (size_t j = 0; j < old_keys.size(); ++j) {
    if (old_keys[j] == 0) continue;
    size_t i = Find(old_keys[j]);
    keys_[i] = old_keys[j];
    counts_[i] = old_counts[j];
  }
}

void LineCounter::Increment(uint64_t key) {
  size_t i = Find(key);
  if (keys_[i] == key) {
    if (counts_[i] != UINT32_MAX) ++counts_[i];
    return;
  }
  keys_[i] = key;
  counts_[i] = 1;
  ++size_;
  if (size_ * 10 > keys_.size() * 7) Grow();
}

// ---------------------------------------------------------------- the stage

namespace {

constexpr const char* kReasonTooShort = "line_dedup.too_short";
constexpr const char* kReasonMostlyDuplicate = "line_dedup.mostly_duplicate";
constexpr const char* kSignalRemoved = "line_dedup.removed_fraction";

// Key: the hashes of the document's eligible lines, in order (u64 each). The
// resolver's counter says in how many earlier documents each occurred; the
// decision lists the ordinals (u32, among the eligible lines) of the lines
// that go, "" when none does.
class LineDedupResolver final : public GlobalResolver {
 public:
  explicit LineDedupResolver(LineDedupConfig cfg) : cfg_(cfg) {}

  void Add(uint64_t, std::string_view key, std::string* decision, Stats&) override {
    const size_t n = key.size() / 8;
    doc_keys_.resize(n);
    if (n) std::memcpy(doc_keys_.data(), key.data(), n * 8);
    for (uint32_t i = 0; i < n; ++i) {
      if (counter_.Count(doc_keys_[i]) >= static_cast<uint64_t>(cfg_.min_docs)) {
        decision->append(reinterpret_cast<const char*>(&i), 4);
      }
    }
    // Count each line once per document, after the document was judged.
    std::sort(doc_keys_.begin(), doc_keys_.end());
    doc_keys_.erase(std::unique(doc_keys_.begin(), doc_keys_.end()), doc_keys_.end());
    for (uint64_t k : doc_keys_) counter_.Increment(k);
  }

  Status Finish(FinishContext& ctx) override {
    ctx.report_json = LineDedupReport(counter_);
    return Status::Ok();
  }

 private:
  LineDedupConfig cfg_;
  LineCounter counter_;
  std::vector<uint64_t> doc_keys_;
};

class LineDedupStage final : public GlobalStage {
 public:
  explicit LineDedupStage(LineDedupConfig cfg) : cfg_(cfg) {}

  void Key(const Document& doc, StageContext&, std::string* key) const override {
    thread_local std::vector<DedupLine> lines;
    SplitDedupLines(doc.text, cfg_, &lines);
    for (const auto& l : lines) {
      if (l.eligible) key->append(reinterpret_cast<const char*>(&l.key), 8);
    }
  }

  StatusOr<std::unique_ptr<GlobalResolver>> NewResolver() const override {
    return std::unique_ptr<GlobalResolver>(new LineDedupResolver(cfg_));
  }

  Verdict Apply(Document& doc, std::string_view decision, StageContext& ctx) const override {
    thread_local std::vector<DedupLine> lines;
    thread_local std::vector<bool> remove;
    SplitDedupLines(doc.text, cfg_, &lines);
    remove.assign(lines.size(), false);
    size_t d = 0;
    uint32_t ordinal = 0;
    for (size_t i = 0; i < lines.size() && d + 4 <= decision.size(); ++i) {
      if (!lines[i].eligible) continue;
      uint32_t next;
      std::memcpy(&next, decision.data() + d, 4);
      if (next == ordinal) {
        remove[i] = true;
        d += 4;
      }
      ++ordinal;
    }
    return ApplyLineRemovals(doc, ctx, cfg_, lines, remove);
  }

  std::vector<HistogramSpec> signal_histograms() const override { return {LineDedupSignalHistogram()}; }

 private:
  LineDedupConfig cfg_;
};

StatusOr<std::unique_ptr<Stage>> MakeLineDedup(const Options& o, const StageEnv&) {
  return std::unique_ptr<Stage>(new LineDedupStage(LineDedupConfigFromOptions(o)));
}

}  // namespace

LineDedupConfig LineDedupConfigFromOptions(const Options& o) {
  LineDedupConfig cfg;
  cfg.min_docs = o.GetInt("min_docs");
  cfg.min_line_chars = o.GetInt("min_line_chars");
  cfg.min_remaining_chars = o.GetInt("min_remaining_chars");
  cfg.max_removed_fraction = o.GetDouble("max_removed_fraction");
  return cfg;
}

void SplitDedupLines(std::string_view text, const LineDedupConfig& cfg, std::vector<DedupLine>* lines) {
  lines->clear();
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    DedupLine l;
    l.begin = pos;
    l.end = nl;
    std::string_view line = text.substr(pos, nl - pos);
    l.chars = static_cast<int64_t>(CountCodePoints(line));
    l.eligible = l.chars >= cfg.min_line_chars && LineKey(line, &l.key);
    lines->push_back(l);
    if (nl == text.size()) break;
    pos = nl + 1;
  }
}

Verdict ApplyLineRemovals(Document& doc, StageContext& ctx, const LineDedupConfig& cfg,
                          const std::vector<DedupLine>& lines, const std::vector<bool>& remove) {
  thread_local std::string out;
  out.clear();
  int64_t total_chars = 0;
  int64_t removed_chars = 0;
  int64_t removed_lines = 0;
  bool first = true;
  for (size_t i = 0; i < lines.size(); ++i) {
    const DedupLine& l = lines[i];
    total_chars += l.chars;
    if (remove[i]) {
      removed_chars += l.chars;
      ++removed_lines;
    } else {
      if (!first) out.push_back('\n');
      out.append(doc.text, l.begin, l.end - l.begin);
      first = false;
    }
  }
  double fraction = total_chars == 0 ? 0.0 : static_cast<double>(removed_chars) / total_chars;
  doc.AddSignal(kSignalRemoved, fraction);
  if (removed_lines > 0) {
    ctx.stats().Add("line_dedup.docs_changed");
    ctx.stats().Add("line_dedup.lines_removed", removed_lines);
    ctx.stats().Add("line_dedup.chars_removed", removed_chars);
    doc.text.swap(out);
  }
  if (total_chars - removed_chars < cfg.min_remaining_chars) doc.all_reasons.push_back(kReasonTooShort);
  if (fraction > cfg.max_removed_fraction) doc.all_reasons.push_back(kReasonMostlyDuplicate);
  if (!doc.all_reasons.empty()) {
    char detail[96];
    std::snprintf(detail, sizeof detail, "%lld of %lld chars in repeated lines", static_cast<long long>(removed_chars),
                  static_cast<long long>(total_chars));
    return Verdict::Drop(doc.all_reasons.front(), detail);
  }
  return Verdict::Keep();
}

HistogramSpec LineDedupSignalHistogram() { return HistogramSpec::Linear(kSignalRemoved, 0.0, 1.0, 20); }

std::string LineDedupReport(const LineCounter& counter) {
  JsonBuilder j;
  j.BeginObject();
  j.Key("distinct_lines").Int(static_cast<int64_t>(counter.size()));
  j.Key("table_bytes").Int(static_cast<int64_t>(counter.MemoryBytes()));
  j.EndObject();
  return j.Take();
}

SLUICE_REGISTER_STAGE(LineDedup, [] {
  using T = OptionType;
  return StageInfo{
      "line_dedup",
      "stages",
      "remove lines repeated across documents (menus, footers); streaming, first occurrences stay",
      {
          MakeOption("min_docs", T::kInt, "1",
              "remove a line once it was seen in this many earlier documents (1 = keep only the first)", 1, 1e9),
          MakeOption("min_line_chars", T::kInt, "20",
              "shorter lines (in characters, Chinese counts one per character) are never removed", 1, 1e9),
          MakeOption("min_remaining_chars", T::kInt, "1",
              "drop documents left with fewer characters (reason line_dedup.too_short)", 0, 1e12),
          MakeOption("max_removed_fraction", T::kDouble, "1.0",
              "drop documents whose removed share of characters is above this (reason "
              "line_dedup.mostly_duplicate); 1.0 = never",
              0.0, 1.0),
      },
      MakeLineDedup, /*global=*/true};
});

}  // namespace sluice
