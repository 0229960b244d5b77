// Adjusted p-values across a family of tests (here: the measures of one test), as R's p.adjust.
// NaN p-values are left out of the family and stay NaN.
//  - Holm (1979): step-down, p_(i) * (m - i + 1), cumulative maximum, capped at 1.
//  - Benjamini & Hochberg (1995): step-up, p_(i) * m / i, cumulative minimum from the largest, capped at 1.
#pragma once
#include <span>
#include <vector>

namespace psyface::stats {

std::vector<double> holm_adjust(std::span<const double> p);
std::vector<double> bh_adjust(std::span<const double> p);

}  // namespace psyface::stats
