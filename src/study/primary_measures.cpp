#include "study/primary_measures.hpp"

#include <algorithm>

#include "measures/affect_measures.hpp"

namespace psyface::study {

const std::vector<std::string>& quality_columns() {
  static const std::vector<std::string> kQuality{
      // of the measure catalog (the study export's measure columns)
      "duration_sec", "frames_analysed", "frames_valid", "valid_share", "mean_confidence", "analysed_fps",
      "low_fps_flag", "synchrony_p", "synchrony_head_motion_p", "frames_listening", "frames_speaking",
      // of psyface's other tables, should a user's CSV carry them (frames tables, runs, session_info.csv)
      "n_frames", "frame_index", "t_sec", "analyse_sec", "measures_sec", "options_hash", "measures_hash",
      "analysis_options_hash", "analysis_measurement_revision"};
  return kQuality;
}

bool is_quality_column(const std::string& name) {
  const auto& q = quality_columns();
  return std::find(q.begin(), q.end(), name) != q.end();
}

std::vector<std::string> analysable_measures() {
  std::vector<std::string> out;
  for (const auto& m : measures::measure_catalog())
    if (!is_quality_column(m.name)) out.push_back(m.name);
  return out;
}

std::string primary_measure_problem(const std::string& name) {
  if (is_quality_column(name))
    return "\"" + name + "\" is a bookkeeping or data-quality column, never analysed as a measure";
  if (measures::measure_index(name) >= 0) return "";
  std::string valid;
  for (const auto& m : analysable_measures()) valid += (valid.empty() ? "" : ", ") + m;
  return "\"" + name + "\" is not a measure of the study tables (measures: " + valid + ")";
}

}  // namespace psyface::study
