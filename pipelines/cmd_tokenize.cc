// `sluice tokenize --tokenizer TOKENIZER.json -i INPUT... -o OUTDIR --format megatron|nanogpt
//   [--append-eod] [--threads N] [--max-shard-tokens N]`: encodes every record
// (JSONL by its text key; plain text one record per line, like `sluice
// encode`) and writes training shards (tokenizer/token_shards.h) with
// tokens.json beside them.
//
// Flow: a reader thread fills ~1 MB batches of texts in input order into a
// bounded queue; a tbb::parallel_pipeline takes them (serial, in order),
// encodes each batch on a worker with that worker's word cache (parallel),
// and appends the batches' ids to the shard writer (serial, in order). The
// bytes written never depend on the thread count; memory is bounded by the
// batches in flight (2 x threads + the queue).
#include <CLI/CLI.hpp>
#include <tbb/concurrent_queue.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "pipelines/command.h"
#include "pipelines/token_stages.h"
#include "pipelines/tokenizer_stages.h"
#include "stages/io/record_reader.h"
#include "stages/io/show_path.h"
#include "tokenizer/bpe_model.h"

namespace sluice {
namespace {

struct TokenizeArgs {
  std::string tokenizer;
  std::vector<std::string> inputs;
  std::string output;
  std::string format = "megatron";
  bool append_eod = false;
  std::string eod_token;
  std::string name = "tokens";
  int threads = 0;
  uint64_t max_shard_tokens = 0;
  std::string text_key = "text";
  bool quiet = false;
};

struct TextBatch {
  std::vector<std::string> texts;
  size_t bytes = 0;
  std::vector<uint32_t> ids;       // every document's ids, concatenated
  std::vector<size_t> ends;        // ids end offset per document
  bool last = false;               // end-of-stream marker (no texts)
};

int TokenizeMain(const TokenizeArgs& args) {
  if (args.threads < 0) return ExitCodeFor(Status::Config("--threads must be >= 0"));
  if (args.inputs.empty()) return ExitCodeFor(Status::Config("tokenize: give at least one input with -i"));
  TokenOutputConfig config;
  config.tokenizer_path = args.tokenizer;
  config.format = args.format;
  config.append_eod = args.append_eod;
  config.eod_token = args.eod_token;
  config.dir = args.output;
  config.name = args.name;
  config.max_shard_tokens = args.max_shard_tokens;
  tokenizer::BpeModel model;
  tokenizer::TokenShardOptions options;
  if (Status st = PrepareTokenOutput(config, &model, &options); !st.ok()) {
    std::cerr << "sluice tokenize: " << ShowText(st.message()) << "\n";
    return ExitCodeFor(st);
  }
  auto inputs = ExpandInputs(args.inputs);
  if (!inputs.ok()) {
    std::cerr << "sluice tokenize: " << ShowText(inputs.status().message()) << "\n";
    return ExitCodeFor(inputs.status());
  }
  tokenizer::TokenShardWriter writer;
  if (Status st = FromTokStatus(writer.Open(options)); !st.ok()) {
    std::cerr << "sluice tokenize: " << ShowText(st.message()) << "\n";
    return ExitCodeFor(st);
  }

  std::unique_ptr<tbb::global_control> limit;
  if (args.threads > 0) {
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<size_t>(args.threads));
  }
  const size_t threads = tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
  const auto start = std::chrono::steady_clock::now();

  // Reader thread: batches in input order; a null batch ends the stream.
  constexpr size_t kBatchBytes = 1 << 20;
  tbb::concurrent_bounded_queue<TextBatch*> queue;
  queue.set_capacity(static_cast<std::ptrdiff_t>(2 * threads + 2));
  std::atomic<bool> cancel{false};
  Status read_status = Status::Ok();
  int64_t malformed = 0;
  uint64_t bytes_in = 0;
  std::thread reader([&] {
    ReaderOptions reader_options;
    reader_options.text_key = args.text_key;
    reader_options.text_mode = TextMode::kLine;
    auto batch = std::make_unique<TextBatch>();
    for (uint32_t i = 0; i < inputs->size() && !cancel; ++i) {
      Status st = ReadRecords(
          (*inputs)[i], i, reader_options,
          [&](Document& doc) {
            batch->bytes += doc.text.size();
            bytes_in += doc.text.size();
            batch->texts.push_back(std::move(doc.text));
            if (batch->bytes >= kBatchBytes && !cancel) {
              queue.push(batch.release());
              batch = std::make_unique<TextBatch>();
            }
          },
          [&](const MalformedRecord& m) {
            ++malformed;
            std::cerr << "sluice tokenize: " << ShowPath(m.path) << ":" << m.line << ": skipped malformed record ("
                      << m.error << ")\n";
          });
      if (!st.ok()) {
        read_status = st;
        break;
      }
    }
    if (!batch->texts.empty()) queue.push(batch.release());
    queue.push(nullptr);
  });

