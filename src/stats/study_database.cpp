#include "stats/study_database.hpp"

#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <set>

#include "psyface/error.hpp"

namespace psyface::stats {
namespace {

using Db = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;
using Stmt = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

[[noreturn]] void db_fail(sqlite3* db, const std::filesystem::path& file, const std::string& what, ErrorCode code) {
  throw Error(code, file.string() + ": " + what + ": " + (db ? sqlite3_errmsg(db) : "cannot open"));
}

Db open_db(const std::filesystem::path& file, bool write) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, nullptr);
  Db db(raw, &sqlite3_close);
  if (rc != SQLITE_OK) db_fail(raw, file, "cannot open the study database", ErrorCode::Input);
  sqlite3_busy_timeout(raw, 30000);  // other processes of the study may hold the lock briefly
  return db;
}

Stmt prepare(sqlite3* db, const std::filesystem::path& file, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    db_fail(db, file, "not a psyface study database of schema version 1 (" + sql.substr(0, 40) + "...)", ErrorCode::Input);
  return Stmt(raw, &sqlite3_finalize);
}

bool step(sqlite3* db, const std::filesystem::path& file, sqlite3_stmt* s) {
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) db_fail(db, file, "query failed", ErrorCode::Output);
  return false;
}

void exec(sqlite3* db, const std::filesystem::path& file, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    db_fail(db, file, sql, ErrorCode::Output);
}

std::string text(sqlite3_stmt* s, int col) {
  const auto* t = sqlite3_column_text(s, col);
  return t ? reinterpret_cast<const char*>(t) : "";
}

double real(sqlite3_stmt* s, int col) {
  return sqlite3_column_type(s, col) == SQLITE_NULL ? NAN : sqlite3_column_double(s, col);
}

// A cell as text: NULL -> "NA", numbers with 17 significant digits.
std::string cell(sqlite3_stmt* s, int col) {
  switch (sqlite3_column_type(s, col)) {
    case SQLITE_NULL: return "NA";
    case SQLITE_INTEGER: return std::to_string(sqlite3_column_int64(s, col));
    case SQLITE_FLOAT: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(s, col));
      return buf;
    }
    default: return text(s, col);
  }
}

CellTable read_view(sqlite3* db, const std::filesystem::path& file, const std::string& view, const std::string& where = "") {
  auto s = prepare(db, file, "SELECT * FROM " + view + where);
  CellTable t{file.filename().string() + " view " + view, {}, {}, {}, {}};
  for (int c = 0; c < sqlite3_column_count(s.get()); ++c) t.header.push_back(sqlite3_column_name(s.get(), c));
  while (step(db, file, s.get())) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(s.get()); ++c) row.push_back(cell(s.get(), c));
    t.rows.push_back(std::move(row));
    t.where.push_back(t.source + " row " + std::to_string(t.rows.size()));
  }
  return t;
}

// Rolls back unless committed.
class WriteTransaction {
 public:
  WriteTransaction(sqlite3* db, const std::filesystem::path& file) : db_(db), file_(file) {
    exec(db_, file_, "BEGIN IMMEDIATE");
  }
  ~WriteTransaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    exec(db_, file_, "COMMIT");
    done_ = true;
  }

 private:
  sqlite3* db_;
  const std::filesystem::path& file_;
  bool done_ = false;
};

std::set<std::string> column_values(sqlite3* db, const std::filesystem::path& file, const std::string& sql) {
  std::set<std::string> out;
  auto s = prepare(db, file, sql);
  while (step(db, file, s.get())) out.insert(text(s.get(), 0));
  return out;
}

}  // namespace

std::filesystem::path study_database_file(const std::filesystem::path& study_dir) {
  const auto file = study_dir / "study.sqlite";
  if (!std::filesystem::exists(file))
    throw Error(ErrorCode::Input, study_dir.string() + ": no study database (study.sqlite); run psyface study init first");
  return file;
}

StudyDatabaseSource::StudyDatabaseSource(std::filesystem::path study_dir) : file_(study_database_file(study_dir)) {
  auto db = open_db(file_, false);
  for (const char* t : {"ratings", "outcomes", "settings", "export_sessions", "export_windows", "export_segments"})
    prepare(db.get(), file_, std::string("SELECT * FROM ") + t + " LIMIT 0");
}

std::vector<HumanRating> StudyDatabaseSource::ratings() const {
  auto db = open_db(file_, false);
  auto s = prepare(db.get(), file_,
                   "SELECT session_id, start_sec, end_sec, rater, ceas_mode, ceas_peak, primary_emotion, source "
                   "FROM ratings ORDER BY session_id, start_sec, end_sec, rater");
  std::vector<HumanRating> out;
  while (step(db.get(), file_, s.get()))
    out.push_back({text(s.get(), 0), real(s.get(), 1), real(s.get(), 2), text(s.get(), 3), sqlite3_column_int(s.get(), 4),
                   sqlite3_column_int(s.get(), 5), text(s.get(), 6), text(s.get(), 7)});
  if (out.empty())
    throw Error(ErrorCode::Input, file_.string() + ": no ratings in the study database (psyface stats import ratings)");
  return out;
}

std::vector<OutcomeRecord> StudyDatabaseSource::outcomes() const {
  auto db = open_db(file_, false);
  auto s = prepare(db.get(), file_,
                   "SELECT patient_id, pre, post, dropout, covariates_json, source FROM outcomes ORDER BY patient_id");
  std::vector<OutcomeRecord> out;
  while (step(db.get(), file_, s.get())) {
    OutcomeRecord r{text(s.get(), 0), real(s.get(), 1), real(s.get(), 2),
                    sqlite3_column_type(s.get(), 3) == SQLITE_NULL ? -1 : sqlite3_column_int(s.get(), 3),
                    nlohmann::json::object(), text(s.get(), 5)};
    const std::string cov = text(s.get(), 4);
    if (!cov.empty()) r.covariates = nlohmann::json::parse(cov, nullptr, false);
    out.push_back(std::move(r));
  }
  if (out.empty())
    throw Error(ErrorCode::Input, file_.string() + ": no outcomes in the study database (psyface stats import outcomes)");
  return out;
}

