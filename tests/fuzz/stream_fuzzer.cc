// libFuzzer target for the engine's accounting and determinism with the global
// stages (exact_dedup, line_dedup, minhash_dedup in word and char mode) and a
// filter, through StreamProcessor (the engine path of the Python API, which
// runs the same StageChain as `sluice run`). The input is cut into records:
// lines taken as raw JSONL (mostly malformed), as JSON strings, or repeated
// (near-duplicates), in batches. Checked:
//   * nothing is lost: one result per record, each kept, dropped with a stage
//     and a reason, or malformed with an error; stats.json's totals agree;
//   * one thread and three threads give byte-identical results and stats
//     (without timing).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "pipelines/recipe.h"
#include "stages/engine/stream_processor.h"

namespace {

constexpr const char* kRecipe = R"(
stages:
  - {type: exact_dedup}
  - {type: line_dedup, min_line_chars: 1}
  - {type: minhash_dedup, ngram: 2, threshold: 0.5}
  - {type: minhash_dedup, name: minhash_char, shingle: char, char_ngram: 3, threshold: 0.6}
  - {type: gopher_repetition}
)";

void Fail(const char* what) {
  std::fprintf(stderr, "stream_fuzzer: %s\n", what);
  std::abort();
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);  // invalid UTF-8 stays: the reader repairs it
    }
  }
  return out + "\"";
}

// Records from the fuzz input: each line's first byte picks how it is used.
std::vector<std::vector<std::string>> Batches(std::string_view all) {
  std::vector<std::vector<std::string>> batches(1);
  std::string previous;
  while (!all.empty()) {
    size_t nl = all.find('\n');
    std::string_view line = all.substr(0, nl);
    all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
    const unsigned char mode = line.empty() ? 0 : static_cast<unsigned char>(line[0]) % 5;
    std::string_view body = line.empty() ? line : line.substr(1);
    std::string record;
    switch (mode) {
      case 0: record = std::string(body); break;  // raw JSONL
      case 1: record = "{\"text\": " + JsonString(body) + "}"; break;
      case 2: record = "{\"id\": \"r\", \"text\": " + JsonString(body) + "}"; break;  // ids may repeat
      case 3: record = previous.empty() ? "{}" : previous; break;  // an exact duplicate
      case 4:  // the previous text with this line appended: a near-duplicate
        record = "{\"text\": " + JsonString(std::string(body) + " " + std::string(body) + " words words") + "}";
        break;
    }
    previous = record;
    batches.back().push_back(std::move(record));
    if (!body.empty() && body[0] == '#') batches.emplace_back();  // a new Process() call
    if (batches.size() > 8) break;
  }
  return batches;
}

struct Outcome {
  std::string results;  // every result, serialized
  std::string stats;    // stats.json without timing
  int64_t kept = 0, dropped = 0, malformed = 0;
};

std::string WithoutTiming(const std::string& stats) {
  // stats.json's "timing" object holds wall times: everything else must match.
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(stats).get(root)) Fail("stats.json is not JSON");
  simdjson::dom::object obj;
  if (root.get(obj)) Fail("stats.json is not an object");
  std::string out;
  for (auto field : obj) {
    if (field.key == "timing") continue;
    out += std::string(field.key) + "=" + simdjson::minify(field.value) + "\n";
  }
  return out;
}

Outcome Run(const std::vector<std::vector<std::string>>& batches, int threads) {
  static const sluice::Recipe* recipe = [] {
    auto r = sluice::ParseRecipe(kRecipe, "<stream_fuzzer>");
    if (!r.ok()) Fail(r.status().message().c_str());
    return new sluice::Recipe(std::move(r).value());
  }();
  auto stages = sluice::BuildStages(*recipe, "", threads);
  if (!stages.ok()) Fail(stages.status().message().c_str());
  sluice::StreamProcessor::Config config;
  config.threads = threads;
  config.reader.max_record_bytes = 256;  // records over it are malformed (record_too_large)
  auto processor = sluice::StreamProcessor::Create(std::move(stages).value(), config);
  if (!processor.ok()) Fail(processor.status().message().c_str());
  Outcome o;
  for (const auto& batch : batches) {
    std::vector<sluice::StreamProcessor::Result> results;
    if (!(*processor)->Process(batch, &results).ok()) Fail("Process failed");
    if (results.size() != batch.size()) Fail("a record has no result");
    for (const auto& r : results) {
      using Kind = sluice::StreamProcessor::Result::Kind;
      switch (r.kind) {
        case Kind::kKept: ++o.kept; break;
        case Kind::kDropped:
          ++o.dropped;
          if (r.stage.empty() || r.reason.empty()) Fail("a drop without stage or reason");
          break;
        case Kind::kMalformed:
          ++o.malformed;
          if (r.reason.empty()) Fail("a malformed record without an error");
          break;
      }
      o.results += std::to_string(static_cast<int>(r.kind)) + "|" + r.stage + "|" + r.reason + "|" + r.detail + "|" +
                   r.record + "\n";
    }
  }
  if (!(*processor)->Finish().ok()) Fail("Finish failed");
  const std::string stats = (*processor)->StatsJson();
  o.stats = WithoutTiming(stats);
  // The totals stats.json reports are the records' fates.
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(stats).get(root)) Fail("stats.json is not JSON");
  int64_t in = 0, kept = 0, dropped = 0, malformed = 0;
  if (root["totals"]["in"].get(in) || root["totals"]["kept"].get(kept) || root["totals"]["dropped"].get(dropped) ||
      root["totals"]["malformed"].get(malformed)) {
    Fail("stats.json totals missing");
  }
  if (kept != o.kept || dropped != o.dropped || malformed != o.malformed) Fail("stats.json totals differ from results");
  if (in != kept + dropped + malformed) Fail("in != kept + dropped + malformed");
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const auto batches = Batches(std::string_view(reinterpret_cast<const char*>(data), size));
  const Outcome one = Run(batches, 1);
  const Outcome three = Run(batches, 3);
  if (one.results != three.results) Fail("results differ between 1 and 3 threads");
  if (one.stats != three.stats) Fail("stats.json differs between 1 and 3 threads");
  return 0;
}
