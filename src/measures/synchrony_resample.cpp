#include "measures/synchrony_resample.hpp"

#include <cmath>
#include <limits>

namespace psyface::measures {

double analysed_rate_hz(std::span<const double> t_sec) {
  if (t_sec.size() < 2) return 0;
  const double span = t_sec.back() - t_sec.front();
  return span > 0 ? double(t_sec.size() - 1) / span : 0;
}

std::vector<double> resample_frames(std::span<const double> t_sec, std::span<const double> value,
                                    double frame_interval_sec, double rate_hz, std::size_t bins) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> sum(bins, 0.0), finite(bins, 0.0), out(bins, kNaN);
  std::vector<bool> has_frame(bins, false);
  for (std::size_t i = 0; i < t_sec.size(); ++i) {
    if (!(t_sec[i] >= 0)) continue;
    const auto b = static_cast<std::size_t>(t_sec[i] * rate_hz);
    if (b >= bins) continue;
    has_frame[b] = true;
    if (std::isfinite(value[i])) sum[b] += value[i], ++finite[b];
  }
  const double hold_sec = 1.5 * frame_interval_sec;
  std::size_t next = 0;  // first frame at or after the current bin's start
  for (std::size_t b = 0; b < bins; ++b) {
    if (has_frame[b]) {
      if (finite[b] > 0) out[b] = sum[b] / finite[b];
      continue;
    }
    const double start = b / rate_hz;
    while (next < t_sec.size() && t_sec[next] < start) ++next;
    if (next > 0 && start - t_sec[next - 1] < hold_sec) out[b] = value[next - 1];
  }
  return out;
}

}  // namespace psyface::measures
