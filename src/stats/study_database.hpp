// The study database (DIR/study.sqlite, schema version 1, created by `psyface study run`; tables in
// docs/statistics.md and docs/study.md) as a StatsSource, and the imports that fill its ratings, outcomes
// and settings tables. Opened through the study layer (study::StudyDb), so its schema version check
// (a newer or unknown version is refused), journal mode and busy timeout apply here too.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stats/stats_source.hpp"

namespace psyface::study {
class StudyDb;
}

namespace psyface::stats {

// DIR/study.sqlite. throws Error(Input) when it does not exist ("run psyface study run").
std::filesystem::path study_database_file(const std::filesystem::path& study_dir);

// Reads ratings, outcomes (table outcomes), segments (view export_segments), sessions (views
// export_sessions and export_windows: whole sessions, first N minutes and rest) and the setting
// outcome_lower_is_better.
class StudyDatabaseSource : public StatsSource {
 public:
  // Before reading, recomputes the measures of done sessions whose measure options or rated segments
  // changed (study::refresh_measures: the stored per-frame tables, no video), so every rated segment has
  // measure rows. journal: "" (keep), "wal" or "delete" as for psyface study.
  // throws Error(Input) when DIR has no study database or one of another schema version.
  explicit StudyDatabaseSource(std::filesystem::path study_dir, const std::string& journal = "");
  ~StudyDatabaseSource() override;
  std::vector<HumanRating> ratings() const override;
  std::vector<OutcomeRecord> outcomes() const override;
  MeasureTable segment_measures(const MeasureSelection& selection) const override;
  MeasureTable session_measures(const MeasureSelection& selection) const override;
  std::optional<bool> outcome_lower_is_better() const override;

 private:
  std::filesystem::path file_;
  std::unique_ptr<study::StudyDb> db_;
};

struct ImportSummary {
  int64_t rows = 0;      // inserted or replaced
  int64_t replaced = 0;  // of them, rows that existed before (same key)
  int remeasured = 0;    // ratings: done sessions whose measures were recomputed for new rated segments
  std::vector<std::string> notes;
};

// Writes ratings into the ratings table in one transaction (rows with the same session, start, end and
// rater are replaced). requires: every session_id exists in the study's sessions table, else
// Error(Input) naming the rating's source (file:line) and nothing is written.
// Then recomputes the measures of the sessions whose rated segments changed (summary.remeasured).
ImportSummary import_ratings(const std::filesystem::path& study_dir, const std::vector<HumanRating>& ratings,
                             const std::string& journal = "");

// Writes outcomes (replacing patients already there) and the setting outcome_lower_is_better, in one
// transaction. Patients without sessions in the study are imported and listed in the notes.
ImportSummary import_outcomes(const std::filesystem::path& study_dir, const std::vector<OutcomeRecord>& outcomes,
                              bool lower_is_better, const std::string& journal = "");

}  // namespace psyface::stats
