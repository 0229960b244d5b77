// Batch runs over a study folder (see batch_runner.hpp, docs/study.md).
#include "study/batch_runner.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "measures/affect_measures.hpp"
#include "psyface/error.hpp"
#include "psyface/version.hpp"
#include "study/analysis_options.hpp"
#include "study/child_process.hpp"
#include "study/frames_store.hpp"
#include "study/manifest.hpp"
#include "study/study_db.hpp"
#include "study/study_paths.hpp"
#include "study/study_verify.hpp"
#include "study/work_folders.hpp"
#include "util/atomic_file.hpp"
#include "util/sha256.hpp"
#include "video/probe.hpp"

namespace psyface::study {
namespace fs = std::filesystem;

namespace {

// Everything a run needs to know about the study, read and validated before anything changes.
struct StudyInputs {
  StudyManifest manifest;
  StudyConfig config;
  std::map<std::string, std::vector<measures::Segment>> segments;
};

StudyInputs read_inputs(const fs::path& dir, bool require_videos = true) {
  StudyInputs in;
  in.manifest = read_sessions_csv(dir, require_videos);
  in.config = read_study_config(dir);
  if (!in.config.segments_file.empty()) in.segments = read_segments_csv(dir / in.config.segments_file, in.manifest);
  return in;
}

// Adds the rated segments of the database (psyface stats import ratings) that the segments file does not
// list with the same start and end, after the file's segments, so every rated segment gets measures.
void add_rated_segments(StudyDb& db, StudyInputs& in) {
  std::map<std::string, bool> listed;
  for (const auto& s : in.manifest.sessions) listed[s.session_id] = true;
  for (auto& [id, rated] : db.rated_segments()) {
    if (!listed.count(id)) continue;
    auto& segments = in.segments[id];
    for (const auto& r : rated) {
      const bool known = std::any_of(segments.begin(), segments.end(), [&](const measures::Segment& s) {
        return s.start_sec == r.start_sec && s.end_sec == r.end_sec;
      });
      if (!known) segments.push_back(r);
    }
  }
}

std::string measures_hash(const StudyInputs& in, const std::string& id) {
  std::string text = "measures-v4|" + measure_options_text(in.config);  // v2: action units; v3: speaking; v4: AU04
  auto it = in.segments.find(id);
  if (it != in.segments.end()) {
    char buf[96];
    for (const auto& s : it->second) {
      std::snprintf(buf, sizeof buf, "|%.17g,%.17g,", s.start_sec, s.end_sec);
      text += buf + s.label;
    }
  }
  return util::sha256_bytes(text);
}

// Why a done session's stored analysis has squeezed faces, or "": it was made before psyface scaled
// non-square pixels to square ones (its stored sidecar has no video.pixel_aspect; docs/video.md) and one of
// its videos has such pixels. Probes the videos (their headers) only for sidecars made before that change:
// at every run for such a session whose pixels are square, once for one whose are not.
std::string squeezed_analysis(const fs::path& dir, const SessionState& state, const StudySession& s) {
  const std::string gz = state.frames_file, tail = ".frames.csv.gz";
  if (gz.size() <= tail.size() || gz.compare(gz.size() - tail.size(), tail.size(), tail) != 0) return "";
  const fs::path sidecar = dir / (gz.substr(0, gz.size() - tail.size()) + ".analysis.json");
  std::error_code ec;
  if (!fs::is_regular_file(sidecar, ec) || util::read_file(sidecar).find("\"pixel_aspect\"") != std::string::npos)
    return "";
  for (const fs::path& video : {s.video_path, s.therapist_video_path}) {
    if (video.empty()) continue;
    try {
      const video::VideoInfo info = video::probe(video);
      if (video::square_pixel_scale(info) != 1.0)
        return video.filename().string() + " has pixels " + video::pixel_aspect_text(info) +
               " wide, analysed before psyface scaled them to square ones";
    } catch (const Error&) {  // an unreadable video: the analysis itself will say so if it runs
    }
  }
  return "";
}

// The work planned for one session.
struct Plan {
  const StudySession* session = nullptr;
  std::string fingerprint, options_hash, options_json, measures_hash;
  std::uintmax_t bytes = 0;
  bool redo = false;  // analyse even though done and unchanged (its stored table is unusable)
};

nlohmann::ordered_json session_options(const StudySession& s, const StudyRunOptions& o) {
  // The analyze options as the session's analyze call gets them (child_args): a session's own focal_px
  // replaces the study's --focal-px, so a change of the study's value does not touch that session.
  std::vector<std::string> analyze = o.analyze_args;
  apply_session_focal_px(analyze, s.focal_px);
  nlohmann::ordered_json j = {{"analyze", analyze},        {"models", o.models_hash},     {"video", s.video},
                              {"layout", s.layout},        {"patient", s.patient},        {"therapist_video", s.therapist_video},
                              {"offset_sec", s.offset_sec}};
  if (s.inset != "therapist") j["inset"] = s.inset;  // only when set: the hashes of existing sessions stay
  if (!s.focal_px.empty()) j["focal_px"] = s.focal_px;  // likewise
  // Always: a study analysed by an older revision is analysed again once (plan_all says why).
  j["measurement_revision"] = kMeasurementRevision;
  return j;
}

Plan make_plan(const StudySession& s, const StudyInputs& in, const StudyRunOptions& o) {
  Plan p;
  p.session = &s;
  p.fingerprint = video_fingerprint(s.video_path);
  p.bytes = fs::file_size(s.video_path);
  if (s.two_cameras()) {
    p.fingerprint += '|';
    p.fingerprint += video_fingerprint(s.therapist_video_path);
    p.bytes += fs::file_size(s.therapist_video_path);
  }
  p.options_json = session_options(s, o).dump();
  p.options_hash = util::sha256_bytes(p.options_json);
  p.measures_hash = measures_hash(in, s.session_id);
  return p;
}

std::vector<std::string> child_args(const StudySession& s, const StudyRunOptions& o, const fs::path& out) {
  std::vector<std::string> a = {"analyze"};
  a.insert(a.end(), o.analyze_args.begin(), o.analyze_args.end());
  apply_session_focal_px(a, s.focal_px);  // the session's own gaze camera replaces the study's
  a.insert(a.end(), {"--quiet", "--out", out.string()});
  if (o.threads_per_job > 0) a.insert(a.end(), {"--threads", std::to_string(o.threads_per_job)});
  a.insert(a.end(), {"--patient", s.patient});
  if (s.inset != "therapist") a.insert(a.end(), {"--inset", s.inset});
  if (s.two_cameras()) {
    char offset[64];
    std::snprintf(offset, sizeof offset, "%.17g", s.offset_sec);
    a.insert(a.end(), {"--patient-video", s.video_path.string(), "--therapist-video", s.therapist_video_path.string(),
                       "--offset-sec", offset});
  } else {
    a.insert(a.end(), {"--layout", s.layout, s.video_path.string()});
  }
  return a;
}

std::vector<measures::RoleWindowMeasures> session_measures(const std::string& frames_text, const std::string& source,
                                                           const StudyInputs& in, const std::string& id) {
  const auto table = measures::read_role_table(frames_text, source);
  auto it = in.segments.find(id);
  return measures::compute_measures(table, it == in.segments.end() ? std::vector<measures::Segment>{} : it->second,
                                    in.config.measures);
}

// Last "psyface: error:" line of a child's log, and its warnings.
std::pair<std::string, std::string> read_log(const fs::path& log) {
  std::ifstream in(log);
  std::string line, error, warnings;
  for (bool in_error = false; std::getline(in, line);) {
    for (const char* prefix : {"psyface: error: ", "psyface: internal error: "})
      if (line.rfind(prefix, 0) == 0) {
        error = line.substr(std::string(prefix).size());
        in_error = true;
        line.clear();
      }
    if (line.rfind("psyface: warning: ", 0) == 0) {
      if (!warnings.empty()) warnings += '\n';
      warnings += line.substr(18);
      in_error = false;
    } else if (in_error && line.rfind("  ", 0) == 0) {
      error += "; " + line.substr(2);  // indented continuation (a list of problems)
    }
  }
  return {error, warnings};
}

struct Job {
  Plan plan;
  pid_t pid = 0;
  int64_t run_id = 0;
  fs::path tmp, log;
  std::chrono::steady_clock::time_point started;
};

class Runner {
 public:
  Runner(const fs::path& dir, const StudyRunOptions& o, const StudyRunCallbacks& cb, StudyInputs in)
      : dir_(dir), o_(o), cb_(cb), in_(std::move(in)), db_(dir / "study.sqlite", true, o.journal),
        host_(host_name()), pid_(::getpid()) {}

