// compute_synchrony: validate, lay out the window/lag grid, run WCLC and peak picking, summarise, test.
#include "measures/synchrony.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "measures/synchrony_engine.hpp"
#include "psyface/error.hpp"

namespace psyface::measures {

std::string_view window_status_name(WindowStatus status) {
  switch (status) {
    case WindowStatus::Ok: return "ok";
    case WindowStatus::MissingData: return "missing_data";
    case WindowStatus::NoVariance: return "no_variance";
  }
  return "unknown";
}

std::string_view synchrony_statistic_name(SynchronyStatistic statistic) {
  switch (statistic) {
    case SynchronyStatistic::MeanPeakR: return "mean_peak_r";
    case SynchronyStatistic::MeanAbsR: return "mean_abs_r";
  }
  return "unknown";
}

namespace {

using synchrony_detail::Grid;

template <typename... Parts>
[[noreturn]] void fail(ErrorCode code, const Parts&... parts) {
  std::ostringstream message;
  message << "synchrony: ";
  (message << ... << parts);
  throw Error(code, message.str());
}

void validate_options(const SynchronyOptions& o) {
  auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  if (!positive(o.window_sec)) fail(ErrorCode::Usage, "window_sec must be > 0 (got ", o.window_sec, ")");
  if (!positive(o.step_sec)) fail(ErrorCode::Usage, "step_sec must be > 0 (got ", o.step_sec, ")");
  if (!(std::isfinite(o.max_lag_sec) && o.max_lag_sec >= 0))
    fail(ErrorCode::Usage, "max_lag_sec must be >= 0 (got ", o.max_lag_sec, ")");
  if (o.max_lag_sec >= o.window_sec)
    fail(ErrorCode::Usage, "max_lag_sec (", o.max_lag_sec, " s) must be shorter than window_sec (", o.window_sec,
         " s)");
  if (o.lag_step_samples < 1)
    fail(ErrorCode::Usage, "lag_step_samples must be >= 1 (got ", o.lag_step_samples, ")");
  if (!(o.min_valid_fraction > 0 && o.min_valid_fraction <= 1))
    fail(ErrorCode::Usage, "min_valid_fraction must be in (0, 1] (got ", o.min_valid_fraction, ")");
  if (!positive(o.peak_half_width_sec))
    fail(ErrorCode::Usage, "peak_half_width_sec must be > 0 (got ", o.peak_half_width_sec, ")");
  if (!(o.min_peak_r >= -1 && o.min_peak_r <= 1))
    fail(ErrorCode::Usage, "min_peak_r must be in [-1, 1] (got ", o.min_peak_r, ")");
  if (o.n_surrogates < 0) fail(ErrorCode::Usage, "n_surrogates must be >= 0 (got ", o.n_surrogates, ")");
  if (o.segment_sec && !positive(*o.segment_sec))
    fail(ErrorCode::Usage, "segment_sec must be > 0 (got ", *o.segment_sec, ")");
}

// Seconds to samples, nearest.
std::int64_t to_samples(double sec, double rate_hz) {
  return std::llround(std::min(sec * rate_hz, 1e15));  // clamp: an absurd length fails as "too long" below
}

Grid make_grid(std::int64_t n, double rate_hz, const SynchronyOptions& o) {
  Grid g;
  g.n_samples = n;
  g.window = to_samples(o.window_sec, rate_hz);
  if (g.window < 3)
    fail(ErrorCode::Usage, "window_sec ", o.window_sec, " s at ", rate_hz, " Hz gives ", g.window,
         " samples; a correlation needs at least 3");
  const std::int64_t step = to_samples(o.step_sec, rate_hz);
  if (step < 1) fail(ErrorCode::Usage, "step_sec ", o.step_sec, " s is less than one sample at ", rate_hz, " Hz");
  // Largest lag on the grid: max_lag_sec rounded to samples, then down to a multiple of the lag step.
  const std::int64_t lag_step = o.lag_step_samples;
  g.max_lag = to_samples(o.max_lag_sec, rate_hz) / lag_step * lag_step;
  if (g.max_lag >= g.window)
    fail(ErrorCode::Usage, "max lag of ", g.max_lag, " samples must be shorter than the window of ", g.window,
         " samples");
  g.min_pairs =
      std::max<std::int64_t>(3, static_cast<std::int64_t>(std::ceil(o.min_valid_fraction * g.window - 1e-9)));
  for (std::int64_t lag = -g.max_lag; lag <= g.max_lag; lag += lag_step) g.lags.push_back(lag);
  g.peak_half_width = static_cast<int>(
      std::max<std::int64_t>(1, std::llround(o.peak_half_width_sec * rate_hz / static_cast<double>(lag_step))));

  const std::int64_t needed = g.window + 2 * g.max_lag;
  if (n < needed)
    fail(ErrorCode::Input, "series of ", n, " samples (", static_cast<double>(n) / rate_hz, " s at ", rate_hz,
         " Hz) is shorter than one window plus twice the maximum lag (", needed, " samples = ", o.window_sec,
         " s + 2 x ", static_cast<double>(g.max_lag) / rate_hz, " s)");
  for (std::int64_t s = g.max_lag; s + g.window + g.max_lag <= n; s += step) g.starts.push_back(s);
  return g;
}

// The surrogate test needs enough segments to shuffle (docs/synchrony.md, calibration).
void check_surrogate_segments(std::int64_t n, std::int64_t segment_samples) {
  const std::int64_t n_segments = segment_samples > 0 ? (n + segment_samples - 1) / segment_samples : 0;
  if (n_segments < kMinSurrogateSegments)
    fail(ErrorCode::Input, "series of ", n, " samples cut into surrogate segments of ", segment_samples,
         " samples gives ", n_segments, " segment(s); the surrogate test needs at least ", kMinSurrogateSegments,
         " (shorten segment_sec or set n_surrogates to 0)");
}

double finite_share(std::span<const double> series) {
  if (series.empty()) return kSynchronyNaN;
  const auto finite = std::count_if(series.begin(), series.end(), [](double v) { return std::isfinite(v); });
  return static_cast<double>(finite) / static_cast<double>(series.size());
}

double median(std::vector<double> v) {
  if (v.empty()) return kSynchronyNaN;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

// Fills the per-window rows and the descriptive part of the summary from the observed matrix.
void describe(const synchrony_detail::LagMatrix& matrix, const synchrony_detail::WindowStats& stats,
              const Grid& grid, double rate_hz, SynchronyResult& result) {
  using synchrony_detail::fisher_z;
  using synchrony_detail::Moments;
  SynchronySummary& s = result.summary;
  const std::size_t n_lags = matrix.n_lags;
  Moments peak_z, abs_z, lag_sec;
  std::vector<double> lags_used;
  int patient_leads = 0, therapist_leads = 0, local = 0;
  for (std::size_t j = 0; j < grid.starts.size(); ++j) {
    SynchronyWindow row;
    row.window_index = static_cast<int>(j);
    row.t_start_sec = static_cast<double>(grid.starts[j]) / rate_hz;
    row.t_end_sec = static_cast<double>(grid.starts[j] + grid.window) / rate_hz;
    row.valid_fraction = matrix.valid_fraction[j];
    row.status = matrix.status[j];
    row.r_by_lag.assign(matrix.row(j), matrix.row(j) + n_lags);
    row.r_lag0 = row.r_by_lag[grid.lag0_index()];
    if (row.status == WindowStatus::MissingData) ++s.windows_missing_data;
    if (row.status == WindowStatus::NoVariance) ++s.windows_no_variance;
    if (row.status == WindowStatus::Ok) {
      ++s.windows_used;
      const PeakPick pick = stats.picks[j];
      const std::int64_t lag = grid.lags[static_cast<std::size_t>(pick.lag_index)];
      row.peak_lag_sec = static_cast<double>(lag) / rate_hz;
      row.peak_r = row.r_by_lag[static_cast<std::size_t>(pick.lag_index)];
      row.peak_is_local = pick.is_local;
      peak_z.add(fisher_z(row.peak_r));
      Moments window_abs;
      for (double r : row.r_by_lag)
        if (std::isfinite(r)) window_abs.add(std::abs(fisher_z(r)));
      abs_z.add(window_abs.mean());
      lag_sec.add(row.peak_lag_sec);
      lags_used.push_back(row.peak_lag_sec);
      patient_leads += lag > 0;
      therapist_leads += lag < 0;
      local += pick.is_local;
    }
    result.windows.push_back(std::move(row));
  }
  s.windows_total = static_cast<int>(grid.starts.size());
  if (s.windows_used == 0) return;
  const double used = s.windows_used;
  s.mean_peak_r = std::tanh(peak_z.mean());
  s.mean_abs_r = std::tanh(abs_z.mean());
  s.synchrony_z = synchrony_detail::finite_moments(stats.z).mean();
  s.synchrony = std::tanh(s.synchrony_z);
  s.peak_lag_median_sec = median(std::move(lags_used));
  s.peak_lag_mean_sec = lag_sec.mean();
  s.peak_lag_sd_sec = lag_sec.sd();
  s.share_patient_leads = patient_leads / used;
  s.share_therapist_leads = therapist_leads / used;
  s.share_local_peak = local / used;
}

}  // namespace

SynchronyResult compute_synchrony(std::span<const double> patient, std::span<const double> therapist,
                                  double sample_rate_hz, const SynchronyOptions& options,
                                  const SynchronyProgress& progress) {
  if (patient.size() != therapist.size())
    fail(ErrorCode::Input, "patient series has ", patient.size(), " samples but therapist series has ",
         therapist.size(), "; both must be on one time axis");
  if (!(std::isfinite(sample_rate_hz) && sample_rate_hz > 0))
    fail(ErrorCode::Input, "sample rate must be a positive number of Hz (got ", sample_rate_hz, ")");
  validate_options(options);
  const auto n = static_cast<std::int64_t>(patient.size());
  Grid grid = make_grid(n, sample_rate_hz, options);
  const std::int64_t segment_samples =
      to_samples(options.segment_sec.value_or(options.window_sec), sample_rate_hz);
  if (options.n_surrogates > 0) check_surrogate_segments(n, segment_samples);

  SynchronyResult result;
  SynchronySummary& s = result.summary;
  s.options = options;
  s.sample_rate_hz = sample_rate_hz;
  s.n_samples = n;
  s.window_samples = grid.window;
  s.step_samples = to_samples(options.step_sec, sample_rate_hz);
  s.max_lag_samples = grid.max_lag;
  s.segment_samples = segment_samples;
  s.peak_half_width_lags = grid.peak_half_width;
  s.patient_valid_fraction = finite_share(patient);
  s.therapist_valid_fraction = finite_share(therapist);
  for (std::int64_t lag : grid.lags) result.lags_sec.push_back(static_cast<double>(lag) / sample_rate_hz);

  const synchrony_detail::WclcEngine engine(patient, grid);
  synchrony_detail::LagMatrix matrix;
  engine.compute(therapist, matrix);
  synchrony_detail::WindowStats stats;
  synchrony_detail::window_stats(matrix, grid, options, stats);
  describe(matrix, stats, grid, sample_rate_hz, result);
  s.surrogate = synchrony_detail::run_surrogate_test(engine, therapist, options, segment_samples, stats, progress);
  return result;
}

}  // namespace psyface::measures
