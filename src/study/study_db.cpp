// Study database (see study_db.hpp; schema in docs/study.md).
#include "study/study_db.hpp"
#include "study/child_process.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

#include <nlohmann/json.hpp>

#include "psyface/error.hpp"
#include "psyface/version.hpp"

namespace psyface::study {
namespace {

std::string measure_columns_sql(const char* prefix) {
  std::string s;
  for (const auto& m : measures::measure_catalog()) s += std::string(",") + prefix + m.name;
  return s;
}

std::string export_views_sql();

std::string schema_sql() {
  std::string measure_cols;
  for (const auto& m : measures::measure_catalog())
    measure_cols += ",\n  " + m.name + (m.type == "integer" ? " INTEGER" : " REAL");
  return R"(
CREATE TABLE sessions(
  session_id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL,
  therapist_id TEXT,
  session_number INTEGER NOT NULL,
  date TEXT NOT NULL,
  video TEXT NOT NULL,
  therapist_video TEXT,
  layout TEXT NOT NULL,
  patient TEXT NOT NULL,
  offset_sec REAL NOT NULL DEFAULT 0,
  extra_json TEXT NOT NULL DEFAULT '{}',
  manifest_line INTEGER,
  status TEXT NOT NULL DEFAULT 'pending' CHECK(status IN ('pending','running','done','failed')),
  fingerprint TEXT, options_hash TEXT, measures_hash TEXT,
  frames_file TEXT, frames_sha256 TEXT, duration_sec REAL,
  error TEXT, warnings TEXT,
  claim_token TEXT, claim_host TEXT, claim_pid INTEGER, lease_until REAL,
  last_run_id INTEGER);
CREATE TABLE runs(
  run_id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('running','done','failed','interrupted')),
  options_hash TEXT NOT NULL, options_json TEXT NOT NULL,
  model_checksums TEXT, psyface_version TEXT NOT NULL,
  host TEXT NOT NULL, pid INTEGER NOT NULL,
  started_at TEXT NOT NULL, finished_at TEXT,
  analyse_sec REAL, measures_sec REAL,
  exit_code INTEGER, error TEXT, warnings TEXT);
CREATE INDEX runs_session ON runs(session_id);
CREATE TABLE measures(
  session_id TEXT NOT NULL,
  role TEXT NOT NULL,
  window_kind TEXT NOT NULL CHECK(window_kind IN ('session','fixed','first','rest','segment')),
  window_index INTEGER NOT NULL,
  segment_label TEXT,
  start_sec REAL NOT NULL, end_sec REAL NOT NULL)" +
         measure_cols + R"(,
  PRIMARY KEY(session_id, window_kind, window_index, role));
CREATE TABLE ratings(
  session_id TEXT NOT NULL REFERENCES sessions(session_id),
  start_sec REAL NOT NULL, end_sec REAL NOT NULL,
  rater TEXT NOT NULL,
  ceas_mode INTEGER NOT NULL CHECK(ceas_mode BETWEEN 1 AND 7),
  ceas_peak INTEGER NOT NULL CHECK(ceas_peak BETWEEN 1 AND 7),
  primary_emotion TEXT,
  source TEXT NOT NULL,
  PRIMARY KEY(session_id, start_sec, end_sec, rater));
CREATE TABLE outcomes(
  patient_id TEXT PRIMARY KEY,
  pre REAL, post REAL,
  dropout INTEGER,
  covariates_json TEXT,
  source TEXT NOT NULL);
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)" + export_views_sql();
}

// The export views name every measure column, so they are made again when measure columns are added.
std::string export_views_sql() {
  return R"(
CREATE VIEW export_sessions AS
  SELECT s.session_id, s.patient_id, s.therapist_id, s.session_number, s.date, m.role)" +
         measure_columns_sql("m.") + R"(
  FROM measures m JOIN sessions s USING(session_id) WHERE s.status = 'done' AND m.window_kind = 'session';