  StudyRunSummary run() {
    db_.sync_sessions(in_.manifest);
    remove_abandoned_work_folders(dir_, db_, host_, pid_);
    add_rated_segments(db_, in_);
    plan_all();
    start_ = std::chrono::steady_clock::now();
    auto last_renew = start_;
    while (!queue_.empty() || !jobs_.empty()) {
      if (cb_.should_stop && cb_.should_stop()) {
        stop_all();
        break;
      }
      while (static_cast<int>(jobs_.size()) < o_.jobs && !queue_.empty()) {
        Plan p = std::move(queue_.front());
        queue_.pop_front();
        start_job(std::move(p));
      }
      for (size_t i = 0; i < jobs_.size();) {
        if (auto exit = poll_child(jobs_[i].pid)) {
          Job job = std::move(jobs_[i]);
          jobs_.erase(jobs_.begin() + static_cast<long>(i));
          finish_job(job, *exit);
        } else {
          ++i;
        }
      }
      const auto now = std::chrono::steady_clock::now();
      if (std::chrono::duration<double>(now - last_renew).count() > o_.lease_sec / 4) {
        db_.renew_leases(host_, pid_, unix_now() + o_.lease_sec);
        last_renew = now;
      }
      report();
      if (!jobs_.empty()) std::this_thread::sleep_for(std::chrono::duration<double>(o_.poll_sec));
    }
    report();
    remove_abandoned_work_folders(dir_, db_, host_, pid_);  // e.g. of a dead host's run whose session is done now
    return summary_;
  }

