// `sluice minhash <phase>`: the multi-phase MinHash near-dedup for sharded and
// Slurm runs (stages/minhash_phases.h). Phases exchange files below --out DIR:
//   signatures INPUT... [--shard i/N]  -> DIR/signatures/shard-i-of-N.mhsig
//   buckets [--bands i/N]               -> DIR/buckets/band-B.mhbkt (bands b with b % N == i)
//   clusters                            -> DIR/duplicates.tsv, DIR/clusters.json
//   filter INPUT...                     -> DIR/kept/<i>-<name>, DIR/rejected/<i>-<name> (raw records)
// (or, inside `sluice run`, the `minhash_filter` stage with duplicates: DIR/duplicates.tsv)
// Every phase takes the same --options (a minhash_dedup option mapping) and the
// same sorted list of inputs, so order keys (input index, line) agree. Without
// --shard, SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT are used when set.
//
// Inputs are read with the engine's record reader (JSONL or text, .gz/.zst,
// directories, globs; the same sorted input list and (input, line) positions as
// `sluice run`). A malformed record gets no signature, is never dropped, and is
// passed through by `filter`.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "pipelines/command.h"
#include "stages/json_writer.h"
#include "stages/minhash_dedup.h"
#include "stages/minhash_phases.h"
#include "stages/record_reader.h"
#include "stages/stage.h"