CREATE VIEW export_windows AS
  SELECT s.session_id, s.patient_id, s.session_number, m.role, m.window_kind, m.window_index, m.start_sec, m.end_sec)" +
         measure_columns_sql("m.") + R"(
  FROM measures m JOIN sessions s USING(session_id) WHERE s.status = 'done' AND m.window_kind IN ('fixed','first','rest');
CREATE VIEW export_segments AS
  SELECT s.session_id, s.patient_id, s.session_number, m.role, m.segment_label, m.start_sec, m.end_sec)" +
         measure_columns_sql("m.") + R"(
  FROM measures m JOIN sessions s USING(session_id) WHERE s.status = 'done' AND m.window_kind = 'segment';
)";
}

}  // namespace

bool claim_is_stale(const SessionState& s, const std::string& this_host) {
  if (s.lease_until < unix_now()) return true;
  return s.claim_host == this_host && !process_alive(s.claim_pid);
}

std::string new_token() {
  static thread_local std::mt19937_64 rng(std::random_device{}() ^
                                          static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string utc_now_iso8601() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

StudyDb::StudyDb(const std::filesystem::path& file, bool create, const std::string& journal)
    : db_(file, create && !std::filesystem::exists(file)) {
  if (!journal.empty() && journal != "wal" && journal != "delete")
    throw Error(ErrorCode::Usage, "journal mode must be wal or delete, not '" + journal + "'");
  const bool make = check_schema(create);  // refuses other databases before anything is written
  // The journal mode belongs to the study: a command without --journal keeps it (so one forgotten flag
  // cannot put a study on a network filesystem back into WAL); a new study starts in WAL.
  if (!journal.empty()) db_.set_journal_mode(journal);
  else if (make) db_.set_journal_mode("wal");
  // FULL: a commit is on disk when it returns, so what a run reported survives a power cut (in WAL,
  // NORMAL may lose the last commits); the stored files are synced before their row says done.
  db_.exec("PRAGMA synchronous=FULL");
  if (make) create_schema();
  else add_missing_measure_columns();
}

// A measure added to the catalogue after the database was made (the action-unit measures of issue 16)
// becomes a new NULL column of `measures`; the next run recomputes every session's measures (their hash
// changes with the catalogue), so none stays NULL where it can be computed.
void StudyDb::add_missing_measure_columns() {
  auto missing = [&] {
    std::vector<const measures::MeasureInfo*> out;
    for (const auto& m : measures::measure_catalog()) {
      Statement q(db_, "SELECT count(*) FROM pragma_table_info('measures') WHERE name=?");
      q.bind(1, m.name);
      q.step();
      if (q.integer(0) == 0) out.push_back(&m);
    }
    return out;
  };
  if (missing().empty()) return;
  Transaction t(db_);
  for (const auto* m : missing())  // again inside the transaction: another process may have added them
    db_.exec("ALTER TABLE measures ADD COLUMN " + m->name + (m->type == "integer" ? " INTEGER" : " REAL"));
  db_.exec("DROP VIEW IF EXISTS export_sessions; DROP VIEW IF EXISTS export_windows; DROP VIEW IF EXISTS export_segments;" +
           export_views_sql());
  t.commit();
}

bool StudyDb::check_schema(bool create) {
  // one statement, so one snapshot: read apart, another process's create could fall between the two reads
  Statement q(db_, "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)");
  q.step();
  const int64_t version = q.integer(0), objects = q.integer(1);
  q.run();
  if (version == kSchemaVersion) return false;
  if (version != 0)
    throw Error(ErrorCode::Input, db_.path().string() + " has study schema version " + std::to_string(version) +
                                      "; this psyface reads version " + std::to_string(kSchemaVersion) +
                                      (version > kSchemaVersion ? " (made by a newer psyface: upgrade psyface)" : ""));
  if (objects != 0)
    throw Error(ErrorCode::Input, db_.path().string() + " is not a psyface study database (no schema version)");
  if (!create)
    throw Error(ErrorCode::Input, db_.path().string() +
                                      " is not a psyface study database (empty; psyface study run creates it)");
  return true;
}

void StudyDb::create_schema() {
  Transaction t(db_);
  // another process may have created the schema meanwhile
  if (db_.query_int("PRAGMA user_version") == kSchemaVersion) return;
  if (db_.query_int("SELECT count(*) FROM sqlite_master") != 0)
    throw Error(ErrorCode::Input, db_.path().string() + " is not a psyface study database (no schema version)");
  db_.exec(schema_sql());
  db_.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
  t.commit();
}

void StudyDb::sync_sessions(const StudyManifest& m) {
  Transaction t(db_);
  Statement up(db_, R"(INSERT INTO sessions(session_id, patient_id, therapist_id, session_number, date, video,
      therapist_video, layout, patient, offset_sec, extra_json, manifest_line) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)
    ON CONFLICT(session_id) DO UPDATE SET patient_id=excluded.patient_id, therapist_id=excluded.therapist_id,
      session_number=excluded.session_number, date=excluded.date, video=excluded.video,
      therapist_video=excluded.therapist_video, layout=excluded.layout, patient=excluded.patient,
      offset_sec=excluded.offset_sec, extra_json=excluded.extra_json, manifest_line=excluded.manifest_line)");
  db_.exec("CREATE TEMP TABLE IF NOT EXISTS listed(session_id TEXT PRIMARY KEY); DELETE FROM listed;");
  Statement listed(db_, "INSERT INTO listed VALUES(?)");
  for (const auto& s : m.sessions) {
    nlohmann::ordered_json extra = nlohmann::ordered_json::object();
    for (const auto& [k, v] : s.extra) extra[k] = v;
    up.bind(1, s.session_id).bind(2, s.patient_id);
    if (s.therapist_id.empty()) up.bind_null(3); else up.bind(3, s.therapist_id);
    up.bind(4, s.session_number).bind(5, s.date).bind(6, s.video);
    if (s.therapist_video.empty()) up.bind_null(7); else up.bind(7, s.therapist_video);
    up.bind(8, s.layout).bind(9, s.patient).bind(10, s.offset_sec).bind(11, extra.dump()).bind(12, s.line);
    up.run();
    listed.bind(1, s.session_id).run();
  }
  db_.exec("DELETE FROM measures WHERE session_id NOT IN (SELECT session_id FROM listed);"
           "DELETE FROM sessions WHERE session_id NOT IN (SELECT session_id FROM listed);");
  t.commit();
}

