#include "filters/decontaminate.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <xxhash.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <tuple>

#include "stages/io/json_writer.h"
#include "stages/io/record_reader.h"
#include "stages/engine/stage.h"
#include "stages/text/word_segmenter.h"
#include "stages/text/utf8.h"

namespace sluice {

// ---------------------------------------------------------------- normalized words

std::string FoldWord(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  size_t i = 0;
  while (i < word.size()) {
    const unsigned char c = static_cast<unsigned char>(word[i]);
    if (c < 0x80) {
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) out.push_back(static_cast<char>(c));
      else if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c + 32));
      ++i;
      continue;
    }
    UChar32 cp = static_cast<UChar32>(DecodeUtf8(word, &i));
    const uint32_t mask = U_GET_GC_MASK(cp);
    if (!(mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK))) continue;
    cp = u_foldCase(cp, U_FOLD_CASE_DEFAULT);
    char buf[4];
    int32_t len = 0;
    U8_APPEND_UNSAFE(buf, len, cp);
    out.append(buf, static_cast<size_t>(len));
  }
  return out;
}

namespace {
bool Joinable(std::string_view gap) {
  if (gap.empty()) return false;  // CJK words, Thai words: adjacent without a gap, never joined
  for (unsigned char c : gap) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c >= 0x80) return false;
  }
  return true;
}
}  // namespace

void NormalizedWords(std::string_view text, std::vector<NormalizedWord>* out, bool join_unspaced) {
  out->clear();
  thread_local std::vector<WordSpan> spans;
  WordSegmenter::ThreadLocal().Segment(text, &spans);
  out->reserve(spans.size());
  thread_local std::string folded, acc;
  acc.clear();
  uint32_t acc_begin = 0, acc_end = 0;
  bool acc_joinable = false;
  for (const WordSpan& s : spans) {
    folded = FoldWord(s.in(text));
    if (folded.empty()) continue;
    if (!join_unspaced) {
      out->push_back(NormalizedWord{XXH3_64bits(folded.data(), folded.size()), s.begin, s.end});
      continue;
    }
    const bool joinable = s.kind != WordKind::kIdeo && s.kind != WordKind::kKana;
    if (!acc.empty() && acc_joinable && joinable && Joinable(text.substr(acc_end, s.begin - acc_end))) {
      acc += folded;
      acc_end = s.end;
      continue;
    }
    if (!acc.empty()) out->push_back(NormalizedWord{XXH3_64bits(acc.data(), acc.size()), acc_begin, acc_end});
    acc = folded;
    acc_begin = s.begin;
    acc_end = s.end;
    acc_joinable = joinable;
  }
  if (!acc.empty()) out->push_back(NormalizedWord{XXH3_64bits(acc.data(), acc.size()), acc_begin, acc_end});
}

// ---------------------------------------------------------------- index

uint64_t BenchmarkIndex::NgramHash(const NormalizedWord* words, int n) {
  uint64_t h[64] = {};  // (GCC 12 warns otherwise, wrongly)
  const int k = std::min(n, 64);
  for (int i = 0; i < k; ++i) h[i] = words[i].hash;
  uint64_t out = XXH3_64bits(h, sizeof(uint64_t) * static_cast<size_t>(k));
  // n > 64 (unusual): chain the rest in blocks of 64.
  for (int base = 64; base < n; base += 64) {
    const int m = std::min(n - base, 64);
    for (int i = 0; i < m; ++i) h[i] = words[base + i].hash;
    out = XXH3_64bits_withSeed(h, sizeof(uint64_t) * static_cast<size_t>(m), out);
  }
  return out;
}

bool BenchmarkIndex::Add(std::string_view text, std::string_view task) {
  std::vector<NormalizedWord> words, joined;
  NormalizedWords(text, &words);
  if (words.size() < static_cast<size_t>(ngram_)) return false;
  uint32_t t = 0;
  while (t < tasks_.size() && tasks_[t] != task) ++t;
  if (t == tasks_.size()) tasks_.emplace_back(task);
  for (size_t i = 0; i + ngram_ <= words.size(); ++i) building_.emplace_back(NgramHash(&words[i], ngram_), t);
  NormalizedWords(text, &joined, /*join_unspaced=*/true);
  if (joined.size() != words.size()) {
    for (size_t i = 0; i + ngram_ <= joined.size(); ++i) building_.emplace_back(NgramHash(&joined[i], ngram_), t);
  }
  return true;
}

