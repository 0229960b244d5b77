#include "stats/median_split.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace psyface::stats {

MedianSplit median_split(std::span<const double> improvement) {
  MedianSplit s;
  std::vector<double> v;
  for (double x : improvement)
    if (std::isfinite(x)) v.push_back(x);
  std::sort(v.begin(), v.end());
  s.median = v.empty() ? std::numeric_limits<double>::quiet_NaN()
                       : (v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]));
  for (double x : improvement) {
    if (!std::isfinite(x)) {
      s.group.push_back(-1);
      continue;
    }
    const bool up = x > s.median;
    s.group.push_back(up ? 1 : 0);
    (up ? s.n_improvers : s.n_non_improvers)++;
    if (x == s.median) ++s.n_at_median;
  }
  return s;
}

}  // namespace psyface::stats
