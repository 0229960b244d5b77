// Two-sample tests, group 1 against group 2.
//  - Welch's t (Welch 1947): t = (m1 - m2) / sqrt(s1^2/n1 + s2^2/n2), Welch–Satterthwaite df; CI of
//    m1 - m2 with t_{df}.
//  - Mann–Whitney U (Wilcoxon rank-sum; Mann & Whitney 1947) with the normal approximation, the tie
//    correction of the variance and a continuity correction of 0.5 (R's wilcox.test, exact = FALSE,
//    correct = TRUE). U = rank sum of group 1 - n1 (n1 + 1) / 2.
//    Rank-biserial r = 2 U / (n1 n2) - 1 = P(X1 > X2) - P(X1 < X2) (Kerby 2014): positive when group 1
//    tends to be higher. CI: tanh(atanh(r) -/+ z sqrt((n1 + n2 + 1) / (3 n1 n2))) (as R's effectsize).
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace psyface::stats {

struct WelchResult {
  double difference = 0, ci_low = 0, ci_high = 0;  // m1 - m2
  double t = 0, df = 0, p = 0;
  int64_t n1 = 0, n2 = 0;
  std::string note;
};
WelchResult welch_t(std::span<const double> group1, std::span<const double> group2, double level = 0.95);

struct MannWhitneyResult {
  double u = 0;      // for group 1
  double z = 0, p = 0;
  double rank_biserial = 0, rb_low = 0, rb_high = 0;
  int64_t n1 = 0, n2 = 0;
  std::string note;
};
MannWhitneyResult mann_whitney(std::span<const double> group1, std::span<const double> group2, double level = 0.95);

}  // namespace psyface::stats
