// `sluice run [RECIPE] [-i INPUT]... -o OUTDIR [--threads N] [--shard I/N] [--write-signals]`
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "filters/language_audit.h"
#include "pipelines/cli_validators.h"
#include "pipelines/command.h"
#include "pipelines/local_executor.h"
#include "pipelines/plan.h"
#include "pipelines/report_hook.h"
#include "pipelines/run_command.h"
#include "stages/engine/input_slices.h"
#include "stages/io/record_writer.h"
#include "stages/io/show_path.h"

namespace sluice {

namespace fs = std::filesystem;

Status ParseShard(const std::string& spec, int* index, int* count) {
  size_t slash = spec.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    size_t used = 0;
    *index = std::stoi(spec.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("index");
    std::string n = spec.substr(slash + 1);
    *count = std::stoi(n, &used);
    if (used != n.size()) throw std::invalid_argument("count");
  } catch (const std::exception&) {
    return Status::Config("--shard '" + spec + "': expected I/N, e.g. 0/4");
  }
  if (*count < 1 || *index < 0 || *index >= *count)
    return Status::Config("--shard '" + spec + "': need 0 <= I < N");
  return Status::Ok();
}

namespace {
bool LooksLikeRecipe(const std::string& path) {
  auto ends = [&](const char* s) {
    std::string suf = s;
    return path.size() >= suf.size() && path.compare(path.size() - suf.size(), suf.size(), suf) == 0;
  };
  return ends(".yaml") || ends(".yml");
}
}  // namespace

Status PrepareRun(const RunArgs& args, Recipe* recipe, RunConfig* config, std::string* resolved_yaml) {
  std::vector<std::string> inputs;
  std::string recipe_path;
  for (const auto& p : args.positional) {
    if (recipe_path.empty() && inputs.empty() && LooksLikeRecipe(p)) {
      recipe_path = p;
    } else {
      inputs.push_back(p);
    }
  }
  for (const auto& p : args.inputs) inputs.push_back(p);
  if (!args.recipe_yaml.empty()) {
    auto r = ParseRecipe(args.recipe_yaml, "<recipe text>");
    if (!r.ok()) return r.status();
    *recipe = std::move(r).value();
    recipe->dir = args.recipe_dir;
  } else if (recipe_path.empty()) {
    *recipe = DefaultRecipeFor(inputs);  // html_extract first on HTML/WARC inputs
  } else {
    auto r = LoadRecipeFile(recipe_path);
    if (!r.ok()) return r.status();
    *recipe = std::move(r).value();
  }
  // Command line overrides the recipe's input:/output: sections.
  if (inputs.empty()) {
    for (const auto& p : recipe->input_paths) {
      inputs.push_back(fs::path(p).is_absolute() ? p : (fs::path(recipe->dir) / p).string());
    }
  }
  if (inputs.empty()) return Status::Config("no input: give INPUT paths (or -i), or input.paths in the recipe");
  std::string out = args.output_dir.empty() ? recipe->output_dir : args.output_dir;
  if (out.empty()) return Status::Config("no output directory: give -o OUTDIR (or output.dir in the recipe)");
  // Each flag sets its recipe key through the recipe parser: one set of checks.
  const struct {
    const char* flag;
    const char* section;
    const char* key;
    std::string value;  // "" = not given
  } overrides[] = {
      {"--text-key", "input", "text_key", args.text_key},
      {"--id-key", "input", "id_key", args.id_key},
      {"--text-mode", "input", "text_mode", args.text_mode},
      {"--max-record-bytes", "input", "max_record_bytes",
       args.max_record_bytes != 0 ? std::to_string(args.max_record_bytes) : ""},
      {"--format", "output", "format", args.format},
  };
  for (const auto& o : overrides) {
    if (o.value.empty()) continue;
    SLUICE_RETURN_IF_ERROR(SetRecipeSectionKey(&*recipe, o.section, o.key, o.value).WithContext(o.flag));
  }
  if (args.write_signals) recipe->output.write_signals = true;

  int threads = args.threads > 0 ? args.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto stages = BuildStages(*recipe, out, threads);
  if (!stages.ok()) return stages.status();
  auto resolved = ResolvedRecipeYaml(*recipe);
  if (!resolved.ok()) return resolved.status();
  *resolved_yaml = *resolved;

  ExpandReport skipped;
  auto expanded = ExpandInputs(inputs, &skipped, out);
  if (!expanded.ok()) return expanded.status();
  // Nothing below the inputs is passed over in silence, and no input at all is an error.
  if (skipped.total_skipped() > 0 && !args.quiet) std::cerr << "sluice: warning: " << skipped.Summary() << "\n";
  if (expanded->empty()) {
    std::string list;
    for (const auto& p : inputs) list += (list.empty() ? "'" : ", '") + ShowPath(p) + "'";
    return Status::Config("no input files in " + list +
                          (skipped.total_skipped() > 0 ? " (" + skipped.Summary() + ")" : std::string()) +
                          "; sluice reads .jsonl/.json/.ndjson and .txt/.text/.md, optionally .gz/.zst");
  }

  int shard = 0, shards = 1;
  std::string shard_spec = args.shard;
  if (shard_spec.empty()) {
    const char* id = getenv("SLURM_ARRAY_TASK_ID");
    const char* count = getenv("SLURM_ARRAY_TASK_COUNT");
    if (id && count) shard_spec = std::string(id) + "/" + count;
  }
  if (!shard_spec.empty()) SLUICE_RETURN_IF_ERROR(ParseShard(shard_spec, &shard, &shards));

  config->inputs = std::move(expanded).value();
  auto slices = SlicesForShard(config->inputs, recipe->reader, shard, shards);
  if (!slices.ok()) return slices.status();
  config->slices = std::move(slices).value();
  config->reader = recipe->reader;
  config->output = recipe->output;
  config->output_dir = out;
  config->stages = std::move(stages).value();
  config->threads = threads;
  config->recipe_fingerprint = *resolved_yaml;
  config->resume = !args.no_resume;
  config->cancel = args.cancel;
  config->progress = !args.quiet;
  config->shards = shards;
  if (shards > 1 || !args.shard.empty() || !shard_spec.empty()) {
    config->shard_label = std::to_string(shard) + "/" + std::to_string(shards);
    config->stats_path = out + "/stats/shard-" + std::to_string(shard) + "-of-" + std::to_string(shards) + ".json";
  }
  return Status::Ok();
}

Status LockOutputDir(const std::string& output_dir, bool shared) {
  std::error_code ec;
  fs::create_directories(output_dir, ec);
  if (ec) return Status::Io("cannot create '" + output_dir + "': " + ec.message());
  const std::string path = (fs::path(output_dir) / ".sluice.lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Io("cannot open '" + path + "': " + std::strerror(errno));
  if (::flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status::Config("another sluice run is writing into '" + output_dir + "' (" + path +
                            " is locked); wait for it to finish or use another -o directory");
    }
    return Status::Io("cannot lock '" + path + "': " + std::strerror(err));
  }
  // Held until the process exits (the descriptor is never closed).
  return Status::Ok();
}

void RemoveStaleTempFiles(const std::string& output_dir) {
  auto is_temp = [](const std::string& name) {
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) return true;
    const size_t at = name.rfind(".tmp.");
    return at != std::string::npos && at + 5 < name.size() &&
           name.find_first_not_of("0123456789", at + 5) == std::string::npos;
  };
  std::error_code ec;
  std::vector<fs::path> stale;
  for (const fs::path& dir : {fs::path(output_dir), fs::path(output_dir) / "stats"}) {
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && is_temp(it->path().filename().string())) stale.push_back(it->path());
    }
    ec.clear();
  }
  const fs::path internal = fs::path(output_dir) / ".sluice";
  for (auto it = fs::recursive_directory_iterator(internal, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && is_temp(it->path().filename().string())) stale.push_back(it->path());
  }
  for (const auto& p : stale) fs::remove(p, ec);
}

