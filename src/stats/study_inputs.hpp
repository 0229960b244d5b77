// What the statistics read, whatever it comes from (CSV files now, the study database later):
// human CEAS ratings, patient outcomes and tables of per-segment / per-session measures.
// Row types mirror the study database tables of docs/statistics.md (ratings, outcomes) and the
// study export tables (segments.csv, sessions.csv, windows.csv).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace psyface::stats {

// One rated segment x rater (Client Emotional Arousal Scale: 1-7, peak >= mode).
struct HumanRating {
  std::string session_id;
  double start_sec = 0, end_sec = 0;
  std::string rater;
  int ceas_mode = 0, ceas_peak = 0;
  std::string primary_emotion;  // lower case, one of kRaterEmotions; empty when not given
  std::string source;           // "file:line"
};

// The vocabulary of primary_emotion.
inline const std::vector<std::string> kRaterEmotions{"fear",     "joy",  "sadness", "anger", "surprise",
                                                     "disgust",  "contempt", "hurt", "grief"};

// One patient's outcome.
struct OutcomeRecord {
  std::string patient_id;
  double pre = 0, post = 0;  // NaN when missing (an empty cell)
  int dropout = -1;          // 1 dropout, 0 completer, -1 not given
  nlohmann::json covariates = nlohmann::json::object();  // the other columns of outcomes.csv
  std::string source;
};

// Identifier columns of the study export tables: never measures.
inline const std::vector<std::string> kIdentifierColumns{
    "session_id", "patient_id", "therapist_id", "session_number", "date",        "role",
    "window_kind", "window_index", "start_sec",  "end_sec",       "segment_label"};

// One row of a measure table (segments.csv, sessions.csv, windows.csv or a user's CSV).
struct MeasureRow {
  std::string session_id, patient_id, role, window_kind, segment_label;
  double start_sec = 0, end_sec = 0;  // NaN when the table has no such column
  double session_number = 0;          // NaN when the table has no such column or the cell is not a number
  std::string date;                   // as written (ISO dates sort as text); empty when not given
  int64_t line = 0;                   // line in the source file
};

struct MeasureTable {
  std::string source;                       // file name (or database table)
  std::vector<std::string> measures;        // measure column names
  std::vector<MeasureRow> rows;
  std::vector<std::vector<double>> values;  // values[row][measure], NaN for NA
  std::vector<std::string> auxiliary;       // columns read but not analysed (kappa's emotion columns)
  std::vector<std::vector<double>> auxiliary_values;  // auxiliary_values[row][column], NaN for NA
  std::vector<std::string> notes;           // what was left out and why
  bool has_patient_id = false, has_window_kind = false, has_times = false;
};

}  // namespace psyface::stats
