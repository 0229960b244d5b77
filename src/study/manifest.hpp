// The study folder's inputs: DIR/sessions.csv (the sessions), DIR/study.conf (measure options) and the
// optional segments file. Everything is validated before any work starts: every problem is reported with
// file, line and column, and nothing is changed when validation fails. Format: docs/study.md.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "measures/affect_measures.hpp"
#include "study/primary_measures.hpp"

namespace psyface::study {

// One row of sessions.csv.
struct StudySession {
  std::string session_id, patient_id, therapist_id;  // therapist_id may be empty
  int session_number = 0;
  std::string date;                   // YYYY-MM-DD
  std::string video;                  // as written (relative to the study folder or absolute)
  std::filesystem::path video_path;   // resolved
  std::string layout = "auto";        // auto, split, single, two-cameras, pip
  std::string patient = "left";       // left, right, largest, person:N
  std::string inset = "therapist";    // pip: the role of the inset's person, therapist or patient
  std::string therapist_video;        // two cameras: as written; empty otherwise
  std::filesystem::path therapist_video_path;
  double offset_sec = 0;              // two cameras: therapist time + offset = patient time
  std::string focal_px;               // gaze camera of this session's video(s) as written (--focal-px: a
                                      // length in pixels, 0 or -1); empty = the study's --focal-px
  std::vector<std::pair<std::string, std::string>> extra;  // free columns, in file order
  int line = 0;                       // line in sessions.csv
  bool two_cameras() const { return !therapist_video.empty(); }
};

struct StudyManifest {
  std::vector<StudySession> sessions;      // in file order
  std::vector<std::string> extra_columns;  // free column names, in file order
};

// A CSV file split into records: UTF-8 BOM and CRLF accepted, RFC 4180 quoted fields (no line breaks
// inside), blank lines and lines starting with '#' skipped. Problems are collected, not thrown.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};
struct CsvFile {
  std::vector<std::string> header;
  int header_line = 1;
  std::vector<CsvRecord> records;
};
CsvFile split_csv(const std::string& text, const std::string& name, std::vector<std::string>& problems);

// requires: dir/sessions.csv exists. ensures: every row valid, IDs unique, and (require_videos) the videos
// exist. Measures, exports and statistics work from the stored per-frame tables, so they pass false: a study
// whose videos were archived after analysis stays usable.
// throws: Error(Input) whose message lists every problem as "<file>:<line>:<column>: <what>".
StudyManifest read_sessions_csv(const std::filesystem::path& dir, bool require_videos = true);

// ensures: analyze_args with a session's own focal_px (as written in sessions.csv) in place of the study's
//          --focal-px value, or appended when the study gave none; unchanged when focal_px is empty. One rule
//          for the analyze call (batch_runner) and for what the export says it was (analysis_options).
void apply_session_focal_px(std::vector<std::string>& analyze_args, const std::string& focal_px);

// "90", "90.5", "1:30", "01:01:30.5" -> seconds. false when it does not parse.
bool parse_time_sec(const std::string& text, double& seconds);

// The segments file: session_id, start, end, label. Sessions must exist in `known`.
// throws: Error(Input) listing every problem with file, line and column.
std::map<std::string, std::vector<measures::Segment>> read_segments_csv(const std::filesystem::path& file,
                                                                        const StudyManifest& known);

// DIR/study.conf: "key = value" lines, '#' comments. Measure options, `segments = FILE` and the
// pre-declared measures of the statistics (`primary_measures = a, b, c`, `primary_role = patient|therapist`).
struct StudyConfig {
  measures::MeasureOptions measures;
  std::string segments_file;  // relative to the study folder; empty = none
  std::vector<std::string> primary_measures = kDefaultPrimaryMeasures;  // what psyface stats analyses by default
  std::string primary_role = kDefaultPrimaryRole;                       // whose rows it analyses
  bool primary_measures_declared = false;  // primary_measures given in study.conf (else the defaults)
};
// ensures: defaults when the file is absent. throws: Error(Input) "<file>:<line>: ..." for an unknown key
// or a bad value (a primary measure that is no measure column names the valid ones; a quality column, a
// repeat, an empty list, a role other than patient / therapist), Error(Usage) for an invalid combination
// (measures::check_measure_options).
StudyConfig read_study_config(const std::filesystem::path& dir);

// Canonical text of the measure options (hashed to decide whether measures must be recomputed).
std::string measure_options_text(const StudyConfig& config);

// The commented templates `psyface study init` writes.
std::string sessions_template();
std::string config_template();

}  // namespace psyface::study
