// A study database with the tables and views of the study/statistics contract (schema version 1:
// sessions, ratings, outcomes, settings, export_sessions/windows/segments), filled from the golden
// study CSVs, for tests of the database source and the imports without running psyface study.
#pragma once
#include <sqlite3.h>

#include <filesystem>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "report/csv_reader.hpp"
#include "stats_test_support.hpp"

namespace psyface::test {

inline void sql_exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error("fixture SQL failed: " + msg + " in " + sql.substr(0, 80));
  }
}

inline std::string sql_quote(const std::string& v) {
  if (v.empty() || v == "NA") return "NULL";
  std::string out = "'";
  for (char c : v) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Copies a CSV into table `name` (all columns untyped, values as in the file, numbers stored as numbers).
inline void load_csv_table(sqlite3* db, const std::filesystem::path& csv_path, const std::string& name) {
  report::CsvReader csv(csv_path);
  std::string cols;
  for (const auto& h : csv.header()) cols += (cols.empty() ? "" : ", ") + h;
  sql_exec(db, "BEGIN; CREATE TABLE " + name + "(" + cols + ")");
  while (csv.next()) {
    std::string values;
    for (size_t c = 0; c < csv.fields().size(); ++c) {
      const std::string& f = csv.fields()[c];
      char* end = nullptr;
      std::strtod(f.c_str(), &end);
      const bool number = !f.empty() && end && *end == '\0';
      values += (c ? ", " : "") + (number ? f : sql_quote(f));
    }
    sql_exec(db, "INSERT INTO " + name + " VALUES(" + values + ")");
  }
  sql_exec(db, "COMMIT");
}

// DIR/study.sqlite with the contract's tables; sessions = those of the golden study's sessions.csv and
// segments.csv; export views over the golden CSVs.
inline std::filesystem::path make_study_db_fixture(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const auto file = dir / "study.sqlite";
  std::filesystem::remove(file);
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  const auto study = stats_golden_dir() / "study";
  sql_exec(db, R"(
CREATE TABLE sessions(session_id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, therapist_id TEXT,
                      session_number INTEGER NOT NULL, date TEXT NOT NULL);
CREATE TABLE ratings(
  session_id TEXT NOT NULL REFERENCES sessions(session_id),
  start_sec REAL NOT NULL, end_sec REAL NOT NULL,
  rater TEXT NOT NULL,
  ceas_mode INTEGER NOT NULL CHECK(ceas_mode BETWEEN 1 AND 7),
  ceas_peak INTEGER NOT NULL CHECK(ceas_peak BETWEEN 1 AND 7),
  primary_emotion TEXT,
  source TEXT NOT NULL,
  PRIMARY KEY(session_id, start_sec, end_sec, rater));
CREATE TABLE outcomes(patient_id TEXT PRIMARY KEY, pre REAL, post REAL, dropout INTEGER, covariates_json TEXT,
                      source TEXT NOT NULL);
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);)");
  load_csv_table(db, study / "sessions.csv", "fx_sessions");
  load_csv_table(db, study / "windows.csv", "fx_windows");
  load_csv_table(db, study / "segments.csv", "fx_segments");
  sql_exec(db, R"(
INSERT INTO sessions SELECT DISTINCT session_id, patient_id, therapist_id, session_number, date FROM fx_sessions;
INSERT OR IGNORE INTO sessions SELECT DISTINCT session_id, patient_id, NULL, session_number, '2024-01-01' FROM fx_segments;
CREATE VIEW export_sessions AS SELECT * FROM fx_sessions;
CREATE VIEW export_windows AS SELECT * FROM fx_windows;
CREATE VIEW export_segments AS SELECT * FROM fx_segments;)");
  sqlite3_close(db);
  return file;
}

// One integer from a query on the fixture.
inline long long sql_count(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
  const long long v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

}  // namespace psyface::test
