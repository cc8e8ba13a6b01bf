// `sluice train-tokenizer -i INPUT... -o DIR --vocab-size N ...`: trains a
// byte-level BPE tokenizer on JSONL/text inputs (plain or .gz/.zst, dirs,
// globs; sluice's kept/ output works directly) and writes tokenizer.json,
// vocab.json, merges.txt and tokenizer.tiktoken to DIR.
//
// Reading is serial (one input after another, in sorted order); documents are
// grouped into ~4 MB batches and 2 x threads batches are counted in parallel,
// each thread into its own WordCounter. Each line of a document's text is
// pre-tokenized on its own, as HF does when it trains from files, so a
// pre-token never spans two lines. Counts are sums, so the merged counts, and
// hence the merges, are identical for any thread count.
#include <CLI/CLI.hpp>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "pipelines/cli_validators.h"
#include "pipelines/command.h"
#include "pipelines/tokenizer_stages.h"
#include "stages/io/record_reader.h"
#include "stages/io/show_path.h"
#include "tokenizer/hf_json.h"

namespace sluice {
namespace {

struct TrainArgs {
  std::vector<std::string> inputs;
  std::string out_dir;
  uint64_t vocab_size = 0;
  std::string preset = "gpt2";
  std::string pattern;
  uint64_t min_frequency = 0;
  std::string initial_alphabet = "all";
  uint64_t max_token_length = 0;
  uint64_t max_pretoken_bytes = tokenizer::kDefaultMaxPieceBytes;
  int threads = 0;
  std::string text_key = "text";
  bool quiet = false;
  bool pattern_given = false;  // --pattern was on the command line (even as '')
  std::vector<std::string> special_tokens_args;  // each --special-tokens argument, unsplit
};

// Splits the --special-tokens arguments at commas; an empty piece is an error.
Status SplitSpecialTokens(const std::vector<std::string>& args, std::vector<std::string>* tokens) {
  for (const std::string& arg : args) {
    size_t start = 0;
    while (true) {
      const size_t comma = arg.find(',', start);
      const std::string piece = arg.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (piece.empty()) {
        return Status::Config("--special-tokens '" + arg + "': empty token (tokens are separated by single commas)");
      }
      tokens->push_back(piece);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return Status::Ok();
}

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int TrainMain(const TrainArgs& args) {
  const auto t0 = std::chrono::steady_clock::now();
  TokenizerTrainConfig config;
  config.preset = args.preset;
  config.pattern = args.pattern;
  config.trainer.vocab_size = args.vocab_size;
  config.trainer.min_frequency = args.min_frequency;
  std::vector<std::string> special_tokens;
  if (Status st = SplitSpecialTokens(args.special_tokens_args, &special_tokens); !st.ok()) return ExitCodeFor(st);
  config.trainer.special_tokens = special_tokens;
  config.trainer.full_byte_alphabet = args.initial_alphabet == "all";
  config.trainer.max_token_length = args.max_token_length;
  config.trainer.threads = args.threads;
  config.max_pretoken_bytes = args.max_pretoken_bytes;
  if (args.pattern_given && args.pattern.empty()) {
    return ExitCodeFor(Status::Config("--pattern: an empty pattern splits nothing (leave --pattern out to use --preset)"));
  }
  tokenizer::PreTokenizer pre;
  if (Status st = ValidateTrainConfig(config, &pre); !st.ok()) return ExitCodeFor(st);
  if (args.threads < 0) return ExitCodeFor(Status::Config("--threads must be >= 0"));

  auto inputs = ExpandInputs(args.inputs);
  if (!inputs.ok()) return ExitCodeFor(inputs.status());

  std::unique_ptr<tbb::global_control> limit;
  if (args.threads > 0) {
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<size_t>(args.threads));
  }
  const size_t threads = tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);

  tbb::enumerable_thread_specific<tokenizer::WordCounter> counters(
      [&] { return tokenizer::WordCounter(&pre, config.max_pretoken_bytes); });
  constexpr size_t kBatchBytes = 4 << 20;
  std::vector<std::vector<std::string>> batches(1);
  size_t batch_bytes = 0;
  auto flush = [&] {
    tbb::parallel_for(size_t{0}, batches.size(), [&](size_t i) {
      tokenizer::WordCounter& c = counters.local();
      for (const std::string& text : batches[i]) c.AddText(text);
    });
    batches.assign(1, {});
    batch_bytes = 0;
  };
  int64_t documents = 0, malformed = 0;
  ReaderOptions reader;
  reader.text_key = args.text_key;
  // A plain-text file is one document (kept whole so that line endings and
  // blank lines count exactly as HF counts them); allow big files.
  reader.max_record_bytes = 1ull << 32;
  // Adds a text to the current batch; a long one is cut at line ends into
  // ~1 MB parts (lines are pre-tokenized on their own, so counts do not change).
  auto add_text = [&](std::string&& text) {
    batch_bytes += text.size();
    batches.back().push_back(std::move(text));
    if (batch_bytes >= kBatchBytes) {
      if (batches.size() >= 2 * threads) {
        flush();
      } else {
        batches.emplace_back();
        batch_bytes = 0;
      }
    }
  };
  for (uint32_t i = 0; i < inputs->size(); ++i) {
    Status st = ReadRecords(
        (*inputs)[i], i, reader,
        [&](Document& doc) {
          ++documents;
          constexpr size_t kPart = 1 << 20;
          if (doc.text.size() <= 2 * kPart) {
            add_text(std::move(doc.text));
            return;
          }
          size_t start = 0;
          while (start < doc.text.size()) {
            size_t end = doc.text.size();
            if (start + kPart < end) {
              const size_t nl = doc.text.find('\n', start + kPart);
              if (nl != std::string::npos) end = nl + 1;
            }
            add_text(doc.text.substr(start, end - start));
            start = end;
          }
        },
        [&](const MalformedRecord& m) {
          ++malformed;
          if (!args.quiet && malformed <= 5) {
            std::cerr << "sluice: " << ShowPath(m.path) << ":" << m.line << ": skipped malformed record (" << m.error
                      << ")\n";
          }
        });
    if (!st.ok()) return ExitCodeFor(st);
  }
  flush();
  tokenizer::WordCounter total(&pre, config.max_pretoken_bytes);
  for (const tokenizer::WordCounter& c : counters) total.MergeFrom(c);
  counters.clear();
  const double count_seconds = Since(t0);
  // Nothing to learn from: refuse rather than write a bytes-only tokenizer
  // that looks like a result.
  if (total.text_bytes() == 0) {
    return ExitCodeFor(Status::Io("no text to train on: " + std::to_string(documents) + " documents with text, " +
                                  std::to_string(malformed) + " malformed records skipped in " +
                                  std::to_string(inputs->size()) + " input(s); no tokenizer written" +
                                  (malformed > 0 && documents == 0 ? " (is --text-key right?)" : "")));
  }

  tokenizer::BpeTrainStats stats;
  tokenizer::BpeModel model;
  if (Status st = TrainAndSave(config, pre, total, args.out_dir, &stats, &model); !st.ok()) return ExitCodeFor(st);
  if (!args.quiet) {
    std::fprintf(stderr,
                 "sluice train-tokenizer: %lld documents (%lld malformed skipped), %llu bytes, %zu distinct words "
                 "(%llu pieces cut at %llu bytes)\n"
                 "  vocab %llu (%zu special), %llu merges, stopped by %s; read+count %.2fs, pairs %.2fs, merges "
                 "%.2fs, total %.2fs on %zu threads\n  wrote %s/{tokenizer.json,vocab.json,merges.txt,"
                 "tokenizer.tiktoken}\n",
                 static_cast<long long>(documents), static_cast<long long>(malformed),
                 static_cast<unsigned long long>(total.text_bytes()), total.distinct(),
                 static_cast<unsigned long long>(total.pieces_cut()),
                 static_cast<unsigned long long>(config.max_pretoken_bytes),
                 static_cast<unsigned long long>(stats.vocab_size), model.special_ids().size(),
                 static_cast<unsigned long long>(stats.merges), stats.stop_reason.c_str(), count_seconds,
                 stats.count_seconds, stats.merge_seconds, Since(t0), threads, args.out_dir.c_str());
  }
  return 0;
}

Command MakeTrainTokenizer() {
  Command c;
  c.name = "train-tokenizer";
  c.help = "Train a byte-level BPE tokenizer (HF-compatible tokenizer.json, vocab.json + merges.txt, tiktoken)";
  c.setup = [](CLI::App* app) {
    auto a = std::make_shared<TrainArgs>();
    app->add_option("-i,--input", a->inputs, "Input files, directories or globs (JSONL/text, .gz/.zst)")
        ->required();
    app->add_option("-o,--output", a->out_dir, "Output directory")->required();
    app->add_option("--vocab-size", a->vocab_size, "Vocabulary size, special tokens and bytes included")
        ->required()
        ->check(IntegerIn(1, 0xFFFFFFF0));
    app->add_option("--preset", a->preset, "Split pattern: gpt2 or cl100k")
        ->check(CLI::IsMember({"gpt2", "cl100k"}));
    CLI::Option* pattern = app->add_option("--pattern", a->pattern, "RE2 split pattern replacing the preset");
    app->add_option("--min-frequency", a->min_frequency, "Stop when the best pair occurs fewer times (default 0)")
        ->check(IntegerIn(0, INT64_MAX));
    // One argument per occurrence (repeatable), split at commas by us: CLI11's
    // delimiter turned ',' into no value and then took the next argument
    // (`--special-tokens , -q` made "-q" a token).
    app->add_option("--special-tokens", a->special_tokens_args, "Special tokens, comma-separated (ids 0..k-1)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option("--initial-alphabet", a->initial_alphabet,
                    "all (default): all 256 bytes are tokens; seen: only bytes in the data (as HF)")
        ->check(CLI::IsMember({"all", "seen"}));
    app->add_option("--max-token-length", a->max_token_length, "Longest token in bytes (0 = unlimited)")
        ->check(IntegerIn(0, INT64_MAX));
    app->add_option("--max-pretoken-bytes", a->max_pretoken_bytes,
                    "Cut longer pre-tokens into chunks before counting (default 256, 0 = never; HF never cuts)")
        ->check(IntegerIn(0, INT64_MAX));
    app->add_option("--threads", a->threads, "Worker threads (default: all cores)")->check(IntegerIn(0, 4096));
    app->add_option("--text-key", a->text_key, "JSONL field holding the text (default text)");
    app->add_flag("-q,--quiet", a->quiet, "No summary on stderr");
    return [a, pattern] {
      a->pattern_given = pattern->count() > 0;
      return TrainMain(*a);
    };
  };
  return c;
}

SLUICE_REGISTER_COMMAND(TrainTokenizer, MakeTrainTokenizer);

}  // namespace
}  // namespace sluice
