// The study database (DIR/study.sqlite, schema version 1, created by `psyface study run`; tables in
// docs/statistics.md and docs/study.md) as a StatsSource (the imports that fill its ratings, outcomes and
// settings tables: stats/study_import.hpp). Opened through the study layer (study::StudyDb), so its schema version check
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
  // DIR/study.conf's primary_measures and primary_role (validated when opened), else the defaults.
  PrimaryMeasures primary_measures() const override { return primary_; }
  // The done sessions' analysis options differ (study::options_mismatch_warning), read when opened.
  std::vector<std::string> warnings() const override { return warnings_; }

 private:
  std::filesystem::path file_;
  std::vector<std::string> warnings_;
  PrimaryMeasures primary_;
  std::unique_ptr<study::StudyDb> db_;
};

}  // namespace psyface::stats
