// Cohen's kappa between two raters on nominal categories (Cohen 1960), with the large-sample
// standard error of Fleiss, Cohen & Everitt (1969): CI kappa +/- z SE, and the test of kappa = 0
// with the standard error under the null hypothesis (z = kappa / SE0).
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace psyface::stats {

struct KappaResult {
  double kappa = 0, se = 0, ci_low = 0, ci_high = 0;
  double z = 0, p = 0;             // test of kappa = 0 with SE0
  double p_observed = 0, p_expected = 0;
  int64_t n = 0;                   // pairs with both categories given
  int categories_used = 0;         // categories that occur in either rater
  std::string note;
};

// requires: categories in [0, n_categories); a negative category means "not given" and the pair is
// left out. Degenerate tables (n < 2, chance agreement 1) give NaN with a note.
KappaResult cohen_kappa(std::span<const int> a, std::span<const int> b, int n_categories, double level = 0.95);

}  // namespace psyface::stats
