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
