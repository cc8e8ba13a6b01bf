#include "pipelines/command.h"

#include <iostream>

#include "stages/io/show_path.h"

namespace sluice {

CommandRegistry& CommandRegistry::Global() {
  static CommandRegistry* registry = new CommandRegistry();
  return *registry;
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return 0;
  std::cerr << "sluice: " << ShowText(status.message()) << "\n";  // a path in it may hold escape codes
  return status.code() == StatusCode::kConfig ? 1 : 2;
}

}  // namespace sluice
