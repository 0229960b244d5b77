// The study-wide analysis options of each done session, read back from the run that analysed it (the
// runs table's options_json), so exports and statistics can say when done sessions were analysed with
// different options (say --fps 1 for some and --fps 2 for others: their measures are not comparable).
// Only the options shared by the whole study count: the analyze options (fps, detector, model, ...) and
// the models' checksum. The per-session fields of options_json (video, layout, patient, therapist video,
// offset) and the path of the models folder (it may differ between hosts) are left out, but a session's own
// focal_px replaces the study's --focal-px, as it did in that session's analyze call. The measurement
// revision of the psyface that analysed it counts too (runs before it was recorded: revision 1).
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "study/sqlite_db.hpp"

namespace psyface::study {

struct SessionAnalysisOptions {
  std::string session_id;
  std::string options;        // readable: "--fps 1 --start 0 ... --engine auto" ("" when not recorded)
  std::string models;         // checksum of the model manifests ("" when not recorded)
  std::string options_hash;   // SHA-256 of the shared options (options, models, revision), hex
  int measurement_revision = 1;  // kMeasurementRevision of the psyface that analysed it (1: not recorded)
  std::map<std::string, std::string> values;  // flag -> value ("on" for a flag without value); "models" too
};

// Every done session, ordered by session_id, with the options of the run that made its result (the
// latest done run whose options hash is the session's).
std::vector<SessionAnalysisOptions> done_session_options(SqliteDb& db);

// For each done session, the options in which it differs from other done sessions ("--fps 2"); empty when
// every done session was analysed with the same shared options.
std::map<std::string, std::string> differing_options(const std::vector<SessionAnalysisOptions>& sessions);

// A warning naming every option that differs, with its values and the sessions of each, or "" when the
// done sessions share their options.
std::string options_mismatch_warning(const std::vector<SessionAnalysisOptions>& sessions);

// options_mismatch_warning for DIR/study.sqlite (journal as for StudyDb: "" keeps the study's mode).
std::string study_options_warning(const std::filesystem::path& dir, const std::string& journal = "");

}  // namespace psyface::study