 private:
  bool stale(const SessionState& s) const { return claim_is_stale(s, host_); }

  // ensures: done-and-unchanged sessions skipped (measures refreshed when their options changed), unless
  // their stored table is missing or damaged; sessions held by a live process counted elsewhere; the rest
  // queued.
  void plan_all() {
    std::vector<const StudySession*> sorted;
    for (const auto& s : in_.manifest.sessions) sorted.push_back(&s);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->session_id < b->session_id; });
    std::map<std::string, int> revision;  // done sessions: the measurement revision that analysed them
    for (const auto& d : done_session_options(db_.raw())) {
      revision[d.session_id] = d.measurement_revision;
      // an older psyface would replace a newer one's results with the older method (and two builds on one
      // study would take turns at it): refused, as a database of a newer schema is
      if (d.measurement_revision > kMeasurementRevision)
        throw Error(ErrorCode::Input, d.session_id + " was measured by a newer psyface (measurement revision " +
                                          std::to_string(d.measurement_revision) + ", this psyface's is " +
                                          std::to_string(kMeasurementRevision) +
                                          "): run the study with that psyface, or upgrade this one");
    }
    for (size_t i = 0; i < sorted.size(); ++i) {
      if (static_cast<int>(i % o_.shards) != o_.shard - 1) continue;
      ++summary_.in_shard;
      ++progress_.total;
      Plan p = make_plan(*sorted[i], in_, o_);
      const auto state = db_.session(p.session->session_id);
      if (state && state->status == "done" && state->fingerprint == p.fingerprint && state->options_hash == p.options_hash) {
        // a power cut, a full disk or a copy gone wrong can leave a done row with an empty or missing table
        std::string damage = stored_table_problem(dir_, *state, false);
        if (!damage.empty()) message(state->session_id + ": stored per-frame table unusable (" + damage + "); analysing again");
        if (damage.empty()) {
          damage = squeezed_analysis(dir_, *state, *p.session);
          if (!damage.empty()) message(state->session_id + ": " + damage + "; analysing again");
        }
        if (damage.empty() && state->measures_hash == p.measures_hash) {
          ++summary_.skipped;
        } else if (!damage.empty() || !remeasure(*state, p)) {  // stored table missing or damaged: analyse again
          p.redo = true;
          bytes_pending_ += p.bytes;
          queue_.push_back(std::move(p));
          continue;
        }
        ++progress_.done;
        if (std::isfinite(state->duration_sec)) progress_.video_hours_done += state->duration_sec / 3600;
        continue;
      }
      if (const auto r = state && state->status == "done" ? revision.find(state->session_id) : revision.end();
          r != revision.end() && r->second != kMeasurementRevision)
        message(state->session_id + ": measured by psyface's measurement revision " + std::to_string(r->second) +
                (r->second == 1 ? " (made before revisions were recorded)" : "") + ", this psyface's is " +
                std::to_string(kMeasurementRevision) + " (docs/output-format.md); analysing again");
      if (state && state->status == "running" && !stale(*state)) {
        ++summary_.elsewhere;
        ++progress_.elsewhere;
        continue;
      }
      bytes_pending_ += p.bytes;
      queue_.push_back(std::move(p));
    }
  }

