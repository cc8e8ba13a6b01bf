// The `sluice` binary: builds the command line from the command registry.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "pipelines/command.h"

int main(int argc, char** argv) {
  CLI::App app{"sluice: training-data curation (normalize, dedup, filter) and byte-level BPE tokenizer training"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print the version and exit");
  std::function<int()> action;
  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
  for (const auto& [name, command] : sluice::CommandRegistry::Global().commands()) {
    CLI::App* sub = app.add_subcommand(name, command.help);
    actions.emplace_back(sub, command.setup(sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  if (version) {
    std::cout << "sluice " << SLUICE_VERSION_STRING << "\n";
    return 0;
  }
  for (auto& [sub, act] : actions) {
    if (sub->parsed()) return act();
  }
  std::cerr << app.help();
  return 1;
}
