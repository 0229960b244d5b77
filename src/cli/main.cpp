// psyface command-line entry point: parses argv with CLI11, dispatches to one file per subcommand.
// The only place that catches psyface::Error.
#include <CLI/CLI.hpp>

#include <dlfcn.h>
#include <malloc.h>

#include <iostream>

#include "cli/commands.hpp"
#include "psyface/error.hpp"
#include "psyface/version.hpp"

namespace {

// OpenBLAS (loaded under OpenCV's LAPACK, never called by psyface's own work) starts a worker thread per
// extra core when it loads, and each spins on sched_yield for ~0.1 s waiting for work: on 2 cores that is
// a core taken from model loading at every start (0.57 -> 0.41 s for a 2-frame `analyze`, measured).
// The environment variable OPENBLAS_NUM_THREADS would come too late: the library has already started.
void stop_openblas_threads() {
  if (auto set_threads = reinterpret_cast<void (*)(int)>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set_threads(1);
  if (auto shutdown = reinterpret_cast<int (*)()>(::dlsym(RTLD_DEFAULT, "blas_thread_shutdown_"))) shutdown();
}

}  // namespace

int main(int argc, char** argv) {
  stop_openblas_threads();
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
