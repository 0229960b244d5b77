#include "stats/icc.hpp"

#include <cmath>
#include <limits>

#include "psyface/error.hpp"
#include "stats/distributions.hpp"

namespace psyface::stats {

IccResult icc_two_way_random(const std::vector<std::vector<double>>& ratings, double level) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  IccResult r;
  r.n_targets = static_cast<int64_t>(ratings.size());
  r.n_raters = ratings.empty() ? 0 : static_cast<int64_t>(ratings[0].size());
  const auto set_nan = [&](std::string why) {
    r.icc_single = r.icc_single_low = r.icc_single_high = kNaN;
    r.icc_average = r.icc_average_low = r.icc_average_high = kNaN;
    r.f = r.df1 = r.df2 = r.p = kNaN;
    r.note = std::move(why);
    return r;
  };
  if (r.n_targets < 2 || r.n_raters < 2)
    return set_nan("needs at least 2 segments rated by every one of at least 2 raters (have " +
                   std::to_string(r.n_targets) + " segments x " + std::to_string(r.n_raters) + " raters)");
  const double n = static_cast<double>(r.n_targets), k = static_cast<double>(r.n_raters);
  std::vector<double> row_mean(ratings.size(), 0), col_mean(static_cast<size_t>(r.n_raters), 0);
  double grand = 0;
  for (size_t i = 0; i < ratings.size(); ++i) {
    if (static_cast<int64_t>(ratings[i].size()) != r.n_raters)
      throw Error(ErrorCode::Internal, "icc_two_way_random: ragged ratings table");
    for (size_t j = 0; j < ratings[i].size(); ++j) {
      row_mean[i] += ratings[i][j] / k;
      col_mean[j] += ratings[i][j] / n;
      grand += ratings[i][j] / (n * k);
    }
  }
  double ss_rows = 0, ss_cols = 0, ss_total = 0, ss_error = 0;
  for (double m : row_mean) ss_rows += k * (m - grand) * (m - grand);
  for (double m : col_mean) ss_cols += n * (m - grand) * (m - grand);
  for (size_t i = 0; i < ratings.size(); ++i)
    for (size_t j = 0; j < ratings[i].size(); ++j) {
      const double v = ratings[i][j], e = v - row_mean[i] - col_mean[j] + grand;
      ss_total += (v - grand) * (v - grand);
      ss_error += e * e;  // directly, not as a difference of sums: perfect agreement gives ~0, not noise
    }
  // rounding in the means leaves ~1e-30 where the residual is exactly zero
  if (ss_error <= 1e-12 * ss_total) ss_error = 0;
  r.df1 = n - 1;
  r.df2 = (n - 1) * (k - 1);
  r.ms_rows = ss_rows / r.df1;
  r.ms_raters = ss_cols / (k - 1);
  r.ms_error = ss_error / r.df2;
  const double msr = r.ms_rows, msc = r.ms_raters, mse = r.ms_error;
  if (!(ss_total > 0)) return set_nan("all ratings are equal: no variance to partition");
  r.icc_single = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n);
  r.icc_average = (msr - mse) / (msr + (msc - mse) / n);
  if (!(mse > 0)) {  // the ICCs are defined (1 when the raters agree exactly); F and its CI are not
    r.f = r.p = kNaN;
    r.icc_single_low = r.icc_single_high = r.icc_average_low = r.icc_average_high = kNaN;
    r.note = msc > 0 ? "no residual variance (the raters differ only by constants): F test and CI undefined"
                     : "the raters agree exactly: F test and CI undefined";
    return r;
  }
  r.f = msr / mse;
  r.p = f_upper_p(r.f, r.df1, r.df2);
  // McGraw & Wong (1996) CI for ICC(A,1) with Satterthwaite df v; ICC(A,k) via Spearman-Brown.
  const double a = 1 - level, icc = r.icc_single, fj = msc / mse;
  const double vn = (k - 1) * (n - 1) * std::pow(k * icc * fj + n * (1 + (k - 1) * icc) - k * icc, 2);
  const double vd = (n - 1) * k * k * icc * icc * fj * fj + std::pow(n * (1 + (k - 1) * icc) - k * icc, 2);
  const double v = vn / vd;
  const double f_upper = f_quantile(1 - a / 2, n - 1, v), f_lower = f_quantile(1 - a / 2, v, n - 1);
  r.icc_single_low = n * (msr - f_upper * mse) / (f_upper * (k * msc + (k * n - k - n) * mse) + n * msr);
  r.icc_single_high = n * (f_lower * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_lower * msr);
  r.icc_average_low = r.icc_single_low * k / (1 + r.icc_single_low * (k - 1));
  r.icc_average_high = r.icc_single_high * k / (1 + r.icc_single_high * (k - 1));
  if (!std::isfinite(r.icc_single_low) || !std::isfinite(r.icc_single_high))
    r.note = "confidence interval undefined (Satterthwaite df " + std::to_string(v) + ")";
  return r;
}

}  // namespace psyface::stats
