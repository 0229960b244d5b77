// Statistical behaviour of the synchrony measure on simulated dyads: a known lead/lag is recovered
// exactly and is significant; independent series give p < 0.05 about 5 % of the time; the segment
// shuffle is a reproducible derangement; and the run time of a 50-minute session.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <random>
#include <vector>

#include "gaussian.hpp"
#include "measures/synchrony.hpp"
#include "measures/synchrony_engine.hpp"

namespace psyface::measures {
namespace {

using synchrony_detail::segment_shuffle;
using synchrony_detail::uniform_below;

using test::Gaussian;

// Stationary AR(1) with unit variance: x[t] = phi x[t-1] + sqrt(1 - phi^2) e[t].
std::vector<double> ar1(std::size_t n, double phi, Gaussian& g) {
  std::vector<double> x(n);
  x[0] = g();
  for (std::size_t t = 1; t < n; ++t) x[t] = phi * x[t - 1] + std::sqrt(1 - phi * phi) * g();
  return x;
}

struct Dyad {
  std::vector<double> patient, therapist;
};

// therapist(t) = coupling * patient(t - lag) + noise, both unit variance; lag > 0: patient leads.
Dyad coupled_dyad(std::size_t n, std::int64_t lag, double coupling, std::uint64_t seed) {
  Gaussian g(seed);
  const std::size_t margin = static_cast<std::size_t>(std::llabs(lag));
  const std::vector<double> source = ar1(n + 2 * margin, 0.8, g);
  const std::vector<double> noise = ar1(n, 0.8, g);
  Dyad d;
  for (std::size_t t = 0; t < n; ++t) {
    d.patient.push_back(source[t + margin]);
    d.therapist.push_back(coupling * source[t + margin - lag] + std::sqrt(1 - coupling * coupling) * noise[t]);
  }
  return d;
}

constexpr double kRateHz = 5.0;

class SynchronyKnownLag : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(SynchronyKnownLag, PeakLagIsRecoveredExactlyAndSignificant) {
  const std::int64_t lag = GetParam();
  const Dyad d = coupled_dyad(3000, lag, 0.6, 1000 + static_cast<std::uint64_t>(lag + 50));  // 10 min
  const SynchronyResult res = compute_synchrony(d.patient, d.therapist, kRateHz);  // defaults, 200 surrogates
  const SynchronySummary& s = res.summary;
  const double expected_sec = static_cast<double>(lag) / kRateHz;
  ASSERT_GT(s.windows_used, 30);
  EXPECT_DOUBLE_EQ(s.peak_lag_median_sec, expected_sec);
  std::map<double, int> counts;
  for (const SynchronyWindow& w : res.windows) ++counts[w.peak_lag_sec];
  const auto mode = std::max_element(counts.begin(), counts.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  EXPECT_DOUBLE_EQ(mode->first, expected_sec);
  if (lag == 0)
    EXPECT_LT(s.share_patient_leads + s.share_therapist_leads, 0.25);
  else
    EXPECT_GT(lag > 0 ? s.share_patient_leads : s.share_therapist_leads, 0.75);
  EXPECT_NEAR(s.mean_peak_r, 0.6, 0.1);
  EXPECT_EQ(s.surrogate.n_valid, 200);
  EXPECT_LT(s.surrogate.p_value, 0.01);
  EXPECT_DOUBLE_EQ(s.surrogate.p_value, 1.0 / 201.0);  // no surrogate reaches the observed value
  EXPECT_GT(s.surrogate.effect_z, 5.0);
  EXPECT_GT(s.surrogate.glass_delta, 1.0);
  std::printf("[ lag %+lld ] synchrony r %.3f, surrogate mean r %.3f, effect_z %.1f, Glass delta %.2f, p %.4f\n",
              static_cast<long long>(lag), s.synchrony, std::tanh(s.surrogate.mean_z), s.surrogate.effect_z,
              s.surrogate.glass_delta, s.surrogate.p_value);
}

INSTANTIATE_TEST_SUITE_P(PlusMinus, SynchronyKnownLag, ::testing::Values(4, -4, 0, 12, -12));

TEST(SynchronySurrogate, MeanAbsStatisticAlsoDetectsCoupling) {
  const Dyad d = coupled_dyad(3000, 3, 0.5, 77);
  SynchronyOptions o;
  o.statistic = SynchronyStatistic::MeanAbsR;
  o.n_surrogates = 99;
  const SynchronySummary s = compute_synchrony(d.patient, d.therapist, kRateHz, o).summary;
  EXPECT_DOUBLE_EQ(s.synchrony, s.mean_abs_r);
  EXPECT_LT(s.surrogate.p_value, 0.02);
  EXPECT_DOUBLE_EQ(s.peak_lag_median_sec, 0.6);
}

// Under independence the p-value must be (close to) uniform. 200 independent AR(1) pairs, 99
// surrogates each; the test rejects at p <= 0.05 (p takes the values k / 100). For a valid test the
// rejection count is Binomial(200, 0.05) (mean 10, SD 3.1); the bounds 0.01 .. 0.10 are about -2.6
// and +3.2 SD, so a test that is too liberal or uselessly conservative fails.
TEST(SynchronySurrogate, IndependentSeriesRejectAtTheNominalRate) {
  constexpr int kPairs = 200;
  SynchronyOptions o;
  o.n_surrogates = 99;
  int reject_05 = 0, reject_01 = 0;
  double p_sum = 0;
  for (int i = 0; i < kPairs; ++i) {
    Gaussian g(5000 + static_cast<std::uint64_t>(i));
    const std::vector<double> patient = ar1(2400, 0.8, g), therapist = ar1(2400, 0.8, g);  // 8 min
    o.seed = 9000 + static_cast<std::uint64_t>(i);
    const double p = compute_synchrony(patient, therapist, kRateHz, o).summary.surrogate.p_value;
    ASSERT_TRUE(p > 0 && p <= 1);
    reject_05 += p <= 0.05;
    reject_01 += p <= 0.01;
    p_sum += p;
  }
  const double rate = static_cast<double>(reject_05) / kPairs;
  std::printf("[ null ] %d pairs: share p <= 0.05 = %.3f, share p <= 0.01 = %.3f, mean p = %.3f\n", kPairs, rate,
              static_cast<double>(reject_01) / kPairs, p_sum / kPairs);
  EXPECT_LE(rate, 0.10);
  EXPECT_GE(rate, 0.01);
  EXPECT_NEAR(p_sum / kPairs, 0.5, 0.08);  // mean of 200 uniforms: SD 0.02
}

TEST(SynchronySurrogate, SameSeedSameResultOtherSeedOtherSurrogates) {
  const Dyad d = coupled_dyad(1500, 2, 0.3, 5);
  SynchronyOptions o;
  o.n_surrogates = 50;
  int calls = 0, last_done = 0;
  const SynchronySummary a = compute_synchrony(d.patient, d.therapist, kRateHz, o, [&](int done, int total) {
                               ++calls;
                               last_done = done;
                               EXPECT_EQ(total, 50);
                             }).summary;
  EXPECT_EQ(calls, 50);
  EXPECT_EQ(last_done, 50);
  const SynchronySummary b = compute_synchrony(d.patient, d.therapist, kRateHz, o).summary;
  EXPECT_EQ(a.surrogate.mean_z, b.surrogate.mean_z);  // bitwise
  EXPECT_EQ(a.surrogate.p_value, b.surrogate.p_value);
  o.seed += 1;
  const SynchronySummary c = compute_synchrony(d.patient, d.therapist, kRateHz, o).summary;
  EXPECT_EQ(a.synchrony_z, c.synchrony_z);  // the observed statistic does not depend on the seed
  EXPECT_NE(a.surrogate.mean_z, c.surrogate.mean_z);
}

TEST(SynchronySurrogate, SegmentShuffleIsAReproducibleDerangement) {
  std::vector<double> series(1050);
  for (std::size_t i = 0; i < series.size(); ++i) series[i] = static_cast<double>(i);
  const std::int64_t seg = 100;  // 10 full segments and one of 50
  std::mt19937_64 rng(42), rng_again(42);
  for (int rep = 0; rep < 200; ++rep) {
    const std::vector<double> s = segment_shuffle(series, seg, rng);
    ASSERT_EQ(s, segment_shuffle(series, seg, rng_again));
    ASSERT_EQ(s.size(), series.size());
    std::vector<double> sorted = s;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(sorted, series);  // a permutation of the samples
    std::size_t offset = 0;
    while (offset < s.size()) {  // walk the segments: each is an intact run, none where it was
      const auto first = static_cast<std::int64_t>(s[offset]);
      ASSERT_EQ(first % seg, 0) << "segment cut in the middle";
      ASSERT_NE(static_cast<std::int64_t>(offset), first) << "segment left at its original offset";
      const std::int64_t len = std::min<std::int64_t>(seg, 1050 - first);
      for (std::int64_t k = 0; k < len; ++k) ASSERT_EQ(s[offset + k], static_cast<double>(first + k));
      offset += static_cast<std::size_t>(len);
    }
  }
}

TEST(SynchronySurrogate, UniformBelowStaysInRangeAndIsFlat) {
  std::mt19937_64 rng(7);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const std::uint64_t v = uniform_below(rng, 7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);  // SD ~93
}

// Timing figure for docs/synchrony.md: a 50-minute session at 5 Hz with the default options
// (200 surrogates). Printed, not asserted (speed never fails the build).
TEST(SynchronyTiming, FiftyMinuteSessionAtFiveHz) {
  const Dyad d = coupled_dyad(15000, 3, 0.3, 123);
  struct Timing {
    double wall_sec, cpu_sec;
    int windows_used;
  };
  auto time_it = [](const std::vector<double>& p, const std::vector<double>& t) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    const SynchronySummary s = compute_synchrony(p, t, kRateHz).summary;
    const double cpu_sec = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(s.surrogate.n_valid, 200);
    return Timing{wall.count(), cpu_sec, s.windows_used};
  };
  const Timing clean = time_it(d.patient, d.therapist);
  // The same session with the patient's face missing for 1 s every 20 s (5 %): every window has gaps
  // and takes the pairwise-complete path.
  std::vector<double> gappy = d.patient;
  for (std::size_t t = 0; t < gappy.size(); t += 100)
    for (std::size_t k = 0; k < 5; ++k) gappy[t + k] = kSynchronyNaN;
  const Timing gappy_run = time_it(gappy, d.therapist);
  std::printf(
      "[ timing ] 15000 samples, %d windows x 51 lags, 1 + 200 runs: complete %.3f s (cpu %.3f s), "
      "5%% missing %.3f s (cpu %.3f s)\n",
      clean.windows_used, clean.wall_sec, clean.cpu_sec, gappy_run.wall_sec, gappy_run.cpu_sec);
  RecordProperty("complete_sec", std::to_string(clean.wall_sec));
  RecordProperty("gappy_sec", std::to_string(gappy_run.wall_sec));
  EXPECT_EQ(gappy_run.windows_used, clean.windows_used);
}

}  // namespace
}  // namespace psyface::measures
