// One analysed session as an HTML page (docs/report.md, "Session pages"): per role the emotion
// probabilities and smile intensity over time (inline SVG, 1-s bins, smoothed; the first-N-minutes window
// marked), the session's measures (measures/affect_measures.hpp, computed from the table as psyface analyze
// and psyface study run do), quality and provenance from the sidecar. No script, CSP default-src 'none'.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "measures/affect_measures.hpp"

namespace psyface::report {

struct SessionPageInput {
  std::string title;                        // shown as the page's heading (escaped)
  std::string frames_text;                  // the frames table (decompressed)
  std::string frames_source;                // its path, for error messages and the page
  std::filesystem::path sidecar;            // <stem>.analysis.json; "" or absent = no quality/provenance facts
  std::vector<measures::Segment> segments;  // rated or user segments, marked on the time courses
  measures::MeasureOptions options;
  std::string back_href;                    // link back (study report: "../index.html"); "" = none
};

struct SessionPageResult {
  std::filesystem::path page;  // where it was written
  std::uintmax_t bytes = 0;
  std::vector<std::string> warnings;  // the sidecar's problems (truncated decode, corrupt frames)
};

// ensures: the page as one self-contained HTML document.
// throws: Error(Input) for a malformed table or an unreadable sidecar (naming the file).
std::string session_page_html(const SessionPageInput& in, SessionPageResult& result);

// ensures: session_page_html written to `out` (atomically), its size in result.bytes.
SessionPageResult write_session_page(const SessionPageInput& in, const std::filesystem::path& out);

// The single-video form (psyface report VIDEO.frames.csv[.gz]): the table, its sidecar beside it.
// ensures: the page at `out`, or at <stem>.report.html beside the table when `out` is empty.
// throws: Error(Input) when the table is missing or not named <stem>.frames.csv[.gz].
SessionPageResult write_video_report(const std::filesystem::path& table, std::filesystem::path out);

}  // namespace psyface::report
