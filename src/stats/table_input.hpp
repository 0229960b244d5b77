// Reading outcomes.csv and CSV measure tables (segments.csv, sessions.csv, windows.csv of the study
// export, or any user table with the same identifier columns). Errors throw Error(Input) with the file,
// the line and the column; nothing is dropped silently (every left-out row or column is in `notes`).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "stats/study_inputs.hpp"

namespace psyface::stats {

// outcomes.csv: patient_id, pre, post[, dropout][, covariates...]. pre and post are numbers; an empty
// (or NA) cell is missing. dropout is 0 or 1 (empty = not given). Every other column becomes a covariate
// (a number when it parses, else a string). Duplicate patient_id is an error.
std::vector<OutcomeRecord> read_outcomes_csv(const std::filesystem::path& path);

struct MeasureSelection {
  std::vector<std::string> measures;  // empty: every numeric non-identifier column not in `excluded`
  std::string role = "patient";       // keep rows of this role when the table has a role column; "" = all
  std::vector<std::string> excluded;  // never measures (bookkeeping, quality): left out of "every", refused when listed
  std::vector<std::string> auxiliary; // read when present whatever `measures` says, not analysed (kappa's emotions)
  std::string listed_as = "--measures";  // what the listed names are, for errors ("primary measure (study.conf)")
};

// A table as text cells, from any reader (CSV file, database view).
struct CellTable {
  std::string source;                           // file name or "study.sqlite view export_segments"
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;   // "NA" or "" for missing
  std::vector<int64_t> lines;                   // per row: line in the file (empty: row number)
  std::vector<std::string> where;               // per row: "<file> line N" for error messages
};

// The measure table of cells; the rules of read_measure_table. Errors name cells.where[row] and the column.
MeasureTable measure_table_from_cells(const CellTable& cells, const MeasureSelection& selection);

// A measure table from a CSV file. Requires session_id. Measures: the listed ones (each must exist, else
// Error(Input) naming it, selection.listed_as and the table's measure columns; an excluded or identifier
// one is Error(Usage); a non-numeric value is an error naming line and column) or else every
// non-identifier, non-excluded column whose values all parse as numbers or NA (other columns, and the
// excluded ones present, are listed in notes). Auxiliary columns that exist and are numeric go to
// MeasureTable::auxiliary.
MeasureTable read_measure_table(const std::filesystem::path& path, const MeasureSelection& selection);

// Rows of b appended to a; both must have the same measures (throws Error(Input) otherwise).
void append_measure_table(MeasureTable& a, MeasureTable b);

}  // namespace psyface::stats
