#include "report/session_series.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace psyface::report {

std::vector<SeriesBin> bin_series(const measures::RoleSeries& series, double bin_sec) {
  std::vector<SeriesBin> bins;
  if (series.frames.empty()) return bins;
  const auto index = [bin_sec](double t) { return static_cast<size_t>(std::max(0.0, std::floor(t / bin_sec))); };
  bins.resize(index(series.frames.back().t_sec) + 1);
  for (size_t k = 0; k < bins.size(); ++k) bins[k].t_sec = static_cast<double>(k) * bin_sec;
  for (const auto& f : series.frames) {
    auto& b = bins[std::min(index(f.t_sec), bins.size() - 1)];
    ++b.frames;
    if (!f.valid) continue;
    ++b.valid;
    for (int e = 0; e < kEmotionCount; ++e) b.p[e] += f.p[e];
    b.smile += f.smile_intensity;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (auto& b : bins) {
    for (auto& p : b.p) p = b.valid ? p / b.valid : nan;
    b.smile = b.valid ? b.smile / b.valid : nan;
  }
  return bins;
}

std::vector<double> smooth(const std::vector<double>& v, int half_width) {
  std::vector<double> out(v.size(), std::numeric_limits<double>::quiet_NaN());
  const auto n = static_cast<long>(v.size());
  for (long i = 0; i < n; ++i) {
    if (!std::isfinite(v[i])) continue;
    double sum = 0;
    int count = 0;
    for (long j = std::max(0L, i - half_width); j <= std::min(n - 1, i + half_width); ++j)
      if (std::isfinite(v[j])) sum += v[j], ++count;
    out[i] = sum / count;
  }
  return out;
}

}  // namespace psyface::report
