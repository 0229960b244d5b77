// Simulated studies with known truth for the prediction model (the leakage and calibration checks of
// docs/statistics.md): patients with normal features, a given number of targets, and a standardised mean
// difference d between targets and others in the first measure (the others pure noise). Used by the
// unit tests (a light version) and bench/predict.cpp (the figures in the docs).
#pragma once
#include <cstdint>
#include <vector>

namespace psyface::stats {

struct SimulationOptions {
  int studies = 200;         // simulated studies
  int patients = 23;         // per study
  int targets = 6;           // target patients per study (dropouts)
  int measures = 4;          // features; the first carries the effect
  double effect_d = 0;       // mean difference (in SDs) of the first measure, targets minus others
  int permutations = 0;      // per study; 0 = no permutation test
  uint64_t seed = 1;
};

struct SimulationSummary {
  double mean_cv_auc = 0, sd_cv_auc = 0;
  double true_auc = 0;                // Phi(d / sqrt(2)): the AUC of the first measure, the best rule
  double share_p_at_most_005 = 0;     // of the permutation p (NaN without permutations)
  double mean_brier = 0;
  int studies = 0;
};

// requires: 3 <= targets <= patients - 3, measures >= 1, studies >= 1. Deterministic for a seed.
SimulationSummary simulate_prediction(const SimulationOptions& options);

}  // namespace psyface::stats
