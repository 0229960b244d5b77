// Degenerate inputs give a clear note and NaN only where a value is undefined; nothing crashes.
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

namespace psyface::stats {
namespace {

TEST(StatsDegenerate, CorrelationsWithTooFewPairsOrNoVariance) {
  const auto few = pearson(std::vector<double>{1, 2}, std::vector<double>{3, 4});
  EXPECT_TRUE(std::isnan(few.r));
  EXPECT_NE(few.note.find("n < 3"), std::string::npos);
  const auto flat = pearson(std::vector<double>{1, 1, 1, 1}, std::vector<double>{1, 2, 3, 4});
  EXPECT_TRUE(std::isnan(flat.r));
  EXPECT_NE(flat.note.find("no variance"), std::string::npos);
  const auto ties = spearman(std::vector<double>{2, 2, 2, 2, 2}, std::vector<double>{1, 2, 3, 4, 5});
  EXPECT_TRUE(std::isnan(ties.r));
  EXPECT_NE(ties.note.find("all ties"), std::string::npos);
  // NaN pairs are left out and counted
  const double nan = NAN;
  const auto part = pearson(std::vector<double>{1, 2, nan, 4, 5}, std::vector<double>{2, 1, 3, 5, 4});
  EXPECT_EQ(part.n, 4);
  EXPECT_TRUE(std::isfinite(part.r));
  const auto perfect = pearson(std::vector<double>{1, 2, 3, 4}, std::vector<double>{2, 4, 6, 8});
  EXPECT_DOUBLE_EQ(perfect.r, 1);
  EXPECT_EQ(perfect.p, 0);
  EXPECT_NE(perfect.note.find("perfect"), std::string::npos);
  const auto three = pearson(std::vector<double>{1, 2, 3}, std::vector<double>{1, 3, 2});
  EXPECT_TRUE(std::isfinite(three.p));
  EXPECT_TRUE(std::isnan(three.ci_low));  // Fisher z needs n >= 4
  EXPECT_NE(three.note.find("Fisher-z"), std::string::npos);
}

TEST(StatsDegenerate, RmcorrWithOnePatientOrNoWithinVariance) {
  const std::vector<int> one(4, 7);
  const auto r1 = rmcorr(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1, 3, 2, 4}, one);
  EXPECT_TRUE(std::isfinite(r1.r));  // one patient: ordinary correlation with df = N - 2
  EXPECT_EQ(r1.df, 2);
  const std::vector<int> each{1, 2, 3, 4};
  const auto r2 = rmcorr(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1, 3, 2, 4}, each);
  EXPECT_TRUE(std::isnan(r2.r));
  EXPECT_NE(r2.note.find("df = N - k - 1"), std::string::npos);
  const std::vector<int> pairs{1, 1, 2, 2, 3, 3};
  const auto r3 = rmcorr(std::vector<double>{1, 1, 2, 2, 3, 3}, std::vector<double>{1, 2, 3, 4, 5, 7}, pairs);
  EXPECT_NE(r3.note.find("does not vary within patients"), std::string::npos);
}

TEST(StatsDegenerate, MixedModelWithOnePatientFewRowsOrCollinearity) {
  Eigen::MatrixXd X(4, 2);
  X << 1, 1, 1, 2, 1, 3, 1, 4;
  const std::vector<double> y{1, 2, 2, 3};
  EXPECT_NE(fit_random_intercept(X, y, std::vector<int>{1, 1, 1, 1}).note.find("one patient"), std::string::npos);
  EXPECT_NE(fit_random_intercept(X.topRows(3), std::vector<double>{1, 2, 2}, std::vector<int>{1, 2, 3}).note.find("too few"),
            std::string::npos);
  Eigen::MatrixXd flat(4, 2);
  flat << 1, 5, 1, 5, 1, 5, 1, 5;
  const auto f = fit_random_intercept(flat, y, std::vector<int>{1, 1, 2, 2});
  EXPECT_FALSE(f.ok());
  EXPECT_NE(f.note.find("collinear"), std::string::npos);
  const auto c = fit_random_intercept(X, std::vector<double>{2, 2, 2, 2}, std::vector<int>{1, 1, 2, 2});
  EXPECT_NE(c.note.find("no variance"), std::string::npos);
}

TEST(StatsDegenerate, GroupsThatAreEmptyTooSmallOrFlat) {
  const std::vector<double> empty, one{1}, a{1, 2, 3}, flat{2, 2, 2};
  EXPECT_NE(cohens_d(a, empty).note.find("n2 = 0"), std::string::npos);
  EXPECT_TRUE(std::isnan(cohens_d(a, one).d));
  EXPECT_NE(cohens_d(flat, flat).note.find("pooled SD 0"), std::string::npos);
  EXPECT_NE(welch_t(a, empty).note.find("n2 = 0"), std::string::npos);
  EXPECT_NE(welch_t(flat, flat).note.find("no variance"), std::string::npos);
  EXPECT_NE(mann_whitney(a, empty).note.find("empty group"), std::string::npos);
  const auto tied = mann_whitney(flat, flat);
  EXPECT_NE(tied.note.find("all values tied"), std::string::npos);
  EXPECT_DOUBLE_EQ(tied.rank_biserial, 0);
  const auto separated = mann_whitney(std::vector<double>{5, 6, 7}, std::vector<double>{1, 2, 3});
  EXPECT_DOUBLE_EQ(separated.rank_biserial, 1);
  EXPECT_NE(separated.note.find("complete separation"), std::string::npos);
}