void BenchmarkIndex::Seal() {
  std::sort(building_.begin(), building_.end());
  hashes_.clear();
  task_of_.clear();
  per_task_.assign(tasks_.size(), 0);
  for (size_t i = 0; i < building_.size(); ++i) {
    if (i && building_[i].first == building_[i - 1].first) continue;  // sorted: the lowest task came first
    hashes_.push_back(building_[i].first);
    task_of_.push_back(building_[i].second);
    per_task_[building_[i].second] += 1;
  }
  std::vector<std::pair<uint64_t, uint32_t>>().swap(building_);
  bucket_.assign((1u << 16) + 1, 0);
  size_t pos = 0;
  for (uint32_t b = 0; b <= (1u << 16); ++b) {
    while (pos < hashes_.size() && (hashes_[pos] >> 48) < b) ++pos;
    bucket_[b] = static_cast<uint32_t>(pos);
  }
}

int64_t BenchmarkIndex::Scan(std::string_view text, std::vector<std::pair<size_t, size_t>>* spans,
                             int32_t* first_task) const {
  thread_local std::vector<NormalizedWord> words;
  thread_local std::vector<std::tuple<size_t, size_t, int32_t>> found;
  found.clear();
  const size_t n = static_cast<size_t>(ngram_);
  size_t plain_size = 0;
  for (bool join : {false, true}) {
    NormalizedWords(text, &words, join);
    if (join && words.size() == plain_size) break;  // nothing joined: the same n-grams
    plain_size = words.size();
    for (size_t i = 0; i + n <= words.size(); ++i) {
      const int32_t t = Find(&words[i]);
      if (t >= 0) found.emplace_back(words[i].begin, words[i + n - 1].end, t);
    }
  }
  std::sort(found.begin(), found.end());
  *first_task = found.empty() ? -1 : std::get<2>(found.front());
  if (spans) {
    spans->clear();
    for (const auto& [b, e, t] : found) {
      if (!spans->empty() && b <= spans->back().second) spans->back().second = std::max(spans->back().second, e);
      else spans->emplace_back(b, e);
    }
  }
  return static_cast<int64_t>(found.size());
}

int32_t BenchmarkIndex::Find(const NormalizedWord* words) const {
  if (hashes_.empty()) return -1;
  const uint64_t h = NgramHash(words, ngram_);
  const uint32_t b = static_cast<uint32_t>(h >> 48);
  auto first = hashes_.begin() + bucket_[b];
  auto last = hashes_.begin() + bucket_[b + 1];
  auto it = std::lower_bound(first, last, h);
  if (it == last || *it != h) return -1;
  return static_cast<int32_t>(task_of_[static_cast<size_t>(it - hashes_.begin())]);
}

