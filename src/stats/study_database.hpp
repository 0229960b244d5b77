// The study database (DIR/study.sqlite, schema version 1, created by `psyface study init`; tables in
// docs/statistics.md) as a StatsSource, and the imports that fill its ratings, outcomes and settings
// tables. Uses the SQLite C API directly (Debian libsqlite3) on the contract's tables and export_* views.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stats/stats_source.hpp"

namespace psyface::stats {

// DIR/study.sqlite. throws Error(Input) when it does not exist ("run psyface study init").
std::filesystem::path study_database_file(const std::filesystem::path& study_dir);

// Reads ratings, outcomes (table outcomes), segments (view export_segments), sessions (views
// export_sessions and export_windows: whole sessions, first N minutes and rest) and the setting
// outcome_lower_is_better.
class StudyDatabaseSource : public StatsSource {
 public:
  // throws Error(Input) when DIR has no study database or it lacks the tables of schema version 1.
  explicit StudyDatabaseSource(std::filesystem::path study_dir);
  std::vector<HumanRating> ratings() const override;
  std::vector<OutcomeRecord> outcomes() const override;
  MeasureTable segment_measures(const MeasureSelection& selection) const override;
  MeasureTable session_measures(const MeasureSelection& selection) const override;
  std::optional<bool> outcome_lower_is_better() const override;

 private:
  std::filesystem::path file_;
};

struct ImportSummary {
  int64_t rows = 0;      // inserted or replaced
  int64_t replaced = 0;  // of them, rows that existed before (same key)
  std::vector<std::string> notes;
};

// Writes ratings into the ratings table in one transaction (rows with the same session, start, end and
// rater are replaced). requires: every session_id exists in the study's sessions table, else
// Error(Input) naming the rating's source (file:line) and nothing is written.
ImportSummary import_ratings(const std::filesystem::path& study_dir, const std::vector<HumanRating>& ratings);

// Writes outcomes (replacing patients already there) and the setting outcome_lower_is_better, in one
// transaction. Patients without sessions in the study are imported and listed in the notes.
ImportSummary import_outcomes(const std::filesystem::path& study_dir, const std::vector<OutcomeRecord>& outcomes,
                              bool lower_is_better);

}  // namespace psyface::stats