  // ensures: true when the measures were recomputed from the stored table (and stored, unless another
  // process analysed the session again meanwhile: its measures are newer); false (with a message) when
  // the table is missing, damaged or unreadable.
  bool remeasure(const SessionState& state, const Plan& p) {
    const fs::path gz = dir_ / state.frames_file;
    bool stored = false;
    try {
      const std::string text = load_frames_table(gz, state.frames_sha256);
      stored = db_.store_measures(state.session_id, state.frames_sha256, p.measures_hash,
                                  session_measures(text, gz.string(), in_, state.session_id));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Input) throw;
      message(state.session_id + ": stored per-frame table unusable (" + e.what() + "); analysing again");
      return false;
    }
    summary_.remeasured += stored;
    return true;
  }

  void start_job(Plan p) {
    const std::string& id = p.session->session_id;
    // Claim with the token seen now; when another process changed the session meanwhile, look again.
    for (int attempt = 0; attempt < 3; ++attempt) {
      const auto state = db_.session(id);
      if (!state) return;
      if (!p.redo && state->status == "done" && state->fingerprint == p.fingerprint &&
          state->options_hash == p.options_hash) {
        ++summary_.skipped, ++progress_.done;
        bytes_pending_ -= p.bytes;
        return;
      }
      if (state->status == "running" && !stale(*state)) {
        ++summary_.elsewhere, ++progress_.elsewhere;
        bytes_pending_ -= p.bytes;
        return;
      }
      Job job;
      job.run_id = db_.claim(id, state->claim_token, {new_token(), host_, pid_, unix_now() + o_.lease_sec},
                             p.options_hash, p.options_json);
      if (job.run_id == 0) continue;
      job.plan = std::move(p);
      // whatever goes wrong from here on (a folder that cannot be made, a fork that fails) fails this
      // session only
      try {
        job.tmp = dir_ / "tmp" / work_folder_name(id, host_, pid_);
        job.log = dir_ / "logs" / (session_file_name(id) + ".log");
        fs::remove_all(job.tmp);
        fs::create_directories(job.tmp);
        fs::create_directories(job.log.parent_path());
        job.started = std::chrono::steady_clock::now();
        job.pid = spawn_child(o_.psyface_exe, child_args(*job.plan.session, o_, job.tmp), job.log);
      } catch (const std::exception& e) {
        fail(job, 70, e.what(), "", 0);
        return;
      }
      jobs_.push_back(std::move(job));
      return;
    }
  }

  // Another process took the session over after this run's lease ran out: its result stands, ours is dropped.
  void lost_claim(const Job& job) {
    std::error_code ec;
    fs::remove_all(job.tmp, ec);
    ++summary_.elsewhere, ++progress_.elsewhere;
    message(job.plan.session->session_id + ": taken over by another process (lease expired); this run's result dropped");
  }

  void fail(const Job& job, int exit_code, const std::string& error, const std::string& warnings, double sec) {
    const std::string& id = job.plan.session->session_id;
    if (!db_.finish_failed(id, job.run_id, exit_code, error, warnings, sec)) return lost_claim(job);
    std::error_code ec;
    fs::remove_all(job.tmp, ec);
    ++summary_.failed, ++progress_.failed;
    summary_.failures.emplace_back(id, error);
    message(id + ": failed: " + error);
  }

  void finish_job(const Job& job, const ChildExit& exit) {
    const auto exited = std::chrono::steady_clock::now();
    const double child_sec = std::chrono::duration<double>(exited - job.started).count();
    bytes_pending_ -= job.plan.bytes;
    bytes_done_ += job.plan.bytes;
    auto [error, warnings] = read_log(job.log);
    if (exit.exit_code != 0) {
      if (exit.signal) error = "analysis killed by signal " + std::to_string(exit.signal) + (error.empty() ? "" : ": " + error);
      if (error.empty()) error = "analysis exited with code " + std::to_string(exit.exit_code) + " (log: " + job.log.string() + ")";
      return fail(job, exit.exit_code, error, warnings, child_sec);
    }
    const StudySession& s = *job.plan.session;
    const std::string stem = s.video_path.stem().string();
    const fs::path csv = job.tmp / (s.two_cameras() ? stem + "+" + s.therapist_video_path.stem().string() + ".frames.csv"
                                                    : stem + ".frames.csv");
    const fs::path sidecar = job.tmp / (stem + ".analysis.json");
    try {
      if (!fs::exists(csv) || !fs::exists(sidecar)) throw Error(ErrorCode::Internal, "the analysis wrote no frames table");
      const std::string name = session_file_name(s.session_id);
      AnalysisOutcome out;
      out.fingerprint = job.plan.fingerprint;
      out.options_hash = job.plan.options_hash;
      out.options_json = job.plan.options_json;
      out.analyse_sec = child_sec;  // claim to child exit: start-up, decoding, models
      out.frames_file = "frames/" + name + ".frames.csv.gz";
      // stored in the work folder first (synced), moved into frames/ only while the claim is confirmed
      const fs::path staged_gz = job.tmp / "store" / "frames.csv.gz", staged_json = job.tmp / "store" / "analysis.json";
      out.frames_sha256 = store_frames_table(csv, staged_gz);
      const std::string sidecar_text = util::read_file(sidecar);
      util::write_file_atomic(staged_json, sidecar_text);
      fs::create_directories(dir_ / "frames");
      const auto j = nlohmann::json::parse(sidecar_text);
      out.duration_sec = j.at("video").value("duration_sec", 0.0);
      for (const auto& m : j.at("models")) out.model_checksums += m.value("name", "") + ":" + m.value("sha256", "") + ";";
      out.warnings = warnings;
      const auto rows = session_measures(util::read_file(csv), csv.string(), in_, s.session_id);
      // measures_sec: everything after the child ended (storing the table, sidecar, measures)
      const double measures_sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - exited).count();
      const auto publish = [&] {
        util::rename_durable(staged_json, dir_ / "frames" / (name + ".analysis.json"));
        util::rename_durable(staged_gz, dir_ / out.frames_file);
      };
      if (!db_.finish_done(s.session_id, job.run_id, out, job.plan.measures_hash, rows, measures_sec, publish))
        return lost_claim(job);
      std::error_code ec;
      fs::remove_all(job.tmp, ec);
      ++summary_.analysed, ++progress_.done;
      progress_.video_hours_done += out.duration_sec / 3600;
      message(s.session_id + ": done");
    } catch (const std::exception& e) {
      fail(job, 70, e.what(), warnings, child_sec);
    }
  }

  void stop_all() {
    for (auto& job : jobs_) {
      ::kill(job.pid, SIGKILL);
      wait_child(job.pid);
      db_.release(job.plan.session->session_id, job.run_id);
      std::error_code ec;
      fs::remove_all(job.tmp, ec);
    }
    jobs_.clear();
    queue_.clear();
    summary_.interrupted = true;
  }

  void message(const std::string& m) {
    if (cb_.on_message) cb_.on_message(m);
  }

  void report() {
    if (!cb_.on_progress) return;
    progress_.running = static_cast<int>(jobs_.size());
    progress_.pending = static_cast<int>(queue_.size());
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    progress_.eta_sec = bytes_done_ > 0 ? elapsed / double(bytes_done_) * double(bytes_pending_) : -1;
    cb_.on_progress(progress_);
  }

  fs::path dir_;
  StudyRunOptions o_;
  StudyRunCallbacks cb_;
  StudyInputs in_;
  StudyDb db_;
  std::string host_;
  int64_t pid_;
  std::deque<Plan> queue_;
  std::vector<Job> jobs_;
  StudyRunSummary summary_;
  StudyProgress progress_;
  std::uintmax_t bytes_pending_ = 0, bytes_done_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

