#include "stats/rmcorr.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace psyface::stats {

CorrelationResult rmcorr(std::span<const double> x, std::span<const double> y, std::span<const int> group,
                         double level) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  struct Sums {
    double sx = 0, sy = 0;
    int64_t n = 0;
  };
  std::map<int, Sums> by_group;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    auto& s = by_group[group[i]];
    s.sx += x[i], s.sy += y[i], ++s.n;
  }
  CorrelationResult c;
  for (const auto& [g, s] : by_group) c.n += s.n;
  c.groups = static_cast<int64_t>(by_group.size());
  c.df = static_cast<double>(c.n - c.groups - 1);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    const auto& s = by_group[group[i]];
    const double dx = x[i] - s.sx / s.n, dy = y[i] - s.sy / s.n;
    sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
  }
  if (c.groups < 1 || c.df < 1) {
    c.r = c.t = c.p = c.ci_low = c.ci_high = kNaN;
    c.note = "too few observations: N = " + std::to_string(c.n) + " in k = " + std::to_string(c.groups) +
             " patients gives df = N - k - 1 = " + std::to_string(static_cast<int64_t>(c.df));
    return c;
  }
  const double tiny = 1e-12;
  if (!(sxx > tiny) || !(syy > tiny)) {
    c.r = c.t = c.p = c.ci_low = c.ci_high = kNaN;
    c.note = !(sxx > tiny) ? "the measure does not vary within patients"
                           : "the human/outcome values do not vary within patients";
    return c;
  }
  c.r = std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
  correlation_inference(c, c.df > 1 ? 1 / std::sqrt(c.df - 1) : kNaN, level);
  return c;
}

}  // namespace psyface::stats
