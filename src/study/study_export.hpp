// psyface study export / status: tidy CSV tables from the study database (the export_* views) and a
// data dictionary; byte-identical for the same analyses whatever the run order, sharding or
// interruptions (no times, hosts or run ids; rows sorted; numbers with 9 significant digits).
#pragma once
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "study/study_verify.hpp"

namespace psyface::study {

struct ExportSummary {
  std::filesystem::path folder;
  int sessions_done = 0, sessions_not_done = 0;
  int remeasured = 0;
  std::vector<StoredTableProblem> left_out;  // done sessions whose measures had to be recomputed from an
                                             // unusable stored table: no measure rows exported
  std::vector<std::string> files;  // written, in order
  std::string options_warning;     // done sessions analysed with different options ("" when they agree)
};

// Writes out_dir/{sessions,windows,segments,session_info,data_dictionary}.csv (default out_dir:
// DIR/export). session_info.csv carries each done session's analysis options and their hash
// (study/analysis_options.hpp); summary.options_warning says when done sessions differ. Measures whose
// options changed are recomputed first (no video decoded); a session whose stored table cannot be read
// then is listed in left_out and its rows are left out, the others exported.
// throws: Error(Input) without a study database; Error(Output) when a file cannot be written.
ExportSummary export_study(const std::filesystem::path& dir, const std::filesystem::path& out_dir,
                           const std::string& journal = "");

// One line per session (status and reason) and the counts, for `psyface study status`. A done session
// analysed with options other done sessions do not share says so in its detail ("analysed with --fps 2 ...").
struct StatusLine {
  std::string session_id, status, detail;
};
std::vector<StatusLine> study_status(const std::filesystem::path& dir, const std::string& journal = "");

}  // namespace psyface::study
