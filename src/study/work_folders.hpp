// DIR/tmp/<session>+<host>+<pid>/: the work folder of one session's analysis in progress (the child's
// output before it is stored in frames/). A run removes its own folder when the session ends; folders of
// runs that died (SIGKILL, power cut, a lost node) are removed by a later run once it is safe (below).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

namespace psyface::study {

class StudyDb;

// "<session file name>+<host label>+<pid>"; the host label keeps letters, digits, '.' and '-' (others
// become '_'), at most 64 characters, so names stay under the file-name limit and split unambiguously.
std::string work_folder_name(const std::string& session_id, const std::string& host, int64_t pid);

// Removes the work folders of DIR/tmp/ whose owner is known to be dead (this host, pid gone) or whose
// session is done or held by another claim. Keeps folders of live or unknown owners (another host's
// process, a session this study does not list). Read the folder list before the sessions, so a folder
// made after its claim is never taken for an abandoned one.
// ensures: the number of folders removed; never throws for a folder that cannot be removed.
int remove_abandoned_work_folders(const std::filesystem::path& dir, StudyDb& db, const std::string& this_host,
                                  int64_t this_pid);

}  // namespace psyface::study
