// Pearson and Spearman correlations with t tests and Fisher-z confidence intervals, and mid-ranks.
// Pairs where either value is not finite are left out; n counts the complete pairs used.
// Degenerate inputs (n < 3 complete pairs, a variable without variance, |r| = 1) give NaN in the
// undefined fields and say why in `note`; nothing throws.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace psyface::stats {

struct CorrelationResult {
  double r = 0;        // Pearson r, Spearman rho or the repeated-measures r
  double t = 0;        // r sqrt(df / (1 - r^2))
  double df = 0;       // n - 2 (rmcorr: N - k - 1)
  double p = 0;        // two-sided, from t(df)
  double ci_low = 0;   // tanh(atanh(r) -/+ z_{1-alpha/2} se_z)
  double ci_high = 0;
  int64_t n = 0;       // complete pairs
  int64_t groups = 0;  // rmcorr: patients (k) that contribute; 0 otherwise
  std::string note;    // empty when every field is defined
};

// Mid-ranks (ties share the mean of their positions), 1-based; NaN stays NaN and is not ranked.
std::vector<double> mid_ranks(std::span<const double> x);

// Pearson r; CI from Fisher z with se 1/sqrt(n - 3) (needs n >= 4 for the CI).
CorrelationResult pearson(std::span<const double> x, std::span<const double> y, double level = 0.95);

// Spearman rho = Pearson r of mid-ranks; p from the t approximation with n - 2 df (R's cor.test with
// exact = FALSE); CI from Fisher z with se sqrt(1.06 / (n - 3)) (Fieller, Hartley & Pearson 1957).
CorrelationResult spearman(std::span<const double> x, std::span<const double> y, double level = 0.95);

// Fills t, df, p, CI of a correlation r from its df and the standard error of atanh(r); writes the
// reason into note when something is undefined. Shared by the three correlations.
void correlation_inference(CorrelationResult& c, double se_z, double level);

}  // namespace psyface::stats
