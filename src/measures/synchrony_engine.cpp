// WCLC core: pairwise-complete lagged Pearson r, the window x lag matrix, peak picking, window statistics.
#include "measures/synchrony_engine.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>

#include "psyface/error.hpp"

namespace psyface::measures {

namespace {

double clamp_r(double r) { return std::clamp(r, -1.0, 1.0); }

}  // namespace

LaggedCorrelation lagged_pearson_r(std::span<const double> x, std::span<const double> y, std::int64_t start,
                                   std::int64_t n, std::int64_t lag) {
  const auto nx = static_cast<std::int64_t>(x.size());
  const auto ny = static_cast<std::int64_t>(y.size());
  if (start < 0 || n < 0 || start + n > nx || start + lag < 0 || start + lag + n > ny)
    throw Error(ErrorCode::Internal, "lagged_pearson_r: segment start " + std::to_string(start) + ", length " +
                                         std::to_string(n) + ", lag " + std::to_string(lag) +
                                         " is outside series of " + std::to_string(nx) + " / " +
                                         std::to_string(ny) + " samples");
  const double* xs = x.data() + start;
  const double* ys = y.data() + start + lag;
  std::int64_t count = 0;
  double sum_x = 0, sum_y = 0;
  double min_x = HUGE_VAL, max_x = -HUGE_VAL, min_y = HUGE_VAL, max_y = -HUGE_VAL;
  for (std::int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) continue;
    ++count;
    sum_x += xs[i];
    sum_y += ys[i];
    min_x = std::min(min_x, xs[i]);
    max_x = std::max(max_x, xs[i]);
    min_y = std::min(min_y, ys[i]);
    max_y = std::max(max_y, ys[i]);
  }
  if (count < 3 || min_x == max_x || min_y == max_y) return {kSynchronyNaN, count};
  const double mean_x = sum_x / static_cast<double>(count);
  const double mean_y = sum_y / static_cast<double>(count);
  double sxx = 0, syy = 0, sxy = 0;  // second pass on deviations: no cancellation
  for (std::int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) continue;
    const double dx = xs[i] - mean_x, dy = ys[i] - mean_y;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return {kSynchronyNaN, count};
  return {clamp_r(sxy / std::sqrt(sxx * syy)), count};
}

PeakPick pick_peak(std::span<const double> r_by_lag, std::span<const std::int64_t> lags, int half_width,
                   double min_peak_r) {
  if (r_by_lag.size() != lags.size() || half_width < 1)
    throw Error(ErrorCode::Internal, "pick_peak: " + std::to_string(r_by_lag.size()) + " r values for " +
                                         std::to_string(lags.size()) + " lags, half width " +
                                         std::to_string(half_width));
  const auto n = static_cast<std::int64_t>(lags.size());
  // Is candidate i preferable to the current best b? Closer to lag 0, then larger r, then positive lag.
  auto better = [&](std::int64_t i, std::int64_t b) {
    if (b < 0) return true;
    const auto ai = std::llabs(lags[i]), ab = std::llabs(lags[b]);
    if (ai != ab) return ai < ab;
    if (r_by_lag[i] != r_by_lag[b]) return r_by_lag[i] > r_by_lag[b];
    return lags[i] > lags[b];
  };
  std::int64_t best = -1;
  for (std::int64_t i = half_width; i + half_width < n; ++i) {
    const double r = r_by_lag[i];
    if (!std::isfinite(r) || r < min_peak_r) continue;
    bool local_max = true;
    for (std::int64_t j = i - half_width; j <= i + half_width && local_max; ++j)
      if (j != i && !(std::isfinite(r_by_lag[j]) && r > r_by_lag[j])) local_max = false;
    if (local_max && better(i, best)) best = i;
  }
  if (best >= 0) return {static_cast<int>(best), true};
  // Fallback: the largest defined r; ties go to the lag closest to 0, then the positive lag.
  for (std::int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(r_by_lag[i])) continue;
    if (best < 0 || r_by_lag[i] > r_by_lag[best] || (r_by_lag[i] == r_by_lag[best] && better(i, best))) best = i;
  }
  return {static_cast<int>(best), false};
}

