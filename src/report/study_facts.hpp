// What the study report shows besides the statistics, read from the study folder: the sessions with
// their state and reason (as `psyface study status` gives them), the whole-session measure rows of the
// done sessions (view export_sessions, the rows `psyface study export` writes to sessions.csv), the
// outcomes, the analysis options and runs (provenance) and the models with their licences.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "study/analysis_options.hpp"
#include "study/manifest.hpp"

namespace psyface::report {

struct ReportSession {
  std::string session_id, patient_id, therapist_id, date, video, therapist_video;
  int64_t session_number = 0;
  std::string status, detail;  // study::study_status: done / failed / pending / running and the reason
  double duration_sec = 0;     // video duration (NaN when not known: not analysed)
  std::string warnings;        // the analysis' warnings (done sessions)
  double offset_sec = 0;       // two cameras: therapist time + offset = patient time
  std::string frames_file, frames_sha256;  // done sessions: the stored table (relative to DIR) and its checksum
};

// One rater's scores of one segment (table ratings, psyface stats import ratings).
struct ReportRating {
  std::string session_id;
  double start_sec = 0, end_sec = 0;
  std::string rater;
  int ceas_mode = 0, ceas_peak = 0;
  std::string primary_emotion;
};

// One row of export_sessions: a done session x role, whole session.
struct RoleRow {
  std::string session_id, patient_id, role;
  int64_t session_number = 0;
  std::map<std::string, double> values;  // every measure column; NaN for NA
  double value(const std::string& column) const;  // NaN when absent
};

struct ReportOutcome {
  std::string patient_id;
  double pre = 0, post = 0;  // NaN when missing
  int dropout = -1;          // 1 dropout, 0 completer, -1 not given
};

// The latest done run of a done session.
struct ReportRun {
  std::string session_id, psyface_version, options_hash, model_checksums, started_at, finished_at;
};

// A model the study's runs used (name and checksum from the runs), with what the models folder's
// manifest says about it.
struct ReportModel {
  std::string name, sha256;        // as the runs recorded it
  int sessions = 0;                // done sessions whose run used this name and checksum
  std::string licence, description, source;  // from models/<name>/manifest.json; "" when not there
  bool manifest_matches = false;   // the manifest there has the same checksum
};

struct StudyFacts {
  std::filesystem::path dir;
  study::StudyConfig config;
  std::vector<ReportSession> sessions;  // ordered by session_id
  std::vector<RoleRow> roles;           // ordered by patient, session number, session, role
  std::vector<ReportOutcome> outcomes;  // ordered by patient_id
  int64_t ratings = 0, rated_segments = 0, raters = 0;
  std::vector<ReportRating> rating_rows;  // ordered by session, start, end, rater
  std::vector<study::SessionAnalysisOptions> options;  // done sessions
  std::string options_warning;          // "" when the done sessions share their analysis options
  std::vector<ReportRun> runs;
  std::vector<ReportModel> models;
  int count(const std::string& status) const;  // sessions with this status
};

// requires: DIR/study.sqlite (made by psyface study run). models_dir: the folder whose manifests give the
// licences (the one the study was analysed with). Reads, never writes.
// throws: Error(Input) without a study database or with one of another schema version, or when
// sessions.csv / study.conf do not validate.
StudyFacts read_study_facts(const std::filesystem::path& dir, const std::filesystem::path& models_dir);

}  // namespace psyface::report
