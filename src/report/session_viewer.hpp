// The session viewer on a session page (docs/report.md, "The session viewer"): the session's video(s) in
// HTML5 <video> players linked by a relative path (report/video_link.hpp; never embedded, never copied), a
// cursor on every time-course plot that follows playback, and a click on a plot that seeks the video there.
// A second camera follows the first with its offset. The one inline script this needs is allowed by its
// SHA-256 in the page's Content-Security-Policy; nothing else may run, and nothing but the local video loads.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace psyface::report {

struct SessionVideo {
  std::string label;           // shown beside the player ("patient camera"), escaped
  std::filesystem::path file;  // absolute, or relative to the current folder
  double offset_sec = 0;       // this video's time + offset_sec = the first video's time (the table's clock);
                               // 0 for the first (sessions.csv offset_sec for a therapist camera)
};

struct SessionViewer {
  bool player = false;  // the first video is reachable: the page has players, cursors and the script
  std::string html;     // the players, or one line saying why there is none
};

// ensures: players for the videos that are regular files reachable from page_dir (the first is the clock
//          the plots use: without it there is no player, and the line says so); a line for each that is
//          not. Empty `videos` gives the line "No video is known for this session".
SessionViewer session_viewer(const std::vector<SessionVideo>& videos, const std::filesystem::path& page_dir);

// The script of the viewer (a constant): an inline <script> of exactly this text.
const std::string& viewer_script();

// ensures: the page's Content-Security-Policy: default-src 'none', inline styles; with a player also
//          script-src 'sha256-<viewer_script's hash>' and media-src 'self' (the local video file).
std::string session_page_csp(bool player);

}  // namespace psyface::report
