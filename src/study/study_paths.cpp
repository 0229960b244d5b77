#include "study/study_paths.hpp"

#include "util/sha256.hpp"

namespace psyface::study {

std::string session_file_name(const std::string& id) {
  std::string out;
  bool changed = id.empty() || id[0] == '.';
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                    c == '_';
    out += ok ? c : '_';
    changed = changed || !ok;
  }
  if (out.size() > kMaxSessionNameChars) {  // long ids: cut, and the hash keeps them apart
    out.resize(kMaxSessionNameChars);
    changed = true;
  }
  return changed ? out + "-" + util::sha256_bytes(id).substr(0, 8) : out;
}

}  // namespace psyface::study
