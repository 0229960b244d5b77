// L2-penalised (ridge) logistic regression by Newton's method, on glmnet's scale:
//   minimise  -(1/n) sum_i [y_i eta_i - log(1 + exp(eta_i))] + (lambda / 2) sum_j beta_j^2,
//   eta_i = offset_i + beta_0 + sum_j z_ij beta_j,
// with the features standardised (z = (x - mean) / sd, sd with divisor n, as glmnet's standardize = TRUE)
// and the intercept not penalised. So `lambda` here is glmnet(alpha = 0)'s lambda, and the coefficients
// on the original scale equal coef(glmnet(x, y, family = "binomial", alpha = 0, lambda = lambda)).
// The workspace is sized once; fitting and the leave-one-out approximation then allocate nothing, which
// is what makes 1,000 permutations of the nested leave-one-patient-out procedure fast.
#pragma once
#include <span>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

namespace psyface::stats {

struct RidgeWorkspace {
  // requires: rows >= 1, columns >= 1 (the intercept's column included).
  RidgeWorkspace(int rows, int columns);
  Eigen::MatrixXd z;             // design, column 0 = 1 (intercept); rows x columns
  Eigen::VectorXd y, offset;     // response 0/1 and offset (0 unless set)
  Eigen::VectorXd penalised;     // 1 for penalised columns, 0 for the intercept (and unpenalised ones)
  // scratch
  Eigen::VectorXd eta, prob, weight, gradient, step, trial, v;
  Eigen::MatrixXd weighted_z, hessian;
  Eigen::LLT<Eigen::MatrixXd> llt;
};

// Fills ws.z's columns 1.. with the rows `rows` of x standardised over those rows (mean and the
// divisor-n SD, as glmnet), and ws.y with y[rows]; mean and sd receive the standardisation.
// requires: ws sized rows.size() x (x.cols() + 1). A column with sd 0 is set to 0 (sd reported as 0).
void standardise_rows(const Eigen::MatrixXd& x, std::span<const double> y, std::span<const int> rows,
                      RidgeWorkspace& ws, Eigen::VectorXd& mean, Eigen::VectorXd& sd);

// Newton's method with step halving from the warm start `theta` (intercept first); theta receives the
// minimiser. ensures: returns true when the largest step fell below 1e-10 within 100 iterations.
bool fit_penalised_logistic(RidgeWorkspace& ws, double lambda, Eigen::VectorXd& theta);

// Mean log loss of the approximate leave-one-out linear predictors at the fit theta (one Newton step
// from the full fit, closed form: eta_-i = eta_i + h_i / (1 - h_i) (p_i - y_i) / w_i with h_i the
// diagonal of the penalised hat matrix; Rad & Maleki 2020). Used to choose the penalty inside a fold.
// requires: theta is the fit at lambda on ws (fit_penalised_logistic just returned it).
double approximate_loo_log_loss(RidgeWorkspace& ws, double lambda, const Eigen::VectorXd& theta);

// Inverse of the unpenalised observed information (sum form) at theta, for Wald standard errors.
Eigen::MatrixXd logistic_covariance(RidgeWorkspace& ws, const Eigen::VectorXd& theta);

struct RidgeFit {
  double intercept = 0;           // original scale
  std::vector<double> beta;       // original scale, one per column of x
  bool converged = false;
};

// One fit on the original scale (glmnet's coef()); a constant column gets beta 0.
RidgeFit fit_ridge_logistic(const Eigen::MatrixXd& x, std::span<const double> y, double lambda);

}  // namespace psyface::stats
