// The area under the ROC curve of one score between a target group and the others, with DeLong's
// variance (DeLong, DeLong & Clarke-Pearson 1988), as pROC computes it:
// roc(response, predictor, direction = "<") and ci.auc(method = "delong").
#pragma once
#include <span>
#include <string>
#include <vector>

namespace psyface::stats {

struct AucResult {
  double auc = 0;      // P(score of a target > score of another) + P(tie) / 2; NaN when a group is empty
  double se = 0;       // DeLong; NaN with fewer than 2 in a group
  double ci_low = 0, ci_high = 0;  // auc -/+ z se, clipped to [0, 1] (as pROC does)
  double z = 0, p = 0;  // (auc - 0.5) / se and its two-sided normal p; NaN when se is 0 or NaN
  int n_target = 0, n_other = 0;
  std::string note;    // why se, CI or p are undefined
};

// requires: `target` and `other` hold only finite values (the caller leaves NaN out).
// ensures: the AUC keeps its direction (below 0.5: lower in the target group); never throws.
AucResult auc_delong(std::span<const double> target, std::span<const double> other, double level = 0.95);

// The same from the comparison matrix psi[i][j] (target i against other j: 1, 1/2 on a tie, 0), e.g.
// the leave-pair-out comparisons of the prediction model (each pair scored by its own model).
AucResult auc_delong_from_psi(const std::vector<std::vector<double>>& psi, size_t n_other, double level = 0.95);

// Only the AUC (no variance): the statistic of the permutation loop.
double auc_only(std::span<const double> target, std::span<const double> other);

}  // namespace psyface::stats
