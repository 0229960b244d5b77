// Standard normal deviates for the synchrony tests, from the raw mt19937_64 stream (Box-Muller): the
// same numbers with every standard library, unlike std::normal_distribution.
#pragma once
#include <cmath>
#include <cstdint>
#include <random>

namespace psyface::measures::test {

class Gaussian {
 public:
  explicit Gaussian(std::uint64_t seed) : rng_(seed) {}
  double operator()() {
    const double u1 = (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace psyface::measures::test
