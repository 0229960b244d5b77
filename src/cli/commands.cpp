#include "cli/commands.hpp"

namespace psyface::cli {

std::vector<CommandRegistration>& command_registry() {
  static std::vector<CommandRegistration> registry;
  return registry;
}

namespace {
int g_exit_status = 0;
}
int exit_status() { return g_exit_status; }
void set_exit_status(int status) { g_exit_status = status; }

}  // namespace psyface::cli
