#include "stats/effect_size.hpp"

#include <cmath>
#include <limits>

#include "stats/distributions.hpp"

namespace psyface::stats {

GroupSummary summarize(std::span<const double> x) {
  GroupSummary s;
  double sum = 0;
  for (double v : x)
    if (std::isfinite(v)) sum += v, ++s.n;
  s.mean = s.n > 0 ? sum / static_cast<double>(s.n) : std::numeric_limits<double>::quiet_NaN();
  double ss = 0, first = std::numeric_limits<double>::quiet_NaN();
  bool all_equal = true;
  for (double v : x)
    if (std::isfinite(v)) {
      ss += (v - s.mean) * (v - s.mean);
      if (std::isnan(first)) first = v;
      all_equal = all_equal && v == first;
    }
  if (all_equal) ss = 0;  // a constant like 0.1 leaves ~1e-34 around its rounded mean: no variance is 0
  s.sd = s.n > 1 ? std::sqrt(ss / static_cast<double>(s.n - 1)) : std::numeric_limits<double>::quiet_NaN();
  return s;
}

EffectSize cohens_d(std::span<const double> group1, std::span<const double> group2, double level) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const GroupSummary a = summarize(group1), b = summarize(group2);
  EffectSize e;
  e.n1 = a.n, e.n2 = b.n;
  e.df = static_cast<double>(a.n + b.n - 2);
  const auto undefined = [&](std::string why) {
    e.d = e.d_low = e.d_high = e.g = e.g_low = e.g_high = kNaN;
    e.note = std::move(why);
    return e;
  };
  if (a.n < 2 || b.n < 2)
    return undefined("each group needs at least 2 values (n1 = " + std::to_string(a.n) +
                     ", n2 = " + std::to_string(b.n) + ")");
  const double n1 = static_cast<double>(a.n), n2 = static_cast<double>(b.n);
  const double pooled = std::sqrt(((n1 - 1) * a.sd * a.sd + (n2 - 1) * b.sd * b.sd) / e.df);
  if (!(pooled > 0)) return undefined("no variance within the groups (pooled SD 0)");
  e.d = (a.mean - b.mean) / pooled;
  const double scale = std::sqrt(n1 * n2 / (n1 + n2));
  const auto ncp = noncentral_t_ncp_interval(e.d * scale, e.df, level);
  e.d_low = ncp.lower / scale;
  e.d_high = ncp.upper / scale;
  const double j = std::exp(std::lgamma(e.df / 2) - std::log(std::sqrt(e.df / 2)) - std::lgamma((e.df - 1) / 2));
  e.g = j * e.d, e.g_low = j * e.d_low, e.g_high = j * e.d_high;
  if (!std::isfinite(e.d_low) || !std::isfinite(e.d_high)) e.note = "noncentral-t CI did not converge";
  return e;
}

}  // namespace psyface::stats
