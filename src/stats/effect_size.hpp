// Standardised mean differences of two independent groups (group 1 minus group 2).
//   Cohen's d = (m1 - m2) / s_pooled, s_pooled^2 = ((n1-1) s1^2 + (n2-1) s2^2) / (n1 + n2 - 2)
//   Hedges' g = J d with the exact small-sample factor J = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)),
//   df = n1 + n2 - 2 (Hedges 1981; Hedges & Olkin 1985).
// CI of d by inverting the noncentral t (Steiger & Fouladi 1997; Cumming & Finch 2001): t = d sqrt(n1 n2 /
// (n1 + n2)) follows a noncentral t with df and ncp = delta sqrt(n1 n2 / (n1 + n2)); the ncp limits are
// converted back to d. The CI of g is J times the CI of d.
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace psyface::stats {

struct GroupSummary {
  int64_t n = 0;
  double mean = 0, sd = 0;  // sd with n - 1
};

// Non-finite values are left out.
GroupSummary summarize(std::span<const double> x);

struct EffectSize {
  double d = 0, d_low = 0, d_high = 0;
  double g = 0, g_low = 0, g_high = 0;
  double df = 0;
  int64_t n1 = 0, n2 = 0;
  std::string note;
};

// Degenerate inputs (a group with fewer than 2 values, pooled SD 0) give NaN with a note.
EffectSize cohens_d(std::span<const double> group1, std::span<const double> group2, double level = 0.95);

}  // namespace psyface::stats
