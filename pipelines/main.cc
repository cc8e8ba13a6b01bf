// The `sluice` binary: builds the command line from the command registry.
#include <CLI/CLI.hpp>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <memory>

#include "pipelines/command.h"

namespace {

// SIGINT/SIGTERM: say what happened and how to go on, then leave at once. The
// handler only calls write(2) and _exit(2) (async-signal-safe); a run's part
// files and markers are committed atomically, so a rerun resumes cleanly.
const char* g_interrupt_message = "\nsluice: interrupted\n";
size_t g_interrupt_length = 0;

extern "C" void OnInterrupt(int signal_number) {
  ssize_t ignored = write(STDERR_FILENO, g_interrupt_message, g_interrupt_length);
  (void)ignored;
  _exit(128 + signal_number);  // 130 for SIGINT, 143 for SIGTERM
}

void InstallInterruptHandler(const std::string& command) {
  g_interrupt_message = command == "run" || command == "run-sharded"
                            ? "\nsluice: interrupted; rerun the same command to resume\n"
                            : "\nsluice: interrupted\n";
  g_interrupt_length = std::strlen(g_interrupt_message);
  for (int signal_number : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    // A signal ignored by whoever started us (nohup, a background job) stays ignored.
    if (sigaction(signal_number, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, nullptr);
  }
}

}  // namespace

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
    if (sub->parsed()) {
      InstallInterruptHandler(sub->get_name());
      return act();
    }
  }
  std::cerr << app.help();
  return 1;
}
