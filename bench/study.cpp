// bench_study: bookkeeping overhead of `psyface study run` per session on a synthetic study of N tiny
// clips (copies of one short clip, so every session is a real `psyface analyze` child). Prints figures;
// never fails on speed.
//   bench_study PSYFACE_BIN CLIP [--sessions 400] [--jobs 1] [--fps 2] [--keep DIR]
// Bookkeeping = the run's wall time minus the time the analysis children ran (claim to child exit, summed
// over sessions; --jobs 1 so they do not overlap): planning (fingerprints, options hash), database
// claims and writes, storing the compressed per-frame table, computing the measures. Also: a rerun where
// every session is unchanged (pure bookkeeping), and the export.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "study/batch_runner.hpp"
#include "study/sqlite_db.hpp"
#include "study/study_export.hpp"

using namespace psyface;
namespace fs = std::filesystem;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
// CPU seconds (user + system) of this process only: the runner's own work, not the analysis children.
double own_cpu_sec() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}
double sum_of(const fs::path& dir, const char* column) {
  study::SqliteDb db(dir / "study.sqlite", false);
  study::Statement q(db, std::string("SELECT total(") + column + ") FROM runs WHERE status='done'");
  q.step();
  const double v = q.real(0);
  while (q.step()) {}
  return v;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_study PSYFACE_BIN CLIP [--sessions N] [--jobs J] [--fps F] [--keep DIR]\n");
    return 2;
  }
  int sessions = 400, jobs = 1;
  std::string fps = "2";
  fs::path dir = fs::temp_directory_path() / ("psyface-bench-study-" + std::to_string(::getpid()));
  bool keep = false;
  for (int i = 3; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--sessions")) sessions = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--jobs")) jobs = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--fps")) fps = argv[i + 1];
    else if (!std::strcmp(argv[i], "--keep")) dir = argv[i + 1], keep = true;
  }
  fs::remove_all(dir);
  fs::create_directories(dir / "videos");
  {
    std::ofstream csv(dir / "sessions.csv");
    csv << "session_id,patient_id,session_number,date,video\n";
    for (int i = 0; i < sessions; ++i) {
      char id[32], video[64];
      std::snprintf(id, sizeof id, "P%02d-S%03d", i / 20 + 1, i % 20 + 1);
      std::snprintf(video, sizeof video, "videos/s%03d.mp4", i);
      fs::copy_file(argv[2], dir / video);
      csv << id << ",P" << (i / 20 + 1) << "," << (i % 20 + 1) << ",2024-01-01," << video << "\n";
    }
  }
  std::ofstream(dir / "study.conf") << "synchrony_surrogates = 0\n";
  study::StudyRunOptions o;
  o.psyface_exe = argv[1];
  o.analyze_args = {"--fps", fps};
  o.jobs = jobs;
  o.threads_per_job = 1;
  double cpu0 = own_cpu_sec();
  auto t0 = std::chrono::steady_clock::now();
  const auto first = study::run_study(dir, o);
  const double wall = seconds_since(t0);
  const double cpu_first = own_cpu_sec() - cpu0;
  const double child = sum_of(dir, "analyse_sec"), post = sum_of(dir, "measures_sec");
  cpu0 = own_cpu_sec();
  t0 = std::chrono::steady_clock::now();
  const auto second = study::run_study(dir, o);
  const double rerun = seconds_since(t0);
  const double cpu_rerun = own_cpu_sec() - cpu0;
  t0 = std::chrono::steady_clock::now();
  study::export_study(dir, dir / "export");
  const double exported = seconds_since(t0);
  std::printf("bench_study: %d sessions (clip %s, --fps %s, --jobs %d): %d analysed, %d failed\n", sessions, argv[2],
              fps.c_str(), jobs, first.analysed, first.failed);
  std::printf("  first run:   %.1f s wall; analysis children %.1f s (%.0f ms per session)\n", wall, child,
              1000 * child / sessions);
  std::printf("  bookkeeping: %.1f ms per session (wall - children, / sessions; of which storing the table + "
              "measures %.1f ms)\n",
              1000 * (wall - child / jobs) / sessions, 1000 * post / sessions);
  std::printf("  runner CPU (this process, children excluded): %.1f ms per session\n", 1000 * cpu_first / sessions);
  std::printf("  rerun, all %d unchanged: %.2f s = %.1f ms per session wall, %.1f ms CPU\n", second.skipped, rerun,
              1000 * rerun / sessions, 1000 * cpu_rerun / sessions);
  std::printf("  export: %.2f s\n", exported);
  if (!keep) fs::remove_all(dir);
  return first.failed ? 1 : 0;
}
