// psyface command-line entry point: parses argv with CLI11, dispatches to one file per subcommand.
// The only place that catches psyface::Error.
#include <CLI/CLI.hpp>

#include <malloc.h>

#include <iostream>

#include "cli/commands.hpp"
#include "psyface/error.hpp"
#include "psyface/version.hpp"

int main(int argc, char** argv) {
  // Frames (0.9–2.7 MB), crops and network buffers are allocated and freed all the time: keep them in the
  // heap for reuse instead of mapping fresh pages (each page fault is costly in a VM) and handing them
  // back. ~10 % less system time on the OpenFace sample; peak RSS unchanged (docs/benchmarks.md).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  CLI::App app{"psyface — facial-affect measurement for psychotherapy session videos (runs offline)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("psyface ") + psyface::kVersion);
  for (const auto& reg : psyface::cli::command_registry()) reg(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "psyface: error: " << e.what() << "\n(run 'psyface --help' for usage)\n";
    return static_cast<int>(psyface::ErrorCode::Usage);
  } catch (const psyface::Error& e) {
    std::cerr << "psyface: error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "psyface: internal error: " << e.what() << "\n";
    return static_cast<int>(psyface::ErrorCode::Internal);
  }
  return psyface::cli::exit_status();
}
