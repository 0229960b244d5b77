// Subcommand registry: each src/cli/cmd_*.cpp registers itself with a static Registrar.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace psyface::cli {

using CommandRegistration = std::function<void(CLI::App&)>;

std::vector<CommandRegistration>& command_registry();

struct Registrar {
  explicit Registrar(CommandRegistration reg) { command_registry().push_back(std::move(reg)); }
};

// Exit status a command wants after a successful parse (0 unless the command set it, e.g. 3 for a
// truncated video that was processed up to the cut).
int exit_status();
void set_exit_status(int status);

}  // namespace psyface::cli
