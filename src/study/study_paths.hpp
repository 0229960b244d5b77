// File names inside a study folder.
#pragma once
#include <cstddef>
#include <string>

namespace psyface::study {

// Longest part of a session id kept in file names: with the hash and the longest suffix
// (".frames.csv.gz.tmp-<pid>", or "+<host>+<pid>" of a work folder) names stay far below the usual
// 255-byte limit of a file name.
inline constexpr size_t kMaxSessionNameChars = 100;

// A session id as a file name: characters other than letters, digits, '.', '-' and '_' become '_', an id
// longer than kMaxSessionNameChars is cut there, and then (when anything changed) the first 8 hex digits
// of the id's SHA-256 are appended so two ids never share a file.
std::string session_file_name(const std::string& session_id);

}  // namespace psyface::study
