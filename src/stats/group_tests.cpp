#include "stats/group_tests.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "stats/correlation.hpp"
#include "stats/distributions.hpp"
#include "stats/effect_size.hpp"

namespace psyface::stats {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

WelchResult welch_t(std::span<const double> group1, std::span<const double> group2, double level) {
  const GroupSummary a = summarize(group1), b = summarize(group2);
  WelchResult w;
  w.n1 = a.n, w.n2 = b.n;
  w.difference = a.mean - b.mean;
  if (a.n < 2 || b.n < 2) {
    w.ci_low = w.ci_high = w.t = w.df = w.p = kNaN;
    if (a.n == 0 || b.n == 0) w.difference = kNaN;
    w.note = "each group needs at least 2 values (n1 = " + std::to_string(a.n) + ", n2 = " + std::to_string(b.n) + ")";
    return w;
  }
  const double v1 = a.sd * a.sd / static_cast<double>(a.n), v2 = b.sd * b.sd / static_cast<double>(b.n);
  const double se = std::sqrt(v1 + v2);
  if (!(se > 0)) {
    w.ci_low = w.ci_high = w.t = w.df = w.p = kNaN;
    w.note = "no variance within either group: t undefined";
    return w;
  }
  w.t = w.difference / se;
  w.df = (v1 + v2) * (v1 + v2) /
         (v1 * v1 / static_cast<double>(a.n - 1) + v2 * v2 / static_cast<double>(b.n - 1));
  w.p = t_two_sided_p(w.t, w.df);
  const double q = t_quantile(1 - (1 - level) / 2, w.df);
  w.ci_low = w.difference - q * se;
  w.ci_high = w.difference + q * se;
  return w;
}

MannWhitneyResult mann_whitney(std::span<const double> group1, std::span<const double> group2, double level) {
  std::vector<double> all;
  MannWhitneyResult m;
  for (double v : group1)
    if (std::isfinite(v)) all.push_back(v), ++m.n1;
  for (double v : group2)
    if (std::isfinite(v)) all.push_back(v), ++m.n2;
  if (m.n1 == 0 || m.n2 == 0) {
    m.u = m.z = m.p = m.rank_biserial = m.rb_low = m.rb_high = kNaN;
    m.note = "an empty group (n1 = " + std::to_string(m.n1) + ", n2 = " + std::to_string(m.n2) + ")";
    return m;
  }
  const auto rank = mid_ranks(all);
  double rank_sum = 0;
  for (int64_t i = 0; i < m.n1; ++i) rank_sum += rank[static_cast<size_t>(i)];
  const double n1 = static_cast<double>(m.n1), n2 = static_cast<double>(m.n2), n = n1 + n2;
  m.u = rank_sum - n1 * (n1 + 1) / 2;
  std::map<double, int64_t> ties;
  for (double v : all) ++ties[v];
  double tie_sum = 0;
  for (const auto& [v, t] : ties) tie_sum += std::pow(static_cast<double>(t), 3) - static_cast<double>(t);
  const double sigma = std::sqrt(n1 * n2 / 12 * ((n + 1) - tie_sum / (n * (n - 1))));
  m.rank_biserial = 2 * m.u / (n1 * n2) - 1;
  if (!(sigma > 0)) {
    m.z = m.p = m.rb_low = m.rb_high = kNaN;
    m.note = "all values tied: no test";
    return m;
  }
  const double diff = m.u - n1 * n2 / 2;
  const double correction = diff > 0 ? 0.5 : (diff < 0 ? -0.5 : 0.0);
  m.z = (diff - correction) / sigma;
  m.p = std::min(1.0, normal_two_sided_p(m.z));
  const double q = normal_quantile(1 - (1 - level) / 2), se = std::sqrt((n + 1) / (3 * n1 * n2));
  if (std::fabs(m.rank_biserial) < 1) {
    m.rb_low = std::tanh(std::atanh(m.rank_biserial) - q * se);
    m.rb_high = std::tanh(std::atanh(m.rank_biserial) + q * se);
  } else {
    m.rb_low = m.rb_high = m.rank_biserial;
    m.note = "complete separation of the groups: CI degenerate";
  }
  return m;
}

}  // namespace psyface::stats
