// `psyface stats predict`: how well do the measures of the first sessions predict dropout (or being an
// improver)? A research estimate from a small sample, not a clinical screening tool.
//  - per measure: AUC = P(value of a target patient > value of another), ties half, DeLong 95 % CI
//    (clipped to [0, 1]) and its z-test p; not flipped (below 0.5: lower in the target group);
//  - the model: ridge logistic regression over the measures, nested cross-validation (nested_lopo.hpp):
//    cv_auc (leave-pair-out, DeLong CI on the pair comparisons, permutation p), Brier score and
//    calibration intercept and slope of the leave-one-patient-out risks;
//  - report.patients: each patient's out-of-fold risk and target (prediction_risks.csv).
#pragma once
#include <filesystem>

#include "stats/prediction_features.hpp"
#include "stats/stat_table.hpp"

namespace psyface::stats {

// Degenerate inputs (an empty class, fewer than 3 patients in a class, a constant measure, a patient
// missing a measure) give notes and NA rows; nothing throws.
StatsReport run_prediction(const PredictionFeatures& features, const PredictionOptions& options);

// DIR/prediction_risks.csv from report.patients (patient_id,target,risk,lambda); atomic. throws Error(Output).
void write_prediction_risks_csv(const std::filesystem::path& dir, const StatsReport& report);

}  // namespace psyface::stats
