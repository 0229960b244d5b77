// Segment-shuffling surrogates (pseudo-synchrony; Ramseyer & Tschacher 2010, 2011) and the test built
// on them. Reproducible: only the raw std::mt19937_64 stream is used, never std::shuffle or
// std::uniform_int_distribution, whose algorithms differ between standard libraries.
#include <cmath>
#include <numeric>
#include <string>

#include "measures/synchrony_engine.hpp"
#include "psyface/error.hpp"

namespace psyface::measures::synchrony_detail {

std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t n) {
  // Values below 2^64 mod n would make the low residues more likely; reject them.
  const std::uint64_t threshold = (0 - n) % n;
  for (;;) {
    const std::uint64_t v = rng();
    if (v >= threshold) return v % n;
  }
}

std::vector<double> segment_shuffle(std::span<const double> series, std::int64_t segment_samples,
                                    std::mt19937_64& rng) {
  const auto n = static_cast<std::int64_t>(series.size());
  const std::int64_t n_segments = segment_samples > 0 ? (n + segment_samples - 1) / segment_samples : 0;
  if (n_segments < 3)
    throw Error(ErrorCode::Internal, "segment_shuffle: " + std::to_string(n) + " samples in segments of " +
                                         std::to_string(segment_samples) + " give fewer than 3 segments");
  auto seg_len = [&](std::int64_t i) { return std::min(segment_samples, n - i * segment_samples); };

  std::vector<std::int64_t> order(static_cast<std::size_t>(n_segments));
  // A segment left at its original offset would carry its genuine synchrony into the surrogate; redraw
  // until none is (at least ~1/3 of permutations qualify for 3 or more segments).
  constexpr int kMaxDraws = 10000;
  for (int draw = 0;; ++draw) {
    if (draw == kMaxDraws)
      throw Error(ErrorCode::Internal, "segment_shuffle: no permutation without a fixed segment found");
    std::iota(order.begin(), order.end(), std::int64_t{0});
    for (std::int64_t i = n_segments - 1; i > 0; --i)  // Fisher-Yates
      std::swap(order[static_cast<std::size_t>(i)], order[uniform_below(rng, static_cast<std::uint64_t>(i + 1))]);
    std::int64_t offset = 0;
    bool fixed = false;
    for (std::int64_t seg : order) {
      if (offset == seg * segment_samples) fixed = true;
      offset += seg_len(seg);
    }
    if (!fixed) break;
  }
  std::vector<double> out;
  out.reserve(series.size());
  for (std::int64_t seg : order) {
    const auto first = series.begin() + seg * segment_samples;
    out.insert(out.end(), first, first + seg_len(seg));
  }
  return out;
}

SurrogateTest run_surrogate_test(const WclcEngine& engine, std::span<const double> therapist,
                                 const SynchronyOptions& options, std::int64_t segment_samples,
                                 const WindowStats& obs_stats, const SynchronyProgress& progress) {
  SurrogateTest test;
  test.n_requested = options.n_surrogates;
  test.observed_z = finite_moments(obs_stats.z).mean();
  if (options.n_surrogates <= 0 || !std::isfinite(test.observed_z)) return test;

  std::mt19937_64 rng(options.seed);
  LagMatrix matrix;
  WindowStats stats;
  Moments statistic_moments, window_moments;
  int n_at_least_observed = 0;
  for (int i = 0; i < options.n_surrogates; ++i) {
    engine.compute(segment_shuffle(therapist, segment_samples, rng), matrix);
    window_stats(matrix, engine.grid(), options, stats);
    Moments m;
    for (double z : stats.z)
      if (std::isfinite(z)) {
        m.add(z);
        window_moments.add(z);
      }
    if (m.n > 0) {
      const double statistic = m.mean();
      statistic_moments.add(statistic);
      if (statistic >= test.observed_z) ++n_at_least_observed;
    }
    if (progress) progress(i + 1, options.n_surrogates);
  }
  test.n_valid = static_cast<int>(statistic_moments.n);
  if (test.n_valid == 0) return test;
  test.mean_z = statistic_moments.mean();
  test.sd_z = statistic_moments.sd();
  if (test.sd_z > 0) test.effect_z = (test.observed_z - test.mean_z) / test.sd_z;
  const double window_sd = window_moments.sd();
  if (window_sd > 0) test.glass_delta = (test.observed_z - window_moments.mean()) / window_sd;
  test.p_value = (1.0 + n_at_least_observed) / (1.0 + test.n_valid);
  return test;
}

}  // namespace psyface::measures::synchrony_detail