MeasureTable StudyDatabaseSource::segment_measures(const MeasureSelection& selection) const {
  auto db = open_db(file_, false);
  return measure_table_from_cells(read_view(db.get(), file_, "export_segments"), selection);
}

MeasureTable StudyDatabaseSource::session_measures(const MeasureSelection& selection) const {
  auto db = open_db(file_, false);
  MeasureTable all = measure_table_from_cells(read_view(db.get(), file_, "export_sessions"), selection);
  append_measure_table(all, measure_table_from_cells(read_view(db.get(), file_, "export_windows",
                                                               " WHERE window_kind IN ('first','rest')"), selection));
  return all;
}

std::optional<bool> StudyDatabaseSource::outcome_lower_is_better() const {
  auto db = open_db(file_, false);
  auto s = prepare(db.get(), file_, "SELECT value FROM settings WHERE key = 'outcome_lower_is_better'");
  if (!step(db.get(), file_, s.get())) return std::nullopt;
  return text(s.get(), 0) == "1";
}

ImportSummary import_ratings(const std::filesystem::path& study_dir, const std::vector<HumanRating>& ratings) {
  const auto file = study_database_file(study_dir);
  auto db = open_db(file, true);
  const auto sessions = column_values(db.get(), file, "SELECT session_id FROM sessions");
  for (const auto& r : ratings)
    if (!sessions.count(r.session_id))
      throw Error(ErrorCode::Input, r.source + ": column session_id: session \"" + r.session_id +
                                        "\" is not in the study (psyface study status lists them); nothing imported");
  ImportSummary sum;
  WriteTransaction tx(db.get(), file);
  auto exists = prepare(db.get(), file,
                        "SELECT 1 FROM ratings WHERE session_id = ?1 AND start_sec = ?2 AND end_sec = ?3 AND rater = ?4");
  auto ins = prepare(db.get(), file,
                     "INSERT OR REPLACE INTO ratings(session_id, start_sec, end_sec, rater, ceas_mode, ceas_peak, "
                     "primary_emotion, source) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const auto& r : ratings) {
    for (auto* s : {exists.get(), ins.get()}) {
      sqlite3_reset(s);
      sqlite3_bind_text(s, 1, r.session_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(s, 2, r.start_sec);
      sqlite3_bind_double(s, 3, r.end_sec);
      sqlite3_bind_text(s, 4, r.rater.c_str(), -1, SQLITE_TRANSIENT);
    }
    if (step(db.get(), file, exists.get())) ++sum.replaced;
    sqlite3_bind_int(ins.get(), 5, r.ceas_mode);
    sqlite3_bind_int(ins.get(), 6, r.ceas_peak);
    if (r.primary_emotion.empty()) sqlite3_bind_null(ins.get(), 7);
    else sqlite3_bind_text(ins.get(), 7, r.primary_emotion.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins.get(), 8, r.source.c_str(), -1, SQLITE_TRANSIENT);
    step(db.get(), file, ins.get());
    ++sum.rows;
  }
  tx.commit();
  return sum;
}

ImportSummary import_outcomes(const std::filesystem::path& study_dir, const std::vector<OutcomeRecord>& outcomes,
                              bool lower_is_better) {
  const auto file = study_database_file(study_dir);
  auto db = open_db(file, true);
  const auto patients = column_values(db.get(), file, "SELECT DISTINCT patient_id FROM sessions");
  const auto before = column_values(db.get(), file, "SELECT patient_id FROM outcomes");
  ImportSummary sum;
  std::vector<std::string> unknown;
  WriteTransaction tx(db.get(), file);
  auto ins = prepare(db.get(), file,
                     "INSERT OR REPLACE INTO outcomes(patient_id, pre, post, dropout, covariates_json, source) "
                     "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  for (const auto& o : outcomes) {
    sqlite3_reset(ins.get());
    sqlite3_bind_text(ins.get(), 1, o.patient_id.c_str(), -1, SQLITE_TRANSIENT);
    for (const auto& [i, v] : {std::pair{2, o.pre}, {3, o.post}})
      std::isfinite(v) ? sqlite3_bind_double(ins.get(), i, v) : sqlite3_bind_null(ins.get(), i);
    o.dropout < 0 ? sqlite3_bind_null(ins.get(), 4) : sqlite3_bind_int(ins.get(), 4, o.dropout);
    const std::string cov = o.covariates.dump();
    sqlite3_bind_text(ins.get(), 5, cov.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins.get(), 6, o.source.c_str(), -1, SQLITE_TRANSIENT);
    step(db.get(), file, ins.get());
    ++sum.rows;
    if (before.count(o.patient_id)) ++sum.replaced;
    if (!patients.count(o.patient_id)) unknown.push_back(o.patient_id);
  }
  exec(db.get(), file,
       std::string("INSERT OR REPLACE INTO settings(key, value) VALUES('outcome_lower_is_better', '") +
           (lower_is_better ? "1" : "0") + "')");
  tx.commit();
  if (!unknown.empty()) {
    std::string ids;
    for (const auto& u : unknown) ids += (ids.empty() ? "" : ", ") + u;
    sum.notes.push_back(std::to_string(unknown.size()) + " patients have no sessions in the study yet: " + ids);
  }
  return sum;
}

}  // namespace psyface::stats