namespace {

// ---------------------------------------------------------------- stage

enum class DecontamMode { kDrop, kCut };

// Byte position `count` code points before / after `pos` in valid UTF-8.
size_t BackChars(std::string_view s, size_t pos, int64_t count) {
  while (pos > 0 && count > 0) {
    --pos;
    while (pos > 0 && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) --pos;
    --count;
  }
  return pos;
}
size_t ForwardChars(std::string_view s, size_t pos, int64_t count) {
  while (pos < s.size() && count > 0) {
    ++pos;
    while (pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) ++pos;
    --count;
  }
  return pos;
}
bool IsAsciiSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

size_t CodePointsOf(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

class DecontaminateStage final : public Stage {
 public:
  struct Config {
    DecontamMode mode = DecontamMode::kDrop;
    int64_t margin = 200;
    int64_t min_piece_chars = 200;
    int64_t max_pieces = 10;
  };
  DecontaminateStage(BenchmarkIndex index, Config config, size_t files, size_t texts, size_t short_texts)
      : index_(std::move(index)), config_(config), files_(files), texts_(texts), short_texts_(short_texts) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    ctx.stats().Add(kStatDecontamDocs);
    thread_local std::vector<std::pair<size_t, size_t>> spans;  // matched byte spans, merged
    int32_t first_task = -1;
    const int64_t hits = index_.Scan(doc.text, &spans, &first_task);
    const size_t n = static_cast<size_t>(index_.ngram());
    doc.AddSignal(kSignalDecontamHits, static_cast<double>(hits));
    if (hits == 0) return Verdict::Keep();
    const std::string& task = index_.tasks()[static_cast<size_t>(first_task)];
    ctx.stats().Add(kStatDecontamContaminated);
    ctx.stats().Add(kStatDecontamHits, hits);
    ctx.stats().Add(std::string(kStatDecontamTaskPrefix) + task);
    const std::string detail = "task " + task + ": " + std::to_string(hits) + " matching " + std::to_string(n) +
                               "-gram" + (hits == 1 ? "" : "s");
    if (config_.mode == DecontamMode::kDrop) return DropWith(doc, kDecontamOverlap, detail);
    return Cut(doc, ctx, spans, detail);
  }

  Status Finish(FinishContext& ctx) override {
    std::ostringstream r;
    r << "{\"mode\":\"" << (config_.mode == DecontamMode::kDrop ? "drop" : "cut") << "\",\"ngram\":" << index_.ngram()
      << ",\"benchmark_files\":" << files_ << ",\"benchmark_texts\":" << texts_
      << ",\"benchmark_texts_too_short\":" << short_texts_ << ",\"benchmark_ngrams\":" << index_.distinct_ngrams()
      << ",\"documents\":" << ctx.stats->Get(kStatDecontamDocs)
      << ",\"contaminated\":" << ctx.stats->Get(kStatDecontamContaminated) << ",\"tasks\":{";
    for (size_t t = 0; t < index_.tasks().size(); ++t) {
      const std::string& name = index_.tasks()[t];
      if (t) r << ",";
      r << JsonString(name) << ":{\"benchmark_ngrams\":" << index_.ngrams_per_task()[t]
        << ",\"documents\":" << ctx.stats->Get(std::string(kStatDecontamTaskPrefix) + name) << "}";
    }
    r << "}}";
    ctx.report_json = r.str();
    return Status::Ok();
  }

 private:
  static Verdict DropWith(Document& doc, const char* reason, std::string detail) {
    doc.all_reasons.push_back(reason);
    return Verdict::Drop(reason, std::move(detail));
  }

  // GPT-3 style: remove every matched span with the margin around it; a cut
  // edge moves outward to a space (at most 40 characters) so words stay whole.
  Verdict Cut(Document& doc, StageContext& ctx, const std::vector<std::pair<size_t, size_t>>& spans,
              const std::string& detail) const {
    const std::string_view text = doc.text;
    std::vector<std::pair<size_t, size_t>> cuts;
    for (const auto& [b, e] : spans) {
      size_t cb = BackChars(text, b, config_.margin);
      size_t ce = ForwardChars(text, e, config_.margin);
      for (int k = 0; k < 40 && cb > 0 && !IsAsciiSpace(text[cb - 1]); ++k) cb = BackChars(text, cb, 1);
      for (int k = 0; k < 40 && ce < text.size() && !IsAsciiSpace(text[ce]); ++k) ce = ForwardChars(text, ce, 1);
      if (!cuts.empty() && cb <= cuts.back().second) cuts.back().second = std::max(cuts.back().second, ce);
      else cuts.emplace_back(cb, ce);
    }
    std::vector<std::string_view> pieces;
    size_t pos = 0;
    for (const auto& [cb, ce] : cuts) {
      std::string_view p = TrimAscii(text.substr(pos, cb - pos));
      if (!p.empty()) pieces.push_back(p);
      pos = ce;
    }
    if (std::string_view p = TrimAscii(text.substr(pos)); !p.empty()) pieces.push_back(p);
    if (static_cast<int64_t>(pieces.size()) > config_.max_pieces) {
      return DropWith(doc, kDecontamTooManyPieces, detail + ", " + std::to_string(pieces.size()) + " pieces");
    }
    std::string out;
    for (std::string_view p : pieces) {
      if (static_cast<int64_t>(CodePointsOf(p)) < config_.min_piece_chars) continue;
      if (!out.empty()) out += "\n\n";
      out.append(p);
    }
    if (out.empty()) return DropWith(doc, kDecontamTooShort, detail);
    // Joining pieces could in theory form a new match across a seam: check.
    int32_t left_task = -1;
    if (index_.Scan(out, nullptr, &left_task) > 0) {
      return DropWith(doc, kDecontamOverlap, detail + " (left after cutting)");
    }
    ctx.stats().Add(kStatDecontamCut);
    ctx.stats().Add(kStatDecontamCutChars, static_cast<int64_t>(CodePointsOf(text) - CodePointsOf(out)));
    doc.text = std::move(out);
    return Verdict::Keep();
  }

  BenchmarkIndex index_;
  Config config_;
  size_t files_, texts_, short_texts_;
};

// The value of a JSONL field as text: a JSON string unescaped (simple escapes), anything else as written.
std::string FieldText(const std::string& json) {
  if (json.size() < 2 || json.front() != '"') return json;
  std::string out;
  for (size_t i = 1; i + 1 < json.size(); ++i) {
    if (json[i] == '\\' && i + 2 < json.size()) {
      const char c = json[++i];
      out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
    } else {
      out.push_back(json[i]);
    }
  }
  return out;
}

SLUICE_REGISTER_STAGE(Decontaminate, [] {
  StageInfo info;
  info.type = "decontaminate";
  info.folder = "filters";
  info.summary =
      "Removes evaluation benchmarks: drops (or cuts, GPT-3 style) documents sharing a normalized word n-gram with a "
      "benchmark JSONL";
  info.options = {
      {"benchmarks", OptionType::kStringList, "[]",
       "Benchmark JSONL files, directories or globs (text, optional task; relative to the recipe)", -1e300, 1e300,
       {}, true},
      {"ngram", OptionType::kInt, "13", "Words per n-gram", 3, 1000, {}, false},
      {"mode", OptionType::kString, "drop", "drop the document, or cut the matches out", -1e300, 1e300,
       {"drop", "cut"}, false},
      {"cut_margin_chars", OptionType::kInt, "200", "cut: characters removed on each side of a match", 0, 1e9, {},
       false},
      {"min_piece_chars", OptionType::kInt, "200", "cut: pieces shorter than this are discarded", 0, 1e9, {}, false},
      {"max_pieces", OptionType::kInt, "10", "cut: more pieces than this drop the document", 1, 1e9, {}, false},
  };
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    std::vector<std::string> paths;
    for (const std::string& p : o.GetStringList("benchmarks")) {
      std::filesystem::path path(p);
      if (path.is_relative() && !env.recipe_dir.empty()) path = std::filesystem::path(env.recipe_dir) / path;
      paths.push_back(path.string());
    }
    if (paths.empty()) return Status::Config("decontaminate: option 'benchmarks' needs at least one file");
    auto files = ExpandInputs(paths);
    if (!files.ok()) return files.status().WithContext("decontaminate: option 'benchmarks'");
    BenchmarkIndex index(static_cast<int>(o.GetInt("ngram")));
    size_t texts = 0, short_texts = 0;
    for (uint32_t i = 0; i < files->size(); ++i) {
      const InputFile& f = (*files)[i];
      const std::string stem = std::filesystem::path(f.path).filename().string();
      const std::string default_task = stem.substr(0, stem.find('.'));
      ReaderOptions ro;
      ro.text_mode = TextMode::kParagraph;
      std::string bad;
      Status st = ReadRecords(
          f, i, ro,
          [&](Document& doc) {
            std::string task = default_task;
            for (const JsonField& fld : doc.fields) {
              if (fld.key == "task") task = FieldText(fld.json);
            }
            ++texts;
            if (!index.Add(doc.text, task)) ++short_texts;
          },
          [&](const MalformedRecord& m) {
            if (bad.empty()) bad = m.path + ":" + std::to_string(m.line) + ": " + m.error;
          });
      if (!st.ok()) return st.WithContext("decontaminate: benchmark " + f.path);
      if (!bad.empty()) return Status::Config("decontaminate: malformed benchmark record " + bad);
    }
    index.Seal();
    DecontaminateStage::Config config;
    config.mode = o.GetString("mode") == "cut" ? DecontamMode::kCut : DecontamMode::kDrop;
    config.margin = o.GetInt("cut_margin_chars");
    config.min_piece_chars = o.GetInt("min_piece_chars");
    config.max_pieces = o.GetInt("max_pieces");
    return std::unique_ptr<Stage>(
        new DecontaminateStage(std::move(index), config, files->size(), texts, short_texts));
  };
  return info;
});

}  // namespace
}  // namespace sluice
