// `sluice minhash <phase>`: the multi-phase MinHash near-dedup for sharded and
// Slurm runs (stages/minhash_phases.h). Phases exchange files below --out DIR:
//   signatures INPUT... [--shard i/N]  -> DIR/signatures/shard-i-of-N.mhsig
//   buckets [--bands i/N]               -> DIR/buckets/band-B.mhbkt (bands b with b % N == i)
//   clusters                            -> DIR/duplicates.tsv, DIR/clusters.json
//   filter INPUT...                     -> DIR/kept/<name>, DIR/rejected/<name>
// Every phase takes the same --options (a minhash_dedup option mapping) and the
// same sorted list of inputs, so order keys (input index, line) agree. Without
// --shard, SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT are used when set.
//
// Inputs are uncompressed JSONL files read here line by line (a line that is not
// a JSON object with a string text field, or not valid UTF-8, gets no signature,
// is never dropped and is counted); the engine's record reader replaces this
// once it lands.
#include <CLI/CLI.hpp>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "pipelines/command.h"
#include "stages/json_writer.h"
#include "stages/minhash_dedup.h"
#include "stages/minhash_phases.h"
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

StatusOr<std::vector<std::string>> SortedInputs(const MinHashCli& cli) {
  std::vector<std::string> inputs = cli.inputs;
  std::sort(inputs.begin(), inputs.end());
  inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
  for (const auto& in : inputs) {
    if (!fs::is_regular_file(in)) return Status::Io("input '" + in + "' is not a readable file");
  }
  if (inputs.empty()) return Status::Config("no inputs given");
  return inputs;
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

// Parses one JSONL line into (id, text); false when it cannot be used.
bool ParseLine(simdjson::ondemand::parser& parser, const std::string& line, const MinHashCli& cli,
               const std::string& stem, uint64_t line_no, std::string* id, std::string* text) {
  if (!simdjson::validate_utf8(line)) return false;
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return false;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  std::string_view sv;
  if (obj.find_field_unordered(cli.text_key).get_string().get(sv)) return false;
  text->assign(sv);
  *id = stem + ":" + std::to_string(line_no);
  simdjson::ondemand::value v;
  if (!obj.find_field_unordered(cli.id_key).get(v)) {
    simdjson::ondemand::json_type type;
    if (!v.type().get(type)) {
      if (type == simdjson::ondemand::json_type::string) {
        if (!v.get_string().get(sv)) id->assign(sv);
      } else if (type == simdjson::ondemand::json_type::number) {
        id->assign(v.raw_json_token());
        while (!id->empty() && id->back() == ' ') id->pop_back();
      }
    }
  }
  return true;
}

std::string Stem(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  size_t dot = name.find('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
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
  size_t next_input = 0;
  std::ifstream in;
  std::string stem;
  uint32_t input_index = 0;
  uint64_t line_no = 0;
  int64_t unusable = 0;
  simdjson::ondemand::parser parser;
  // Batches of ~4 MB of text from this shard's inputs (input index % N == shard).
  auto next_batch = [&](std::vector<PhaseInputDoc>* batch) {
    size_t bytes = 0;
    std::string line;
    while (bytes < (4u << 20)) {
      if (!in.is_open()) {
        while (next_input < inputs->size() && static_cast<int>(next_input % shards) != shard) ++next_input;
        if (next_input >= inputs->size()) break;
        input_index = static_cast<uint32_t>(next_input);
        in.open((*inputs)[next_input], std::ios::binary);
        stem = Stem((*inputs)[next_input]);
        line_no = 0;
        ++next_input;
      }
      if (!std::getline(in, line)) {
        in.close();
        in.clear();
        continue;
      }
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      PhaseInputDoc d;
      d.order_key = MinHashOrderKey(input_index, line_no);
      if (!ParseLine(parser, line, cli, stem, line_no, &d.id, &d.text)) {
        ++unusable;
        continue;
      }
      bytes += d.text.size();
      batch->push_back(std::move(d));
    }
    return !batch->empty();
  };
  int threads = cli.threads > 0 ? cli.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int64_t n = 0;
  Status st = ComputeSignatures(hasher, next_batch, out_path, threads, &n);
  if (!st.ok()) return ExitCodeFor(st);
  std::cerr << "minhash signatures: shard " << shard << "/" << shards << ": " << n << " documents -> " << out_path
            << " (" << unusable << " lines without usable text, never dropped)\n";
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
  if (!st.ok()) return ExitCodeFor(st);
  JsonBuilder b;
  b.BeginObject();
  b.Key("documents_in_buckets").Int(s.documents_in_buckets);
  b.Key("candidates_verified").Int(s.candidates_verified);
  b.Key("dropped").Int(s.dropped);
  b.Key("clusters").Int(s.clusters);
  b.Key("threshold").Number(config->threshold);
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
  for (size_t i = 0; i < inputs->size(); ++i) {
    std::string name = fs::path((*inputs)[i]).filename().string();
    std::ifstream in((*inputs)[i], std::ios::binary);
    std::ofstream kept_out(fs::path(cli.out) / "kept" / name, std::ios::binary);
    std::ofstream rej_out(fs::path(cli.out) / "rejected" / name, std::ios::binary);
    if (!in || !kept_out || !rej_out) return ExitCodeFor(Status::Io("cannot process '" + (*inputs)[i] + "'"));
    std::string line;
    for (uint64_t line_no = 1; std::getline(in, line); ++line_no) {
      auto it = dups->find(MinHashOrderKey(static_cast<uint32_t>(i), line_no));
      if (it == dups->end()) {
        kept_out << line << '\n';
        ++kept;
        continue;
      }
      ++dropped;
      const DuplicateEntry& e = it->second;
      JsonBuilder b;
      b.BeginObject().Key("id").String(e.id).Key("input").String((*inputs)[i]).Key("line").Int(line_no);
      b.Key("stage").String(kMinHashDedupType).Key("reason").String(kMinHashNearDuplicate);
      b.Key("detail").String(NearDuplicateDetail(e.survivor_id, e.similarity));
      b.Key("duplicate_of").String(e.survivor_id).Key("duplicate_similarity").Number(e.similarity);
      b.EndObject();
      rej_out << b.str() << '\n';
    }
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
    sig->add_option("inputs", cli->inputs, "JSONL input files (the same list in every phase)")->required();
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
    fil->add_option("inputs", cli->inputs, "JSONL input files (the same list in every phase)")->required();
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
