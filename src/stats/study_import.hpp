// `psyface stats import ratings|outcomes --study DIR`: validated ratings and outcomes into the study
// database (tables ratings, outcomes, settings; docs/statistics.md), each import in one transaction, with
// a summary of what changed. By default rows are added or updated by key and rows not in the files are
// kept; with `replace` the files' sessions (ratings) or the whole outcomes table are replaced, so a
// corrected time code or a dropped patient really goes. The direction of improvement is stated once and
// kept: a later import changes it only when asked to.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stats/study_inputs.hpp"

namespace psyface::stats {

struct ImportSummary {
  int64_t rows = 0;       // rows in the files (all written)
  int64_t added = 0;      // keys the database did not have
  int64_t changed = 0;    // keys it had with other values
  int64_t unchanged = 0;  // keys it had with the same values
  int64_t removed = 0;    // replace: rows of the replaced sessions / patients that the files do not have
  int64_t kept = 0;       // without replace: such rows, kept (replace would remove them)
  int remeasured = 0;     // ratings: done sessions whose measures were recomputed for changed rated segments
  bool lower_is_better = false;                 // outcomes: the direction now stored
  std::optional<bool> previous_lower_is_better; // outcomes: the direction stored before (nullopt: none)
  std::string direction_note;                   // outcomes: how the direction came about, for the user
  std::vector<std::string> notes;
};

// Writes ratings into the ratings table in one transaction (key: session, start, end and rater). With
// `replace`, every rating of the sessions the ratings name is removed first (all raters: import every
// rater of a session together). Then recomputes the measures of the sessions whose rated segments
// changed (summary.remeasured).
// requires: every session_id exists in the study's sessions table, else Error(Input) naming the rating's
// source (file:line) and nothing is written.
ImportSummary import_ratings(const std::filesystem::path& study_dir, const std::vector<HumanRating>& ratings,
                             bool replace = false, const std::string& journal = "");

struct OutcomeImportOptions {
  // true: lower scores are better, false: higher; nullopt keeps the study's direction (a study without
  // one gets higher is better, as before).
  std::optional<bool> lower_is_better;
  bool replace = false;  // the file replaces the whole outcomes table (patients not in it are removed)
};

// Writes outcomes (key: patient_id) and the setting outcome_lower_is_better, in one transaction.
// Patients without sessions in the study are imported and listed in the notes.
ImportSummary import_outcomes(const std::filesystem::path& study_dir, const std::vector<OutcomeRecord>& outcomes,
                              const OutcomeImportOptions& options, const std::string& journal = "");

}  // namespace psyface::stats
