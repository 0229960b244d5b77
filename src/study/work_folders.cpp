// Work folders of sessions in progress (see work_folders.hpp).
#include "study/work_folders.hpp"

#include <map>
#include <vector>

#include "study/child_process.hpp"
#include "study/study_db.hpp"
#include "study/study_paths.hpp"

namespace psyface::study {
namespace fs = std::filesystem;

namespace {

std::string host_label(const std::string& host) {
  std::string out;
  for (char c : host.substr(0, 64)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    out += ok ? c : '_';
  }
  return out;
}

struct FolderOwner {
  std::string name, host;
  int64_t pid = 0;
};

// "<name>+<host>+<pid>" (session file names and host labels hold no '+'); false for anything else.
bool parse_folder(const std::string& folder, FolderOwner& owner) {
  const size_t a = folder.find('+'), b = folder.rfind('+');
  if (a == std::string::npos || a == b || a == 0) return false;
  const std::string pid = folder.substr(b + 1);
  if (pid.empty() || pid.size() > 18 || pid.find_first_not_of("0123456789") != std::string::npos) return false;
  owner = {folder.substr(0, a), folder.substr(a + 1, b - a - 1), std::stoll(pid)};
  return true;
}

}  // namespace

std::string work_folder_name(const std::string& session_id, const std::string& host, int64_t pid) {
  return session_file_name(session_id) + "+" + host_label(host) + "+" + std::to_string(pid);
}

int remove_abandoned_work_folders(const fs::path& dir, StudyDb& db, const std::string& this_host, int64_t this_pid) {
  std::error_code ec;
  std::vector<std::pair<fs::path, FolderOwner>> folders;
  for (const auto& e : fs::directory_iterator(dir / "tmp", ec)) {
    FolderOwner owner;
    if (e.is_directory(ec) && parse_folder(e.path().filename().string(), owner)) folders.emplace_back(e.path(), owner);
  }
  if (folders.empty()) return 0;
  std::map<std::string, SessionState> by_name;  // read after the listing (see the header)
  for (auto& s : db.sessions()) by_name[session_file_name(s.session_id)] = s;
  const std::string here = host_label(this_host);
  int removed = 0;
  for (const auto& [path, owner] : folders) {
    if (owner.host == here && owner.pid == this_pid) continue;  // this run's own folders
    const bool dead = owner.host == here && !process_alive(owner.pid);
    const auto it = by_name.find(owner.name);
    const bool superseded =
        it != by_name.end() &&
        (it->second.status == "done" ||
         (it->second.status == "running" &&
          (host_label(it->second.claim_host) != owner.host || it->second.claim_pid != owner.pid)));
    if (!dead && !superseded) continue;
    if (fs::remove_all(path, ec) > 0 && !ec) ++removed;
  }
  return removed;
}

}  // namespace psyface::study
