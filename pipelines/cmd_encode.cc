// `sluice encode --tokenizer tokenizer.json [INPUT...]`: one JSON array of token
// ids per record (JSONL records by their text key; plain-text inputs one
// record per non-blank line, without its line ending), or with --count the
// number of tokens. Records are encoded in parallel batches and printed in
// input order. A malformed record prints `null` in its place, so output line N
// is always record N; they are reported on stderr and counted.
// `sluice decode --tokenizer tokenizer.json [INPUT]`: reads one JSON array of
// ids per line and prints the decoded bytes of each, followed by a newline.
#include <CLI/CLI.hpp>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "pipelines/cli_validators.h"
#include "pipelines/command.h"
#include "pipelines/tokenizer_stages.h"
#include "stages/io/json_value.h"
#include "stages/io/record_reader.h"
#include "stages/io/show_path.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/hf_json.h"

namespace sluice {
namespace {

struct EncodeArgs {
  std::string tokenizer;
  std::vector<std::string> inputs;
  bool count = false;
  int threads = 0;
  std::string text_key = "text";
};

int EncodeMain(const EncodeArgs& args) {
  tokenizer::BpeModel model;
  if (Status st = FromTokStatus(tokenizer::LoadTokenizerJson(args.tokenizer, &model)); !st.ok()) {
    return ExitCodeFor(st);
  }
  if (args.threads < 0) return ExitCodeFor(Status::Config("--threads must be >= 0"));
  auto inputs = ExpandInputs(args.inputs.empty() ? std::vector<std::string>{"-"} : args.inputs);
  if (!inputs.ok()) return ExitCodeFor(inputs.status());
  std::unique_ptr<tbb::global_control> limit;
  if (args.threads > 0) {
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<size_t>(args.threads));
  }
  const size_t threads = tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);

  tbb::enumerable_thread_specific<tokenizer::EncodeCache> caches;
  std::vector<std::string> texts;
  std::vector<char> is_null;  // index-aligned with texts: a malformed record's placeholder
  std::vector<std::string> lines;
  size_t bytes = 0;
  const size_t kFlushBytes = 1 << 20;
  auto flush = [&] {
    lines.assign(texts.size(), {});
    tbb::parallel_for(size_t{0}, texts.size(), [&](size_t i) {
      if (is_null[i]) {
        lines[i] = "null\n";
        return;
      }
      std::vector<uint32_t> ids;
      model.Encode(texts[i], &ids, &caches.local());
      std::string& out = lines[i];
      if (args.count) {
        out = std::to_string(ids.size());
      } else {
        out.reserve(ids.size() * 6 + 2);
        out.push_back('[');
        for (size_t k = 0; k < ids.size(); ++k) {
          if (k) out.push_back(',');
          out.append(std::to_string(ids[k]));
        }
        out.push_back(']');
      }
      out.push_back('\n');
    });
    for (const std::string& l : lines) std::fwrite(l.data(), 1, l.size(), stdout);
    texts.clear();
    is_null.clear();
    bytes = 0;
  };
  ReaderOptions reader;
  reader.text_key = args.text_key;
  reader.text_mode = TextMode::kLine;
  int64_t malformed = 0;
  for (uint32_t i = 0; i < inputs->size(); ++i) {
    Status st = ReadRecords(
        (*inputs)[i], i, reader,
        [&](Document& doc) {
          bytes += doc.text.size();
          texts.push_back(std::move(doc.text));
          is_null.push_back(0);
          if (bytes >= kFlushBytes * threads) flush();
        },
        [&](const MalformedRecord& m) {
          ++malformed;
          texts.emplace_back();
          is_null.push_back(1);
          if (malformed <= 10) {
            std::cerr << "sluice: " << ShowPath(m.path) << ":" << m.line << ": malformed record (" << m.error
                      << "), written as null\n";
          }
        });
    if (!st.ok()) return ExitCodeFor(st);
  }
  flush();
  std::fflush(stdout);
  if (std::ferror(stdout)) return ExitCodeFor(Status::Io("cannot write to stdout"));
  if (malformed > 0) {
    std::cerr << "sluice encode: " << malformed << " malformed record(s) written as null lines\n";
  }
  return 0;
}

struct DecodeArgs {
  std::string tokenizer;
  std::string input = "-";
  bool skip_special = false;
};

int DecodeMain(const DecodeArgs& args) {
  tokenizer::BpeModel model;
  if (Status st = FromTokStatus(tokenizer::LoadTokenizerJson(args.tokenizer, &model)); !st.ok()) {
    return ExitCodeFor(st);
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (args.input != "-") {
    file.open(args.input, std::ios::binary);
    if (!file) return ExitCodeFor(Status::Io(CannotOpenMessage("", args.input, errno)));
    in = &file;
  }
  std::string line, out;
  std::vector<uint32_t> ids;
  uint64_t line_no = 0;
  while (std::getline(*in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string where = args.input + ":" + std::to_string(line_no);
    auto v = ParseJsonValue(line);
    if (!v.ok() || v->kind != JsonValue::Kind::kArray) {
      return ExitCodeFor(Status::Io(where + ": expected a JSON array of token ids"));
    }
    ids.clear();
    for (const JsonValue& e : v->items) {
      if (e.kind != JsonValue::Kind::kInt || e.integer < 0 || static_cast<uint64_t>(e.integer) >= model.vocab_size()) {
        return ExitCodeFor(Status::Io(where + ": token id out of range 0.." + std::to_string(model.vocab_size() - 1)));
      }
      ids.push_back(static_cast<uint32_t>(e.integer));
    }
    out.clear();
    (void)model.Decode(ids, &out, args.skip_special);
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  if (in->bad()) return ExitCodeFor(Status::Io("cannot read " + args.input));
  std::fflush(stdout);
  if (std::ferror(stdout)) return ExitCodeFor(Status::Io("cannot write to stdout"));
  return 0;
}

Command MakeEncode() {
  Command c;
  c.name = "encode";
  c.help =
      "Encode records with a tokenizer.json: one JSON array of ids (or --count) per record, in input order; a "
      "malformed record gives a null line, so output line N is record N";
  c.setup = [](CLI::App* app) {
    auto a = std::make_shared<EncodeArgs>();
    app->add_option("--tokenizer", a->tokenizer, "tokenizer.json")->required();
    app->add_option("input", a->inputs, "JSONL/text inputs (default: stdin)");
    app->add_flag("--count", a->count, "Print the number of tokens per record instead of the ids");
    app->add_option("--threads", a->threads, "Worker threads (default: all cores)")->check(IntegerIn(0, 4096));
    app->add_option("--text-key", a->text_key, "JSONL field holding the text (default text)");
    return [a] { return EncodeMain(*a); };
  };
  return c;
}

Command MakeDecode() {
  Command c;
  c.name = "decode";
  c.help = "Decode JSON arrays of token ids (one per line) with a tokenizer.json";
  c.setup = [](CLI::App* app) {
    auto a = std::make_shared<DecodeArgs>();
    app->add_option("--tokenizer", a->tokenizer, "tokenizer.json")->required();
    app->add_option("input", a->input, "File of JSON arrays, one per line (default: stdin)");
    app->add_flag("--skip-special", a->skip_special, "Leave special tokens out of the text");
    return [a] { return DecodeMain(*a); };
  };
  return c;
}

SLUICE_REGISTER_COMMAND(Encode, MakeEncode);
SLUICE_REGISTER_COMMAND(Decode, MakeDecode);

}  // namespace
}  // namespace sluice
