// One analysed session as an HTML page (docs/report.md, "Session pages"): per role the emotion
// probabilities and smile intensity over time (inline SVG, 1-s bins, smoothed; the first-N-minutes window
// marked, rated segments with their CEAS scores), the session's measures (measures/affect_measures.hpp,
// computed from the table as psyface analyze and psyface study run do), quality and provenance from the
// sidecar. With a reachable video, the session viewer (report/session_viewer.hpp) above the plots: its one
// script is the only one allowed (CSP); without, no script at all (CSP default-src 'none').
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "measures/affect_measures.hpp"
#include "report/session_viewer.hpp"

namespace psyface::report {

// One rater's CEAS scores of a rated segment (the study database's ratings table).
struct RaterScore {
  std::string rater;
  int ceas_mode = 0, ceas_peak = 0;  // 1..7
  std::string primary_emotion;       // may be empty
};

// A rated segment, marked on the time courses with its scores and listed in a table.
struct RatedSegment {
  double start_sec = 0, end_sec = 0;
  std::vector<RaterScore> scores;  // one per rater
};

struct SessionPageInput {
  std::string title;                        // shown as the page's heading (escaped)
  std::string frames_text;                  // the frames table (decompressed)
  std::string frames_source;                // its path, for error messages and the page
  std::filesystem::path sidecar;            // <stem>.analysis.json; "" or absent = no quality/provenance facts
  std::vector<measures::Segment> segments;  // user segments (measures are computed for them), marked
  std::vector<RatedSegment> rated;          // CEAS-rated segments with their scores, marked and listed
  std::vector<SessionVideo> videos;         // the session's video(s), the first on the table's clock; none = no player
  std::filesystem::path page_dir;           // the page's folder, for the videos' relative links ("" = current folder)
  measures::MeasureOptions options;
  std::vector<measures::RoleWindowMeasures> stored_measures;  // the session's session/first rows as a study stored
                                                              // them; empty = computed from the table
  std::string back_href;                    // link back (study report: "../index.html"); "" = none
};

struct SessionPageResult {
  std::filesystem::path page;  // where it was written
  std::uintmax_t bytes = 0;
  bool player = false;  // the page has the session viewer (its first video is reachable)
  std::vector<std::string> warnings;  // the sidecar's problems (truncated decode, corrupt frames)
};

// ensures: the page as one self-contained HTML document.
// throws: Error(Input) for a malformed table or an unreadable sidecar (naming the file).
std::string session_page_html(const SessionPageInput& in, SessionPageResult& result);

// ensures: session_page_html written to `out` (atomically; page_dir = out's folder), its size in result.bytes.
SessionPageResult write_session_page(const SessionPageInput& in, const std::filesystem::path& out);

// The single-video form (psyface report VIDEO.frames.csv[.gz]): the table, its sidecar beside it.
// ensures: the page at `out`, or at <stem>.report.html beside the table when `out` is empty; the video is the
//          sidecar's video.path (relative paths from the current folder, as psyface analyze was given them).
// throws: Error(Input) when the table is missing or not named <stem>.frames.csv[.gz].
SessionPageResult write_video_report(const std::filesystem::path& table, std::filesystem::path out);

}  // namespace psyface::report
