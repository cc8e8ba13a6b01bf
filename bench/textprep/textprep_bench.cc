// Single-thread throughput of the text-preparation stages on real text, and
// memory per key of the dedup tables. Built and run by bench/textprep/run_bench.sh.
//   textprep_bench  (reads Debian docs installed by scripts/setup.sh)
#include <zlib.h>

#include <ctime>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "stages/engine/global_stage.h"
#include "stages/dedup/exact_dedup.h"
#include "stages/dedup/line_dedup.h"
#include "stages/engine/stage.h"

using namespace sluice;
namespace fs = std::filesystem;

namespace {

std::string ReadGz(const std::string& path) {
  std::string out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, n);
  gzclose(f);
  return out;
}

// Splits text into documents of about `target` bytes at line boundaries.
std::vector<std::string> Docs(const std::string& text, size_t target) {
  std::vector<std::string> docs;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.size(), pos + target);
    size_t nl = text.find('\n', end);
    end = nl == std::string::npos ? text.size() : nl + 1;
    docs.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return docs;
}

std::vector<std::string> Repeat(const std::vector<std::string>& docs, size_t min_bytes) {
  std::vector<std::string> out;
  size_t bytes = 0;
  while (bytes < min_bytes && !docs.empty()) {
    for (const auto& d : docs) {
      out.push_back(d);
      bytes += d.size();
    }
  }
  return out;
}

// CPU time of this thread: the machine is shared, wall time would measure the neighbours.
double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}
double Seconds(double t0) { return CpuNow() - t0; }

void RunParallelStage(const char* label, const char* type, const char* options, const std::vector<std::string>& docs) {
  auto stage = BuildStage(type, options);
  if (!stage.ok()) {
    std::printf("%s: %s\n", label, stage.status().message().c_str());
    return;
  }
  size_t bytes = 0;
  for (const auto& d : docs) bytes += d.size();
  Stats stats;
  StageContext ctx(&stats);
  double best = 1e9;
  for (int rep = 0; rep < 3; ++rep) {
    std::vector<Document> batch(docs.size());
    for (size_t i = 0; i < docs.size(); ++i) batch[i].text = docs[i];
    double t0 = CpuNow();
    for (auto& d : batch) (void)(*stage)->Process(d, ctx);
    best = std::min(best, Seconds(t0));
  }
  std::printf("| %s | `%s %s` | %.1f MB | %zu | %.1f MB/s |\n", label, type, options, bytes / 1e6, docs.size(),
              bytes / 1e6 / best);
}

}  // namespace

