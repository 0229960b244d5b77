// Per-role affect measures over time windows, computed from the per-role series of a frames table
// (measures/role_frames.hpp). Every formula, unit and default: docs/measures.md. Pure functions.
#pragma once
#include <string>
#include <vector>

#include "measures/role_frames.hpp"

namespace psyface::measures {

// The study's measure options (changing them recomputes measures from the stored tables, no video).
struct MeasureOptions {
  double smile_threshold = 0.5;            // smiling: smile_intensity > this (absolute)
  double smile_rel_delta = 0.3;            // relative smiling: smile_intensity > own session median + this
  double shared_smile_tolerance_sec = 1.0; // both roles smiling within +-this many seconds of each other
  double episode_on_p = 0.5;               // an episode starts when a non-neutral emotion is dominant with p >= this
  double episode_off_p = 0.35;             // ... and lasts while its p stays >= this (hysteresis)
  double brief_max_sec = 0.5;              // episodes shorter than this are brief expressions
  double brief_min_fps = 10;               // brief expressions are reported only at this analysed rate or more
  double window_min = 1;                   // fixed window length in minutes
  double first_min = 10;                   // the "first N minutes" window
  double synchrony_rate_hz = 5;            // smile series resampling rate for synchrony (bin means)
  int synchrony_surrogates = 200;          // surrogate count of the synchrony test (0 = no p-value)
  double au_presence = 1.0;                // an action unit is present at AUxx_r >= this (smile classes)
  double gaze_averted_deg = 15.0;          // gaze averted: this far from the role's session median gaze
};

// One column of the measure tables (export, database, data dictionary).
struct MeasureInfo {
  std::string name;         // snake_case, unit in the name where there is one
  std::string type;         // "integer" or "real"
  std::string unit;         // "" when dimensionless
  std::string description;  // one line for the data dictionary
};

// The measure columns, in table order. Identical for every window kind.
const std::vector<MeasureInfo>& measure_catalog();
int measure_index(const std::string& name);  // -1 when unknown

// A time window of a session, in seconds from the start of the video (two cameras: camera A's clock).
struct MeasureWindow {
  std::string kind;   // "session", "fixed", "first", "rest" or "segment"
  int index = 0;      // fixed windows: 0, 1, ...; segments: order in the segments file; otherwise 0
  std::string label;  // segments: the user's label; otherwise ""
  double start_sec = 0, end_sec = 0;
};

// A user segment of one session (segments.csv of the study).
struct Segment {
  double start_sec = 0, end_sec = 0;
  std::string label;
};

struct RoleWindowMeasures {
  MeasureWindow window;
  std::string role;            // "patient" or "therapist"
  std::vector<double> values;  // measure_catalog() order; NaN = NA (undefined)
};

// The windows of a session: whole session [0, end), fixed windows of window_min covering [0, end), the
// first first_min minutes and the rest, then the segments in the given order.
// requires: options.window_min > 0, options.first_min > 0.
std::vector<MeasureWindow> session_windows(double end_sec, const std::vector<Segment>& segments,
                                           const MeasureOptions& options);

// requires: options valid (positive rates, episode_off_p <= episode_on_p); throws Error(Usage) otherwise.
// ensures: one row per window x role (patient first), windows as session_windows(analysed end, ...).
std::vector<RoleWindowMeasures> compute_measures(const RoleTable& table, const std::vector<Segment>& segments,
                                                 const MeasureOptions& options);

// Validates options. throws Error(Usage) naming the option.
void check_measure_options(const MeasureOptions& options);

}  // namespace psyface::measures
