// Repeated-measures correlation (Bakdash & Marusich 2017): the common within-patient association of
// x and y, from the ANCOVA y ~ patient + x. Equivalent closed form: with x and y centred on their
// patient means, r_rm = Sxy / sqrt(Sxx Syy), df = N - k - 1 (N observations, k patients),
// t = r sqrt(df / (1 - r^2)), CI from Fisher z with se 1/sqrt(df - 1) (as the rmcorr R package).
#pragma once
#include <span>

#include "stats/correlation.hpp"

namespace psyface::stats {

// requires: group.size() == x.size() == y.size(); group ids are any ints (a patient index).
// Pairs with a non-finite value are left out. Degenerate cases (one patient, no within-patient
// variance, df < 1) give NaN with a note.
CorrelationResult rmcorr(std::span<const double> x, std::span<const double> y, std::span<const int> group,
                         double level = 0.95);

}  // namespace psyface::stats
