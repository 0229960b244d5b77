// The nested cross-validation of `psyface stats predict`. In every training fold the features are
// standardised and the ridge penalty is chosen (approximate leave-one-out log loss over penalty_grid())
// on the training patients only; then the held-out patients are scored. Nothing of a held-out patient
// reaches its own prediction.
//  - Leave-one-patient-out (LOPO) gives each patient's out-of-fold risk (Brier score, calibration, the
//    risk table).
//  - The CV AUC is leave-pair-out (Airola et al. 2011): each (target, other) pair is held out together and
//    compared under the one model fitted without both. The AUC of pooled LOPO scores is biased far below
//    0.5 without any signal (removing a patient moves the fit away from that patient: 0.33 on average on
//    pure noise with 6 of 23 targets in a first version that pooled them); within one model the pair is exchangeable, so the
//    leave-pair-out AUC is 0.5 on average under no signal.
// A permutation test repeats the whole nested procedure on permuted targets.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "stats/ridge_logistic.hpp"

namespace psyface::stats {

// The penalties tried in every training fold, glmnet's lambda scale, from the largest (warm starts run
// down the path): 10^2 ... 10^-2, four per decade.
std::vector<double> penalty_grid();

struct LopoPredictions {
  std::vector<double> risk;    // out-of-fold predicted probability of the target (intercept included)
  std::vector<double> lambda;  // penalty chosen in the patient's training fold
  int not_converged = 0;       // fits that did not converge (stated in a note)
};

// Leave-pair-out comparisons: psi[i][j] = 1 when target i scores above other j in the model fitted
// without both, 1/2 on a tie (targets and others in the order of y).
struct PairComparisons {
  std::vector<std::vector<double>> psi;
  double auc = 0;  // mean of psi; NaN without pairs
  int not_converged = 0;
};

// One training fold of the nested procedure, sized for `training` patients.
class NestedFold {
 public:
  NestedFold(int training, int features);
  // Standardises over `rows`, chooses the penalty and keeps the fit. Returns false when a fit on the path
  // did not converge. Allocates nothing.
  bool fit(const Eigen::MatrixXd& x, std::span<const double> y, std::span<const int> rows);
  double linear_score(const Eigen::MatrixXd& x, Eigen::Index row) const;  // without the intercept
  double risk(const Eigen::MatrixXd& x, Eigen::Index row) const;
  double lambda() const { return lambda_; }

 private:
  std::vector<double> grid_;
  RidgeWorkspace ws_;
  Eigen::VectorXd mean_, sd_, theta_, best_;
  double lambda_ = 0;
};

class NestedLopo {
 public:
  // requires: x has >= 4 rows and >= 1 column, all finite (complete cases).
  explicit NestedLopo(Eigen::MatrixXd x);
  // y: 0/1 per row of x. Allocate nothing after the first call (outputs are resized once).
  void run(std::span<const double> y, LopoPredictions& out);
  void run_pairs(std::span<const double> y, PairComparisons& out);
  int patients() const { return static_cast<int>(x_.rows()); }

 private:
  Eigen::MatrixXd x_;
  NestedFold one_out_, pair_out_;
  std::vector<int> rows_one_, rows_pair_;
};

struct PermutationResult {
  double p = 0;             // Phipson & Smyth (2010): (b + 1) / (m + 1), b = permutations with AUC >= observed
  int permutations = 0, at_least_observed = 0;
};

// Permutes y (Fisher–Yates on a fixed-seed 64-bit generator; the same seed gives the same p) and
// reruns the whole nested leave-pair-out procedure `permutations` times. One-sided: a CV AUC this high by
// chance.
PermutationResult permutation_test(NestedLopo& lopo, std::span<const double> y, double observed_auc, int permutations,
                                   uint64_t seed);

}  // namespace psyface::stats