Status RunAndReport(const RunArgs& args, RunResult* result, std::string* stats_path) {
  Recipe recipe;
  RunConfig config;
  std::string resolved;
  SLUICE_RETURN_IF_ERROR(PrepareRun(args, &recipe, &config, &resolved));
  if (!config.shard_label.empty() && !args.quiet) {
    // A hand-run shard (--shard I/N or a Slurm array task) sees only its own
    // inputs: say so for every stage whose decisions need the whole corpus.
    for (const auto& s : recipe.stages) {
      if (!IsGlobalStageType(s.type)) continue;
      std::cerr << "sluice: warning: shard " << config.shard_label << ": stage '" << s.name << "' (" << s.type
                << ") dedups only within this shard's inputs; for corpus-wide dedup use `sluice run --executor "
                   "local --shards N` or `sluice slurm submit`\n";
    }
  }
  SLUICE_RETURN_IF_ERROR(LockOutputDir(config.output_dir, /*shared=*/!config.shard_label.empty()));
  if (config.shard_label.empty()) RemoveStaleTempFiles(config.output_dir);  // ours alone: the lock is exclusive
  if (args.overwrite) {
    std::error_code ec;
    for (const char* sub : {"kept", "rejected", "malformed", ".sluice", "stats", "tokenizer"}) {
      fs::remove_all(fs::path(config.output_dir) / sub, ec);
    }
    fs::remove(fs::path(config.output_dir) / "stats.json", ec);
    fs::remove(fs::path(config.output_dir) / "report.html", ec);
  }
  std::error_code ec;
  fs::create_directories(config.output_dir, ec);
  if (ec) return Status::Io("cannot create '" + config.output_dir + "': " + ec.message());
  SLUICE_RETURN_IF_ERROR(WriteFileAtomically(config.output_dir + "/recipe.resolved.yaml", resolved));
  config.stats_sections = AuditSections;  // the bias and language audits, computed once from the run's state
  SLUICE_RETURN_IF_ERROR(RunPipeline(config, result));
  *stats_path = config.stats_path.empty() ? config.output_dir + "/stats.json" : config.stats_path;
  if (!args.no_report && config.shard_label.empty()) {
    SLUICE_RETURN_IF_ERROR(WriteRunReport(result->stats_json, config.output_dir + "/report.html"));
  }
  return Status::Ok();
}

