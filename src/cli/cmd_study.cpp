// psyface study init|run|status|verify|export DIR — resumable batch analysis of a study folder (docs/study.md).
// This file only parses options and calls the study stage.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>

#include "analysis/session_analyzer.hpp"
#include "cli/cli_common.hpp"
#include "cli/commands.hpp"
#include "psyface/error.hpp"
#include "study/analysis_options.hpp"
#include "study/batch_runner.hpp"
#include "study/manifest.hpp"
#include "study/study_export.hpp"
#include "study/study_verify.hpp"
#include "util/atomic_file.hpp"
#include "util/progress.hpp"
#include "util/sha256.hpp"

namespace psyface::cli {
namespace {
namespace fs = std::filesystem;

struct StudyCliOptions : SessionAnalysisCliOptions {
  std::string dir;
  std::string shard = "1/1";
  int jobs = 1;
  std::string journal;  // "": keep the study's journal mode
  std::string out;
  bool check = false;
  // analyze options applied to every session (per-session layout/patient/cameras come from sessions.csv):
  // the inherited a, emotion, rotation, no_persons
  ModelRunOptions run;
};
StudyCliOptions g_opts;
std::atomic<bool> g_stop{false};

void on_stop_signal(int) { g_stop = true; }

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// The analyze options in a fixed order with every value (defaults included), so the options hash does not
// depend on whether a default was typed.
std::vector<std::string> analyze_args() {
  const auto& a = g_opts.a;
  std::vector<std::string> v = {"--fps", num(a.read.sample_fps), "--start", num(a.read.start_sec), "--end",
                                num(a.read.end_sec), "--detector", a.tracker.detector.model, "--detect-every",
                                std::to_string(a.tracker.detect_every_frames), "--min-face",
                                num(a.tracker.detector.min_face_px), "--max-faces",
                                std::to_string(a.tracker.detector.max_faces), "--detection-threshold",
                                num(a.tracker.detector.score_threshold), "--model", g_opts.emotion.model, "--tta",
                                g_opts.emotion.tta, "--large-yaw", num(a.large_yaw_deg), "--focal-px", num(a.focal_px), "--min-presence",
                                num(a.persons.roles.min_presence), "--person-similarity",
                                num(a.persons.identity.min_similarity), "--rotation", g_opts.rotation,
                                "--engine", g_opts.run.engine};
  if (g_opts.no_persons) v.push_back("--no-persons");
  if (a.landmarks) v.push_back("--landmarks");
  if (!g_opts.run.models_dir.empty()) v.insert(v.end(), {"--models", g_opts.run.models_dir});
  return v;
}

// SHA-256 over the manifests of the models folder (each records its weights' checksum).
std::string models_hash(const fs::path& models_dir) {
  std::vector<fs::path> manifests;
  if (fs::is_directory(models_dir))
    for (const auto& e : fs::directory_iterator(models_dir))
      if (fs::exists(e.path() / "manifest.json")) manifests.push_back(e.path() / "manifest.json");
  std::sort(manifests.begin(), manifests.end());
  std::string all;
  for (const auto& m : manifests) all += m.parent_path().filename().string() + "\n" + util::read_file(m) + "\n";
  return util::sha256_bytes(all);
}

void parse_shard(study::StudyRunOptions& o) {
  int k = 0, n = 0;
  char tail = 0;
  if (std::sscanf(g_opts.shard.c_str(), "%d/%d%c", &k, &n, &tail) != 2 || n < 1 || k < 1 || k > n)
    throw Error(ErrorCode::Usage, "--shard must be K/N with 1 <= K <= N, not '" + g_opts.shard + "'");
  o.shard = k;
  o.shards = n;
}

void draw(const study::StudyProgress& p, bool final) {
  static auto last = std::chrono::steady_clock::now() - std::chrono::seconds(10);
  static std::string last_line;
  const bool tty = ::isatty(STDERR_FILENO);
  const auto now = std::chrono::steady_clock::now();
  char line[256];
  std::snprintf(line, sizeof line,
                "study: %d/%d done, %d failed, %d running, %d pending%s | %s of video done | ETA %s", p.done, p.total,
                p.failed, p.running, p.pending,
                p.elsewhere ? (", " + std::to_string(p.elsewhere) + " in other processes").c_str() : "",
                util::format_duration(p.video_hours_done * 3600).c_str(), p.eta_sec < 0 ? "?" : util::format_duration(p.eta_sec).c_str());
  if (!final && (now - last < std::chrono::milliseconds(tty ? 250 : 5000) || line == last_line)) return;
  last = now;
  last_line = line;
  std::cerr << (tty ? "\r\033[K" : "") << line << (tty && !final ? "" : "\n") << std::flush;
}

void run_study_cmd() {
  if (g_opts.check) {
    std::cerr << "psyface: " << g_opts.dir << ": " << study::check_study(g_opts.dir) << " sessions, inputs valid\n";
    return;
  }
  study::StudyRunOptions o;
  o.jobs = g_opts.jobs;
  parse_shard(o);
  o.journal = g_opts.journal;
  const fs::path models_dir = apply_model_run_options(g_opts.run);
  o.analyze_args = analyze_args();
  o.models_hash = models_hash(models_dir);
  const int cores = static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  o.threads_per_job = g_opts.run.threads > 0 ? g_opts.run.threads : std::max(1, cores / o.jobs);
  study::StudyRunCallbacks cb;
  const bool quiet = g_opts.run.quiet;
  study::StudyProgress last;
  cb.on_progress = [&](const study::StudyProgress& p) {
    last = p;
    if (!quiet) draw(p, false);
  };
  cb.on_message = [&](const std::string& m) {
    if (!quiet && ::isatty(STDERR_FILENO)) std::cerr << "\r\033[K";
    std::cerr << "psyface: " << m << "\n";
  };
  cb.should_stop = [] { return g_stop.load(); };
  ::signal(SIGINT, on_stop_signal);
  ::signal(SIGTERM, on_stop_signal);
  const auto s = study::run_study(g_opts.dir, o, cb);
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  if (!quiet) draw(last, true);
  std::cerr << "psyface: study run: " << s.in_shard << " sessions in this shard: " << s.analysed << " analysed, "
            << s.failed << " failed, " << s.skipped << " unchanged, " << s.remeasured << " measures recomputed, "
            << s.elsewhere << " in other processes\n";
  for (const auto& [id, why] : s.failures) std::cerr << "psyface: failed: " << id << ": " << why << "\n";
  if (s.interrupted) {
    std::cerr << "psyface: interrupted: sessions in progress were given back; run again to continue\n";
    set_exit_status(130);
  } else if (s.failed) {
    set_exit_status(1);
  }
}

void init_study_cmd() {
  const fs::path dir = g_opts.dir;
  fs::create_directories(dir);
  for (const auto& [name, text] : {std::pair{"sessions.csv", study::sessions_template()},
                                   std::pair{"study.conf", study::config_template()}}) {
    if (fs::exists(dir / name)) {
      std::cerr << "psyface: kept the existing " << (dir / name).string() << "\n";
      continue;
    }
    util::write_file_atomic(dir / name, text);
    std::cerr << "psyface: wrote " << (dir / name).string() << "\n";
  }
}

void status_cmd() {
  const auto lines = study::study_status(g_opts.dir, g_opts.journal);
  std::map<std::string, int> counts;
  std::printf("%-24s %-8s %s\n", "session_id", "status", "detail");
  for (const auto& l : lines) {
    ++counts[l.status];
    std::printf("%-24s %-8s %s\n", l.session_id.c_str(), l.status.c_str(), l.detail.c_str());
  }
  std::printf("%zu sessions: %d done, %d failed, %d pending, %d running\n", lines.size(), counts["done"],
              counts["failed"], counts["pending"], counts["running"]);
  if (const auto w = study::study_options_warning(g_opts.dir, g_opts.journal); !w.empty())
    std::printf("WARNING: %s\n", w.c_str());
  if (counts["failed"]) set_exit_status(1);
}

void verify_cmd() {
  const auto problems = study::verify_study(g_opts.dir, g_opts.journal);
  for (const auto& p : problems) std::printf("%s\t%s\n", p.session_id.c_str(), p.problem.c_str());
  if (problems.empty()) {
    std::cerr << "psyface: every stored per-frame table of the done sessions matches its checksum\n";
    return;
  }
  std::cerr << "psyface: " << problems.size() << " stored per-frame tables unusable; psyface study run "
            << g_opts.dir << " analyses those sessions again\n";
  set_exit_status(1);
}

void export_cmd() {
  const auto s = study::export_study(g_opts.dir, g_opts.out, g_opts.journal);
  if (s.remeasured) std::cerr << "psyface: recomputed the measures of " << s.remeasured << " sessions (options changed)\n";
  for (const auto& p : s.left_out)
    std::cerr << "psyface: warning: " << p.session_id << ": " << p.problem << "; its measures are left out of the export\n";
  for (const auto& f : s.files) std::cerr << "psyface: wrote " << f << "\n";
  std::cerr << "psyface: " << s.sessions_done - static_cast<int>(s.left_out.size()) << " sessions exported";
  if (s.sessions_not_done) std::cerr << "; " << s.sessions_not_done << " not done (see psyface study status)";
  std::cerr << "\n";
  if (!s.options_warning.empty()) std::cerr << "psyface: WARNING: " << s.options_warning << "\n";
  if (!s.left_out.empty()) {
    std::cerr << "psyface: export incomplete: " << s.left_out.size()
              << " done sessions left out (stored per-frame table unusable; psyface study run analyses them again)\n";
    set_exit_status(1);
  }
}

Registrar reg([](CLI::App& app) {
  auto& o = g_opts;
  auto* study = app.add_subcommand("study", "Studies: resumable batch analysis of a study folder (docs/study.md)");
  study->require_subcommand(1);
  auto add_dir = [&](CLI::App* c) { c->add_option("DIR", o.dir, "Study folder")->required(); };
  auto add_journal = [&](CLI::App* c) {
    c->add_option("--journal", o.journal,
                  "Switch the study's SQLite journal: wal, or delete for a database on a network filesystem "
                  "(default: keep the study's; a new study starts in wal)")
        ->check(CLI::IsMember({"wal", "delete"}));
  };

  auto* init = study->add_subcommand("init", "Write commented templates DIR/sessions.csv and DIR/study.conf");
  add_dir(init);
  init->callback(init_study_cmd);

  auto* run = study->add_subcommand(
      "run", "Analyse every session of DIR/sessions.csv not yet done (resumable; skips unchanged sessions)");
  add_dir(run);
  run->add_option("-j,--jobs", o.jobs, "Sessions analysed at once (each in its own process)")->capture_default_str();
  run->add_option("--shard", o.shard, "K/N: this process takes every N-th session from the K-th (cluster arrays)")
      ->capture_default_str();
  add_journal(run);
  run->add_flag("--check", o.check, "Only validate sessions.csv, study.conf and the segments file (changes nothing)");
  add_session_analysis_options(run, o);
  add_model_run_options(run, o.run);
  run->callback(run_study_cmd);

  auto* status = study->add_subcommand("status", "List done / failed / pending sessions with reasons (exit 1 if any failed)");
  add_dir(status);
  add_journal(status);
  status->callback(status_cmd);

  auto* verify = study->add_subcommand(
      "verify", "Check every done session's stored per-frame table against its checksum (exit 1 if any is unusable)");
  add_dir(verify);
  add_journal(verify);
  verify->callback(verify_cmd);

  auto* exp = study->add_subcommand("export", "Write tidy CSVs (sessions, windows, segments, data dictionary)");
  add_dir(exp);
  exp->add_option("-o,--out", o.out, "Output folder (default DIR/export)");
  add_journal(exp);
  exp->callback(export_cmd);
});

}  // namespace
}  // namespace psyface::cli