namespace {
const char* kStateColumns =
    "session_id, status, fingerprint, options_hash, measures_hash, frames_file, frames_sha256, duration_sec, error, "
    "warnings, claim_token, claim_host, claim_pid, lease_until";
SessionState read_state(const Statement& q) {
  SessionState s;
  s.session_id = q.text(0);
  s.status = q.text(1);
  s.fingerprint = q.text(2);
  s.options_hash = q.text(3);
  s.measures_hash = q.text(4);
  s.frames_file = q.text(5);
  s.frames_sha256 = q.text(6);
  s.duration_sec = q.real(7);
  s.error = q.text(8);
  s.warnings = q.text(9);
  s.claim_token = q.text(10);
  s.claim_host = q.text(11);
  s.claim_pid = q.integer(12);
  s.lease_until = q.is_null(13) ? 0 : q.real(13);
  return s;
}
}  // namespace

std::vector<SessionState> StudyDb::sessions() {
  Statement q(db_, std::string("SELECT ") + kStateColumns + " FROM sessions ORDER BY session_id");
  std::vector<SessionState> out;
  while (q.step()) out.push_back(read_state(q));
  return out;
}

std::optional<SessionState> StudyDb::session(const std::string& id) {
  Statement q(db_, std::string("SELECT ") + kStateColumns + " FROM sessions WHERE session_id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  auto s = read_state(q);
  while (q.step()) {}
  return s;
}

int64_t StudyDb::claim(const std::string& id, const std::string& seen_token, const Claim& c,
                       const std::string& options_hash, const std::string& options_json) {
  Transaction t(db_);
  Statement u(db_, R"(UPDATE sessions SET status='running', claim_token=?, claim_host=?, claim_pid=?, lease_until=?
                      WHERE session_id=? AND coalesce(claim_token,'') = ?)");
  u.bind(1, c.token).bind(2, c.host).bind(3, c.pid).bind(4, c.lease_until).bind(5, id).bind(6, seen_token).run();
  if (db_.changes() != 1) return 0;
  Statement i(db_, "UPDATE runs SET status='interrupted', finished_at=? WHERE session_id=? AND status='running'");
  i.bind(1, utc_now_iso8601()).bind(2, id).run();
  Statement r(db_, R"(INSERT INTO runs(session_id, status, options_hash, options_json, psyface_version, host, pid, started_at)
                      VALUES(?, 'running', ?, ?, ?, ?, ?, ?))");
  r.bind(1, id).bind(2, options_hash).bind(3, options_json).bind(4, std::string(kVersion)).bind(5, c.host);
  r.bind(6, c.pid).bind(7, utc_now_iso8601()).run();
  const int64_t run_id = sqlite3_last_insert_rowid(db_.handle());
  Statement l(db_, "UPDATE sessions SET last_run_id=? WHERE session_id=?");
  l.bind(1, run_id).bind(2, id).run();
  t.commit();
  return run_id;
}

namespace {
void write_measures(SqliteDb& db, const std::string& id, const std::vector<measures::RoleWindowMeasures>& rows) {
  Statement d(db, "DELETE FROM measures WHERE session_id=?");
  d.bind(1, id).run();
  const auto& cat = measures::measure_catalog();
  std::string sql = "INSERT INTO measures(session_id, role, window_kind, window_index, segment_label, start_sec, end_sec";
  for (const auto& m : cat) sql += "," + m.name;
  sql += ") VALUES(?,?,?,?,?,?,?";
  for (size_t k = 0; k < cat.size(); ++k) sql += ",?";
  sql += ")";
  Statement ins(db, sql);
  for (const auto& r : rows) {
    ins.bind(1, id).bind(2, r.role).bind(3, r.window.kind).bind(4, r.window.index);
    if (r.window.kind == "segment") ins.bind(5, r.window.label); else ins.bind_null(5);
    ins.bind(6, r.window.start_sec).bind(7, r.window.end_sec);
    for (size_t k = 0; k < cat.size(); ++k) ins.bind(static_cast<int>(8 + k), r.values[k]);
    ins.run();
  }
}
}  // namespace

// The session was taken over (its lease ran out while this run was alive): this run's result is dropped,
// the run is marked interrupted, and the new owner's state is left as it is.
bool StudyDb::lose_claim(Transaction& t, int64_t run_id) {
  Statement r(db_, "UPDATE runs SET status='interrupted', finished_at=?, error=? WHERE run_id=?");
  r.bind(1, utc_now_iso8601()).bind(2, std::string("claim taken over by another process (lease expired)")).bind(3, run_id).run();
  t.commit();
  return false;
}

bool StudyDb::finish_done(const std::string& id, int64_t run_id, const AnalysisOutcome& o,
                          const std::string& measures_hash, const std::vector<measures::RoleWindowMeasures>& rows,
                          double measures_sec, const std::function<void()>& publish) {
  Transaction t(db_);
  Statement s(db_, R"(UPDATE sessions SET status='done', fingerprint=?, options_hash=?, measures_hash=?, frames_file=?,
                      frames_sha256=?, duration_sec=?, error=NULL, warnings=?, claim_token=NULL, claim_host=NULL,
                      claim_pid=NULL, lease_until=NULL WHERE session_id=? AND status='running' AND last_run_id=?)");
  s.bind(1, o.fingerprint).bind(2, o.options_hash).bind(3, measures_hash).bind(4, o.frames_file).bind(5, o.frames_sha256);
  s.bind(6, o.duration_sec).bind(7, o.warnings).bind(8, id).bind(9, run_id).run();
  if (db_.changes() != 1) return lose_claim(t, run_id);
  if (publish) publish();  // still holding the write lock: no other run can take the session meanwhile
  write_measures(db_, id, rows);
  Statement r(db_, R"(UPDATE runs SET status='done', finished_at=?, analyse_sec=?, measures_sec=?, exit_code=0,
                      model_checksums=?, warnings=? WHERE run_id=?)");
  r.bind(1, utc_now_iso8601()).bind(2, o.analyse_sec).bind(3, measures_sec).bind(4, o.model_checksums);
  r.bind(5, o.warnings).bind(6, run_id).run();
  t.commit();
  return true;
}

bool StudyDb::finish_failed(const std::string& id, int64_t run_id, int exit_code, const std::string& error,
                            const std::string& warnings, double analyse_sec) {
  Transaction t(db_);
  Statement s(db_, R"(UPDATE sessions SET status='failed', error=?, warnings=?, claim_token=NULL, claim_host=NULL,
                      claim_pid=NULL, lease_until=NULL WHERE session_id=? AND status='running' AND last_run_id=?)");
  s.bind(1, error).bind(2, warnings).bind(3, id).bind(4, run_id).run();
  if (db_.changes() != 1) return lose_claim(t, run_id);
  Statement d(db_, "DELETE FROM measures WHERE session_id=?");
  d.bind(1, id).run();
  Statement r(db_, "UPDATE runs SET status='failed', finished_at=?, analyse_sec=?, exit_code=?, error=?, warnings=? WHERE run_id=?");
  r.bind(1, utc_now_iso8601()).bind(2, analyse_sec).bind(3, exit_code).bind(4, error).bind(5, warnings).bind(6, run_id).run();
  t.commit();
  return true;
}

void StudyDb::release(const std::string& id, int64_t run_id) {
  Transaction t(db_);
  Statement s(db_, R"(UPDATE sessions SET status='pending', claim_token=NULL, claim_host=NULL, claim_pid=NULL,
                      lease_until=NULL WHERE session_id=? AND status='running' AND last_run_id=?)");
  s.bind(1, id).bind(2, run_id).run();  // no row: taken over meanwhile, the new owner keeps it
  Statement r(db_, "UPDATE runs SET status='interrupted', finished_at=? WHERE run_id=?");
  r.bind(1, utc_now_iso8601()).bind(2, run_id).run();
  t.commit();
}

bool StudyDb::store_measures(const std::string& id, const std::string& frames_sha256, const std::string& measures_hash,
                             const std::vector<measures::RoleWindowMeasures>& rows) {
  Transaction t(db_);
  Statement s(db_, "UPDATE sessions SET measures_hash=? WHERE session_id=? AND status='done' AND frames_sha256=?");
  s.bind(1, measures_hash).bind(2, id).bind(3, frames_sha256).run();
  if (db_.changes() != 1) return false;  // analysed again (or no longer done) since the table was read
  write_measures(db_, id, rows);
  t.commit();
  return true;
}

void StudyDb::renew_leases(const std::string& host, int64_t pid, double lease_until) {
  Statement s(db_, "UPDATE sessions SET lease_until=? WHERE status='running' AND claim_host=? AND claim_pid=?");
  s.bind(1, lease_until).bind(2, host).bind(3, pid).run();
}

std::map<std::string, std::vector<measures::Segment>> StudyDb::rated_segments() {
  Statement q(db_, "SELECT DISTINCT session_id, start_sec, end_sec FROM ratings ORDER BY session_id, start_sec, end_sec");
  std::map<std::string, std::vector<measures::Segment>> out;
  while (q.step()) out[q.text(0)].push_back({q.real(1), q.real(2), "rated"});
  return out;
}

int64_t StudyDb::count_runs(const std::string& id, const std::string& status) {
  Statement q(db_, "SELECT count(*) FROM runs WHERE session_id=? AND status=?");
  q.bind(1, id).bind(2, status);
  q.step();
  const int64_t n = q.integer(0);
  q.run();
  return n;
}

}  // namespace psyface::study
