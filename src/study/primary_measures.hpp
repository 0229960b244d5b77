// A study's pre-declared measures (study.conf primary_measures / primary_role) and the columns of the
// measure tables that are never analysed as measures (bookkeeping and data quality). Rationale:
// docs/statistics.md, "Primary measures".
#pragma once
#include <string>
#include <vector>

namespace psyface::study {

// The reference study's patient measures: positive expression, its absence, smiling and expressivity.
inline const std::vector<std::string> kDefaultPrimaryMeasures{"share_happy", "share_neutral", "smile_onsets_per_min",
                                                              "expressivity"};
inline const std::string kDefaultPrimaryRole = "patient";

// Bookkeeping and quality columns: those of measures::measure_catalog() that describe how much and how
// well was measured, not the person (duration_sec, frames_analysed, frames_valid, valid_share,
// mean_confidence, analysed_fps, low_fps_flag, synchrony_p), and bookkeeping columns of psyface's other
// tables a user's CSV may carry (n_frames, frame_index, t_sec, analyse_sec, measures_sec and the hashes).
// Never analysed as measures (refused when named, left out of "all"). Identifier columns are excluded
// separately (stats::kIdentifierColumns).
const std::vector<std::string>& quality_columns();
bool is_quality_column(const std::string& name);

// The catalog's columns that may be analysed (the catalog without quality_columns()), in table order.
std::vector<std::string> analysable_measures();

// Why `name` cannot be a primary measure of a study ("" when it can): not a measure column of the study
// tables (naming the valid ones), or a quality column.
std::string primary_measure_problem(const std::string& name);

}  // namespace psyface::study
