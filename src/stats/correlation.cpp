#include "stats/correlation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "stats/distributions.hpp"

namespace psyface::stats {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void complete_pairs(std::span<const double> x, std::span<const double> y, std::vector<double>& a,
                    std::vector<double>& b) {
  const size_t n = std::min(x.size(), y.size());
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) a.push_back(x[i]), b.push_back(y[i]);
}

// r of complete pairs; NaN with a note when undefined.
double pearson_r(const std::vector<double>& a, const std::vector<double>& b, std::string& note) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  // a constant like 0.1 leaves ~1e-34 around its rounded mean: test for no variance exactly
  if (std::all_of(a.begin(), a.end(), [&](double v) { return v == a.front(); })) saa = 0;
  if (std::all_of(b.begin(), b.end(), [&](double v) { return v == b.front(); })) sbb = 0;
  if (!(saa > 0) || !(sbb > 0)) {
    note = saa > 0 ? "the human/outcome values have no variance" : "the measure has no variance";
    if (!(saa > 0) && !(sbb > 0)) note = "neither variable varies";
    return kNaN;
  }
  return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}
}  // namespace

std::vector<double> mid_ranks(std::span<const double> x) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < x.size(); ++i)
    if (std::isfinite(x[i])) idx.push_back(i);
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> rank(x.size(), kNaN);
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j + 1 < idx.size() && x[idx[j + 1]] == x[idx[i]]) ++j;
    const double mid = 0.5 * static_cast<double>(i + j) + 1.0;
    for (size_t k = i; k <= j; ++k) rank[idx[k]] = mid;
    i = j + 1;
  }
  return rank;
}

void correlation_inference(CorrelationResult& c, double se_z, double level) {
  if (!std::isfinite(c.r)) {
    c.t = c.p = c.ci_low = c.ci_high = kNaN;
    return;
  }
  if (!(c.df > 0)) {
    c.t = c.p = c.ci_low = c.ci_high = kNaN;
    c.note = "too few observations for a test (df = " + std::to_string(static_cast<int64_t>(c.df)) + ")";
    return;
  }
  if (std::fabs(c.r) >= 1) {
    c.t = std::copysign(std::numeric_limits<double>::infinity(), c.r);
    c.p = 0;
    c.ci_low = c.ci_high = c.r;
    c.note = "perfect correlation: t infinite, p = 0, CI degenerate";
    return;
  }
  c.t = c.r * std::sqrt(c.df / (1 - c.r * c.r));
  c.p = t_two_sided_p(c.t, c.df);
  if (std::isfinite(se_z) && se_z > 0) {
    const double z = std::atanh(c.r), q = normal_quantile(1 - (1 - level) / 2);
    c.ci_low = std::tanh(z - q * se_z);
    c.ci_high = std::tanh(z + q * se_z);
  } else {
    c.ci_low = c.ci_high = kNaN;
    c.note = "too few observations for a Fisher-z CI";
  }
}

namespace {
// Pearson r of the complete pairs, or of their mid-ranks (Spearman), with inference; se_scale is the
// numerator of the Fisher-z standard error se_scale / sqrt(n - 3).
CorrelationResult correlate(std::span<const double> x, std::span<const double> y, double level, bool ranks,
                            double se_scale) {
  std::vector<double> a, b;
  complete_pairs(x, y, a, b);
  CorrelationResult c;
  c.n = static_cast<int64_t>(a.size());
  if (c.n < 3) {
    c.r = c.t = c.df = c.p = c.ci_low = c.ci_high = kNaN;
    c.note = "n < 3 complete pairs (n = " + std::to_string(c.n) + ")";
    return c;
  }
  c.r = ranks ? pearson_r(mid_ranks(a), mid_ranks(b), c.note) : pearson_r(a, b, c.note);
  if (ranks && !c.note.empty()) c.note += " (all ties)";
  c.df = static_cast<double>(c.n - 2);
  correlation_inference(c, c.n > 3 ? se_scale / std::sqrt(static_cast<double>(c.n - 3)) : kNaN, level);
  return c;
}
}  // namespace

CorrelationResult pearson(std::span<const double> x, std::span<const double> y, double level) {
  return correlate(x, y, level, false, 1.0);
}

CorrelationResult spearman(std::span<const double> x, std::span<const double> y, double level) {
  return correlate(x, y, level, true, std::sqrt(1.06));
}

}  // namespace psyface::stats