  tbb::enumerable_thread_specific<tokenizer::EncodeCache> caches([] { return tokenizer::EncodeCache(1 << 18); });
  Status write_status = Status::Ok();
  bool ended = false;
  tbb::parallel_pipeline(
      2 * threads,
      tbb::make_filter<void, TextBatch*>(tbb::filter_mode::serial_in_order,
                                         [&](tbb::flow_control& fc) -> TextBatch* {
                                           TextBatch* b = nullptr;
                                           if (!ended) queue.pop(b);
                                           if (!b) {
                                             ended = true;
                                             fc.stop();
                                           }
                                           return b;
                                         }) &
          tbb::make_filter<TextBatch*, TextBatch*>(tbb::filter_mode::parallel,
                                                   [&](TextBatch* b) {
                                                     tokenizer::EncodeCache& cache = caches.local();
                                                     b->ends.reserve(b->texts.size());
                                                     b->ids.reserve(b->bytes / 3);
                                                     for (const std::string& t : b->texts) {
                                                       model.Encode(t, &b->ids, &cache);
                                                       b->ends.push_back(b->ids.size());
                                                     }
                                                     b->texts.clear();
                                                     return b;
                                                   }) &
          tbb::make_filter<TextBatch*, void>(tbb::filter_mode::serial_in_order, [&](TextBatch* b) {
            std::unique_ptr<TextBatch> own(b);
            size_t begin = 0;
            for (size_t end : b->ends) {
              if (write_status.ok()) {
                write_status = FromTokStatus(
                    writer.Add(std::span<const uint32_t>(b->ids.data() + begin, end - begin)));
                if (!write_status.ok()) cancel = true;
              }
              begin = end;
            }
          }));
  // Drain what the reader may still push after a write error.
  if (!ended) {
    for (TextBatch* b = nullptr;;) {
      queue.pop(b);
      if (!b) break;
      delete b;
    }
  }
  reader.join();
  if (!write_status.ok()) {
    std::cerr << "sluice tokenize: " << ShowText(write_status.message()) << "\n";
    return ExitCodeFor(write_status);
  }
  if (!read_status.ok()) {
    std::cerr << "sluice tokenize: " << ShowText(read_status.message()) << " (no shards written)\n";
    return ExitCodeFor(read_status);
  }
  if (Status st = FromTokStatus(writer.Finish()); !st.ok()) {
    std::cerr << "sluice tokenize: " << ShowText(st.message()) << "\n";
    return ExitCodeFor(st);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!args.quiet) {
    std::fprintf(stderr,
                 "sluice tokenize: %llu documents, %llu tokens (%s, %zu shard%s) from %.1f MB in %.2f s "
                 "(%.1f MB/s, %zu threads)%s\n",
                 static_cast<unsigned long long>(writer.documents()), static_cast<unsigned long long>(writer.tokens()),
                 std::string(tokenizer::TokenDtypeName(options.dtype)).c_str(), writer.shards().size(),
                 writer.shards().size() == 1 ? "" : "s", static_cast<double>(bytes_in) / 1e6, seconds,
                 static_cast<double>(bytes_in) / 1e6 / std::max(seconds, 1e-9), threads,
                 malformed ? (", " + std::to_string(malformed) + " malformed records skipped").c_str() : "");
  }
  return 0;
}

Command MakeTokenize() {
  Command c;
  c.name = "tokenize";
  c.help = "Encode records into training shards: Megatron .bin/.idx or nanoGPT .bin, with tokens.json";
  c.setup = [](CLI::App* app) {
    auto a = std::make_shared<TokenizeArgs>();
    app->add_option("--tokenizer", a->tokenizer, "tokenizer.json (byte-level BPE)")->required();
    app->add_option("-i,--input", a->inputs, "JSONL/text inputs, directories (e.g. OUT/kept), globs")->required();
    app->add_option("-o,--output", a->output, "Output directory")->required();
    app->add_option("--format", a->format, "megatron (.bin + .idx) or nanogpt (flat uint16 .bin)")
        ->check(CLI::IsMember({"megatron", "nanogpt"}));
    app->add_flag("--append-eod", a->append_eod, "Append the end-of-text token to every document (nanogpt: always)");
    app->add_option("--eod-token", a->eod_token, "End-of-text special token (default: found by name)");
    app->add_option("--name", a->name, "File stem (default tokens: tokens.bin, tokens.idx)");
    app->add_option("--max-shard-tokens", a->max_shard_tokens,
                    "Start a new shard (NAME_00000, NAME_00001, ...) before a document that would pass N tokens");
    app->add_option("--threads", a->threads, "Worker threads (default: all cores)");
    app->add_option("--text-key", a->text_key, "JSONL field holding the text (default text)");
    app->add_flag("-q,--quiet", a->quiet, "No summary line");
    return [a] { return TokenizeMain(*a); };
  };
  return c;
}

SLUICE_REGISTER_COMMAND(Tokenize, MakeTokenize);

}  // namespace
}  // namespace sluice