int main() {
  // English: Debian copyright files (mostly ASCII) and the English Debian Reference.
  std::string en;
  std::vector<fs::path> copyrights;
  for (auto& e : fs::directory_iterator("/usr/share/doc")) {
    fs::path p = e.path() / "copyright";
    if (fs::exists(p)) copyrights.push_back(p);
  }
  std::sort(copyrights.begin(), copyrights.end());
  for (const auto& p : copyrights) {
    FILE* f = std::fopen(p.c_str(), "rb");
    if (f == nullptr) continue;
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) en.append(buf, n);
    std::fclose(f);
  }
  std::string en_ref = ReadGz("/usr/share/debian-reference/debian-reference.en.txt.gz");
  std::string zh = ReadGz("/usr/share/debian-reference/debian-reference.zh-cn.txt.gz");
  std::string zh_tw = ReadGz("/usr/share/debian-reference/debian-reference.zh-tw.txt.gz");
  std::string de = ReadGz("/usr/share/debian-reference/debian-reference.de.txt.gz");
  // Dirty web-like text: the German reference with mojibake, entities, full-width and CRLF mixed in.
  std::string dirty;
  for (size_t i = 0; i < de.size(); i += 2000) {
    size_t end = std::min(de.size(), i + 2000);
    dirty.append(de, i, end - i);
    dirty += " caf\u00C3\u00A9 it\u00E2\u20AC\u2122s &amp; &#8217; Ｈｅｌｌｏ１２３ \u00A0 \r\n\n\n\n";
  }
  const size_t kBytes = 32u << 20;
  auto en_docs = Repeat(Docs(en, 4096), kBytes);
  auto en_ref_docs = Repeat(Docs(en_ref, 4096), kBytes);
  auto zh_docs = Repeat(Docs(zh, 4096), kBytes);
  auto zh_tw_docs = Docs(zh_tw.substr(0, 2u << 20), 4096);
  auto dirty_docs = Repeat(Docs(dirty, 4096), kBytes);

  std::printf("| input | stage | bytes | docs | throughput (1 thread, CPU time) |\n|---|---|---|---|---|\n");
  RunParallelStage("en copyright files", "normalize", "{}", en_docs);
  {
    std::vector<std::string> ascii_docs = en_docs;  // non-ASCII bytes -> 'x': the ASCII fast path
    for (auto& d : ascii_docs) {
      for (auto& ch : d) {
        if (static_cast<unsigned char>(ch) >= 0x80 || ch == '&' || ch == '\r') ch = 'x';
      }
    }
    RunParallelStage("en copyright files, ASCII only", "normalize", "{}", ascii_docs);
  }
  RunParallelStage("en Debian Reference", "normalize", "{}", en_ref_docs);
  RunParallelStage("zh-cn Debian Reference", "normalize", "{}", zh_docs);
  RunParallelStage("de + mojibake/entities/full-width", "normalize", "{}", dirty_docs);
  RunParallelStage("en Debian Reference", "normalize", "{form: nfkc, html_tags: true}", en_ref_docs);
  RunParallelStage("zh-tw Debian Reference", "normalize", "{chinese: simplified}", zh_tw_docs);
  RunParallelStage("en Debian Reference", "language_id", "{}", en_ref_docs);
  RunParallelStage("zh-cn Debian Reference", "language_id", "{}", zh_docs);
  RunParallelStage("en Debian Reference", "language_id", "{per_paragraph: true}", en_ref_docs);

  // Dedup tables: throughput of the serial part and bytes per key.
  for (const char* opts : {"{}", "{fold_case: true, fold_whitespace: true}"}) {
    auto stage = BuildStage("exact_dedup", opts);
    auto runner = GlobalStageRunner::Create(static_cast<const GlobalStage*>(stage->get()));
    Stats stats;
    StageContext ctx(&stats);
    size_t bytes = 0;
    double t0 = CpuNow();
    for (size_t i = 0; i < en_ref_docs.size(); ++i) {
      Document d;
      d.id = "file-000:" + std::to_string(i);
      d.text.swap(en_ref_docs[i]);
      bytes += d.text.size();
      d.line = i + 1;
      (void)runner->Run(d, ctx);  // key, resolver and apply on one thread
      en_ref_docs[i].swap(d.text);
    }
    double s = Seconds(t0);
    std::printf("| en Debian Reference (repeated) | `exact_dedup %s` | %.1f MB | %zu | %.0f MB/s (serial) |\n", opts,
                bytes / 1e6, en_ref_docs.size(), bytes / 1e6 / s);
  }
  {
    ExactDedupIndex index;
    const size_t n = 2000000;
    double t0 = CpuNow();
    for (size_t i = 0; i < n; ++i) {
      std::string id = "shard-00:" + std::to_string(i);
      index.Insert(DedupKeyOf(id, false, false), id, nullptr);
    }
    double s = Seconds(t0);
    std::printf("\nexact_dedup index: %zu distinct keys, ids of ~15 bytes: %.1f MB, %.1f bytes/key "
                "(%.0f ns/insert)\n", index.size(), index.MemoryBytes() / 1e6,
                static_cast<double>(index.MemoryBytes()) / index.size(), s * 1e9 / n);
  }
  {
    auto stage = BuildStage("line_dedup", "{}");
    auto runner = GlobalStageRunner::Create(static_cast<const GlobalStage*>(stage->get()));
    Stats stats;
    StageContext ctx(&stats);
    std::vector<std::string> docs = Docs(en_ref, 4096);
    auto more = Docs(zh, 4096);
    docs.insert(docs.end(), more.begin(), more.end());
    docs = Repeat(docs, 32u << 20);
    size_t bytes = 0;
    uint64_t line = 0;
    double t0 = CpuNow();
    for (auto& text : docs) {
      Document d;
      d.text = text;
      bytes += d.text.size();
      d.line = ++line;
      (void)runner->Run(d, ctx);  // key, resolver and apply on one thread
    }
    double s = Seconds(t0);
    std::printf("line_dedup: %.1f MB en+zh Debian Reference (repeated 4x): %.0f MB/s (serial), %lld lines removed\n",
                bytes / 1e6, bytes / 1e6 / s, static_cast<long long>(stats.Get("line_dedup.lines_removed")));
    LineCounter c;
    const size_t n = 4000000;
    for (size_t i = 1; i <= n; ++i) c.Increment(i * 0x9E3779B97F4A7C15ULL);
    std::printf("line_dedup table: %zu distinct lines: %.1f MB, %.1f bytes/line\n", c.size(), c.MemoryBytes() / 1e6,
                static_cast<double>(c.MemoryBytes()) / c.size());
  }
  return 0;
}
