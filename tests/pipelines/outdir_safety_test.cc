// An OUTDIR holds one run: a rerun over other inputs or another shard count
// is refused (its part files would mix with the new ones), and two runs
// cannot write into one OUTDIR at the same time (issue 19, items 1 and 5).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "test_util.h"

namespace sluice {
namespace {

using testing::ListFiles;
using testing::RunSluice;
using testing::TempDir;
using testing::WriteText;

std::string Corpus(int n, const std::string& tag) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "{\"id\":\"" + tag + std::to_string(i) + "\",\"text\":\"Ein ganz normaler Satz über das Wetter in Berlin, "
           "der lang genug ist, um jede Regel zu bestehen. Nummer " + std::to_string(i) + " von " + tag + ".\"}\n";
  }
  return out;
}

const char* kRecipe = "stages:\n  - {type: normalize}\n";

TEST_CASE("a rerun into an OUTDIR with other inputs or another shard count is refused, --overwrite starts over",
          "[outdir]") {
  TempDir dir;
  WriteText(dir / "r.yaml", kRecipe);
  for (int k = 0; k < 4; ++k) WriteText(dir / ("many/p" + std::to_string(k) + ".jsonl"), Corpus(5, "m" + std::to_string(k)));
  WriteText(dir / "one.jsonl", Corpus(10, "one"));
  auto first = RunSluice("run " + (dir / "r.yaml") + " -i " + (dir / "many") + " -o " + (dir / "x") + " -q");
  REQUIRE(first.exit_code == 0);
  auto other = RunSluice("run " + (dir / "r.yaml") + " -i " + (dir / "one.jsonl") + " -o " + (dir / "x") + " -q");
  CHECK(other.exit_code == 1);
  CHECK(other.out.find("other inputs or another shard count") != std::string::npos);
  // Nothing of the refused run was written.
  CHECK(ListFiles(dir / "x/kept").size() == 4);
  auto fresh = RunSluice("run " + (dir / "r.yaml") + " -i " + (dir / "one.jsonl") + " -o " + (dir / "x") +
                         " -q --overwrite");
  REQUIRE(fresh.exit_code == 0);
  CHECK(ListFiles(dir / "x/kept") == std::vector<std::string>{"part-00000-0000.jsonl.zst"});
  // The same inputs again: a resume, accepted.
  CHECK(RunSluice("run " + (dir / "r.yaml") + " -i " + (dir / "one.jsonl") + " -o " + (dir / "x") + " -q").exit_code ==
        0);
  // A sharded layout (2 shards by hand) after the one-process run is refused too.
  auto sharded = RunSluice("run " + (dir / "r.yaml") + " -i " + (dir / "one.jsonl") + " -o " + (dir / "x") +
                           " -q --shard 0/2");
  CHECK(sharded.exit_code == 1);
}