int RunMain(const RunArgs& args) {
  RunResult result;
  std::string stats_path;
  Status st = RunAndReport(args, &result, &stats_path);
  if (!st.ok()) return ExitCodeFor(st);
  const std::string out = fs::path(stats_path).parent_path().string();
  const bool shard = stats_path.find("/stats/shard-") != std::string::npos;
  const std::string dir = shard ? fs::path(out).parent_path().string() : out;
  std::cout << FormatAccounting(result);
  std::cerr << FormatInputWarnings(result);  // mostly malformed inputs: a wrong --text-key, not JSONL
  std::cout << "outputs: " << dir << "/{kept,rejected,malformed}/, " << stats_path
            << (args.no_report || shard ? "" : ", " + dir + "/report.html") << "\n";
  for (const auto& in : result.inputs) {
    if (!in.read_error.empty()) {
      return ExitCodeFor(Status::Io("some inputs ended early with read errors (see warnings above); their "
                                    "records before the error were processed"));
    }
  }
  return 0;
}

const std::vector<PassedRunFlag>& PassedRunFlags() {
  static const std::vector<PassedRunFlag> flags = {
      {"--write-signals", nullptr, nullptr, "Write every stage's signals into records under 'sluice'",
       &RunArgs::write_signals},
      {"--format", "output", "format", nullptr, &RunArgs::format},
      {"--text-key", "input", "text_key", nullptr, &RunArgs::text_key},
      {"--id-key", "input", "id_key", nullptr, &RunArgs::id_key},
      {"--text-mode", "input", "text_mode", nullptr, &RunArgs::text_mode},
      {"--max-record-bytes", "input", "max_record_bytes", nullptr, &RunArgs::max_record_bytes},
      {"--no-report", nullptr, nullptr, "Do not write report.html", &RunArgs::no_report},
  };
  return flags;
}

void AddRunOptions(CLI::App* app, RunArgs* args) {
  app->add_option("recipe_and_inputs", args->positional,
                  "[RECIPE.yaml] INPUT... (files, directories, globs, - for stdin); without a recipe the "
                  "built-in default recipe runs");
  app->add_option("-i,--input", args->inputs, "Input file, directory or glob (repeatable)");
  app->add_option("-o,--output", args->output_dir, "Output directory");
  app->add_option("--threads", args->threads, "Worker threads (default: all cores)")->check(IntegerIn(1, 1024));
  for (const PassedRunFlag& f : PassedRunFlags()) {
    const std::string help = f.section ? RecipeSectionKeyHelp(f.section, f.key) : f.help;
    if (auto* b = std::get_if<bool RunArgs::*>(&f.member)) {
      app->add_flag(f.flag, args->*(*b), help);
    } else if (auto* str = std::get_if<std::string RunArgs::*>(&f.member)) {
      app->add_option(f.flag, args->*(*str), help);
    } else {
      CLI::Option* o = app->add_option(f.flag, args->*std::get<int64_t RunArgs::*>(f.member), help);
      if (const OptionSpec* spec = f.section ? FindRecipeSectionKey(f.section, f.key) : nullptr) {
        o->check(IntegerIn(static_cast<int64_t>(spec->min), static_cast<int64_t>(spec->max), "bytes"));
      }
    }
  }
  app->add_flag("-q,--quiet", args->quiet, "No progress line");
}

namespace {

Command MakeRunCommand() {
  Command c;
  c.name = "run";
  c.help = "Run a curation pipeline: read INPUTs, run the recipe's stages, write OUTDIR/{kept,rejected,malformed}/";
  c.setup = [](CLI::App* app) {
    auto args = std::make_shared<RunArgs>();
    AddRunOptions(app, args.get());
    app->add_option("--shard", args->shard,
                    "Process shard I of N (0 <= I < N) of the sorted inputs; default from "
                    "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT when set");
    app->add_flag("--overwrite", args->overwrite, "Remove earlier sluice outputs in OUTDIR first");
    app->add_flag("--no-resume", args->no_resume, "Reprocess inputs an earlier run finished");
    auto executor = std::make_shared<std::string>();
    auto shards = std::make_shared<int>(0);
    app->add_option("--executor", *executor, "Run the sharded phase plan (see sluice plan): local = child processes")
        ->check(CLI::IsMember({"local"}));
    app->add_option("--shards", *shards, "Number of shards for --executor")->check(CLI::Range(1, 1000000));
    return [args, executor, shards]() {
      if (executor->empty() && *shards == 0) return RunMain(*args);
      if (executor->empty() || *shards == 0) {
        return ExitCodeFor(Status::Config("--executor and --shards go together (e.g. --executor local --shards 4)"));
      }
      if (!args->shard.empty()) {
        return ExitCodeFor(Status::Config("--shard runs one shard by itself; it cannot be combined with --executor"));
      }
      return RunSharded(*args, *shards);
    };
  };
  return c;
}

}  // namespace

SLUICE_REGISTER_COMMAND(Run, MakeRunCommand);

}  // namespace sluice
