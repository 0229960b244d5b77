// A session's per-role time courses for its page (docs/report.md, "Session pages"): the analysed frames of
// one role (measures/role_frames.hpp) averaged into bins of bin_sec (1 s) and smoothed by a centred moving
// mean, so a 50-min session at 5 fps draws 3000 points per line instead of 15000, whatever the rate.
#pragma once
#include <array>
#include <vector>

#include "measures/role_frames.hpp"

namespace psyface::report {

// Bin k covers [k * bin_sec, (k + 1) * bin_sec) of the video's clock; NaN values when no valid frame of the
// role lies in it.
struct SeriesBin {
  double t_sec = 0;          // the bin's start
  int frames = 0;            // analysed frames in the bin
  int valid = 0;             // of them, frames where the role's face was measured
  std::array<double, kEmotionCount> p{};  // mean emotion probabilities over the valid frames
  double smile = 0;          // mean smile intensity over the valid frames
};

// requires: bin_sec > 0.
// ensures: bins 0 .. floor(t_last / bin_sec) (empty for a series without frames); frames before t = 0
//          count in bin 0.
std::vector<SeriesBin> bin_series(const measures::RoleSeries& series, double bin_sec);

// ensures: out[i] = mean of the finite values among v[i - half_width .. i + half_width]; NaN where v[i]
//          is NaN (a bin without a face stays a gap, it is not filled from its neighbours).
std::vector<double> smooth(const std::vector<double>& v, int half_width);

}  // namespace psyface::report
