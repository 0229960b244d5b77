// A strongly coupled dyad as psyface would analyse it at a given --fps: smile series of patient and
// therapist sampled on the frame grid of a 29.97 fps video (the first frame at or after each k / fps), the
// therapist following the patient by 0.6 s. For the synchrony tests at low analysed rates.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "gaussian.hpp"

namespace psyface::measures::test {

struct DyadFrame {
  double t_sec, patient_smile, therapist_smile;
};

// ensures: frames at t = ceil(k / fps * 29.97) / 29.97 over [0, seconds); smiles in about 0.2..0.8, a
//          smooth (twice AR(1)-filtered, time constant ~1 s) signal; therapist = patient 0.6 s earlier plus
//          a little independent noise.
inline std::vector<DyadFrame> coupled_dyad_frames(double fps, double seconds, std::uint64_t seed = 7) {
  constexpr double kBaseHz = 100, kLagSec = 0.6, kVideoFps = 30000.0 / 1001;
  Gaussian g(seed);
  const size_t n = static_cast<size_t>((seconds + 2) * kBaseHz);
  const double a = std::exp(-1 / kBaseHz);  // time constant 1 s
  std::vector<double> x(n, 0.0), y(n, 0.0);
  for (size_t i = 1; i < n; ++i) x[i] = a * x[i - 1] + (1 - a) * 6 * g();
  for (size_t i = 1; i < n; ++i) y[i] = a * y[i - 1] + (1 - a) * x[i];  // smoother: no frame-to-frame jumps
  auto at = [&](double t) { return y[static_cast<size_t>((t + 1) * kBaseHz)]; };
  std::vector<DyadFrame> frames;
  for (int k = 0;; ++k) {
    const double t = std::ceil(k / fps * kVideoFps - 1e-9) / kVideoFps;
    if (t >= seconds) break;
    frames.push_back({t, 0.5 + 0.5 * at(t), 0.5 + 0.5 * at(t - kLagSec) + 0.02 * g()});
  }
  return frames;
}

}  // namespace psyface::measures::test
