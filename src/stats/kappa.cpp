#include "stats/kappa.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "stats/distributions.hpp"

namespace psyface::stats {

KappaResult cohen_kappa(std::span<const int> a, std::span<const int> b, int n_categories, double level) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const size_t c = static_cast<size_t>(n_categories);
  std::vector<std::vector<double>> p(c, std::vector<double>(c, 0));
  KappaResult r;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i] < 0 || b[i] < 0 || a[i] >= n_categories || b[i] >= n_categories) continue;
    p[static_cast<size_t>(a[i])][static_cast<size_t>(b[i])] += 1;
    ++r.n;
  }
  const auto undefined = [&](std::string why) {
    r.kappa = r.se = r.ci_low = r.ci_high = r.z = r.p = kNaN;
    r.note = std::move(why);
    return r;
  };
  if (r.n < 2) return undefined("fewer than 2 segments with both categories (n = " + std::to_string(r.n) + ")");
  const double n = static_cast<double>(r.n);
  std::vector<double> row(c, 0), col(c, 0);
  for (size_t i = 0; i < c; ++i)
    for (size_t j = 0; j < c; ++j) {
      p[i][j] /= n;
      row[i] += p[i][j];
      col[j] += p[i][j];
    }
  double po = 0, pe = 0;
  for (size_t i = 0; i < c; ++i) {
    po += p[i][i];
    pe += row[i] * col[i];
    if (row[i] > 0 || col[i] > 0) ++r.categories_used;
  }
  r.p_observed = po;
  r.p_expected = pe;
  if (!(pe < 1)) return undefined("both raters used one and the same category only: chance agreement is 1");
  r.kappa = (po - pe) / (1 - pe);
  // Fleiss, Cohen & Everitt (1969), eq. 13: the asymptotic variance of kappa-hat.
  double term1 = 0, term2 = 0;
  for (size_t i = 0; i < c; ++i) term1 += p[i][i] * std::pow(1 - (row[i] + col[i]) * (1 - r.kappa), 2);
  for (size_t i = 0; i < c; ++i)
    for (size_t j = 0; j < c; ++j)
      if (i != j) term2 += p[i][j] * std::pow(col[i] + row[j], 2);
  term2 *= std::pow(1 - r.kappa, 2);
  const double term3 = std::pow(r.kappa - pe * (1 - r.kappa), 2);
  const double var = std::max(0.0, term1 + term2 - term3) / (n * std::pow(1 - pe, 2));
  r.se = std::sqrt(var);
  const double q = normal_quantile(1 - (1 - level) / 2);
  r.ci_low = r.kappa - q * r.se;
  r.ci_high = r.kappa + q * r.se;
  // Null variance (Fleiss, Cohen & Everitt 1969, eq. 14).
  double s = 0;
  for (size_t i = 0; i < c; ++i) s += row[i] * col[i] * (row[i] + col[i]);
  const double var0 = (pe + pe * pe - s) / (n * std::pow(1 - pe, 2));
  r.z = var0 > 0 ? r.kappa / std::sqrt(var0) : kNaN;
  r.p = normal_two_sided_p(r.z);
  if (!(var0 > 0)) r.note = "null variance is 0: no test";
  return r;
}

}  // namespace psyface::stats