TEST(StatsDegenerate, ConstantsThatAreNotExactInBinaryHaveNoVariance) {
  const std::vector<double> a = {0.1, 0.1, 0.1}, b = {0.2, 0.2, 0.2}, c = {0.7, 0.7, 0.7, 0.7}, x = {1, 2, 3, 4};
  const WelchResult w = welch_t(a, b);
  EXPECT_TRUE(std::isnan(w.t)) << w.t;
  EXPECT_NE(w.note.find("no variance"), std::string::npos) << w.note;
  const EffectSize d = cohens_d(a, b);
  EXPECT_TRUE(std::isnan(d.d)) << d.d;
  EXPECT_NE(d.note.find("no variance"), std::string::npos) << d.note;
  EXPECT_EQ(summarize(c).sd, 0.0);
  const CorrelationResult r = pearson(c, x);
  EXPECT_TRUE(std::isnan(r.r)) << r.r;
  EXPECT_NE(r.note.find("no variance"), std::string::npos) << r.note;
}

TEST(StatsDegenerate, MixedModelWithOneRowPerPatientIsNotFitted) {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6}, y = {2.1, 3.9, 6.2, 7.8, 10.1, 12.2};
  const std::vector<int> patient = {1, 2, 3, 4, 5, 6};
  const MixedModelFit fit = fit_random_intercept(design_with_intercept(x), y, patient);
  EXPECT_FALSE(fit.ok());
  EXPECT_NE(fit.note.find("each patient has one row"), std::string::npos) << fit.note;
}

TEST(StatsDegenerate, IccAndKappaWithoutVariance) {
  EXPECT_NE(icc_two_way_random({{3, 3}, {3, 3}, {3, 3}}).note.find("all ratings are equal"), std::string::npos);
  EXPECT_NE(icc_two_way_random({{3, 4}}).note.find("at least 2 segments"), std::string::npos);
  // No residual variance: the ICCs stay defined (psych::ICC on these: ICC2 0.8888889, ICC2k 0.9411765),
  // the F test and the CIs are not; exact agreement is ICC 1 (values that are not exact in binary too).
  const IccResult shifted = icc_two_way_random({{1, 2}, {3, 4}, {5, 6}});
  EXPECT_NEAR(shifted.icc_single, 8.0 / 9.0, 1e-12);
  EXPECT_NEAR(shifted.icc_average, 0.9411765, 1e-7);
  EXPECT_TRUE(std::isnan(shifted.f) && std::isnan(shifted.icc_single_low));
  EXPECT_NE(shifted.note.find("differ only by constants"), std::string::npos);
  const IccResult same = icc_two_way_random({{0.1, 0.1}, {0.7, 0.7}, {0.3, 0.3}});
  EXPECT_NEAR(same.icc_single, 1.0, 1e-12);
  EXPECT_NEAR(same.icc_average, 1.0, 1e-12);
  EXPECT_NE(same.note.find("agree exactly"), std::string::npos);
  const auto k = cohen_kappa(std::vector<int>{1, 1, 1}, std::vector<int>{1, 1, 1}, 6);
  EXPECT_TRUE(std::isnan(k.kappa));
  EXPECT_NE(k.note.find("chance agreement is 1"), std::string::npos);
  EXPECT_NE(cohen_kappa(std::vector<int>{1}, std::vector<int>{1}, 6).note.find("fewer than 2"), std::string::npos);
  const auto missing = cohen_kappa(std::vector<int>{0, 1, -1, 2}, std::vector<int>{0, 1, 2, -1}, 3);
  EXPECT_EQ(missing.n, 2);
}

TEST(StatsDegenerate, AdjustmentsSkipMissingPAndMedianSplitSkipsMissingOutcome) {
  const std::vector<double> p{0.01, NAN, 0.04};
  const auto h = holm_adjust(p), b = bh_adjust(p);
  EXPECT_DOUBLE_EQ(h[0], 0.02);
  EXPECT_TRUE(std::isnan(h[1]));
  EXPECT_DOUBLE_EQ(h[2], 0.04);
  EXPECT_DOUBLE_EQ(b[0], 0.02);
  EXPECT_DOUBLE_EQ(b[2], 0.04);
  EXPECT_TRUE(std::isnan(b[1]));
  const auto s = median_split(std::vector<double>{1, NAN, 3, 2});
  EXPECT_EQ(s.group, (std::vector<int>{0, -1, 1, 0}));
  EXPECT_EQ(s.n_at_median, 1);
  EXPECT_TRUE(std::isnan(median_split(std::vector<double>{NAN}).median));
}

}  // namespace
}  // namespace psyface::stats
