// Unit tests for src/measures/synchrony*.cpp: correlations against an independent implementation, the
// fast path against the pairwise-complete reference, peak picking, missing data, option checks, CSV.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gaussian.hpp"
#include "measures/synchrony.hpp"
#include "measures/synchrony_engine.hpp"
#include "psyface/error.hpp"

namespace psyface::measures {
namespace {

constexpr double kNaN = kSynchronyNaN;

using test::Gaussian;

std::vector<double> white_noise(std::size_t n, std::uint64_t seed) {
  Gaussian g(seed);
  std::vector<double> v(n);
  for (double& x : v) x = g();
  return v;
}

// Error code thrown by f, or nullopt-like sentinel -1 when nothing was thrown.
template <typename F>
int thrown_code(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return static_cast<int>(e.code());
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------
// Reference values from Python 3.11's statistics.correlation (an independent Pearson implementation):
//
//   from statistics import correlation
//   nan = float("nan")
//   x = [0.2, 1.5, -0.3, 2.0, 0.7, 1.1, -1.2, 0.4, 0.9, 1.8]
//   y = [1.0, 0.1, 1.4, 0.2, 2.2, 0.5, 0.9, -0.8, 0.6, 1.3]
//   def r(x, y, start, n, lag):
//       pairs = [(x[t], y[t + lag]) for t in range(start, start + n)
//                if x[t] == x[t] and y[t + lag] == y[t + lag]]
//       return correlation([a for a, _ in pairs], [b for _, b in pairs]), len(pairs)
//   for lag in (-1, 0, 1): print("full", lag, "%.17g %d" % r(x, y, 1, 8, lag))
//   y[4] = nan
//   for lag in (-1, 0, 1): print("gap ", lag, "%.17g %d" % r(x, y, 1, 8, lag))
// ---------------------------------------------------------------------------------------------------
const std::vector<double> kTinyPatient = {0.2, 1.5, -0.3, 2.0, 0.7, 1.1, -1.2, 0.4, 0.9, 1.8};
const std::vector<double> kTinyTherapist = {1.0, 0.1, 1.4, 0.2, 2.2, 0.5, 0.9, -0.8, 0.6, 1.3};
constexpr double kTinyR[3] = {0.36680237321705544, -0.29631943813080536, 0.963588360193954};       // lag -1, 0, 1
constexpr double kTinyGapR[3] = {0.33399448821176042, -0.44088294465342176, 0.95417145599480213};  // y[4] = NaN

SynchronyOptions tiny_options() {
  SynchronyOptions o;
  o.window_sec = 8;  // at 1 Hz: one window, patient samples 1..8
  o.step_sec = 100;
  o.max_lag_sec = 1;
  o.peak_half_width_sec = 1;  // one lag step
  o.n_surrogates = 0;
  return o;
}

TEST(SynchronyPearson, TinySeriesMatchesIndependentPearson) {
  const SynchronyResult res = compute_synchrony(kTinyPatient, kTinyTherapist, 1.0, tiny_options());
  ASSERT_EQ(res.lags_sec, (std::vector<double>{-1, 0, 1}));
  ASSERT_EQ(res.windows.size(), 1u);
  const SynchronyWindow& w = res.windows[0];
  EXPECT_EQ(w.status, WindowStatus::Ok);
  EXPECT_DOUBLE_EQ(w.t_start_sec, 1.0);
  EXPECT_DOUBLE_EQ(w.t_end_sec, 9.0);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(w.r_by_lag[k], kTinyR[k], 1e-13) << "lag " << k - 1;
  EXPECT_NEAR(w.r_lag0, kTinyR[1], 1e-13);
  // The therapist copies the patient one second later, so the peak is at +1 s: patient leads.
  // With half width 1 only lag 0 could be a local maximum and it is not, so this is the fallback.
  EXPECT_DOUBLE_EQ(w.peak_lag_sec, 1.0);
  EXPECT_NEAR(w.peak_r, kTinyR[2], 1e-13);
  EXPECT_FALSE(w.peak_is_local);
  EXPECT_DOUBLE_EQ(res.summary.share_patient_leads, 1.0);
  EXPECT_NEAR(res.summary.mean_peak_r, kTinyR[2], 1e-12);

  for (int lag = -1; lag <= 1; ++lag) {
    const LaggedCorrelation c = lagged_pearson_r(kTinyPatient, kTinyTherapist, 1, 8, lag);
    EXPECT_NEAR(c.r, kTinyR[lag + 1], 1e-13);
    EXPECT_EQ(c.n_pairs, 8);
  }
}

TEST(SynchronyPearson, TinySeriesWithGapUsesPairwiseCompleteSamples) {
  std::vector<double> therapist = kTinyTherapist;
  therapist[4] = kNaN;
  const SynchronyResult res = compute_synchrony(kTinyPatient, therapist, 1.0, tiny_options());
  const SynchronyWindow& w = res.windows[0];
  EXPECT_EQ(w.status, WindowStatus::Ok);
  EXPECT_DOUBLE_EQ(w.valid_fraction, 7.0 / 8.0);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(w.r_by_lag[k], kTinyGapR[k], 1e-13) << "lag " << k - 1;
  for (int lag = -1; lag <= 1; ++lag) EXPECT_EQ(lagged_pearson_r(kTinyPatient, therapist, 1, 8, lag).n_pairs, 7);
}

TEST(SynchronyPearson, ConstantOrTooShortGivesNaN) {
  const std::vector<double> flat(10, 0.5);
  EXPECT_TRUE(std::isnan(lagged_pearson_r(kTinyPatient, flat, 1, 8, 0).r));
  EXPECT_TRUE(std::isnan(lagged_pearson_r(kTinyPatient, kTinyTherapist, 0, 2, 0).r));
  EXPECT_EQ(thrown_code([] { lagged_pearson_r(kTinyPatient, kTinyTherapist, 2, 8, 1); }),
            static_cast<int>(ErrorCode::Internal));
}

// The complete-data fast path (centred windows, running sums over lags) must agree with the two-pass
// pairwise-complete reference for every window and lag: on data with a large offset, and on a stretch
// where the therapist barely moves (variance 1e-12 around 5.0), where one-pass sums would cancel.
TEST(SynchronyPearson, FastPathMatchesReferenceEverywhere) {
  const std::size_t n = 1500;
  std::vector<double> patient = white_noise(n, 11), therapist = white_noise(n, 12);
  for (std::size_t t = 1; t < n; ++t) {  // smooth a little and add offsets
    patient[t] = 0.7 * patient[t - 1] + patient[t];
    therapist[t] = 0.5 * therapist[t - 1] + therapist[t];
  }
  for (double& v : patient) v = 1000.0 + 0.01 * v;
  for (std::size_t t = 600; t < 900; ++t) therapist[t] = 5.0 + 1e-6 * therapist[t];
  SynchronyOptions o;
  o.n_surrogates = 0;
  o.lag_step_samples = 2;
  const SynchronyResult res = compute_synchrony(patient, therapist, 5.0, o);
  ASSERT_EQ(res.lags_sec.size(), 25u);  // 5 s at 5 Hz = 25 samples, rounded down to 24 by the step of 2
  ASSERT_EQ(res.windows.size(), (n - 150 - 48) / 75 + 1);
  double worst = 0;
  int compared = 0;
  for (const SynchronyWindow& w : res.windows) {
    ASSERT_EQ(w.status, WindowStatus::Ok);
    const auto start = static_cast<std::int64_t>(std::llround(w.t_start_sec * 5.0));
    for (std::size_t k = 0; k < res.lags_sec.size(); ++k) {
      const auto lag = static_cast<std::int64_t>(std::llround(res.lags_sec[k] * 5.0));
      const double ref = lagged_pearson_r(patient, therapist, start, 150, lag).r;
      ASSERT_TRUE(std::isfinite(ref));
      worst = std::max(worst, std::abs(ref - w.r_by_lag[k]));
      ++compared;
    }
  }
  EXPECT_EQ(compared, 18 * 25);
  EXPECT_LT(worst, 1e-12);
}

// ---------------------------------------------------------------------------------------------------
TEST(SynchronyPeak, ClosestLocalMaximumToZeroWins) {
  const std::vector<std::int64_t> lags = {-4, -3, -2, -1, 0, 1, 2, 3, 4};
  // Local maxima at -3 (0.6) and +2 (0.3) with half width 1: +2 is closer to 0.
  const std::vector<double> r = {0.1, 0.6, 0.2, 0.0, -0.1, 0.1, 0.3, 0.2, 0.25};
  PeakPick p = pick_peak(r, lags, 1, 0.0);
  EXPECT_EQ(lags[p.lag_index], 2);
  EXPECT_TRUE(p.is_local);
  // A threshold above 0.3 leaves only the peak at -3.
  p = pick_peak(r, lags, 1, 0.5);
  EXPECT_EQ(lags[p.lag_index], -3);
  EXPECT_TRUE(p.is_local);
  // Half width 2: +2 no longer beats +4 (0.25 < 0.3 is fine) but must beat 0 and 1 and 3, 4: it does.
  p = pick_peak(r, lags, 2, 0.0);
  EXPECT_EQ(lags[p.lag_index], 2);
}

TEST(SynchronyPeak, TieAtEqualDistancePrefersLargerThenPositive) {
  const std::vector<std::int64_t> lags = {-3, -2, -1, 0, 1, 2, 3};
  std::vector<double> r = {0.0, 0.4, 0.1, 0.0, 0.1, 0.5, 0.0};
  EXPECT_EQ(lags[pick_peak(r, lags, 1, 0.0).lag_index], 2);
  r[5] = 0.4;
  EXPECT_EQ(lags[pick_peak(r, lags, 1, 0.0).lag_index], 2);
  r[1] = 0.45;
  EXPECT_EQ(lags[pick_peak(r, lags, 1, 0.0).lag_index], -2);
}

TEST(SynchronyPeak, FallsBackToLargestWhenNoLocalMaximum) {
  const std::vector<std::int64_t> lags = {-2, -1, 0, 1, 2};
  const std::vector<double> rising = {0.1, 0.2, 0.3, 0.4, 0.5};  // monotone: peak beyond the lag range
  PeakPick p = pick_peak(rising, lags, 1, 0.0);
  EXPECT_EQ(lags[p.lag_index], 2);
  EXPECT_FALSE(p.is_local);
  const std::vector<double> negative = {-0.5, -0.2, -0.4, -0.6, -0.3};  // local max at -1 is below 0
  p = pick_peak(negative, lags, 1, 0.0);
  EXPECT_EQ(lags[p.lag_index], -1);
  EXPECT_FALSE(p.is_local);
  const std::vector<double> gap = {0.1, 0.5, kNaN, 0.2, 0.1};  // neighbour undefined: not a local max
  p = pick_peak(gap, lags, 1, 0.0);
  EXPECT_EQ(lags[p.lag_index], -1);
  EXPECT_FALSE(p.is_local);
  const std::vector<double> none(5, kNaN);
  EXPECT_EQ(pick_peak(none, lags, 1, 0.0).lag_index, -1);
}

// ---------------------------------------------------------------------------------------------------
TEST(SynchronyMissing, WindowsBeyondMinValidFractionAreSkippedAndCounted) {
  const std::size_t n = 3000;  // 10 min at 5 Hz
  std::vector<double> patient = white_noise(n, 21), therapist = white_noise(n, 22);
  for (std::size_t t = 1000; t < 1100; ++t) patient[t] = kNaN;   // 20 s without the patient's face
  for (std::size_t t = 2000; t < 2300; ++t) therapist[t] = 0.0;  // 60 s of a perfectly flat therapist
  SynchronyOptions o;  // window 150 samples, step 75, max lag 25, min_valid_fraction 0.75
  o.n_surrogates = 0;
  const SynchronyResult res = compute_synchrony(patient, therapist, 5.0, o);

  int expected_missing = 0, expected_flat = 0;
  for (const SynchronyWindow& w : res.windows) {
    const auto s = static_cast<std::int64_t>(std::llround(w.t_start_sec * 5.0));
    const std::int64_t gap =
        std::max<std::int64_t>(0, std::min<std::int64_t>(s + 150, 1100) - std::max<std::int64_t>(s, 1000));
    EXPECT_DOUBLE_EQ(w.valid_fraction, (150.0 - gap) / 150.0);
    // Needs ceil(0.75 * 150) = 113 complete pairs: a gap of 38 or more samples skips the window.
    if (gap >= 38) {
      ++expected_missing;
      EXPECT_EQ(w.status, WindowStatus::MissingData) << "window at " << w.t_start_sec << " s";
      EXPECT_TRUE(std::isnan(w.peak_r));
    } else if (s - 25 >= 2000 && s + 150 + 25 <= 2300) {
      ++expected_flat;  // therapist flat at every lag
      EXPECT_EQ(w.status, WindowStatus::NoVariance) << "window at " << w.t_start_sec << " s";
    } else {
      EXPECT_EQ(w.status, WindowStatus::Ok) << "window at " << w.t_start_sec << " s";
      if (gap > 0) {  // partly missing: pairwise-complete r
        EXPECT_NEAR(w.r_lag0, lagged_pearson_r(patient, therapist, s, 150, 0).r, 1e-12);
      }
    }
  }
  EXPECT_GT(expected_missing, 0);
  EXPECT_GT(expected_flat, 0);
  EXPECT_EQ(res.summary.windows_missing_data, expected_missing);
  EXPECT_EQ(res.summary.windows_no_variance, expected_flat);
  EXPECT_EQ(res.summary.windows_used + expected_missing + expected_flat, res.summary.windows_total);
  EXPECT_EQ(res.summary.windows_total, static_cast<int>(res.windows.size()));
  EXPECT_NEAR(res.summary.patient_valid_fraction, 1.0 - 100.0 / 3000.0, 1e-15);
}

TEST(SynchronyMissing, AllMissingGivesNoStatisticButNoThrow) {
  const std::vector<double> patient(1500, kNaN), therapist = white_noise(1500, 3);
  SynchronyOptions o;
  o.n_surrogates = 20;
  const SynchronyResult res = compute_synchrony(patient, therapist, 5.0, o);
  EXPECT_EQ(res.summary.windows_used, 0);
  EXPECT_EQ(res.summary.windows_missing_data, res.summary.windows_total);
  EXPECT_TRUE(std::isnan(res.summary.synchrony));
  EXPECT_TRUE(std::isnan(res.summary.surrogate.p_value));
}

// ---------------------------------------------------------------------------------------------------
TEST(SynchronyOptionsCheck, InvalidInputThrowsWithTheRightCode) {
  const std::vector<double> a = white_noise(3000, 1), b = white_noise(3000, 2);
  const int usage = static_cast<int>(ErrorCode::Usage), input = static_cast<int>(ErrorCode::Input);
  auto run = [&](SynchronyOptions o, double rate = 5.0, std::size_t n_b = 3000) {
    return thrown_code([&] { compute_synchrony(a, std::span(b).first(n_b), rate, o); });
  };
  SynchronyOptions ok;
  ok.n_surrogates = 2;
  EXPECT_EQ(run(ok), -1);
  EXPECT_EQ(run(ok, 5.0, 2999), input);  // lengths differ
  EXPECT_EQ(run(ok, 0.0), input);        // sample rate <= 0
  EXPECT_EQ(run(ok, -5.0), input);
  EXPECT_EQ(run(ok, std::nan("")), input);
  SynchronyOptions o = ok;
  o.window_sec = 595;  // window + 2 lags > 600 s series
  EXPECT_EQ(run(o), input);
  o = ok, o.window_sec = 1e300;  // absurdly long: still a clean "too long" error
  EXPECT_EQ(run(o), input);
  o = ok, o.max_lag_sec = 30;  // max lag == window
  EXPECT_EQ(run(o), usage);
  o = ok, o.max_lag_sec = 45;
  EXPECT_EQ(run(o), usage);
  o = ok, o.window_sec = 0;
  EXPECT_EQ(run(o), usage);
  o = ok, o.window_sec = 0.2;  // 1 sample
  o.max_lag_sec = 0;
  EXPECT_EQ(run(o), usage);
  o = ok, o.step_sec = -1;
  EXPECT_EQ(run(o), usage);
  o = ok, o.max_lag_sec = -1;
  EXPECT_EQ(run(o), usage);
  o = ok, o.lag_step_samples = 0;
  EXPECT_EQ(run(o), usage);
  o = ok, o.min_valid_fraction = 0;
  EXPECT_EQ(run(o), usage);
  o = ok, o.min_valid_fraction = 1.5;
  EXPECT_EQ(run(o), usage);
  o = ok, o.peak_half_width_sec = 0;
  EXPECT_EQ(run(o), usage);
  o = ok, o.min_peak_r = 2;
  EXPECT_EQ(run(o), usage);
  o = ok, o.n_surrogates = -1;
  EXPECT_EQ(run(o), usage);
  o = ok, o.segment_sec = 0.0;
  EXPECT_EQ(run(o), usage);
  o = ok, o.segment_sec = 60.0;  // 600 s series: 10 segments
  EXPECT_EQ(run(o), -1);
  o = ok, o.segment_sec = 67.0;  // 9 segments (the last one short)
  EXPECT_EQ(run(o), input);
  o.n_surrogates = 0;  // fine without surrogates
  EXPECT_EQ(run(o), -1);
}

TEST(SynchronyOptionsCheck, MessagesNameTheProblem) {
  const std::vector<double> a(100, 0.0), b(99, 0.0);
  try {
    compute_synchrony(a, b, 5.0);
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("100"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("99"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------------------------------
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find("\r\n", pos);
    EXPECT_NE(end, std::string::npos) << "line without CRLF";
    if (end == std::string::npos) break;
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

TEST(SynchronyCsv, WindowsTableHasHeaderRowsAndNA) {
  std::vector<double> therapist = kTinyTherapist;
  SynchronyOptions o = tiny_options();
  o.window_sec = 4, o.step_sec = 2;  // windows at 1, 3, 5 s
  for (std::size_t t = 3; t < 7; ++t) therapist[t] = kNaN;
  const SynchronyResult res = compute_synchrony(kTinyPatient, therapist, 1.0, o);
  std::ostringstream out;
  write_synchrony_windows_csv(out, res, "dyad 7, \"s3\"");
  const auto lines = split_lines(out.str());
  ASSERT_EQ(lines.size(), 1 + res.windows.size());
  EXPECT_EQ(lines[0],
            "session_id,window_index,t_start_sec,t_end_sec,valid_fraction,status,peak_lag_sec,peak_r,"
            "peak_is_local,r_lag0");
  EXPECT_EQ(lines[2], "\"dyad 7, \"\"s3\"\"\",1,3,7,0,missing_data,NA,NA,NA,NA");
  EXPECT_EQ(lines[1].substr(0, 26), "\"dyad 7, \"\"s3\"\"\",0,1,5,0.5");
}

TEST(SynchronyCsv, NumbersRoundTripAndSummaryEchoesOptions) {
  const SynchronyResult res = compute_synchrony(kTinyPatient, kTinyTherapist, 1.0, tiny_options());
  std::ostringstream out;
  write_synchrony_lag_profile_csv(out, res, "s1");
  const auto lines = split_lines(out.str());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[3].substr(0, 11), "s1,0,1,1,0.");
  EXPECT_NEAR(std::stod(lines[3].substr(9)), kTinyR[2], 1e-13);
  EXPECT_EQ(std::stod(lines[1].substr(lines[1].rfind(',') + 1)), res.windows[0].r_by_lag[0]);

  SynchronySummary a = res.summary, b = res.summary;
  a.session_id = "s1", b.session_id = "s2";
  const std::vector<SynchronySummary> sessions = {a, b};
  std::ostringstream sum;
  write_synchrony_summary_csv(sum, sessions);
  const auto rows = split_lines(sum.str());
  ASSERT_EQ(rows.size(), 3u);
  auto count_fields = [](const std::string& l) { return std::count(l.begin(), l.end(), ',') + 1; };
  EXPECT_EQ(count_fields(rows[0]), count_fields(rows[1]));
  EXPECT_EQ(rows[1].substr(0, 23), "s1,1,10,8,100,1,1,0.75,");
  EXPECT_NE(rows[1].find(",mean_peak_r,0,8,"), std::string::npos) << rows[1];
  EXPECT_TRUE(rows[1].ends_with(",0,NA,NA,NA,NA,NA")) << rows[1];  // no surrogate test
}

TEST(SynchronyCsv, FailedStreamThrowsOutputError) {
  const SynchronyResult res = compute_synchrony(kTinyPatient, kTinyTherapist, 1.0, tiny_options());
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  EXPECT_EQ(thrown_code([&] { write_synchrony_windows_csv(out, res, "s"); }), static_cast<int>(ErrorCode::Output));
}

}  // namespace
}  // namespace psyface::measures
