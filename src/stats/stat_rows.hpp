// Turning the results of the statistics into table rows (shared by agreement and outcomes).
#pragma once
#include <string>
#include <vector>

#include "stats/correlation.hpp"
#include "stats/effect_size.hpp"
#include "stats/group_tests.hpp"
#include "stats/mixed_model.hpp"
#include "stats/stat_table.hpp"

namespace psyface::stats {

// What every row of one comparison shares.
struct RowKey {
  std::string measure, target, part;
};

// kind: "pearson", "spearman" or "rmcorr".
StatRow correlation_row(const RowKey& key, const std::string& kind, const CorrelationResult& c);

// Rows of a random-intercept model: the coefficient `coefficient` (its column in X) named `statistic`,
// and the two variance components (estimates only).
std::vector<StatRow> mixed_model_rows(const RowKey& key, const MixedModelFit& fit, size_t coefficient,
                                      const std::string& statistic, const std::string& formula);

// Group comparison rows (group 1 minus group 2): mean difference with Welch's t, Cohen's d, Hedges' g,
// and (when with_mann_whitney) the rank-biserial correlation with the Mann–Whitney U test.
std::vector<StatRow> group_comparison_rows(const RowKey& key, const std::vector<double>& group1,
                                           const std::vector<double>& group2, const std::string& groups_text,
                                           bool with_mann_whitney);

}  // namespace psyface::stats
