// The inputs of `psyface stats predict`: per patient, the mean of each measure over the first K sessions
// (ordered by session_number, then date, then session_id) and the target (dropout, or improver as in the
// median split of stats outcomes).
#pragma once
#include <string>
#include <vector>

#include "stats/outcome_analysis.hpp"
#include "stats/study_inputs.hpp"

namespace psyface::stats {

// The measures come from the caller: by default the study's primary measures (stats/measure_set.hpp).

struct PredictionOptions {
  std::string target = "dropout";  // dropout | improver
  int first_sessions = 3;          // K
  std::string part = "whole";      // whole | first (the first-N-minutes windows)
  int permutations = 1000;
  uint64_t seed = 20261205;
  OutcomeOptions outcome;          // direction of improvement (improver target)
};

struct PredictionFeatures {
  std::vector<std::string> patient_id, measures;
  std::vector<std::vector<double>> values;  // [patient][measure], NaN when the patient has no value
  std::vector<int> target;                  // 1 target, 0 other, -1 unknown (left out)
  std::vector<int> sessions_used;           // per patient, <= K
  std::vector<std::string> notes;
};

// Never throws on degenerate data; what is left out is in notes.
PredictionFeatures prediction_features(const std::vector<OutcomeRecord>& outcomes, const MeasureTable& t,
                                       const PredictionOptions& o);

}  // namespace psyface::stats
