#include "stats/distributions.hpp"

#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <limits>

namespace psyface::stats {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
namespace bm = boost::math;
}  // namespace

double t_two_sided_p(double t, double df) {
  if (!std::isfinite(t) || !(df > 0)) return kNaN;
  return 2 * bm::cdf(bm::complement(bm::students_t(df), std::fabs(t)));
}

double t_quantile(double prob, double df) {
  if (!(df > 0) || !(prob > 0 && prob < 1)) return kNaN;
  return bm::quantile(bm::students_t(df), prob);
}

double normal_two_sided_p(double z) {
  if (!std::isfinite(z)) return kNaN;
  return 2 * bm::cdf(bm::complement(bm::normal(), std::fabs(z)));
}

double normal_cdf(double z) { return std::isfinite(z) ? bm::cdf(bm::normal(), z) : kNaN; }

double normal_quantile(double prob) {
  if (!(prob > 0 && prob < 1)) return kNaN;
  return bm::quantile(bm::normal(), prob);
}

double f_upper_p(double f, double df1, double df2) {
  if (!(f >= 0) || !std::isfinite(f) || !(df1 > 0) || !(df2 > 0)) return kNaN;
  return bm::cdf(bm::complement(bm::fisher_f(df1, df2), f));
}

double f_quantile(double prob, double df1, double df2) {
  if (!(prob > 0 && prob < 1) || !(df1 > 0) || !(df2 > 0) || !std::isfinite(df1) || !std::isfinite(df2))
    return kNaN;
  return bm::quantile(bm::fisher_f(df1, df2), prob);
}

namespace {
// The ncp with P(T <= t | ncp) = target; the cdf falls monotonically in ncp.
double solve_ncp(double t, double df, double target) {
  const auto f = [&](double ncp) { return bm::cdf(bm::non_central_t(df, ncp), t) - target; };
  double lo = t - 2, hi = t + 2;
  for (int i = 0; i < 60 && f(lo) < 0; ++i) lo -= 2 * (i + 1);
  for (int i = 0; i < 60 && f(hi) > 0; ++i) hi += 2 * (i + 1);
  const double flo = f(lo), fhi = f(hi);
  if (!(flo >= 0) || !(fhi <= 0)) return kNaN;
  std::uintmax_t iterations = 200;
  const auto r = bm::tools::toms748_solve(f, lo, hi, flo, fhi, bm::tools::eps_tolerance<double>(48), iterations);
  return 0.5 * (r.first + r.second);
}
}  // namespace

NcpInterval noncentral_t_ncp_interval(double t, double df, double level) {
  if (!std::isfinite(t) || !(df > 0) || !std::isfinite(df) || !(level > 0 && level < 1)) return {kNaN, kNaN};
  const double alpha = 1 - level;
  return {solve_ncp(t, df, 1 - alpha / 2), solve_ncp(t, df, alpha / 2)};
}

}  // namespace psyface::stats
