// Where `psyface stats` gets its data. The statistics only see this interface, so a study-database
// source (`--study DIR`, reading the ratings, outcomes and export views of the study database) can be
// added beside the CSV source without touching them.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stats/measure_set.hpp"
#include "stats/ratings_input.hpp"
#include "stats/study_inputs.hpp"
#include "stats/table_input.hpp"

namespace psyface::stats {

class StatsSource {
 public:
  virtual ~StatsSource() = default;
  // Each throws Error(Input) when its data are absent or invalid (naming file/table, line, column).
  virtual std::vector<HumanRating> ratings() const = 0;
  virtual std::vector<OutcomeRecord> outcomes() const = 0;
  virtual MeasureTable segment_measures(const MeasureSelection& selection) const = 0;
  // Whole-session rows and, when available, first-N-minutes / rest rows (window_kind first / rest).
  virtual MeasureTable session_measures(const MeasureSelection& selection) const = 0;
  // The study's own setting (database settings table); nullopt = the command line decides.
  virtual std::optional<bool> outcome_lower_is_better() const { return std::nullopt; }
  // The pre-declared measures and role the analyses use unless --measures / --role say otherwise.
  virtual PrimaryMeasures primary_measures() const { return primary_measures_for({}); }
  // What may make every result wrong, for the user to see (the study's done sessions were analysed with
  // different options, ...); empty when nothing is known to be wrong.
  virtual std::vector<std::string> warnings() const { return {}; }
};

struct CsvSourceFiles {
  std::vector<std::filesystem::path> ratings;   // ratings.csv and/or .eaf files
  EafTierMap eaf_tiers;
  std::filesystem::path outcomes;               // outcomes.csv
  std::filesystem::path segments;               // segments.csv
  std::vector<std::filesystem::path> sessions;  // sessions.csv and/or windows.csv (window_kind)
};

// --eaf-session names the session of ONE .eaf file: throws Error(Usage) when tiers.session_id is set and
// `files` holds more than one .eaf (each file's ratings would be matched to the same session's segments).
void check_eaf_session(const std::vector<std::filesystem::path>& files, const EafTierMap& tiers);

// The CSV files of CsvSourceFiles; a missing file throws Error(Usage) naming the option that gives it.
class CsvStatsSource : public StatsSource {
 public:
  explicit CsvStatsSource(CsvSourceFiles files) : files_(std::move(files)) {}
  std::vector<HumanRating> ratings() const override;
  std::vector<OutcomeRecord> outcomes() const override;
  MeasureTable segment_measures(const MeasureSelection& selection) const override;
  MeasureTable session_measures(const MeasureSelection& selection) const override;

 private:
  CsvSourceFiles files_;
};

}  // namespace psyface::stats
