// The study database DIR/study.sqlite (schema version 1, docs/study.md): sessions with their state,
// runs, measures per session x window x role, export views, and the ratings/outcomes/settings tables the
// statistics fill. Several processes (jobs, shards, cluster tasks) use it at once: WAL journal, a busy
// timeout, short write transactions, and sessions claimed by compare-and-swap on a claim token.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "measures/affect_measures.hpp"
#include "study/manifest.hpp"
#include "study/sqlite_db.hpp"

namespace psyface::study {

inline constexpr int kSchemaVersion = 1;

// The state of one session as stored.
struct SessionState {
  std::string session_id;
  std::string status;  // pending, running, done, failed
  std::string fingerprint, options_hash, measures_hash;
  std::string frames_file, frames_sha256;
  double duration_sec = 0;  // video duration (NaN when unknown)
  std::string error, warnings;
  std::string claim_token, claim_host;
  int64_t claim_pid = 0;
  double lease_until = 0;  // unix seconds
};

// Who holds a session while it is analysed.
struct Claim {
  std::string token, host;
  int64_t pid = 0;
  double lease_until = 0;
};

// What a successful analysis stores.
struct AnalysisOutcome {
  std::string fingerprint, options_hash, options_json, model_checksums;
  std::string frames_file, frames_sha256;
  double duration_sec = 0, analyse_sec = 0;
  std::string warnings;
};

class StudyDb {
 public:
  // Opens DIR/study.sqlite; creates schema v1 when the file is new or empty (only with `create`; without
  // it an empty file is refused and nothing is written).
  // journal: "" (default: keep the database's mode; a new database starts in WAL), "wal", or "delete"
  // (network filesystems, docs/cluster.md), which switches the database to that mode.
  // throws: Error(Input) for a database of another schema version or not a psyface study database,
  //         Error(Output) when it cannot be opened or created.
  StudyDb(const std::filesystem::path& file, bool create, const std::string& journal = "");

  // Inserts or updates the manifest's sessions (identifiers, videos, per-session options) in one
  // transaction; sessions no longer listed are removed with their measures. Status is kept.
  void sync_sessions(const StudyManifest& manifest);

  std::vector<SessionState> sessions();  // ordered by session_id
  std::optional<SessionState> session(const std::string& session_id);

  // Atomically: when the session's claim token is still `seen_token`, mark it running under `claim`,
  // mark its unfinished runs interrupted and open a new run. ensures: run id > 0 when claimed, 0 when
  // another process changed the session in between.
  int64_t claim(const std::string& session_id, const std::string& seen_token, const Claim& claim,
                const std::string& options_hash, const std::string& options_json);

  // Completes a claimed session: analysis facts, its measures and the run row, in one transaction.
  // finish_done / finish_failed return false (and write only the run row, as interrupted) when the session is no
  // longer held by run_id: its lease ran out and another process took it over.
  // publish: called inside the transaction once the claim is confirmed, before the commit (it moves the
  // run's files into frames/, so a run that lost its claim never replaces the new owner's files); when it
  // throws, nothing is committed.
  bool finish_done(const std::string& session_id, int64_t run_id, const AnalysisOutcome& outcome,
                   const std::string& measures_hash, const std::vector<measures::RoleWindowMeasures>& rows,
                   double measures_sec, const std::function<void()>& publish = {});
  bool finish_failed(const std::string& session_id, int64_t run_id, int exit_code, const std::string& error,
                     const std::string& warnings, double analyse_sec);
  // Gives a claimed session back (this process is stopping): status pending, the run interrupted.
  void release(const std::string& session_id, int64_t run_id);
  // Replaces a done session's measures (measure options changed), in one transaction, only when the
  // session is still done with the stored table `frames_sha256` the measures were computed from.
  // ensures: false (nothing written) when it was analysed again meanwhile (its measures are newer).
  bool store_measures(const std::string& session_id, const std::string& frames_sha256, const std::string& measures_hash,
                      const std::vector<measures::RoleWindowMeasures>& rows);
  // Extends the lease of every session this process holds.
  void renew_leases(const std::string& host, int64_t pid, double lease_until);

  // The distinct (start_sec, end_sec) of the ratings table (psyface stats import ratings) per session, in
  // time order, labelled "rated": measures are computed for them as for the segments file's segments.
  std::map<std::string, std::vector<measures::Segment>> rated_segments();

  // Rows of a run for tests and status: number of runs per status for a session.
  int64_t count_runs(const std::string& session_id, const std::string& status);

  SqliteDb& raw() { return db_; }

 private:
  // ensures: true when the (empty) database needs schema v1; throws Error(Input) for any other database.
  bool check_schema(bool create);
  void create_schema();
  void add_missing_measure_columns();
  bool lose_claim(Transaction& t, int64_t run_id);
  SqliteDb db_;
};

// A fresh random claim token (hex).
std::string new_token();
// Unix time in seconds.
double unix_now();

// A `running` claim whose process is gone (same host) or whose lease ran out (any host: leases are renewed
// every quarter lease while the process lives, so an expired lease also catches a reused pid).
bool claim_is_stale(const SessionState& s, const std::string& this_host);
std::string utc_now_iso8601();

}  // namespace psyface::study
