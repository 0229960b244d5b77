// Probability functions the statistics need, on Boost.Math (Debian libboost-math-dev): Student t,
// normal, F and the noncentral t. Every function returns NaN for arguments outside its domain (never
// throws), so a degenerate input becomes a NaN that the caller explains in its table.
#pragma once

namespace psyface::stats {

// Two-sided p of a t statistic with df degrees of freedom: 2 P(T > |t|).
double t_two_sided_p(double t, double df);
// Quantile of Student's t (df > 0).
double t_quantile(double prob, double df);
// Two-sided p of a standard normal z: 2 P(Z > |z|).
double normal_two_sided_p(double z);
double normal_cdf(double z);
double normal_quantile(double prob);
// Upper tail P(F > f) of F(df1, df2).
double f_upper_p(double f, double df1, double df2);
double f_quantile(double prob, double df1, double df2);

// Confidence limits for the noncentrality parameter of a noncentral t, given an observed t and df
// (Steiger & Fouladi 1997 "inversion"): lower solves P(T <= t | ncp) = 1 - alpha/2, upper solves
// P(T <= t | ncp) = alpha/2. ensures: lower <= upper, both NaN when t or df is not finite or df <= 0.
struct NcpInterval {
  double lower, upper;
};
NcpInterval noncentral_t_ncp_interval(double t, double df, double level = 0.95);

}  // namespace psyface::stats
