// The library's messages go through one sink (stages/engine/run_log.h), and the
// resume markers (stages/engine/run_markers.h) recognise exactly their own slice.
#include "stages/engine/run_log.h"

#include <catch2/catch.hpp>
#include <zlib.h>

#include <string>
#include <vector>

#include "stages/engine/pipeline_runner.h"
#include "stages/engine/run_markers.h"
#include "test_util.h"

using namespace sluice;
using sluice::testing::TempDir;
using sluice::testing::WriteText;

namespace {

// Captures what the library logs while alive; restores the previous sink.
class CapturedLog {
 public:
  CapturedLog() {
    previous_ = SetLogSink([this](const LogLine& line) {
      lines.push_back({line.kind, std::string(line.text), line.in_place, line.final});
    });
  }
  ~CapturedLog() { SetLogSink(std::move(previous_)); }
  struct Line {
    LogKind kind;
    std::string text;
    bool in_place, final;
  };
  std::vector<Line> lines;

 private:
  LogSink previous_;
};

std::string Gzip(const std::string& data) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("a run's warnings and progress go to the log sink, not to stderr", "[run_log]") {
  TempDir dir;
  std::string jsonl;
  for (int i = 0; i < 2000; ++i) {
    jsonl += "{\"id\":\"d" + std::to_string(i) + "\",\"text\":\"Umoja ni nguvu, utengano ni udhaifu " +
             std::to_string(i) + "\"}\n";
  }
  const std::string gz = Gzip(jsonl);
  WriteText(dir.path() + "/in.jsonl.gz", gz.substr(0, gz.size() * 2 / 3));  // truncated member
  RunConfig c;
  auto inputs = ExpandInputs({dir.path() + "/in.jsonl.gz"});
  REQUIRE(inputs.ok());
  c.inputs = *inputs;
  c.slices = WholeSlices(c.inputs.size());
  c.output_dir = dir.path() + "/out";
  c.progress = true;
  c.recipe_fingerprint = "test";
  RunResult result;
  CapturedLog log;
  REQUIRE(RunPipeline(c, &result).ok());
  CHECK(result.total.records > 0);
  CHECK(result.total.records < 2000);
  int warnings = 0, finals = 0;
  for (const auto& line : log.lines) {
    if (line.kind == LogKind::kWarning) {
      ++warnings;
      CHECK(line.text.find("in.jsonl.gz") != std::string::npos);
      CHECK(line.text.find("a rerun retries it") != std::string::npos);
      CHECK(line.text.rfind("sluice: warning", 0) == std::string::npos);  // the sink adds prefixes, not the caller
    } else {
      CHECK(line.text.rfind("sluice: ", 0) == 0);
      finals += line.final ? 1 : 0;
    }
  }
  CHECK(warnings == 1);
  CHECK(finals == 1);  // the last progress line of the run
}

TEST_CASE("SetLogSink returns the previous sink, and an empty sink means stderr", "[run_log]") {
  std::vector<std::string> a, b;
  LogSink first = SetLogSink([&](const LogLine& l) { a.emplace_back(l.text); });
  LogWarning("one");
  LogSink mine = SetLogSink([&](const LogLine& l) { b.emplace_back(l.text); });
  LogWarning("two");
  SetLogSink(std::move(mine));
  LogWarning("three");
  SetLogSink(std::move(first));  // back to the default (empty: stderr)
  CHECK(a == std::vector<std::string>{"one", "three"});
  CHECK(b == std::vector<std::string>{"two"});
}

TEST_CASE("resume markers: part stems, recipe and input checks", "[run_log]") {
  TempDir dir;
  const std::string path = dir.path() + "/big.jsonl";
  WriteText(path, "{\"text\":\"a\"}\n{\"text\":\"b\"}\n");
  auto inputs = ExpandInputs({path});
  REQUIRE(inputs.ok());
  const InputFile& in = (*inputs)[0];
  InputSlice whole;
  whole.input_index = 7;
  InputSlice part = whole;
  part.part = 3;
  part.parts = 4;
  part.begin = 14;
  part.end = 28;
  CHECK(PartStem(whole) == "part-00007");
  CHECK(PartStem(part) == "part-00007.0003");
  CHECK(MarkerPath("/o", part) == "/o/.sluice/done/00007.0003.json");
  CHECK(SliceStatePath("/o", whole) == "/o/.sluice/done/00007.state");
  InputAccount a;
  a.records = 2;
  a.kept = 1;
  a.dropped = 1;
  const std::string marker = MarkerContent(in, part, "recipe A", a);
  CHECK(marker.find("\"records\":2,\"kept\":1,\"dropped\":1,\"malformed\":0") != std::string::npos);
  CHECK(MarkerHasRecipe(marker, "recipe A"));
  CHECK_FALSE(MarkerHasRecipe(marker, "recipe B"));
  CHECK(MarkerMatchesInput(marker, in, part));
  CHECK_FALSE(MarkerMatchesInput(marker, in, whole));  // another range
  InputSlice other = part;
  other.begin = 0;
  CHECK_FALSE(MarkerMatchesInput(marker, in, other));
  WriteText(path, "{\"text\":\"a\"}\n{\"text\":\"changed\"}\n");  // new size: another identity
  auto changed = ExpandInputs({path});
  REQUIRE(changed.ok());
  CHECK_FALSE(MarkerMatchesInput(marker, (*changed)[0], part));
  InputFile stdin_input = in;
  stdin_input.path = "-";
  CHECK_FALSE(MarkerMatchesInput(MarkerContent(stdin_input, whole, "r", a), stdin_input, whole));
  std::string text;
  CHECK_FALSE(ReadSmallFile(dir.path() + "/missing", &text));
  REQUIRE(ReadSmallFile(path, &text));
  CHECK(text == "{\"text\":\"a\"}\n{\"text\":\"changed\"}\n");
}
