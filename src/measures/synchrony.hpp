// Dyadic facial synchrony: windowed lagged cross-correlation (WCLC), peak picking, session summary and a
// segment-shuffling surrogate test. Method, defaults and references: docs/synchrony.md.
//
// Sign convention (used everywhere in this file and in every output): the correlation at lag L pairs
// patient[t] with therapist[t + L]. A positive lag means the therapist's series follows the patient's
// (patient leads); a negative lag means the patient follows (therapist leads).
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace psyface::measures {

inline constexpr double kSynchronyNaN = std::numeric_limits<double>::quiet_NaN();

// Fewest shuffle segments the surrogate test accepts. With fewer, surrogates are drawn from too few
// distinct permutations and the test rejects independent series too often (about 11 % at alpha = 0.05
// with 5 segments in our simulations; docs/synchrony.md).
inline constexpr int kMinSurrogateSegments = 10;

// Which per-window value the session "synchrony" statistic (and the surrogate test) averages.
enum class SynchronyStatistic {
  MeanPeakR,  // Fisher-z mean over windows of the picked peak r (Boker et al. 2002). Default.
  MeanAbsR    // Fisher-z mean over windows and lags of |r| (Ramseyer & Tschacher 2011). Descriptive: its
              // surrogate p-value is far too liberal for smooth signals (docs/synchrony.md, calibration).
};

struct SynchronyOptions {
  double window_sec = 30.0;          // length of each correlation window
  double step_sec = 15.0;            // distance between window starts (50 % overlap)
  double max_lag_sec = 5.0;          // lags from -max_lag_sec to +max_lag_sec; must be < window_sec
  int lag_step_samples = 1;          // lag grid spacing in samples
  double min_valid_fraction = 0.75;  // a window (and each lag) needs this share of complete pairs
  double peak_half_width_sec = 1.0;  // a local maximum beats every lag within +-this (>= 1 lag step)
  double min_peak_r = 0.25;          // a local maximum must be >= this r; 1 = always the largest r
  SynchronyStatistic statistic = SynchronyStatistic::MeanPeakR;
  int n_surrogates = 200;             // 0 skips the surrogate test
  std::optional<double> segment_sec;  // surrogate shuffle segment length; unset = window_sec
  std::uint64_t seed = 20110301;      // std::mt19937_64 seed; same seed and input -> same result
};

enum class WindowStatus {
  Ok,           // correlations computed, peak picked
  MissingData,  // fewer complete pairs than min_valid_fraction (at lag 0, or at every lag)
  NoVariance    // enough data, but one person's series is constant at every lag (e.g. smile 0 throughout)
};
std::string_view window_status_name(WindowStatus status);                 // "ok", "missing_data", "no_variance"
std::string_view synchrony_statistic_name(SynchronyStatistic statistic);  // "mean_peak_r", "mean_abs_r"

// One row per window, skipped windows included.
struct SynchronyWindow {
  int window_index = 0;
  double t_start_sec = 0.0;  // patient window [t_start_sec, t_end_sec) on the common time axis
  double t_end_sec = 0.0;
  double valid_fraction = 0.0;  // share of the window's samples where both series are finite (lag 0)
  WindowStatus status = WindowStatus::MissingData;
  double peak_lag_sec = kSynchronyNaN;  // NaN unless status == Ok; > 0: patient leads
  double peak_r = kSynchronyNaN;        // NaN unless status == Ok
  bool peak_is_local = false;           // true: local-maximum rule; false: fallback to the largest r
  double r_lag0 = kSynchronyNaN;        // NaN when undefined
  std::vector<double> r_by_lag;         // aligned with SynchronyResult::lags_sec; NaN where undefined
};

// Outcome of the segment-shuffling surrogate (pseudo-synchrony) test, on the Fisher-z scale.
struct SurrogateTest {
  int n_requested = 0;
  int n_valid = 0;                     // surrogates with at least one usable window
  double observed_z = kSynchronyNaN;   // the session statistic
  double mean_z = kSynchronyNaN;       // mean of the surrogate statistics
  double sd_z = kSynchronyNaN;         // SD (n - 1) of the surrogate statistics
  double effect_z = kSynchronyNaN;     // (observed_z - mean_z) / sd_z; grows with session length
  double glass_delta = kSynchronyNaN;  // (observed_z - mean surrogate window z) / SD of surrogate window z:
                                       // per-window effect size, comparable across session lengths
  double p_value = kSynchronyNaN;      // one-sided: (1 + #{surrogate >= observed}) / (1 + n_valid)
};

struct SynchronySummary {
  std::string session_id;    // left empty by compute_synchrony; set by the caller for the CSV
  SynchronyOptions options;  // as given
  double sample_rate_hz = 0.0;
  std::int64_t n_samples = 0;
  // Effective grid in samples / lag steps after rounding (docs/synchrony.md).
  std::int64_t window_samples = 0, step_samples = 0, max_lag_samples = 0, segment_samples = 0;
  int peak_half_width_lags = 0;
  double patient_valid_fraction = 0.0, therapist_valid_fraction = 0.0;  // finite share of each series

  int windows_total = 0, windows_used = 0, windows_missing_data = 0, windows_no_variance = 0;
  double synchrony = kSynchronyNaN;    // the chosen statistic in r units, tanh(synchrony_z); NaN if no window
  double synchrony_z = kSynchronyNaN;  // the chosen statistic on the Fisher-z scale
  double mean_peak_r = kSynchronyNaN;  // tanh(mean over used windows of atanh(peak r))
  double mean_abs_r = kSynchronyNaN;   // tanh(mean over used windows of (mean over lags of atanh|r|))
  double peak_lag_median_sec = kSynchronyNaN;
  double peak_lag_mean_sec = kSynchronyNaN;
  double peak_lag_sd_sec = kSynchronyNaN;
  double share_patient_leads = kSynchronyNaN;    // share of used windows with peak lag > 0
  double share_therapist_leads = kSynchronyNaN;  // share of used windows with peak lag < 0
  double share_local_peak = kSynchronyNaN;       // share of used windows picked by the local-maximum rule
  SurrogateTest surrogate;                       // n_requested == 0 and NaNs when skipped
};

struct SynchronyResult {
  SynchronySummary summary;
  std::vector<double> lags_sec;          // the lag grid, ascending, symmetric, contains 0
  std::vector<SynchronyWindow> windows;  // in time order
};

// Called after each surrogate with (done, total).
using SynchronyProgress = std::function<void(int surrogates_done, int surrogates_total)>;

// Windowed lagged cross-correlation between two per-frame series on one regularly sampled time axis.
// requires: patient.size() == therapist.size(); sample_rate_hz finite and > 0; options valid (see
//   docs/synchrony.md); non-finite samples (NaN for "no face") are missing data.
// ensures:  windows start at max_lag and step by step_samples while every lagged segment fits inside
//   the series; each (window, lag) r uses pairwise-complete samples; surrogates reproducible from seed.
// throws:   Error(Usage) for invalid options (bad ranges, max_lag >= window);
//           Error(Input) for unequal lengths, bad sample rate, a series too short for window + 2 max lag,
//           or too short for kMinSurrogateSegments shuffle segments when n_surrogates > 0.
SynchronyResult compute_synchrony(std::span<const double> patient, std::span<const double> therapist,
                                  double sample_rate_hz, const SynchronyOptions& options = {},
                                  const SynchronyProgress& progress = {});

// Pearson r between x[start, start + n) and y[start + lag, start + lag + n) on pairwise-complete
// (both finite) samples.
struct LaggedCorrelation {
  double r = kSynchronyNaN;  // NaN when fewer than 3 pairs or either side constant over the pairs
  std::int64_t n_pairs = 0;
};
// requires: 0 <= start, start + n <= x.size(), 0 <= start + lag, start + lag + n <= y.size()
//           (else throws Error(Internal)).
LaggedCorrelation lagged_pearson_r(std::span<const double> x, std::span<const double> y, std::int64_t start,
                                   std::int64_t n, std::int64_t lag);

// Peak picking on one window's r-by-lag curve (Boker et al. 2002).
struct PeakPick {
  int lag_index = -1;  // index into lags; -1 when every r is NaN
  bool is_local = false;
};
// Rule: among lag indices i whose r is defined, >= min_peak_r, and strictly greater than every r at the
// indices i-h..i+h (h = half_width; all of them must exist and be defined), take the one whose lag is
// closest to 0; on a tie (+L vs -L) the larger r, then the positive lag. If there is none, fall back to
// the largest defined r over all lags (is_local = false).
// requires: r_by_lag.size() == lags.size(); half_width >= 1.
PeakPick pick_peak(std::span<const double> r_by_lag, std::span<const std::int64_t> lags, int half_width,
                   double min_peak_r);

// CSV writers: RFC 4180 (CRLF line ends, fields quoted when needed), '.' decimal, shortest round-trip
// numbers, NA for missing values, TRUE/FALSE for booleans. Column meanings: docs/synchrony.md.
// throws: Error(Output) when the stream fails.
void write_synchrony_windows_csv(std::ostream& out, const SynchronyResult& result, std::string_view session_id);
void write_synchrony_lag_profile_csv(std::ostream& out, const SynchronyResult& result,
                                     std::string_view session_id);  // long format: one row per (window, lag)
void write_synchrony_summary_csv(std::ostream& out, std::span<const SynchronySummary> sessions);

}  // namespace psyface::measures
