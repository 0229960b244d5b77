// The statistics of the study report, computed through the same library calls as
// `psyface stats agreement|outcomes --study DIR` (primary measures and role, the study's direction of
// improvement, its warnings), written beside the report as those commands write them
// (DIR/report/stats/agreement.json, outcomes.json, with their CSV and Markdown tables), so every number
// the page shows can be checked against that JSON.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stats/stat_table.hpp"
#include "stats/stats_source.hpp"
#include "stats/study_inputs.hpp"

namespace psyface::report {

// One rated segment matched to its measure row, as the agreement analysis pairs them: the mean over
// raters of CEAS Mode and Peak and the segment's measures.
struct AgreementPoint {
  std::string session_id, patient_id;
  double start_sec = 0, end_sec = 0;
  double ceas_mode = 0, ceas_peak = 0;
  int raters = 0;
  std::map<std::string, double> measures;  // the analysed measures
};

struct StudyStatistics {
  stats::PrimaryMeasures primary;
  std::optional<stats::StatsReport> agreement, outcomes;  // nullopt: no ratings / no outcomes
  std::vector<AgreementPoint> points;                     // the matched rated segments
  std::vector<std::filesystem::path> files;               // the JSON files written
};

// The rated segments grouped over raters and matched to `segments` as stats::run_agreement does (same
// session, both ends within the tolerance, the closest wins); unmatched segments are left out.
std::vector<AgreementPoint> agreement_points(const std::vector<stats::HumanRating>& ratings,
                                             const stats::MeasureTable& segments, double tolerance_sec);

// requires: `source` reads the study (stats::StudyDatabaseSource), has_ratings / has_outcomes: its
// ratings / outcomes tables have rows. Writes out_dir/<command>.json (and the tables) for each analysis run.
// throws: as psyface stats (Error(Input) for invalid data, Error(Output) when a file cannot be written).
StudyStatistics compute_study_statistics(const stats::StatsSource& source, bool has_ratings, bool has_outcomes,
                                         const std::filesystem::path& out_dir);

}  // namespace psyface::report
