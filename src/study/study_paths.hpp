// File names inside a study folder.
#pragma once
#include <string>

namespace psyface::study {

// A session id as a file name: characters other than letters, digits, '.', '-' and '_' become '_', and
// then the first 8 hex digits of the id's SHA-256 are appended so two ids never share a file.
std::string session_file_name(const std::string& session_id);

}  // namespace psyface::study
