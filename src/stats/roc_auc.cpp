#include "stats/roc_auc.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "stats/distributions.hpp"

namespace psyface::stats {
namespace {

// psi of DeLong: 1 when the target's value is larger, 1/2 on a tie.
double psi(double target, double other) { return target > other ? 1.0 : target == other ? 0.5 : 0.0; }

double sample_variance(const std::vector<double>& v) {
  double mean = 0, ss = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) ss += (x - mean) * (x - mean);
  return ss / static_cast<double>(v.size() - 1);
}

}  // namespace

AucResult auc_delong(std::span<const double> target, std::span<const double> other, double level) {
  std::vector<std::vector<double>> m(target.size(), std::vector<double>(other.size()));
  for (size_t i = 0; i < target.size(); ++i)
    for (size_t j = 0; j < other.size(); ++j) m[i][j] = psi(target[i], other[j]);
  return auc_delong_from_psi(m, other.size(), level);
}

AucResult auc_delong_from_psi(const std::vector<std::vector<double>>& m, size_t n_other, double level) {
  AucResult r;
  const std::vector<double> target(m.size()), other(n_other);  // only their sizes are used below
  r.n_target = static_cast<int>(target.size());
  r.n_other = static_cast<int>(other.size());
  r.se = r.ci_low = r.ci_high = r.z = r.p = NAN;
  if (target.empty() || other.empty()) {
    r.auc = NAN;
    r.note = "no AUC: the " + std::string(target.empty() ? "target" : "other") + " group is empty";
    return r;
  }
  // V10: per target, the share of others below it; V01: per other, the share of targets above it.
  std::vector<double> v10(target.size(), 0.0), v01(other.size(), 0.0);
  for (size_t i = 0; i < target.size(); ++i)
    for (size_t j = 0; j < other.size(); ++j) {
      v10[i] += m[i][j];
      v01[j] += m[i][j];
    }
  double sum = 0;
  for (auto& v : v10) sum += v, v /= static_cast<double>(other.size());
  for (auto& v : v01) v /= static_cast<double>(target.size());
  r.auc = sum / (static_cast<double>(target.size()) * static_cast<double>(other.size()));
  if (target.size() < 2 || other.size() < 2) {
    r.note = "no DeLong CI or p: fewer than 2 patients in the " + std::string(target.size() < 2 ? "target" : "other") +
             " group";
    return r;
  }
  const double var = sample_variance(v10) / static_cast<double>(target.size()) +
                     sample_variance(v01) / static_cast<double>(other.size());
  r.se = std::sqrt(std::max(var, 0.0));
  const double zq = normal_quantile(0.5 + level / 2);
  r.ci_low = std::clamp(r.auc - zq * r.se, 0.0, 1.0);
  r.ci_high = std::clamp(r.auc + zq * r.se, 0.0, 1.0);
  if (r.se > 0) {
    r.z = (r.auc - 0.5) / r.se;
    r.p = normal_two_sided_p(r.z);
  } else {
    r.note = "DeLong variance 0 (complete separation or constant values): the CI is a point and there is no p";
  }
  return r;
}

double auc_only(std::span<const double> target, std::span<const double> other) {
  if (target.empty() || other.empty()) return NAN;
  double sum = 0;
  for (double t : target)
    for (double o : other) sum += psi(t, o);
  return sum / (static_cast<double>(target.size()) * static_cast<double>(other.size()));
}

}  // namespace psyface::stats