StudyRunSummary run_study(const fs::path& dir, const StudyRunOptions& options, const StudyRunCallbacks& callbacks) {
  if (options.jobs < 1) throw Error(ErrorCode::Usage, "--jobs must be at least 1");
  if (options.shards < 1 || options.shard < 1 || options.shard > options.shards)
    throw Error(ErrorCode::Usage, "--shard K/N needs 1 <= K <= N");
  StudyInputs inputs = read_inputs(dir);  // every input validated before the database is touched
  Runner runner(dir, options, callbacks, std::move(inputs));
  return runner.run();
}

int check_study(const fs::path& dir) { return static_cast<int>(read_inputs(dir).manifest.sessions.size()); }

int refresh_measures(const fs::path& dir, const std::string& journal, std::vector<StoredTableProblem>* unusable) {
  StudyInputs in = read_inputs(dir, /*require_videos=*/false);  // only done sessions, from frames/
  StudyDb db(dir / "study.sqlite", false, journal);
  add_rated_segments(db, in);
  int n = 0;
  for (const auto& state : db.sessions()) {
    if (state.status != "done") continue;
    const std::string hash = measures_hash(in, state.session_id);
    if (state.measures_hash == hash) continue;
    const fs::path gz = dir / state.frames_file;
    std::vector<measures::RoleWindowMeasures> rows;
    try {
      rows = session_measures(load_frames_table(gz, state.frames_sha256), gz.string(), in, state.session_id);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Input || !unusable) throw;
      unusable->push_back({state.session_id, state.frames_file, e.what()});
      continue;
    }
    // not stored when the session was analysed again since the list was read: its measures are newer
    n += db.store_measures(state.session_id, state.frames_sha256, hash, rows);
  }
  return n;
}

}  // namespace psyface::study
