// psyface study run: analyses every session of a study folder once, resumably. Each session runs as a
// child `psyface analyze` process (crash isolation; --jobs N = N children); the study database records
// claims, runs and results, so a killed run loses at most the sessions in progress and a rerun (or a
// parallel shard) continues. Rules: docs/study.md.
#pragma once
#include <functional>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "study/study_verify.hpp"

namespace psyface::study {

struct StudyRunOptions {
  std::filesystem::path psyface_exe = "/proc/self/exe";  // the binary whose `analyze` analyses a session
  std::vector<std::string> analyze_args;  // study-wide analyze options, e.g. {"--fps", "5"}; hashed
  std::string models_hash;                // checksum of the model manifests in use; hashed
  int jobs = 1;                           // sessions analysed at once
  int shard = 1, shards = 1;              // this process takes the sessions with (index % shards) == shard - 1
  int threads_per_job = 0;                // --threads given to each child (0 = the child's default)
  std::string journal;                    // SQLite journal mode: "" keeps the study's, wal, or delete (network filesystems)
  double lease_sec = 600;                 // a claim held by a process on another host expires after this
                                          // unless renewed (renewed every lease_sec / 4 while it runs)
  double poll_sec = 0.01;                 // child polling interval (latency added per session)
};

// One overall progress report.
struct StudyProgress {
  int total = 0;        // sessions in this shard
  int done = 0;         // done (before or in this run)
  int failed = 0;       // failed in this run
  int running = 0;      // children running now
  int pending = 0;      // still to do by this process
  int elsewhere = 0;    // held by another process (shard, job array task)
  double video_hours_done = 0;
  double eta_sec = -1;  // -1 = unknown
};

struct StudyRunCallbacks {
  std::function<void(const StudyProgress&)> on_progress;
  std::function<void(const std::string& message)> on_message;  // one line per finished session
  std::function<bool()> should_stop;                             // true: stop starting sessions, end children
};

struct StudyRunSummary {
  int in_shard = 0;
  int analysed = 0;     // analysed successfully in this run
  int failed = 0;       // failed in this run
  int skipped = 0;      // unchanged and done
  int remeasured = 0;   // done, measures recomputed (measure options changed)
  int elsewhere = 0;    // running in another process, not touched
  bool interrupted = false;
  std::vector<std::pair<std::string, std::string>> failures;  // session_id, reason
};

// requires: dir holds a valid sessions.csv (and study.conf / segments when used).
// ensures: every session of the shard is done, failed (with its reason stored), or held by another live
//          process; the database is created on first use.
// throws: Error(Input) for invalid study inputs before anything is changed; Error(Output) when the
//         database or DIR/frames cannot be written.
StudyRunSummary run_study(const std::filesystem::path& dir, const StudyRunOptions& options,
                          const StudyRunCallbacks& callbacks = {});

// Validates the study inputs (sessions.csv, study.conf, segments) without touching anything.
// ensures: the number of sessions. throws: Error(Input) listing every problem.
int check_study(const std::filesystem::path& dir);

// Recomputes the measures of every done session whose measure options changed (no video decoded).
// Each session's measures are stored only while it is still done with the table they came from (a
// re-analysis beside the refresh keeps its newer measures).
// Returns the number of sessions recomputed. Part of run_study; also used by `study export`.
// throws: Error(Input) for a stored table that is missing, damaged or unreadable, unless `unusable` is
//         given: then such sessions are listed there (measures untouched) and the others recomputed.
int refresh_measures(const std::filesystem::path& dir, const std::string& journal = "",
                     std::vector<StoredTableProblem>* unusable = nullptr);

}  // namespace psyface::study
