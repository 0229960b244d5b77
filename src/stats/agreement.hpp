// `psyface stats agreement`: do psyface's segment measures agree with trained human raters (CEAS)?
// For every rated segment the human score is the mean over raters of Mode and of Peak; each psyface
// measure of the matching segment row is compared with it (Pearson, Spearman, repeated-measures
// correlation, LMM human ~ measure + (1 | patient)); the raters' own reliability is ICC(2,1)/ICC(2,k);
// Cohen's kappa compares the machine's dominant non-neutral emotion with each rater's primary emotion.
#pragma once
#include <string>
#include <vector>

#include "stats/stat_table.hpp"
#include "stats/study_inputs.hpp"

namespace psyface::stats {

struct AgreementOptions {
  double time_tolerance_sec = 0.5;        // a rated segment matches a measure row when both ends are this close
  std::string emotion_prefix = "mean_p_"; // machine emotion columns: <prefix>happy, <prefix>sad, ...
};

// Rater emotion → machine class for kappa (hurt and grief count as sadness; contempt has no machine
// class). Returns the machine class name (happy, sad, angry, fearful, disgusted, surprised) or "" for none.
std::string rater_emotion_to_machine(const std::string& rater_emotion);

// The machine emotion columns kappa reads (<prefix>happy, sad, angry, fearful, disgusted, surprised): read
// as MeasureSelection::auxiliary, so kappa is computed whatever measures are analysed.
std::vector<std::string> kappa_columns(const AgreementOptions& options);

// Kappa takes each class's column from segments.measures or segments.auxiliary.
// requires: segments has start_sec and end_sec (throws Error(Input) otherwise). Degenerate data give rows
// with notes, never a throw.
StatsReport run_agreement(const std::vector<HumanRating>& ratings, const MeasureTable& segments,
                          const AgreementOptions& options);

}  // namespace psyface::stats