namespace sluice {

namespace {

namespace fs = std::filesystem;

struct MinHashCli {
  std::vector<std::string> inputs;
  std::string out;
  std::string options = "{}";
  std::string shard;  // "i/N"
  std::string bands;  // "i/N"
  int threads = 0;
  std::string text_key = "text";
  std::string id_key = "id";
};

Status ParseShard(const std::string& text, const char* what, int* index, int* count) {
  *index = 0;
  *count = 1;
  std::string s = text;
  if (s.empty()) {
    const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
    const char* n = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (id && n) s = std::string(id) + "/" + n;
  }
  if (s.empty()) return Status::Ok();
  size_t slash = s.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument(s);
    *index = std::stoi(s.substr(0, slash));
    *count = std::stoi(s.substr(slash + 1));
  } catch (const std::exception&) {
    return Status::Config(std::string("--") + what + ": expected i/N, got '" + s + "'");
  }
  if (*count < 1 || *index < 0 || *index >= *count) {
    return Status::Config(std::string("--") + what + ": '" + s + "' needs 0 <= i < N");
  }
  return Status::Ok();
}

StatusOr<MinHashDedupConfig> LoadConfig(const MinHashCli& cli) {
  const StageInfo* info = StageRegistry::Global().Find(kMinHashDedupType);
  if (!info) return Status::Internal("minhash_dedup stage is not registered");
  auto options = ValidateOptions(*info, "minhash --options", cli.options);
  if (!options.ok()) return options.status();
  StageEnv env;
  return MinHashDedupConfigFromOptions(*options, env);
}

StatusOr<std::vector<InputFile>> SortedInputs(const MinHashCli& cli) {
  if (cli.inputs.empty()) return Status::Config("no inputs given");
  return ExpandInputs(cli.inputs);
}

ReaderOptions ReaderOptionsFor(const MinHashCli& cli) {
  ReaderOptions ro;
  ro.text_key = cli.text_key;
  ro.id_key = cli.id_key;
  return ro;
}

std::vector<std::string> FilesIn(const fs::path& dir, const std::string& ext) {
  std::vector<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

int RunSignatures(const MinHashCli& cli) {
  auto config = LoadConfig(cli);
  if (!config.ok()) return ExitCodeFor(config.status());
  auto inputs = SortedInputs(cli);
  if (!inputs.ok()) return ExitCodeFor(inputs.status());
  int shard = 0, shards = 1;
  if (Status st = ParseShard(cli.shard, "shard", &shard, &shards); !st.ok()) return ExitCodeFor(st);
  fs::path dir = fs::path(cli.out) / "signatures";
  std::error_code ec;
  fs::create_directories(dir, ec);
  char name[64];
  std::snprintf(name, sizeof(name), "shard-%05d-of-%05d.mhsig", shard, shards);
  std::string out_path = (dir / name).string();
  MinHasher hasher(config->params);
  const ReaderOptions ro = ReaderOptionsFor(cli);
  size_t next_input = 0;
  std::unique_ptr<RecordSource> source;
  uint32_t input_index = 0;
  int64_t unusable = 0, repairs = 0;
  Status read_error;
  // Batches of ~4 MB of text from this shard's inputs (input index % N == shard).
  auto next_batch = [&](std::vector<PhaseInputDoc>* batch) {
    size_t bytes = 0;
    RawRecord raw;
    Document doc;
    MalformedRecord bad;
    while (bytes < (4u << 20) && read_error.ok()) {
      if (!source) {
        while (next_input < inputs->size() && static_cast<int>(next_input % shards) != shard) ++next_input;
        if (next_input >= inputs->size()) break;
        input_index = static_cast<uint32_t>(next_input++);
        auto opened = RecordSource::Open((*inputs)[input_index], ro);
        if (!opened.ok()) {
          read_error = opened.status();
          break;
        }
        source = std::move(opened).value();
      }
      if (!source->Next(&raw)) {
        if (!source->error().empty()) {
          read_error = Status::Io((*inputs)[input_index].path + ": " + source->error());
        }
        source.reset();
        continue;
      }
      if (!ParseRecord((*inputs)[input_index], input_index, ro, raw, &doc, &bad, &repairs)) {
        ++unusable;
        continue;
      }
      bytes += doc.text.size();
      batch->push_back(PhaseInputDoc{MinHashOrderKey(input_index, doc.line), std::move(doc.id), std::move(doc.text)});
    }
    return !batch->empty();
  };
  int threads = cli.threads > 0 ? cli.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int64_t n = 0;
  Status st = ComputeSignatures(hasher, config->exact_verify, next_batch, out_path, threads, &n);
  if (!st.ok()) return ExitCodeFor(st);
  if (!read_error.ok()) return ExitCodeFor(read_error);
  std::cerr << "minhash signatures: shard " << shard << "/" << shards << ": " << n << " documents -> " << out_path
            << " (" << unusable << " malformed records, never dropped)\n";
  return 0;
}

int RunBuckets(const MinHashCli& cli) {
  auto config = LoadConfig(cli);
  if (!config.ok()) return ExitCodeFor(config.status());
  int part = 0, parts = 1;
  if (Status st = ParseShard(cli.bands, "bands", &part, &parts); !st.ok()) return ExitCodeFor(st);
  auto sig_files = FilesIn(fs::path(cli.out) / "signatures", ".mhsig");
  if (sig_files.empty()) return ExitCodeFor(Status::Io("no signature files in '" + cli.out + "/signatures'"));
  fs::path dir = fs::path(cli.out) / "buckets";
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (int b = part; b < config->params.bands; b += parts) {
    char name[32];
    std::snprintf(name, sizeof(name), "band-%04d.mhbkt", b);
    int64_t groups = 0;
    Status st = BuildBandBuckets(sig_files, config->params, b, (dir / name).string(), &groups);
    if (!st.ok()) return ExitCodeFor(st);
    std::cerr << "minhash buckets: band " << b << ": " << groups << " buckets with >= 2 documents\n";
  }
  return 0;
}

int RunClusters(const MinHashCli& cli) {
  auto config = LoadConfig(cli);
  if (!config.ok()) return ExitCodeFor(config.status());
  auto sig_files = FilesIn(fs::path(cli.out) / "signatures", ".mhsig");
  auto bucket_files = FilesIn(fs::path(cli.out) / "buckets", ".mhbkt");
  ClusterSummary s;
  std::string dup_path = (fs::path(cli.out) / "duplicates.tsv").string();
  Status st = ComputeClusters(sig_files, bucket_files, config->params, config->threshold, dup_path, &s);
  if (st.ok() && s.exact != config->exact_verify) {
    std::remove(dup_path.c_str());
    st = Status::Config(std::string("the signature files were computed ") +
                        (s.exact ? "with shingle sets (verify: exact)" : "without shingle sets (verify: signature)") +
                        " but the options say verify: " + (config->exact_verify ? "exact" : "signature") +
                        "; rerun `sluice minhash signatures` with the same options");
  }
  if (!st.ok()) return ExitCodeFor(st);
  JsonBuilder b;
  b.BeginObject();
  b.Key("documents_in_buckets").Int(s.documents_in_buckets);
  b.Key("candidates_verified").Int(s.candidates_verified);
  b.Key("dropped").Int(s.dropped);
  b.Key("clusters").Int(s.clusters);
  b.Key("threshold").Number(config->threshold);
  b.Key("verify").String(s.exact ? "exact" : "signature");
  b.Key("params").String(MinHashMeta(config->params));
  b.EndObject();
  std::ofstream(fs::path(cli.out) / "clusters.json") << b.str() << "\n";
  std::cerr << "minhash clusters: " << s.dropped << " near-duplicates in " << s.clusters << " clusters -> "
            << dup_path << "\n";
  return 0;
}

int RunFilter(const MinHashCli& cli) {
  auto inputs = SortedInputs(cli);
  if (!inputs.ok()) return ExitCodeFor(inputs.status());
  auto dups = LoadDuplicates((fs::path(cli.out) / "duplicates.tsv").string());
  if (!dups.ok()) return ExitCodeFor(dups.status());
  std::error_code ec;
  fs::create_directories(fs::path(cli.out) / "kept", ec);
  fs::create_directories(fs::path(cli.out) / "rejected", ec);
  int64_t kept = 0, dropped = 0;
  const ReaderOptions ro = ReaderOptionsFor(cli);
  for (size_t i = 0; i < inputs->size(); ++i) {
    const InputFile& input = (*inputs)[i];
    // Outputs are uncompressed, named by input position and file name.
    std::string name = std::to_string(i) + "-" + fs::path(input.path).filename().string();
    for (const char* ext : {".gz", ".zst"}) {
      if (name.size() > std::strlen(ext) && name.compare(name.size() - std::strlen(ext), std::string::npos, ext) == 0) {
        name.resize(name.size() - std::strlen(ext));
      }
    }
    auto source = RecordSource::Open(input, ro);
    if (!source.ok()) return ExitCodeFor(source.status());
    std::ofstream kept_out(fs::path(cli.out) / "kept" / name, std::ios::binary);
    std::ofstream rej_out(fs::path(cli.out) / "rejected" / name, std::ios::binary);
    if (!kept_out || !rej_out) return ExitCodeFor(Status::Io("cannot write below '" + cli.out + "'"));
    RawRecord raw;
    while ((*source)->Next(&raw)) {
      auto it = dups->find(MinHashOrderKey(static_cast<uint32_t>(i), raw.line));
      if (it == dups->end()) {
        kept_out << raw.bytes << '\n';
        ++kept;
        continue;
      }
      ++dropped;
      const DuplicateEntry& e = it->second;
      JsonBuilder b;
      b.BeginObject().Key("id").String(e.id).Key("input").String(input.path).Key("line").Int(static_cast<int64_t>(raw.line));
      b.Key("stage").String(kMinHashDedupType).Key("reason").String(kMinHashNearDuplicate);
      b.Key("detail").String(NearDuplicateDetail(e.survivor_id, e.similarity));
      b.Key("duplicate_of").String(e.survivor_id).Key("duplicate_similarity").Number(e.similarity);
      b.EndObject();
      rej_out << b.str() << '\n';
    }
    if (!(*source)->error().empty()) return ExitCodeFor(Status::Io(input.path + ": " + (*source)->error()));
    if (!kept_out || !rej_out) return ExitCodeFor(Status::Io("write error below '" + cli.out + "'"));
  }
  std::cerr << "minhash filter: kept " << kept << " lines, dropped " << dropped << " near-duplicates\n";
  return 0;
}

Command MakeCommand() {
  Command c;
  c.name = "minhash";
  c.help = "Multi-phase MinHash near-dedup for sharded runs: signatures, buckets, clusters, filter";
  c.setup = [](CLI::App* app) -> std::function<int()> {
    auto cli = std::make_shared<MinHashCli>();
    app->require_subcommand(1, 1);
    auto common = [cli](CLI::App* sub) {
      sub->add_option("-o,--out", cli->out, "Work directory shared by the phases")->required();
      sub->add_option("--options", cli->options, "minhash_dedup options as a YAML mapping, e.g. '{bands: 14}'");
    };
    CLI::App* sig = app->add_subcommand("signatures", "Compute signatures of one shard of the inputs");
    common(sig);
    sig->add_option("inputs", cli->inputs, "Inputs: files, directories, globs (the same list in every phase)")->required();
    sig->add_option("--shard", cli->shard, "Shard i/N of the inputs (default: Slurm array task, else 0/1)");
    sig->add_option("--threads", cli->threads, "Threads (default: all cores)");
    sig->add_option("--text-key", cli->text_key, "JSON key of the text");
    sig->add_option("--id-key", cli->id_key, "JSON key of the id");
    CLI::App* bkt = app->add_subcommand("buckets", "Write the LSH buckets of some bands");
    common(bkt);
    bkt->add_option("--bands", cli->bands, "Bands b with b % N == i, as i/N (default: Slurm array task, else all)");
    CLI::App* clu = app->add_subcommand("clusters", "Verify candidates in input order and list the near-duplicates");
    common(clu);
    CLI::App* fil = app->add_subcommand("filter", "Split inputs into kept and rejected lines by the duplicates list");
    common(fil);
    fil->add_option("inputs", cli->inputs, "Inputs: files, directories, globs (the same list in every phase)")->required();
    return [cli, sig, bkt, clu, fil]() {
      if (sig->parsed()) return RunSignatures(*cli);
      if (bkt->parsed()) return RunBuckets(*cli);
      if (clu->parsed()) return RunClusters(*cli);
      if (fil->parsed()) return RunFilter(*cli);
      return 1;
    };
  };
  return c;
}

}  // namespace

SLUICE_REGISTER_COMMAND(MinHash, MakeCommand);

}  // namespace sluice
