// Helpers shared by the report tests (tests/pipelines/report_*_test.cc): temp
// directories, file I/O, running the built `sluice` binary, and a "rich" run
// through the real engine with the test-only stage `report_test_probe`
// (registered in report_run_test.cc), which drops, tags, scores, counts
// languages, records cluster sizes and writes a stage report.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pipelines/report_stats.h"

namespace sluice::report_test {

inline std::string MakeTempDir(const std::string& tag) {
  std::string pattern = (std::filesystem::temp_directory_path() / ("sluice-report-" + tag + "-XXXXXX")).string();
  char* dir = mkdtemp(pattern.data());
  return dir ? std::string(dir) : std::string();
}

inline void WriteTextFile(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary);
  f << content;
}

inline std::string ReadTextFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Runs a shell command; returns its exit code (-1 when it did not exit normally).
inline int RunShell(const std::string& command) {
  int rc = std::system(command.c_str());
  if (rc == -1 || !WIFEXITED(rc)) return -1;
  return WEXITSTATUS(rc);
}

inline std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

// A hostile rejected document: must appear escaped, never as markup.
inline constexpr const char* kHostileText =
    "spam </script><script>alert(1)</script><img src=x onerror=\\\"alert(2)\\\"> & 'quotes' <b>bold";

// JSONL for the rich run: English and Chinese documents, some tagged
// (they contain "group_a"), some spam, some too short, one malformed line.
inline std::string RichCorpus() {
  std::string s;
  int id = 0;
  auto doc = [&](const std::string& text) {
    s += "{\"id\":\"d" + std::to_string(id++) + "\",\"text\":\"" + text + "\"}\n";
  };
  for (int i = 0; i < 12; ++i) doc("The river carries clean water through the valley, season " + std::to_string(i) + ".");
  for (int i = 0; i < 2; ++i) doc("The river carries clean water through the valley, season 0.");  // duplicates
  for (int i = 0; i < 6; ++i) doc("长江的水流过山谷，第" + std::to_string(i) + "个季节的清水。");
  doc(kHostileText);  // dropped as probe.spam, before the other spam: it is among the samples
  for (int i = 0; i < 4; ++i) doc("A story about group_a people living by the river, part " + std::to_string(i) + ".");
  for (int i = 0; i < 3; ++i) doc("group_a spam spam buy now " + std::to_string(i));
  doc("short");
  doc("tiny");
  doc("spam!");  // fails both rules
  s += "{\"id\": \"broken\", \"text\": \n";  // malformed JSON
  return s;
}

// Totals of RichCorpus() through the recipe of RunRichPipeline(): 32 records =
// 22 kept + 9 dropped (probe: 5 probe.spam, 2 probe.too_short; dedup_probe: 2
// duplicates) + 1 malformed. 7 documents carry the tag identity.group_a (3 of
// them dropped by the probe: removal 3/7 against 7/31 overall, ratio 1.9,
// flagged) and 6 the tag script.han (none dropped).
inline constexpr int kRichRecords = 32;
inline constexpr int kRichKept = 22;
inline constexpr int kRichDropped = 9;
inline constexpr int kRichMalformed = 1;

// Writes RichCorpus() and a recipe (report_test_tagger, report_test_probe,
// report_test_dedup)
// into `dir`, runs them through `sluice run`'s code path (RunMain) with output
// in `dir`/out, and returns the exit code. Defined in report_run_test.cc.
int RunRichPipeline(const std::string& dir, int threads = 2);

// One stage of a constructed run: its name, type, documents in and dropped,
// and its tag counts as JSON ({"language.en":{"in":..,"dropped":..},...}).
struct AuditStage {
  std::string name, type;
  int64_t in = 0, dropped = 0;
  std::string tags;
};

// The stats.json of a run with these stages over one input (records = the
// first stage's documents in, `kept` kept), rendered as `sluice run` renders
// it: the statistics of the run state (RunStatsOf) with the audits
// (AuditSections) computed from them, written by StatsJson.
std::string StatsJsonWithAudits(const std::vector<AuditStage>& stages, int64_t kept);

// Sets the audits of stats parsed from a hand-written stats.json (a report
// fixture) as a run computes them from the same per-stage tag counts.
void SetAuditsAsRunDoes(ReportStats* stats);

}  // namespace sluice::report_test
