#include "stats/nested_lopo.hpp"

#include <cmath>
#include <limits>
#include <random>

namespace psyface::stats {

std::vector<double> penalty_grid() {
  std::vector<double> g;
  for (int k = 0; k <= 8; ++k) g.push_back(std::pow(10.0, 2.0 - k / 2.0));
  return g;
}

NestedFold::NestedFold(int training, int features)
    : grid_(penalty_grid()), ws_(training, features + 1), mean_(features), sd_(features), theta_(features + 1),
      best_(features + 1) {}

bool NestedFold::fit(const Eigen::MatrixXd& x, std::span<const double> y, std::span<const int> rows) {
  standardise_rows(x, y, rows, ws_, mean_, sd_);
  theta_.setZero();
  bool converged = true;
  double best_loss = std::numeric_limits<double>::infinity();
  for (double lambda : grid_) {  // largest first: each fit starts from the previous one
    converged = fit_penalised_logistic(ws_, lambda, theta_) && converged;
    const double loss = approximate_loo_log_loss(ws_, lambda, theta_);
    if (loss < best_loss) best_loss = loss, best_ = theta_, lambda_ = lambda;  // ties keep the larger penalty
  }
  return converged;
}

double NestedFold::linear_score(const Eigen::MatrixXd& x, Eigen::Index row) const {
  double score = 0;
  for (Eigen::Index c = 0; c < x.cols(); ++c)
    if (sd_[c] > 0) score += best_[c + 1] * (x(row, c) - mean_[c]) / sd_[c];
  return score;
}

double NestedFold::risk(const Eigen::MatrixXd& x, Eigen::Index row) const {
  return 1.0 / (1.0 + std::exp(-(best_[0] + linear_score(x, row))));
}

NestedLopo::NestedLopo(Eigen::MatrixXd x)
    : x_(std::move(x)),
      one_out_(static_cast<int>(x_.rows()) - 1, static_cast<int>(x_.cols())),
      pair_out_(static_cast<int>(x_.rows()) - 2, static_cast<int>(x_.cols())),
      rows_one_(static_cast<size_t>(x_.rows()) - 1),
      rows_pair_(static_cast<size_t>(x_.rows()) - 2) {}

void NestedLopo::run(std::span<const double> y, LopoPredictions& out) {
  const auto n = static_cast<size_t>(x_.rows());
  out.risk.resize(n);
  out.lambda.resize(n);
  out.not_converged = 0;
  for (size_t held = 0; held < n; ++held) {
    for (size_t k = 0, r = 0; r < n; ++r)
      if (r != held) rows_one_[k++] = static_cast<int>(r);
    out.not_converged += !one_out_.fit(x_, y, rows_one_);
    out.risk[held] = one_out_.risk(x_, static_cast<Eigen::Index>(held));
    out.lambda[held] = one_out_.lambda();
  }
}

void NestedLopo::run_pairs(std::span<const double> y, PairComparisons& out) {
  const auto n = static_cast<size_t>(x_.rows());
  size_t targets = 0;
  for (double v : y) targets += v == 1;
  out.psi.resize(targets);
  out.not_converged = 0;
  double sum = 0;
  size_t pairs = 0;
  for (size_t i = 0, ti = 0; i < n; ++i) {
    if (y[i] != 1) continue;
    auto& row = out.psi[ti++];
    row.resize(n - targets);
    for (size_t j = 0, oj = 0; j < n; ++j) {
      if (y[j] != 0) continue;
      for (size_t k = 0, r = 0; r < n; ++r)
        if (r != i && r != j) rows_pair_[k++] = static_cast<int>(r);
      out.not_converged += !pair_out_.fit(x_, y, rows_pair_);
      const double si = pair_out_.linear_score(x_, static_cast<Eigen::Index>(i)),
                   sj = pair_out_.linear_score(x_, static_cast<Eigen::Index>(j));
      row[oj] = si > sj ? 1.0 : si == sj ? 0.5 : 0.0;
      sum += row[oj++];
      ++pairs;
    }
  }
  out.auc = pairs ? sum / static_cast<double>(pairs) : std::nan("");
}

PermutationResult permutation_test(NestedLopo& lopo, std::span<const double> y, double observed_auc, int permutations,
                                   uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> perm(y.begin(), y.end());
  PairComparisons pairs;
  PermutationResult r;
  r.permutations = permutations;
  for (int b = 0; b < permutations; ++b) {
    for (size_t i = perm.size() - 1; i > 0; --i) {  // Fisher–Yates; rejection keeps the draw uniform
      const uint64_t bound = i + 1;
      const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % bound;
      uint64_t draw;
      do draw = rng(); while (draw >= limit);
      std::swap(perm[i], perm[draw % bound]);
    }
    lopo.run_pairs(perm, pairs);
    if (pairs.auc >= observed_auc - 1e-12) ++r.at_least_observed;
  }
  r.p = (r.at_least_observed + 1.0) / (permutations + 1.0);
  return r;
}

}  // namespace psyface::stats
