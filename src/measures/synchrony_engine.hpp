// Internals of the synchrony measure shared by synchrony*.cpp (and unit tests): the window/lag grid,
// the WCLC matrix computation, per-window statistics and the segment shuffle. Not part of the API.
#pragma once
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "measures/synchrony.hpp"

namespace psyface::measures::synchrony_detail {

// Fisher z of r with |r| clamped to kMaxAbsRForFisher (z <= 4.95), so that a degenerate window
// (e.g. two two-valued series in lockstep, r = 1) cannot dominate a mean.
inline constexpr double kMaxAbsRForFisher = 0.9999;
double fisher_z(double r);

// Window and lag layout in samples.
struct Grid {
  std::int64_t n_samples = 0;
  std::int64_t window = 0;           // samples per window
  std::int64_t max_lag = 0;          // largest |lag| on the grid
  std::int64_t min_pairs = 3;        // complete pairs needed for an r: max(3, ceil(min_valid_fraction * window))
  int peak_half_width = 1;           // in lag steps: max(1, round(peak_half_width_sec * rate / lag_step))
  std::vector<std::int64_t> lags;    // ascending, symmetric, contains 0
  std::vector<std::int64_t> starts;  // patient window starts: max_lag, max_lag + step, ...
  std::size_t lag0_index() const { return lags.size() / 2; }
};

// r for every (window, lag), row-major by window; NaN where undefined.
struct LagMatrix {
  std::vector<double> r;
  std::vector<WindowStatus> status;
  std::vector<double> valid_fraction;
  const double* row(std::size_t window) const { return r.data() + window * n_lags; }
  std::size_t n_lags = 0;
};

// Computes the WCLC matrix of a fixed patient series against any therapist series of the same length
// (the observed one or a surrogate). Patient-side work (centring each window) is done once.
class WclcEngine {
 public:
  WclcEngine(std::span<const double> patient, Grid grid);
  const Grid& grid() const { return grid_; }
  // requires: therapist.size() == grid().n_samples.
  void compute(std::span<const double> therapist, LagMatrix& out) const;

 private:
  void compute_complete_window(std::size_t window, const double* therapist, const std::int64_t* run_len,
                               double* r_row) const;

  Grid grid_;
  std::vector<double> patient_;          // globally centred; NaN kept
  std::vector<double> centred_windows_;  // window-major: patient window minus its own mean
  std::vector<double> sxx_;              // sum of squares of each centred window; 0 when constant
  std::vector<char> patient_complete_;   // window has no missing patient sample
};

// Per-window peak picks and statistic values (Fisher-z scale; NaN for windows not used).
struct WindowStats {
  std::vector<PeakPick> picks;
  std::vector<double> z;
};
void window_stats(const LagMatrix& matrix, const Grid& grid, const SynchronyOptions& options, WindowStats& out);

// Mean and sum of squares of the finite values of z; count of finite values.
struct Moments {
  double sum = 0, sum_sq = 0;
  std::int64_t n = 0;
  void add(double v) {
    sum += v;
    sum_sq += v * v;
    ++n;
  }
  double mean() const;
  double sd() const;  // n - 1 denominator; NaN when n < 2
};
Moments finite_moments(std::span<const double> values);

// Uniform integer in [0, n) from the raw mt19937_64 stream (rejection sampling), so that a seed gives
// the same sequence with every standard library (std::uniform_int_distribution and std::shuffle do not).
std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t n);

// Cuts series into consecutive segments of segment_samples (the last one may be shorter), shuffles
// their order so that no segment starts at its original offset, and concatenates them.
// requires: at least 3 segments (else throws Error(Internal)).
std::vector<double> segment_shuffle(std::span<const double> series, std::int64_t segment_samples,
                                    std::mt19937_64& rng);

// Runs the surrogate test for an observed session statistic (observed per-window z in obs_stats.z).
SurrogateTest run_surrogate_test(const WclcEngine& engine, std::span<const double> therapist,
                                 const SynchronyOptions& options, std::int64_t segment_samples,
                                 const WindowStats& obs_stats, const SynchronyProgress& progress);

}  // namespace psyface::measures::synchrony_detail
