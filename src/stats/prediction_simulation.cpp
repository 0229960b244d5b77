#include "stats/prediction_simulation.hpp"

#include <cmath>
#include <random>

#include "stats/distributions.hpp"
#include "stats/nested_lopo.hpp"

namespace psyface::stats {

SimulationSummary simulate_prediction(const SimulationOptions& o) {
  std::mt19937_64 rng(o.seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  SimulationSummary s;
  s.true_auc = normal_cdf(o.effect_d / std::sqrt(2.0));
  double sum = 0, sum_sq = 0, brier = 0;
  int significant = 0;
  std::vector<double> y(static_cast<size_t>(o.patients));
  for (int p = 0; p < o.patients; ++p) y[static_cast<size_t>(p)] = p < o.targets ? 1 : 0;
  LopoPredictions pred;
  PairComparisons pairs;
  for (int study = 0; study < o.studies; ++study) {
    Eigen::MatrixXd x(o.patients, o.measures);
    for (int p = 0; p < o.patients; ++p)
      for (int m = 0; m < o.measures; ++m) x(p, m) = normal(rng) + (m == 0 && y[static_cast<size_t>(p)] == 1 ? o.effect_d : 0);
    NestedLopo lopo(x);
    lopo.run(y, pred);
    lopo.run_pairs(y, pairs);
    const double auc = pairs.auc;
    sum += auc, sum_sq += auc * auc;
    for (int p = 0; p < o.patients; ++p) {
      const double e = pred.risk[static_cast<size_t>(p)] - y[static_cast<size_t>(p)];
      brier += e * e / o.patients;
    }
    if (o.permutations > 0)
      significant += permutation_test(lopo, y, auc, o.permutations, o.seed * 1000003 + static_cast<uint64_t>(study)).p <= 0.05;
  }
  s.studies = o.studies;
  s.mean_cv_auc = sum / o.studies;
  s.sd_cv_auc = o.studies > 1 ? std::sqrt(std::max(0.0, (sum_sq - sum * sum / o.studies) / (o.studies - 1))) : NAN;
  s.mean_brier = brier / o.studies;
  s.share_p_at_most_005 = o.permutations > 0 ? static_cast<double>(significant) / o.studies : NAN;
  return s;
}

}  // namespace psyface::stats
