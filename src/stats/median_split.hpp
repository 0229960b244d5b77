// Median split of patients on improvement: improvers are strictly above the median; patients at the
// median (ties) count as non-improvers. Missing improvement (NaN) gives group -1 (left out).
#pragma once
#include <span>
#include <vector>

namespace psyface::stats {

struct MedianSplit {
  double median = 0;          // of the finite values; NaN when there are none
  std::vector<int> group;     // 1 improver, 0 non-improver, -1 missing
  int n_improvers = 0, n_non_improvers = 0, n_at_median = 0;
};

MedianSplit median_split(std::span<const double> improvement);

}  // namespace psyface::stats
