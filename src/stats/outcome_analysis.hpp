// `psyface stats outcomes`: do psyface's session measures relate to therapy outcome and dropout?
// Per patient, the mean of each measure over the patient's sessions, for the whole session and, when the
// table has a window_kind column, for the first N minutes ("first") and the rest ("rest"), plus the
// within-patient difference first - rest. Improvement = post - pre (pre - post when lower is better).
//  - outcome_correlations: Pearson and Spearman of patient means with improvement;
//  - median_split: improvers (improvement > median; ties at the median count as non-improvers) against
//    non-improvers: mean difference with Welch's t, Cohen's d and Hedges' g with noncentral-t CIs;
//  - outcome_mixed_models: session-level measure ~ improver + (1 | patient);
//  - dropout: dropouts against completers: Welch's t, d, g, Mann–Whitney U and rank-biserial r.
// Holm and Benjamini–Hochberg across the measures of one test; every row states n per group.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "stats/stat_table.hpp"
#include "stats/study_inputs.hpp"

namespace psyface::stats {

struct OutcomeOptions {
  bool lower_is_better = false;  // outcome scale where lower scores are better (then improvement = pre - post)
  std::string direction_source = "default";  // where the direction comes from, stated in every output
};

// "lower is better (improvement = pre - post)" or "higher is better (improvement = post - pre)".
std::string direction_text(bool lower_is_better);

// The direction of improvement of one analysis: `requested` from --lower-is-better / --higher-is-better
// (nullopt: neither), `study_setting` the study database's (nullopt: CSV files, or none stored).
// ensures: the study's setting when there is one, else the request, else higher is better.
// throws: Error(Usage) when the request contradicts the study's setting (it is changed by re-importing
// the outcomes with the other flag, so every analysis of the study uses the one direction).
OutcomeOptions outcome_direction(std::optional<bool> requested, std::optional<bool> study_setting);

// Degenerate data (missing outcomes, an empty group, one patient) give rows with notes; nothing throws.
StatsReport run_outcomes(const std::vector<OutcomeRecord>& outcomes, const MeasureTable& sessions,
                         const OutcomeOptions& options);

}  // namespace psyface::stats
