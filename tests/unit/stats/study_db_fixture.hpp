// A real study database (made by the study layer, schema version 1) filled from the golden study CSVs,
// for tests of the database source and the imports without running psyface study.
#pragma once
#include <sqlite3.h>

#include <filesystem>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "tables/csv_reader.hpp"
#include "study/study_db.hpp"
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
  tables::CsvReader csv(csv_path);
  std::string cols;
  for (const auto& h : csv.header()) cols += (cols.empty() ? "" : ", ") + h;
  sql_exec(db, "BEGIN; CREATE TABLE " + name + "(" + cols + ")");
  const std::string table = name.substr(name.find('.') + 1);
  while (csv.next()) {
    std::string values;
    for (size_t c = 0; c < csv.fields().size(); ++c) {
      const std::string& f = csv.fields()[c];
      char* end = nullptr;
      std::strtod(f.c_str(), &end);
      const bool number = !f.empty() && end && *end == '\0';
      values += (c ? ", " : "") + (number ? f : sql_quote(f));
    }
    sql_exec(db, "INSERT INTO " + table + " VALUES(" + values + ")");
  }
  sql_exec(db, "COMMIT");
}

// Measure columns of the golden study tables that the study database has (measure_catalog()).
inline const std::vector<std::string> kFixtureSegmentMeasures{"mean_p_happy",    "mean_p_sad",       "mean_p_angry",
                                                              "mean_p_fearful",  "mean_p_disgusted", "mean_p_surprised"};
inline const std::vector<std::string> kFixtureSessionMeasures{"smile_share", "expressivity"};

// DIR/study.sqlite made by the study layer (study::StudyDb: schema version 1, WAL); sessions = those of
// the golden study's sessions.csv and segments.csv (status done); the golden measure rows stored in its
// measures table, so the export views give the golden tables (measures kFixture*Measures; no sessions.csv
// in DIR, so nothing is recomputed).
inline std::filesystem::path make_study_db_fixture(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const auto file = dir / "study.sqlite";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
  { study::StudyDb created(file, true); }
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  const auto golden = stats_golden_dir() / "study";
  load_csv_table(db, golden / "sessions.csv", "temp.fx_sessions");
  load_csv_table(db, golden / "windows.csv", "temp.fx_windows");
  load_csv_table(db, golden / "segments.csv", "temp.fx_segments");
  std::string seg_cols, ses_cols;
  for (const auto& m : kFixtureSegmentMeasures) seg_cols += ", " + m;
  for (const auto& m : kFixtureSessionMeasures) ses_cols += ", " + m;
  sql_exec(db, R"(
INSERT INTO sessions(session_id, patient_id, therapist_id, session_number, date, video, layout, patient, status)
  SELECT DISTINCT session_id, patient_id, therapist_id, session_number, date, session_id || '.mp4', 'auto', 'left', 'done'
  FROM fx_sessions;
INSERT OR IGNORE INTO sessions(session_id, patient_id, session_number, date, video, layout, patient, status)
  SELECT DISTINCT session_id, patient_id, session_number, '2024-01-01', session_id || '.mp4', 'auto', 'left', 'done'
  FROM fx_segments;
INSERT INTO measures(session_id, role, window_kind, window_index, start_sec, end_sec)" + ses_cols + R"()
  SELECT session_id, role, 'session', 0, 0, 0)" + ses_cols + R"( FROM fx_sessions;
INSERT INTO measures(session_id, role, window_kind, window_index, start_sec, end_sec)" + ses_cols + R"()
  SELECT session_id, role, window_kind, window_index, start_sec, end_sec)" + ses_cols + R"( FROM fx_windows;
INSERT INTO measures(session_id, role, window_kind, window_index, segment_label, start_sec, end_sec)" + seg_cols + R"()
  SELECT session_id, role, 'segment', rowid, segment_label, start_sec, end_sec)" + seg_cols + R"( FROM fx_segments;)");
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
