// Per-frame series of one role onto the regular grid that synchrony needs (docs/synchrony.md,
// "Resampling"). Used by the study's synchrony_smile (measures/affect_measures) and `psyface synchrony`.
#pragma once
#include <cstddef>
#include <span>
#include <vector>

namespace psyface::measures {

// Analysed frame rate of frame times in ascending order: (n - 1) / (t_last - t_first); 0 with fewer than
// two frames or no time between them. (1 / median interval overstates it under a sampling grid, where
// intervals alternate between a short and a long one.)
double analysed_rate_hz(std::span<const double> t_sec);

// requires: t_sec ascending, value.size() == t_sec.size() (NaN: the role had no valid face in that
//           frame); rate_hz > 0; frame_interval_sec >= 0 (the role's mean interval between frames).
// ensures:  bins values for [k / rate_hz, (k + 1) / rate_hz), k = 0 .. bins - 1. A bin holding frames gets
//           the mean of their finite values (NaN when none is finite). A bin without a frame holds the value
//           of the last frame before it (NaN when that frame had no face) while the bin starts less than
//           1.5 frame_interval_sec after that frame; later bins of a longer gap are NaN. So frames analysed
//           more slowly than rate_hz fill the bins between them. Frames before t = 0 fill no bin.
std::vector<double> resample_frames(std::span<const double> t_sec, std::span<const double> value,
                                    double frame_interval_sec, double rate_hz, std::size_t bins);

}  // namespace psyface::measures
