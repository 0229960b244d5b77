// Where a study report's session pages live: DIR/report/sessions/<session file name>.html, the name made
// from the session id as the study's other per-session files are (study::session_file_name: only
// letters, digits, '.', '-' and '_', with a hash when anything was changed), so any id gives a safe,
// unique file name and a link that needs no further escaping.
#pragma once
#include <string>

#include "study/study_paths.hpp"

namespace psyface::report {

// ensures: "<session file name>.html".
inline std::string session_page_name(const std::string& session_id) {
  return study::session_file_name(session_id) + ".html";
}

// ensures: the link from DIR/report/index.html to the session's page, "sessions/<session_page_name>".
inline std::string session_page_href(const std::string& session_id) { return "sessions/" + session_page_name(session_id); }

}  // namespace psyface::report
