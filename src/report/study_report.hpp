// `psyface report DIR`: the study report, one self-contained HTML page DIR/report/index.html (styles
// inline, plots as inline SVG, no script, no font or image files, nothing fetched), with the statistics it
// shows written beside it as `psyface stats ... --study DIR` writes them (DIR/report/stats/), and one
// session page per done session in DIR/report/sessions/ (study_session_pages.hpp), which the index links
// to. Sections and why this design: docs/report.md.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "report/study_session_pages.hpp"

namespace psyface::report {

struct StudyReportOptions {
  std::filesystem::path models_dir;  // its manifests give the models' licences (the folder the study used)
};

struct StudyReportSummary {
  std::filesystem::path index;                    // DIR/report/index.html
  std::vector<std::filesystem::path> stats_files; // DIR/report/stats/agreement.json, outcomes.json (when run)
  std::vector<std::string> missing;               // sections shown as a "missing" line, by id
  std::vector<std::string> warnings;              // what may make results wrong (as psyface stats prints them)
  int64_t bytes = 0;                              // size of index.html
  SessionPagesSummary session_pages;              // DIR/report/sessions/*.html
};

// requires: DIR holds a study whose database exists (psyface study run). Recomputes out-of-date measures
// from the stored per-frame tables first, as psyface stats --study does (docs/statistics.md).
// ensures: DIR/report/index.html written atomically; every number on it equals the statistics JSON written
//          beside it or the study database's export views (what psyface study export writes); the session
//          pages of the done sessions in DIR/report/sessions/, no other page left there.
// throws: Error(Input) without a study database or with invalid study inputs / data (as psyface stats),
//         Error(Output) when a file cannot be written.
StudyReportSummary write_study_report(const std::filesystem::path& dir, const StudyReportOptions& options);

}  // namespace psyface::report