TEST_CASE("two runs cannot write into one OUTDIR at once, hand-run shards of one run can", "[outdir]") {
  TempDir dir;
  WriteText(dir / "r.yaml", kRecipe);
  WriteText(dir / "in/a.jsonl", Corpus(20, "a"));
  WriteText(dir / "in/b.jsonl", Corpus(20, "b"));
  std::filesystem::create_directories(dir / "x");
  // Another run holds the OUTDIR (an exclusive lock, as `sluice run` takes).
  const int fd = ::open((dir / "x/.sluice.lock").c_str(), O_RDWR | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  auto busy = RunSluice("run " + (dir / "r.yaml") + " -i " + (dir / "in") + " -o " + (dir / "x") + " -q");
  CHECK(busy.exit_code == 1);
  CHECK(busy.out.find("another sluice run is writing into") != std::string::npos);
  auto busy_sharded = RunSluice("run " + (dir / "r.yaml") + " -i " + (dir / "in") + " -o " + (dir / "x") +
                                " -q --executor local --shards 2");
  CHECK(busy_sharded.exit_code == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "x/kept"));
  // Shards of one run share the directory (a shared lock).
  REQUIRE(::flock(fd, LOCK_SH) == 0);
  CHECK(RunSluice("run " + (dir / "r.yaml") + " -i " + (dir / "in") + " -o " + (dir / "x") + " -q --shard 1/2")
            .exit_code == 0);
  ::close(fd);
  CHECK(RunSluice("run " + (dir / "r.yaml") + " -i " + (dir / "in") + " -o " + (dir / "x") + " -q --shard 0/2")
            .exit_code == 0);
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

using testing::ReadText;
using testing::RunSluice;
using testing::TempDir;
using testing::WriteText;

int64_t TotalIn(const std::string& stats_path) {
  const std::string s = ReadText(stats_path);
  const size_t at = s.find("\"totals\":{\"in\":");
  return at == std::string::npos ? -1 : std::stoll(s.substr(at + 15));
}

const char* kOneRecord = "{\"text\":\"Ein ganz normaler Satz über das Wetter in Berlin, der lang genug ist.\"}\n";

TEST_CASE("input folders: upper-case extensions are read, everything passed over is reported, no input is an error",
          "[outdir][inputs]") {
  TempDir dir;
  WriteText(dir / "in/A.JSONL", kOneRecord);
  WriteText(dir / "in/sub/b.Jsonl.ZST", "");  // an empty zstd file: read, no record
  WriteText(dir / "in/notes.csv", "a,b\n");
  WriteText(dir / "in/.hidden.jsonl", kOneRecord);
  auto r = RunSluice("run -i " + (dir / "in") + " -o " + (dir / "out") + " --no-report");
  CHECK(r.exit_code == 0);
  CHECK(TotalIn(dir / "out/stats.json") == 1);
  CHECK(r.out.find("skipped 2 paths below the input directories") != std::string::npos);
  CHECK(r.out.find("unknown extension (" + (dir / "in/notes.csv") + ")") != std::string::npos);
  CHECK(r.out.find("hidden (" + (dir / "in/.hidden.jsonl") + ")") != std::string::npos);
  // A folder with nothing sluice can read: an error, not "0 = 0 + 0 + 0".
  WriteText(dir / "empty/readme.pdf", "x");
  auto none = RunSluice("run -i " + (dir / "empty") + " -o " + (dir / "out2") + " --no-report");
  CHECK(none.exit_code == 1);
  CHECK(none.out.find("no input files in '" + (dir / "empty") + "'") != std::string::npos);
}

TEST_CASE("input folders: looping and dangling links are counted and skipped, links to folders not followed",
          "[outdir][inputs]") {
  TempDir dir;
  WriteText(dir / "in/a.jsonl", kOneRecord);
  std::filesystem::create_directory_symlink(dir / "in", dir / "in/loop");       // a folder loop
  std::filesystem::create_symlink(dir / "in/nowhere.jsonl", dir / "in/dangling.jsonl");
  std::filesystem::create_symlink(dir / "in/self.jsonl", dir / "in/self.jsonl");  // loops on itself
  std::filesystem::create_symlink(dir / "in/a.jsonl", dir / "in/b.jsonl");       // a good link to a file
  auto r = RunSluice("run -i " + (dir / "in") + " -o " + (dir / "out") + " --no-report");
  CHECK(r.exit_code == 0);
  // a.jsonl once: the link b.jsonl names the same file (issue 19, item 14)
  CHECK(TotalIn(dir / "out/stats.json") == 1);
  CHECK(r.out.find("'" + (dir / "in/b.jsonl") + "' (same file as '" + (dir / "in/a.jsonl") + "')") !=
        std::string::npos);
  CHECK(r.out.find("2 broken or looping link") != std::string::npos);
  CHECK(r.out.find("1 link to a directory, not followed") != std::string::npos);
  // A looping link named on the command line is a clear error, not a crash.
  auto named = RunSluice("run -i " + (dir / "in/self.jsonl") + " -o " + (dir / "out3") + " --no-report");
  CHECK(named.exit_code == 2);
  CHECK(named.out.find("broken or looping link") != std::string::npos);
}

TEST_CASE("temporary files an earlier run left behind (a full disk, a kill) are gone after a successful run",
          "[outdir]") {
  TempDir dir;
  WriteText(dir / "in/a.jsonl", kOneRecord);
  for (const char* f : {"out/stats.json.4242.tmp", "out/.sluice/done/00000.json.4242.tmp",
                        "out/.sluice/work/x/keys-0-of-2.bin.tmp.4242", "out/stats/shard-0-of-2.json.77.tmp"}) {
    WriteText(dir / f, "partial");
  }
  WriteText(dir / "out/notes.tmpl", "not ours");
  REQUIRE(RunSluice("run -i " + (dir / "in") + " -o " + (dir / "out") + " --no-report -q").exit_code == 0);
  for (const char* f : {"out/stats.json.4242.tmp", "out/.sluice/done/00000.json.4242.tmp",
                        "out/.sluice/work/x/keys-0-of-2.bin.tmp.4242", "out/stats/shard-0-of-2.json.77.tmp"}) {
    CHECK_FALSE(std::filesystem::exists(dir / f));
  }
  CHECK(std::filesystem::exists(dir / "out/notes.tmpl"));
}

TEST_CASE("generated ids are unique when inputs share a file name", "[outdir][inputs]") {
  TempDir dir;
  WriteText(dir / "in/2023/part-0.jsonl", kOneRecord);
  WriteText(dir / "in/2024/part-0.jsonl", kOneRecord);  // the same text: a duplicate of the 2023 record
  WriteText(dir / "in/other.jsonl", "{\"text\":\"Ein anderer Satz, der mit dem Wetter nichts zu tun hat, gar nichts.\"}\n");
  WriteText(dir / "r.yaml", "stages:\n  - {type: exact_dedup}\n");
  auto r = RunSluice("run " + (dir / "r.yaml") + " -i " + (dir / "in") + " -o " + (dir / "out") +
                     " --no-report --format jsonl");
  REQUIRE(r.exit_code == 0);
  const std::string kept = ReadText(dir / "out/kept/part-00000-0000.jsonl");
  CHECK(kept.find("\"id\":\"" + (dir / "in/2023/part-0.jsonl") + ":1\"") != std::string::npos);
  const std::string rejected = testing::ReadAllRecords(dir / "out/rejected");
  CHECK(rejected.find("\"id\":\"" + (dir / "in/2024/part-0.jsonl") + ":1\"") != std::string::npos);
  CHECK(rejected.find("duplicate of " + (dir / "in/2023/part-0.jsonl") + ":1") != std::string::npos);
  // A file name used once keeps the short id.
  CHECK(ReadText(dir / "out/kept/part-00002-0000.jsonl").find("\"id\":\"other.jsonl:1\"") != std::string::npos);
}

TEST_CASE("an OUTDIR inside an input folder is never read back as input", "[outdir][inputs]") {
  TempDir dir;
  WriteText(dir / "data/a.jsonl", std::string(kOneRecord) + kOneRecord);
  for (int round = 0; round < 2; ++round) {
    auto r = RunSluice("run -i " + (dir / "data") + " -o " + (dir / "data/out") + " --no-report");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(TotalIn(dir / "data/out/stats.json") == 2);
    CHECK(ReadText(dir / "data/out/stats.json").find("\"malformed\":0") != std::string::npos);
  }
  // OUTDIR == the input folder: its kept/, stats.json ... are not inputs either.
  WriteText(dir / "same/a.jsonl", kOneRecord);
  for (int round = 0; round < 2; ++round) {
    auto r = RunSluice("run -i " + (dir / "same") + " -o " + (dir / "same") + " --no-report --format jsonl");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(TotalIn(dir / "same/stats.json") == 1);
  }
}

TEST_CASE("one file named twice (relative and absolute, ./a, a folder and a file in it, a link) is read once",
          "[outdir][inputs]") {
  TempDir dir;
  WriteText(dir / "in/a.jsonl", std::string(kOneRecord) + kOneRecord);
  std::filesystem::create_symlink(dir / "in/a.jsonl", dir / "link.jsonl");
  const std::string cd = "cd " + dir.path() + " && " + SLUICE_BINARY + " ";
  struct Case {
    std::string inputs;  // as given on the command line, from dir
    std::string kept_name, later_name;
  };
  const std::vector<Case> cases = {
      {"in/a.jsonl " + (dir / "in/a.jsonl"), "in/a.jsonl", dir / "in/a.jsonl"},
      {"./in/a.jsonl in/a.jsonl", "./in/a.jsonl", "in/a.jsonl"},
      {"in in/a.jsonl", "in/a.jsonl", "in/a.jsonl"},
      {"link.jsonl in", "link.jsonl", "in/a.jsonl"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string out = "out" + std::to_string(i);
    // Through a shell in dir: relative names are relative to it.
    FILE* p = popen((cd + "run " + cases[i].inputs + " -o " + out + " --no-report 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    std::string text;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) text.append(buf, n);
    const int status = pclose(p);
    INFO(cases[i].inputs << "\n" << text);
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(TotalIn(dir / (out + "/stats.json")) == 2);
    CHECK(text.find("1 input names a file already listed, read once: '" + cases[i].later_name + "'") !=
          std::string::npos);
    if (cases[i].later_name != cases[i].kept_name) {
      CHECK(text.find("(same file as '" + cases[i].kept_name + "')") != std::string::npos);
    }
  }
}

}  // namespace
}  // namespace sluice
