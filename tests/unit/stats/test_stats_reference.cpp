// Every statistic against R (tests/reference/stats_reference.R, goldens in tests/golden/stats/).
#include <gtest/gtest.h>

#include <cmath>

#include "stats/correlation.hpp"
#include "stats/effect_size.hpp"
#include "stats/group_tests.hpp"
#include "stats/icc.hpp"
#include "stats/kappa.hpp"
#include "stats/median_split.hpp"
#include "stats/mixed_model.hpp"
#include "stats/multiple_testing.hpp"
#include "stats/rmcorr.hpp"
#include "stats_test_support.hpp"

namespace psyface::stats {
namespace {
using test::read_golden_columns;
using test::to_ints;
constexpr double kTol = 1e-6, kLmmTol = 1e-4;

TEST(StatsReference, PearsonEqualsR) {
  auto d = read_golden_columns("correlation_data.csv");
  const auto c = pearson(d["x"], d["y"]);
  EXPECT_EQ(c.n, 138);
  EXPECT_R(c.r, "pearson.r", kTol);
  EXPECT_R(c.t, "pearson.t", kTol);
  EXPECT_R(c.df, "pearson.df", kTol);
  EXPECT_R(c.p, "pearson.p", kTol);
  EXPECT_R(c.ci_low, "pearson.ci_low", kTol);
  EXPECT_R(c.ci_high, "pearson.ci_high", kTol);
  EXPECT_TRUE(c.note.empty()) << c.note;
}

TEST(StatsReference, SpearmanWithTiesEqualsR) {
  auto d = read_golden_columns("correlation_data.csv");
  const auto c = spearman(d["x"], d["y"]);
  EXPECT_R(c.r, "spearman.rho", kTol);
  EXPECT_R(c.t, "spearman.t", kTol);
  EXPECT_R(c.p, "spearman.p", kTol);
  EXPECT_R(c.ci_low, "spearman.ci_low", kTol);
  EXPECT_R(c.ci_high, "spearman.ci_high", kTol);
}

TEST(StatsReference, RepeatedMeasuresCorrelationEqualsAncova) {
  auto d = read_golden_columns("correlation_data.csv");
  const auto g = to_ints(d["patient"]);
  const auto c = rmcorr(d["x"], d["y"], g);
  EXPECT_EQ(c.groups, 23);
  EXPECT_R(c.r, "rmcorr.r", kTol);
  EXPECT_R(c.df, "rmcorr.df", kTol);
  EXPECT_R(c.t, "rmcorr.t", kTol);
  EXPECT_R(c.p, "rmcorr.p", kTol);
  EXPECT_R(c.ci_low, "rmcorr.ci_low", kTol);
  EXPECT_R(c.ci_high, "rmcorr.ci_high", kTol);
}

TEST(StatsReference, MixedModelEqualsLme4) {
  auto d = read_golden_columns("correlation_data.csv");
  const auto fit = fit_random_intercept(design_with_intercept(d["x"]), d["y"], to_ints(d["patient"]));
  ASSERT_TRUE(fit.ok()) << fit.note;
  EXPECT_FALSE(fit.singular);
  EXPECT_R(fit.beta[0], "lmm.intercept", kLmmTol);
  EXPECT_R(fit.beta[1], "lmm.slope", kLmmTol);
  EXPECT_R(fit.se[0], "lmm.intercept_se", kLmmTol);
  EXPECT_R(fit.se[1], "lmm.slope_se", kLmmTol);
  EXPECT_R(fit.ci_low[1], "lmm.slope_ci_low", kLmmTol);
  EXPECT_R(fit.ci_high[1], "lmm.slope_ci_high", kLmmTol);
  EXPECT_R(fit.p[1], "lmm.slope_p", kLmmTol);
  EXPECT_R(fit.var_group, "lmm.var_patient", kLmmTol);
  EXPECT_R(fit.var_residual, "lmm.var_residual", kLmmTol);
  EXPECT_R(fit.reml_criterion, "lmm.reml_criterion", kLmmTol);
}

TEST(StatsReference, SingularMixedModelIsFlaggedAndEqualsLme4) {
  auto d = read_golden_columns("singular_data.csv");
  const auto fit = fit_random_intercept(design_with_intercept(d["x"]), d["y"], to_ints(d["patient"]));
  ASSERT_TRUE(fit.ok()) << fit.note;
  EXPECT_TRUE(fit.singular);
  EXPECT_NE(fit.note.find("singular"), std::string::npos);
  EXPECT_R(fit.beta[1], "lmm_singular.slope", kLmmTol);
  EXPECT_R(fit.se[1], "lmm_singular.slope_se", kLmmTol);
  EXPECT_R(fit.var_group, "lmm_singular.var_patient", kLmmTol);
  EXPECT_R(fit.var_residual, "lmm_singular.var_residual", kLmmTol);
}

TEST(StatsReference, GroupMixedModelEqualsLme4) {
  auto d = read_golden_columns("session_data.csv");
  const auto fit = fit_random_intercept(design_with_intercept(d["group"]), d["value"], to_ints(d["patient"]));
  ASSERT_TRUE(fit.ok()) << fit.note;
  EXPECT_R(fit.beta[0], "lmm_group.intercept", kLmmTol);
  EXPECT_R(fit.beta[1], "lmm_group.effect", kLmmTol);
  EXPECT_R(fit.se[1], "lmm_group.effect_se", kLmmTol);
  EXPECT_R(fit.var_group, "lmm_group.var_patient", kLmmTol);
  EXPECT_R(fit.var_residual, "lmm_group.var_residual", kLmmTol);
  EXPECT_R(fit.reml_criterion, "lmm_group.reml_criterion", kLmmTol);
}

TEST(StatsReference, IccEqualsPsych) {
  auto d = read_golden_columns("icc_data.csv");
  std::vector<std::vector<double>> table;
  for (size_t i = 0; i < d["r1"].size(); ++i) table.push_back({d["r1"][i], d["r2"][i], d["r3"][i]});
  const auto r = icc_two_way_random(table);
  EXPECT_R(r.icc_single, "icc.single", kTol);
  EXPECT_R(r.icc_average, "icc.average", kTol);
  EXPECT_R(r.icc_single_low, "icc.single_ci_low", kTol);
  EXPECT_R(r.icc_single_high, "icc.single_ci_high", kTol);
  EXPECT_R(r.icc_average_low, "icc.average_ci_low", kTol);
  EXPECT_R(r.icc_average_high, "icc.average_ci_high", kTol);
  EXPECT_R(r.f, "icc.f", kTol);
  EXPECT_R(r.p, "icc.p", kTol);
  EXPECT_R(r.df1, "icc.df1", kTol);
  EXPECT_R(r.df2, "icc.df2", kTol);
}

TEST(StatsReference, KappaEqualsR) {
  auto d = read_golden_columns("kappa_data.csv");
  const auto k = cohen_kappa(to_ints(d["a"]), to_ints(d["b"]), 6);
  EXPECT_EQ(k.n, 80);
  EXPECT_R(k.kappa, "kappa.kappa", kTol);
  EXPECT_R(k.se, "kappa.se", kTol);
  EXPECT_R(k.ci_low, "kappa.ci_low", kTol);
  EXPECT_R(k.ci_high, "kappa.ci_high", kTol);
  EXPECT_R(k.z, "kappa.z", kTol);
  EXPECT_R(k.p, "kappa.p", kTol);
  EXPECT_R(k.p_observed, "kappa.p_observed", kTol);
  EXPECT_R(k.p_expected, "kappa.p_expected", kTol);
}

void split_groups(std::map<std::string, std::vector<double>>& d, std::vector<double>& a, std::vector<double>& b) {
  for (size_t i = 0; i < d["group"].size(); ++i) (d["group"][i] == 1 ? a : b).push_back(d["value"][i]);
}

TEST(StatsReference, WelchAndEffectSizesEqualR) {
  auto d = read_golden_columns("groups_data.csv");
  std::vector<double> a, b;
  split_groups(d, a, b);
  const auto w = welch_t(a, b);
  EXPECT_R(w.t, "welch.t", kTol);
  EXPECT_R(w.df, "welch.df", kTol);
  EXPECT_R(w.p, "welch.p", kTol);
  EXPECT_R(w.ci_low, "welch.ci_low", kTol);
  EXPECT_R(w.ci_high, "welch.ci_high", kTol);
  const auto e = cohens_d(a, b);
  EXPECT_EQ(e.n1, 11);
  EXPECT_EQ(e.n2, 12);
  EXPECT_R(e.d, "d.d", kTol);
  EXPECT_R(e.d_low, "d.ci_low", kTol);
  EXPECT_R(e.d_high, "d.ci_high", kTol);
  EXPECT_R(e.g, "g.g", kTol);
  EXPECT_R(e.g_low, "g.ci_low", kTol);
  EXPECT_R(e.g_high, "g.ci_high", kTol);
}

TEST(StatsReference, MannWhitneyWithTiesEqualsR) {
  auto d = read_golden_columns("groups_data.csv");
  std::vector<double> a, b;
  split_groups(d, a, b);
  const auto m = mann_whitney(a, b);
  EXPECT_R(m.u, "mw.u", kTol);
  EXPECT_R(m.p, "mw.p", kTol);
  EXPECT_R(m.rank_biserial, "mw.rank_biserial", kTol);
  EXPECT_R(m.rb_low, "mw.rb_ci_low", kTol);
  EXPECT_R(m.rb_high, "mw.rb_ci_high", kTol);
}

TEST(StatsReference, HolmAndBenjaminiHochbergEqualPAdjust) {
  auto d = read_golden_columns("pvalues.csv");
  const auto holm = holm_adjust(d["p"]), bh = bh_adjust(d["p"]);
  for (size_t i = 0; i < holm.size(); ++i) {
    EXPECT_R(holm[i], "holm." + std::to_string(i + 1), kTol);
    EXPECT_R(bh[i], "bh." + std::to_string(i + 1), kTol);
  }
}

TEST(StatsReference, MedianSplitCountsTiesAsNonImprovers) {
  auto d = read_golden_columns("median_split_data.csv");
  const auto s = median_split(d["improvement"]);
  EXPECT_R(s.median, "median_split.median", kTol);
  EXPECT_EQ(s.n_improvers, static_cast<int>(test::r_value("median_split.n_improvers")));
  EXPECT_EQ(s.n_non_improvers, static_cast<int>(test::r_value("median_split.n_non_improvers")));
  EXPECT_EQ(s.n_at_median, 4);
}

}  // namespace
}  // namespace psyface::stats
