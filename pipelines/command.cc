#include "pipelines/command.h"

#include <iostream>

namespace sluice {

CommandRegistry& CommandRegistry::Global() {
  static CommandRegistry* registry = new CommandRegistry();
  return *registry;
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return 0;
  std::cerr << "sluice: " << status.message() << "\n";
  return status.code() == StatusCode::kConfig ? 1 : 2;
}

}  // namespace sluice
