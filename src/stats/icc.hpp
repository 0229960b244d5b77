// Intraclass correlations for inter-rater reliability: ICC(2,1) and ICC(2,k), two-way random effects,
// absolute agreement (Shrout & Fleiss 1979, case 2; McGraw & Wong 1996, ICC(A,1) and ICC(A,k)), with
// the McGraw & Wong (1996) confidence intervals as psych::ICC computes them.
// From the two-way ANOVA of an n targets x k raters table (no missing cells):
//   ICC(2,1) = (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n)
//   ICC(2,k) = (MSR - MSE) / (MSR + (MSC - MSE) / n)
// F = MSR / MSE with df n-1 and (n-1)(k-1) tests ICC = 0 (the same p for both).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace psyface::stats {

struct IccResult {
  double icc_single = 0, icc_single_low = 0, icc_single_high = 0;    // ICC(2,1)
  double icc_average = 0, icc_average_low = 0, icc_average_high = 0; // ICC(2,k)
  double f = 0, df1 = 0, df2 = 0, p = 0;
  double ms_rows = 0, ms_raters = 0, ms_error = 0;
  int64_t n_targets = 0, n_raters = 0;
  std::string note;  // why something is undefined; empty otherwise
};

// requires: ratings[target][rater], every row the same length (complete table).
IccResult icc_two_way_random(const std::vector<std::vector<double>>& ratings, double level = 0.95);

}  // namespace psyface::stats
