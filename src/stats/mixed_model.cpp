#include "stats/mixed_model.hpp"

#include <boost/math/tools/minima.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>

#include "stats/distributions.hpp"

namespace psyface::stats {
namespace {

// The complete rows, and the row indices of each group.
struct Data {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  std::vector<std::vector<int>> groups;
};

struct Profile {
  double criterion = std::numeric_limits<double>::infinity();
  Eigen::VectorXd beta;
  Eigen::MatrixXd xtvx_inv;
  double rss = 0;  // r'V^-1 r
};

// Applies V^-1 (for theta) to the columns of M: per group, subtract c * column sums.
Eigen::MatrixXd apply_vinv(const Data& d, const Eigen::MatrixXd& M, double theta) {
  Eigen::MatrixXd out = M;
  const double t2 = theta * theta;
  for (const auto& g : d.groups) {
    const double c = t2 / (1 + static_cast<double>(g.size()) * t2);
    Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(M.cols());
    for (int i : g) sum += M.row(i);
    for (int i : g) out.row(i) -= c * sum;
  }
  return out;
}

Profile profile(const Data& d, double theta) {
  Profile pr;
  const double n = static_cast<double>(d.y.size()), p = static_cast<double>(d.X.cols());
  const Eigen::MatrixXd vx = apply_vinv(d, d.X, theta);
  const Eigen::MatrixXd xtvx = d.X.transpose() * vx;
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(xtvx);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) return pr;
  pr.beta = ldlt.solve(vx.transpose() * d.y);
  const Eigen::VectorXd r = d.y - d.X * pr.beta;
  pr.rss = r.dot(apply_vinv(d, r, theta).col(0));
  double logdet_v = 0;
  for (const auto& g : d.groups) logdet_v += std::log1p(static_cast<double>(g.size()) * theta * theta);
  const double logdet_xtvx = ldlt.vectorD().array().log().sum();
  pr.criterion = logdet_v + logdet_xtvx + (n - p) * (1 + std::log(2 * std::numbers::pi * pr.rss / (n - p)));
  pr.xtvx_inv = ldlt.solve(Eigen::MatrixXd::Identity(d.X.cols(), d.X.cols()));
  return pr;
}

// theta minimising the REML criterion on [0, 1e3].
double optimise_theta(const Data& d) {
  const auto f = [&](double th) { return profile(d, th).criterion; };
  double best = 0, best_f = f(0);
  std::vector<double> grid{0};
  for (int i = 0; i <= 70; ++i) grid.push_back(std::exp(std::log(1e-4) + i * (std::log(1e3) - std::log(1e-4)) / 70));
  size_t best_i = 0;
  for (size_t i = 1; i < grid.size(); ++i) {
    const double v = f(grid[i]);
    if (v < best_f) best_f = v, best = grid[i], best_i = i;
  }
  const double lo = grid[best_i == 0 ? 0 : best_i - 1], hi = grid[std::min(best_i + 1, grid.size() - 1)];
  if (hi > lo) {
    std::uintmax_t iterations = 200;
    const auto r = boost::math::tools::brent_find_minima(f, lo, hi, 52, iterations);
    if (r.second <= best_f) best = r.first, best_f = r.second;
  }
  // boundary: lme4 reports theta = 0 when the optimum sits there
  if (best < 1e-4 && f(0) <= best_f + 1e-10) best = 0;
  return best;
}

}  // namespace

Eigen::MatrixXd design_with_intercept(std::span<const double> x) {
  Eigen::MatrixXd X(static_cast<Eigen::Index>(x.size()), 2);
  for (size_t i = 0; i < x.size(); ++i) X(static_cast<Eigen::Index>(i), 0) = 1, X(static_cast<Eigen::Index>(i), 1) = x[i];
  return X;
}

MixedModelFit fit_random_intercept(const Eigen::MatrixXd& X, std::span<const double> y, std::span<const int> group,
                                   double level) {
  MixedModelFit fit;
  std::vector<int> keep;
  for (size_t i = 0; i < y.size(); ++i)
    if (std::isfinite(y[i]) && X.row(static_cast<Eigen::Index>(i)).allFinite()) keep.push_back(static_cast<int>(i));
  Data d;
  d.X.resize(static_cast<Eigen::Index>(keep.size()), X.cols());
  d.y.resize(static_cast<Eigen::Index>(keep.size()));
  std::map<int, int> group_index;
  for (size_t k = 0; k < keep.size(); ++k) {
    d.X.row(static_cast<Eigen::Index>(k)) = X.row(keep[k]);
    d.y[static_cast<Eigen::Index>(k)] = y[static_cast<size_t>(keep[k])];
    const auto [it, added] = group_index.emplace(group[static_cast<size_t>(keep[k])], static_cast<int>(d.groups.size()));
    if (added) d.groups.emplace_back();
    d.groups[static_cast<size_t>(it->second)].push_back(static_cast<int>(k));
  }
  fit.n_obs = static_cast<int64_t>(keep.size());
  fit.n_groups = static_cast<int64_t>(d.groups.size());
  const auto p = d.X.cols();
  if (fit.n_obs < p + 2) {
    fit.note = "too few observations (" + std::to_string(fit.n_obs) + ") for " + std::to_string(p) + " fixed effects";
    return fit;
  }
  if (fit.n_groups < 2) {
    fit.note = "one patient only: no patient variance can be estimated";
    return fit;
  }
  if (fit.n_groups == fit.n_obs) {  // the REML criterion does not depend on theta then; lme4 refuses too
    fit.note = "each patient has one row: patient and residual variance cannot be separated";
    return fit;
  }
  Eigen::FullPivLU<Eigen::MatrixXd> lu(d.X);
  if (lu.rank() < p) {
    fit.note = "the fixed effects are collinear (e.g. a measure or group without variance)";
    return fit;
  }
  if ((d.y.array() - d.y.mean()).abs().maxCoeff() == 0) {
    fit.note = "the response has no variance";
    return fit;
  }
  fit.theta = optimise_theta(d);
  const Profile pr = profile(d, fit.theta);
  const double n = static_cast<double>(fit.n_obs);
  fit.var_residual = pr.rss / (n - static_cast<double>(p));
  fit.var_group = fit.theta * fit.theta * fit.var_residual;
  fit.reml_criterion = pr.criterion;
  fit.singular = fit.theta < 1e-4;
  if (fit.singular)
    fit.note = "singular fit: the patient variance is estimated as 0 (fixed effects equal ordinary least squares)";
  const double q = normal_quantile(1 - (1 - level) / 2);
  for (Eigen::Index j = 0; j < p; ++j) {
    const double b = pr.beta[j], se = std::sqrt(fit.var_residual * pr.xtvx_inv(j, j));
    fit.beta.push_back(b);
    fit.se.push_back(se);
    fit.z.push_back(b / se);
    fit.p.push_back(normal_two_sided_p(b / se));
    fit.ci_low.push_back(b - q * se);
    fit.ci_high.push_back(b + q * se);
  }
  return fit;
}

}  // namespace psyface::stats
