// bench_predict: speed and simulated calibration of `psyface stats predict`'s model. Prints figures;
// never fails on speed or on the figures (the unit tests check a lighter version).
//   bench_predict [--studies 200] [--permutations 1000] [--skip-noise-permutations]
// 1. time of 1,000 permutations of the nested leave-one-patient-out fit, 23 patients x 4 measures;
// 2. pure noise (d = 0, 6 of 23 targets): mean CV AUC and P(permutation p <= 0.05);
// 3. a known effect (d = 1.2 in one of 4 measures, and in a single measure): mean CV AUC against the true AUC.
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "stats/nested_lopo.hpp"
#include "stats/prediction_simulation.hpp"

using namespace psyface::stats;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void print(const char* what, const SimulationOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const SimulationSummary s = simulate_prediction(o);
  const double sec = seconds_since(t0);
  std::fflush(stdout);
  std::printf("%-44s studies %d  mean CV AUC %.4f (SD %.4f)  true AUC %.4f  mean Brier %.4f  P(perm p<=0.05) %s  [%.1f s]\n",
              what, s.studies, s.mean_cv_auc, s.sd_cv_auc, s.true_auc, s.mean_brier,
              std::isnan(s.share_p_at_most_005) ? "n/a" : std::to_string(s.share_p_at_most_005).c_str(), sec);
  std::fflush(stdout);
}
}  // namespace

int main(int argc, char** argv) {
  int studies = 200, permutations = 1000;
  bool noise_permutations = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--studies") && i + 1 < argc) studies = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--permutations") && i + 1 < argc) permutations = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--skip-noise-permutations")) noise_permutations = false;
    else { std::fprintf(stderr, "usage: bench_predict [--studies N] [--permutations N] [--skip-noise-permutations]\n"); return 2; }
  }
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd x(23, 4);
  std::vector<double> y(23);
  for (int p = 0; p < 23; ++p) {
    y[static_cast<size_t>(p)] = p < 6;
    for (int m = 0; m < 4; ++m) x(p, m) = normal(rng) + (m == 0 && p < 6 ? 1.2 : 0);
  }
  auto t0 = std::chrono::steady_clock::now();
  NestedLopo lopo(x);
  LopoPredictions pred;
  PairComparisons pairs;
  lopo.run(y, pred);
  lopo.run_pairs(y, pairs);
  const double auc = pairs.auc;
  const auto perm = permutation_test(lopo, y, auc, permutations, 42);
  const double cpu = static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
  std::printf("nested LOPO and leave-pair-out + %d permutations, 23 patients x 4 measures, %zu penalties per fold: %.2f s wall, %.2f s CPU "
              "(CV AUC %.3f, permutation p %.4f)\n", permutations, penalty_grid().size(), seconds_since(t0), cpu, auc, perm.p);

  SimulationOptions o;
  o.studies = studies;
  o.permutations = noise_permutations ? permutations : 0;
  print("pure noise, 4 measures, 6 of 23 targets", o);
  o.permutations = 0;
  o.effect_d = 1.2;
  o.seed = 2;
  print("d = 1.2 in 1 of 4 measures, 6 of 23 targets", o);
  o.measures = 1;
  print("d = 1.2, 1 measure, 6 of 23 targets", o);
  return 0;
}
