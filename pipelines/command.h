// Sub-commands of the `sluice` binary (`run`, `validate`, `train-tokenizer`, ...).
// Each lives in its own pipelines/cmd_<name>.cc and registers itself; main()
// builds the CLI11 app from the registry. Only main() picks the exit code:
// 0 done, 1 usage/config error, 2 input/output failure.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "stages/engine/status.h"

namespace CLI {
class App;
}

namespace sluice {

// Maps a Status to the process exit code (ok -> 0, config -> 1, io/internal -> 2)
// after printing its message to stderr as "sluice: <message>".
int ExitCodeFor(const Status& status);

struct Command {
  std::string name;
  std::string help;
  // Adds the sub-command's options to `app` and returns the action run when the
  // sub-command is chosen; the action returns the process exit code.
  std::function<std::function<int()>(CLI::App* app)> setup;
};

class CommandRegistry {
 public:
  static CommandRegistry& Global();
  void Register(Command command) { commands_[command.name] = std::move(command); }
  const std::map<std::string, Command>& commands() const { return commands_; }

 private:
  std::map<std::string, Command> commands_;
};

struct CommandRegistrar {
  explicit CommandRegistrar(Command (*make)()) { CommandRegistry::Global().Register(make()); }
};
#define SLUICE_REGISTER_COMMAND(ident, ...) \
  static const ::sluice::CommandRegistrar kSluiceCommandRegistrar_##ident(__VA_ARGS__)

}  // namespace sluice
