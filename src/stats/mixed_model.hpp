// Linear mixed model with one random intercept per group, fitted by REML (Patterson & Thompson 1971;
// the lme4 formulation of Bates et al. 2015): y = X beta + b_group + e, b ~ N(0, s_b^2), e ~ N(0, s^2).
//
// The REML criterion is profiled over theta = s_b / s (as lme4 does) and minimised in one dimension
// (grid on log theta, then Brent). For a given theta every group's covariance is
// V_g = I + theta^2 11', so V_g^-1 = I - theta^2 / (1 + n_g theta^2) 11' and log|V_g| = log(1 + n_g theta^2):
//   -2 REML(theta) = log|V| + log|X'V^-1 X| + (N - p) (1 + log(2 pi r'V^-1 r / (N - p))),
// with beta the GLS estimate and r = y - X beta. Standard errors come from s^2 (X'V^-1 X)^-1 with
// s^2 = r'V^-1 r / (N - p); Wald CI beta +/- z_{1-alpha/2} SE and a normal p (lme4 reports no p).
// singular = true when theta is at the boundary (< 1e-4, lme4's tolerance): the patient variance
// is estimated as 0 and the fit equals ordinary least squares.
#pragma once
#include <Eigen/Dense>
#include <span>
#include <string>
#include <vector>

namespace psyface::stats {

struct MixedModelFit {
  std::vector<double> beta, se, z, p, ci_low, ci_high;  // one per column of X
  double var_group = 0;     // s_b^2 (patient variance)
  double var_residual = 0;  // s^2
  double theta = 0;         // s_b / s
  double reml_criterion = 0;
  bool singular = false;
  int64_t n_obs = 0, n_groups = 0;
  std::string note;  // why nothing was estimated, or "singular fit: ..."; empty for a regular fit
  bool ok() const { return !beta.empty(); }
};

// The design matrix [1, x] of a model with an intercept and one predictor (NaN in x stays NaN: the row is
// left out of the fit).
Eigen::MatrixXd design_with_intercept(std::span<const double> x);

// requires: X has y.size() rows (include the intercept column yourself), group.size() == y.size(); rows
// with a non-finite y or X entry are left out. Degenerate data (fewer rows than columns + 1, X not of
// full column rank, y without variance) give an empty fit with a note; nothing throws.
MixedModelFit fit_random_intercept(const Eigen::MatrixXd& X, std::span<const double> y, std::span<const int> group,
                                   double level = 0.95);

}  // namespace psyface::stats
