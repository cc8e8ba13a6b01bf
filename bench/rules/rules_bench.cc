// rules_bench: runs a chain of rule stages (a recipe's `stages:` list) over
// JSONL documents on one thread and reports keep rates, drop reasons and
// throughput (MB/s on one core). The JSONL `language` field, when present,
// becomes the document's `language` annotation (what the language_id stage
// sets in a real run). Usage:
//   rules_bench RECIPE.yaml DATA.jsonl [DATA.jsonl ...] [--repeat N] [--show-dropped K]
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "stages/engine/stage.h"

namespace {

struct NamedStage {
  std::string type;
  std::unique_ptr<sluice::Stage> stage;
};

std::vector<NamedStage> LoadRecipe(const std::string& path) {
  YAML::Node root = YAML::LoadFile(path);
  std::vector<NamedStage> out;
  for (const auto& item : root["stages"]) {
    std::string type = item["type"].as<std::string>();
    YAML::Node opts(YAML::NodeType::Map);
    for (const auto& kv : item) {
      if (kv.first.as<std::string>() != "type") opts[kv.first] = kv.second;
    }
    YAML::Emitter em;
    em << YAML::Flow << opts;
    auto st = sluice::BuildStage(type, em.c_str());
    if (!st.ok()) {
      std::cerr << "rules_bench: " << st.status().message() << "\n";
      std::exit(1);
    }
    out.push_back({type, std::move(st).value()});
  }
  return out;
}

}  // namespace

// CPU time of this thread: the machine is shared, wall time would count other jobs.
double ThreadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: rules_bench RECIPE.yaml DATA.jsonl... [--repeat N] [--show-dropped K]\n";
    return 1;
  }
  std::vector<std::string> files;
  int repeat = 1, show_dropped = 0, show_removed = 0;
  std::string diff_stage;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else if (a == "--show-removed-lines" && i + 2 < argc) {
      diff_stage = argv[++i];
      show_removed = std::atoi(argv[++i]);
    } else if (a == "--show-dropped" && i + 1 < argc) {
      show_dropped = std::atoi(argv[++i]);
    } else {
      files.push_back(a);
    }
  }
  auto stages = LoadRecipe(argv[1]);
  struct Input {
    std::string id, text, lang;
  };
  std::vector<Input> docs;
  simdjson::dom::parser parser;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) {
      simdjson::dom::element e;
      if (parser.parse(line).get(e)) continue;
      Input d;
      std::string_view sv;
      if (!e["text"].get(sv)) d.text = sv;
      if (!e["id"].get(sv)) d.id = sv;
      if (!e["language"].get(sv)) d.lang = sv;
      docs.push_back(std::move(d));
    }
  }
  size_t bytes = 0;
  for (const auto& d : docs) bytes += d.text.size();

  std::map<std::string, int64_t> first_reasons, all_reasons;
  std::vector<int64_t> dropped_at(stages.size(), 0);
  std::vector<double> stage_secs(stages.size(), 0.0);
  std::vector<double> stage_bytes(stages.size(), 0.0);
  sluice::Stats stats;
  size_t kept = 0, kept_bytes = 0;
  int shown = 0;
  const double t0 = ThreadSeconds();
  for (int r = 0; r < repeat; ++r) {
    for (const auto& in : docs) {
      sluice::Document doc;
      doc.id = in.id;
      doc.text = in.text;
      if (!in.lang.empty()) doc.Annotate("language", in.lang);
      sluice::StageContext ctx(&stats);
      bool keep = true;
      for (size_t s = 0; s < stages.size() && keep; ++s) {
        doc.all_reasons.clear();
        stage_bytes[s] += static_cast<double>(doc.text.size());
        std::string before;
        if (show_removed > 0 && r == 0 && stages[s].type == diff_stage) before = doc.text;
        const double s0 = ThreadSeconds();
        sluice::Verdict v = stages[s].stage->Process(doc, ctx);
        stage_secs[s] += ThreadSeconds() - s0;
        if (!before.empty()) {
          // Lines of the input that are not in the output (removed or rewritten).
          std::istringstream in_lines(before);
          std::string l;
          while (show_removed > 0 && std::getline(in_lines, l)) {
            if (!l.empty() && doc.text.find(l) == std::string::npos) {
              std::cerr << "[" << stages[s].type << " removed] " << l.substr(0, 200) << "\n";
              --show_removed;
            }
          }
        }
        if (!v.keep()) {
          keep = false;
          if (r == 0) {
            ++dropped_at[s];
            ++first_reasons[v.reason()];
            for (const auto& a : doc.all_reasons) ++all_reasons[a];
            if (shown < show_dropped) {
              ++shown;
              std::cerr << "--- dropped " << in.id << " by " << v.reason() << "\n" << in.text.substr(0, 600) << "\n";
            }
          }
        }
      }
      if (keep && r == 0) {
        ++kept;
        kept_bytes += doc.text.size();
      }
    }
  }
  double secs = ThreadSeconds() - t0;
  double mb = static_cast<double>(bytes) * repeat / 1e6;
  std::printf("docs %zu  bytes %zu  kept %zu (%.1f%%)  kept bytes %.1f%%\n", docs.size(), bytes, kept,
              docs.empty() ? 0.0 : 100.0 * kept / docs.size(), bytes ? 100.0 * kept_bytes / bytes : 0.0);
  std::printf("throughput %.2f MB/s per core (thread CPU time; %.1f MB in %.2f s)\n", mb / secs, mb, secs);
  for (size_t s = 0; s < stages.size(); ++s) {
    std::printf("  %-18s dropped %5lld   %7.2f MB/s (CPU) on the bytes it saw\n", stages[s].type.c_str(),
                static_cast<long long>(dropped_at[s]), stage_secs[s] > 0 ? stage_bytes[s] / 1e6 / stage_secs[s] : 0.0);
  }
  std::printf("first reasons:\n");
  for (const auto& [k, v] : first_reasons) std::printf("  %-45s %lld\n", k.c_str(), static_cast<long long>(v));
  std::printf("all failing rules (docs):\n");
  for (const auto& [k, v] : all_reasons) std::printf("  %-45s %lld\n", k.c_str(), static_cast<long long>(v));
  std::printf("line counters (x%d repeats):\n", repeat);
  for (const auto& [k, v] : stats.counters()) {
    if (k.find("line") != std::string::npos || k.starts_with("line_cleaner") || k.starts_with("c4."))
      std::printf("  %-45s %lld\n", k.c_str(), static_cast<long long>(v));
  }
  return 0;
}
