// The prediction model's parts against R (tests/reference/prediction_reference.R: pROC and glmnet) and
// against simulated studies with known truth (a lighter version of bench_predict).
#include <gtest/gtest.h>

#include <cmath>

#include "tables/csv_reader.hpp"
#include "stats/nested_lopo.hpp"
#include "stats/prediction_simulation.hpp"
#include "stats/ridge_logistic.hpp"
#include "stats/roc_auc.hpp"
#include "stats_test_support.hpp"

namespace psyface {
namespace {

using test::read_golden_columns;

std::map<std::string, double> prediction_expected() {
  tables::CsvReader csv(test::stats_golden_dir() / "prediction_expected.csv");
  std::map<std::string, double> v;
  while (csv.next()) v[csv.fields()[0]] = csv.number(1);
  return v;
}

TEST(PredictionReference, AucAndDelongCiEqualPRoc) {
  auto d = read_golden_columns("prediction_data.csv");
  const auto r = prediction_expected();
  for (const std::string m : {"m1", "m2", "m3", "m4"}) {
    std::vector<double> target, other;
    for (size_t i = 0; i < d["target"].size(); ++i) (d["target"][i] == 1 ? target : other).push_back(d[m][i]);
    const auto a = stats::auc_delong(target, other);
    SCOPED_TRACE(m);
    EXPECT_NEAR(a.auc, r.at("auc_" + m), 1e-6);
    EXPECT_NEAR(a.ci_low, r.at("auc_ci_low_" + m), 1e-6);
    EXPECT_NEAR(a.ci_high, r.at("auc_ci_high_" + m), 1e-6);
    EXPECT_NEAR(a.p, r.at("auc_p_" + m), 1e-6);
  }
}

TEST(PredictionReference, RidgeFitEqualsGlmnetAtFixedPenalties) {
  auto d = read_golden_columns("prediction_data.csv");
  const auto r = prediction_expected();
  const auto n = static_cast<Eigen::Index>(d["target"].size());
  Eigen::MatrixXd x(n, 4);
  for (Eigen::Index i = 0; i < n; ++i)
    for (int k = 0; k < 4; ++k) x(i, k) = d["m" + std::to_string(k + 1)][static_cast<size_t>(i)];
  for (const auto& [lambda, tag] : std::vector<std::pair<double, std::string>>{{0.05, "0.05"}, {0.3, "0.3"}, {2, "2"}}) {
    const auto fit = stats::fit_ridge_logistic(x, d["target"], lambda);
    SCOPED_TRACE(tag);
    ASSERT_TRUE(fit.converged);
    EXPECT_NEAR(fit.intercept, r.at("glmnet_" + tag + "_intercept"), 1e-4);
    for (int k = 0; k < 4; ++k)
      EXPECT_NEAR(fit.beta[static_cast<size_t>(k)], r.at("glmnet_" + tag + "_beta_m" + std::to_string(k + 1)), 1e-4);
  }
}

TEST(PredictionModel, AucKeepsItsDirectionAndClipsTheCi) {
  const std::vector<double> target{0.1, 0.2, 0.3}, other{0.5, 0.6, 0.7, 0.8};
  const auto a = stats::auc_delong(target, other);
  EXPECT_EQ(a.auc, 0.0);  // lower in the target group: not flipped to 1
  EXPECT_EQ(a.ci_low, 0.0);
  EXPECT_FALSE(a.note.empty());  // DeLong variance 0
  EXPECT_TRUE(std::isnan(stats::auc_delong({}, other).auc));
}

TEST(PredictionModel, ApproximateLooIsCloseToExactLeaveOneOut) {
  auto d = read_golden_columns("prediction_data.csv");
  const size_t n = d["target"].size();
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), 2);
  for (size_t i = 0; i < n; ++i) x(static_cast<Eigen::Index>(i), 0) = d["m1"][i], x(static_cast<Eigen::Index>(i), 1) = d["m2"][i];
  const double lambda = 0.3;
  stats::RidgeWorkspace ws(static_cast<int>(n), 3);
  std::vector<int> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = static_cast<int>(i);
  Eigen::VectorXd mean(2), sd(2), theta = Eigen::VectorXd::Zero(3);
  stats::standardise_rows(x, d["target"], all, ws, mean, sd);
  ASSERT_TRUE(stats::fit_penalised_logistic(ws, lambda, theta));
  const double alo = stats::approximate_loo_log_loss(ws, lambda, theta);
  // exact: refit without each row on the same standardised design
  double exact = 0;
  for (size_t i = 0; i < n; ++i) {
    stats::RidgeWorkspace wi(static_cast<int>(n - 1), 3);
    for (size_t k = 0, r = 0; r < n; ++r)
      if (r != i) wi.z.row(static_cast<Eigen::Index>(k)) = ws.z.row(static_cast<Eigen::Index>(r)), wi.y[static_cast<Eigen::Index>(k++)] = ws.y[static_cast<Eigen::Index>(r)];
    Eigen::VectorXd t = theta;
    ASSERT_TRUE(stats::fit_penalised_logistic(wi, lambda, t));
    const double eta = ws.z.row(static_cast<Eigen::Index>(i)).dot(t), y = ws.y[static_cast<Eigen::Index>(i)];
    exact += (std::log1p(std::exp(eta)) - y * eta) / static_cast<double>(n);
  }
  EXPECT_NEAR(alo, exact, 0.01 * exact);
}

// Lighter than bench_predict (docs/statistics.md has its figures); still fails on a leaking procedure
// (pooled LOPO scores gave a mean CV AUC of 0.33 on this noise).
TEST(PredictionSimulation, PureNoiseGivesCvAucNearHalfAndCalibratedPermutationP) {
  stats::SimulationOptions o;
  o.studies = 40;
  o.permutations = 19;
  o.seed = 11;
  const auto s = stats::simulate_prediction(o);
  EXPECT_NEAR(s.mean_cv_auc, 0.5, 0.07) << "SD " << s.sd_cv_auc;
  EXPECT_LE(s.share_p_at_most_005, 0.2);
}

TEST(PredictionSimulation, KnownEffectInOneMeasureIsRecovered) {
  stats::SimulationOptions o;
  o.studies = 60;
  o.measures = 1;
  o.effect_d = 1.2;
  o.seed = 12;
  const auto s = stats::simulate_prediction(o);
  EXPECT_NEAR(s.mean_cv_auc, s.true_auc, 0.07) << "SD " << s.sd_cv_auc;
}

}  // namespace
}  // namespace psyface