namespace synchrony_detail {

double fisher_z(double r) { return std::atanh(std::clamp(r, -kMaxAbsRForFisher, kMaxAbsRForFisher)); }

double Moments::mean() const { return n > 0 ? sum / static_cast<double>(n) : kSynchronyNaN; }

double Moments::sd() const {
  if (n < 2) return kSynchronyNaN;
  const double var = (sum_sq - sum * sum / static_cast<double>(n)) / static_cast<double>(n - 1);
  return std::sqrt(std::max(0.0, var));
}

Moments finite_moments(std::span<const double> values) {
  Moments m;
  for (double v : values)
    if (std::isfinite(v)) m.add(v);
  return m;
}

namespace {

// Copy of a series minus the mean of its finite values (correlations are shift-invariant; centring
// keeps the one-pass sums below well conditioned). Non-finite samples become NaN.
std::vector<double> centred_copy(std::span<const double> series) {
  Moments m;
  for (double v : series)
    if (std::isfinite(v)) m.add(v);
  const double mean = m.n > 0 ? m.mean() : 0.0;
  std::vector<double> out(series.size());
  for (std::size_t i = 0; i < series.size(); ++i)
    out[i] = std::isfinite(series[i]) ? series[i] - mean : kSynchronyNaN;
  return out;
}

}  // namespace

WclcEngine::WclcEngine(std::span<const double> patient, Grid grid)
    : grid_(std::move(grid)), patient_(centred_copy(patient)) {
  const std::size_t n_windows = grid_.starts.size();
  const auto w = static_cast<std::size_t>(grid_.window);
  centred_windows_.assign(n_windows * w, kSynchronyNaN);
  sxx_.assign(n_windows, 0.0);
  patient_complete_.assign(n_windows, 0);
  for (std::size_t j = 0; j < n_windows; ++j) {
    const double* xs = patient_.data() + grid_.starts[j];
    if (!std::all_of(xs, xs + w, [](double v) { return std::isfinite(v); })) continue;
    patient_complete_[j] = 1;
    const auto [lo, hi] = std::minmax_element(xs, xs + w);
    if (*lo == *hi) continue;  // constant: sxx stays 0
    double sum = 0;
    for (std::size_t i = 0; i < w; ++i) sum += xs[i];
    const double mean = sum / static_cast<double>(w);
    double* xc = centred_windows_.data() + j * w;
    double sxx = 0;
    for (std::size_t i = 0; i < w; ++i) {
      xc[i] = xs[i] - mean;
      sxx += xc[i] * xc[i];
    }
    sxx_[j] = sxx;
  }
}

void WclcEngine::compute_complete_window(std::size_t j, const double* therapist, const std::int64_t* run_len,
                                         double* r_row) const {
  const std::int64_t w = grid_.window, s = grid_.starts[j];
  const std::size_t n_lags = grid_.lags.size();
  const double sxx = sxx_[j];
  if (sxx == 0) {
    std::fill(r_row, r_row + n_lags, kSynchronyNaN);
    return;
  }
  using Segment = Eigen::Map<const Eigen::VectorXd>;
  const Segment xc(centred_windows_.data() + j * static_cast<std::size_t>(w), w);
  const double inv_w = 1.0 / static_cast<double>(w);
  // The therapist's mean per lag is a running sum over the window's lag range (shifted by the first
  // segment's mean to keep it small); its spread is then summed around that mean, which stays exact
  // when a segment barely varies around a large level (e.g. a "happy" probability on a neutral face).
  const std::int64_t first = s + grid_.lags.front();
  const double shift = Segment(therapist + first, w).mean();
  double sum = 0;  // of (therapist - shift) over the current lag's segment
  for (std::int64_t t = first; t < first + w; ++t) sum += therapist[t] - shift;
  for (std::size_t k = 0; k < n_lags; ++k) {
    const std::int64_t a = s + grid_.lags[k];
    if (k > 0) {  // slide from the previous lag's segment
      const std::int64_t prev = s + grid_.lags[k - 1];
      for (std::int64_t t = prev; t < a; ++t) sum -= therapist[t] - shift;
      for (std::int64_t t = prev + w; t < a + w; ++t) sum += therapist[t] - shift;
    }
    if (run_len[a] >= w) {  // therapist constant over this segment
      r_row[k] = kSynchronyNaN;
      continue;
    }
    const double mean_y = shift + sum * inv_w;
    const auto dev_y = (Segment(therapist + a, w).array() - mean_y).matrix();  // lazy expression
    const double ss_y = dev_y.squaredNorm();
    const double cov = xc.dot(dev_y);  // xc sums to ~0, so no mean correction is needed
    r_row[k] = ss_y > 0 ? clamp_r(cov / std::sqrt(sxx * ss_y)) : kSynchronyNaN;
  }
}

void WclcEngine::compute(std::span<const double> therapist, LagMatrix& out) const {
  if (static_cast<std::int64_t>(therapist.size()) != grid_.n_samples)
    throw Error(ErrorCode::Internal, "WclcEngine::compute: therapist series has " +
                                         std::to_string(therapist.size()) + " samples, expected " +
                                         std::to_string(grid_.n_samples));
  const std::vector<double> y = centred_copy(therapist);
  const auto n = static_cast<std::size_t>(grid_.n_samples);
  std::vector<std::int64_t> missing_before(n + 1, 0);  // prefix count of missing therapist samples
  for (std::size_t t = 0; t < n; ++t) missing_before[t + 1] = missing_before[t] + (std::isfinite(y[t]) ? 0 : 1);
  std::vector<std::int64_t> run_len(n, 1);  // length of the run of equal values starting at t
  for (std::size_t t = n - 1; t-- > 0;)
    if (y[t] == y[t + 1]) run_len[t] = run_len[t + 1] + 1;  // NaN never equals: runs break at gaps

  const std::size_t n_windows = grid_.starts.size(), n_lags = grid_.lags.size();
  const std::int64_t w = grid_.window;
  out.n_lags = n_lags;
  out.r.assign(n_windows * n_lags, kSynchronyNaN);
  out.status.assign(n_windows, WindowStatus::MissingData);
  out.valid_fraction.assign(n_windows, 0.0);
  for (std::size_t j = 0; j < n_windows; ++j) {
    const std::int64_t s = grid_.starts[j];
    std::int64_t pairs0 = 0;
    for (std::int64_t t = s; t < s + w; ++t) pairs0 += std::isfinite(patient_[t]) && std::isfinite(y[t]);
    out.valid_fraction[j] = static_cast<double>(pairs0) / static_cast<double>(w);
    if (pairs0 < grid_.min_pairs) continue;  // MissingData, row stays NaN

    double* r_row = out.r.data() + j * n_lags;
    const std::int64_t y_lo = s + grid_.lags.front(), y_hi = s + grid_.lags.back() + w;
    bool any_enough_pairs = false;
    if (patient_complete_[j] && missing_before[y_hi] == missing_before[y_lo]) {
      compute_complete_window(j, y.data(), run_len.data(), r_row);
      any_enough_pairs = true;
    } else {
      for (std::size_t k = 0; k < n_lags; ++k) {
        const LaggedCorrelation c = lagged_pearson_r(patient_, y, s, w, grid_.lags[k]);
        if (c.n_pairs < grid_.min_pairs) continue;
        any_enough_pairs = true;
        r_row[k] = c.r;
      }
    }
    const bool any_r = std::any_of(r_row, r_row + n_lags, [](double r) { return std::isfinite(r); });
    out.status[j] =
        any_r ? WindowStatus::Ok : (any_enough_pairs ? WindowStatus::NoVariance : WindowStatus::MissingData);
  }
}

void window_stats(const LagMatrix& matrix, const Grid& grid, const SynchronyOptions& options, WindowStats& out) {
  const std::size_t n_windows = matrix.status.size(), n_lags = matrix.n_lags;
  out.picks.assign(n_windows, PeakPick{});
  out.z.assign(n_windows, kSynchronyNaN);
  for (std::size_t j = 0; j < n_windows; ++j) {
    if (matrix.status[j] != WindowStatus::Ok) continue;
    const std::span<const double> row(matrix.row(j), n_lags);
    out.picks[j] = pick_peak(row, grid.lags, grid.peak_half_width, options.min_peak_r);
    if (options.statistic == SynchronyStatistic::MeanPeakR) {
      out.z[j] = fisher_z(row[static_cast<std::size_t>(out.picks[j].lag_index)]);
    } else {
      Moments m;
      for (double r : row)
        if (std::isfinite(r)) m.add(std::abs(fisher_z(r)));
      out.z[j] = m.mean();
    }
  }
}

}  // namespace synchrony_detail
}  // namespace psyface::measures
