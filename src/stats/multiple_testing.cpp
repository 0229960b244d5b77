#include "stats/multiple_testing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace psyface::stats {
namespace {
std::vector<size_t> finite_order(std::span<const double> p) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < p.size(); ++i)
    if (std::isfinite(p[i])) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  return idx;
}
}  // namespace

std::vector<double> holm_adjust(std::span<const double> p) {
  std::vector<double> out(p.size(), std::numeric_limits<double>::quiet_NaN());
  const auto idx = finite_order(p);
  const double m = static_cast<double>(idx.size());
  double running = 0;
  for (size_t i = 0; i < idx.size(); ++i) {
    running = std::max(running, std::min(1.0, p[idx[i]] * (m - static_cast<double>(i))));
    out[idx[i]] = running;
  }
  return out;
}

std::vector<double> bh_adjust(std::span<const double> p) {
  std::vector<double> out(p.size(), std::numeric_limits<double>::quiet_NaN());
  const auto idx = finite_order(p);
  const double m = static_cast<double>(idx.size());
  double running = 1;
  for (size_t i = idx.size(); i-- > 0;) {
    running = std::min(running, p[idx[i]] * m / static_cast<double>(i + 1));
    out[idx[i]] = std::min(1.0, running);
  }
  return out;
}

}  // namespace psyface::stats
