// Stored table checks (see study_verify.hpp).
#include "study/study_verify.hpp"

#include "psyface/error.hpp"
#include "study/frames_store.hpp"
#include "study/study_db.hpp"
#include "util/atomic_file.hpp"
#include "util/sha256.hpp"

namespace psyface::study {
namespace fs = std::filesystem;

std::string stored_table_problem(const fs::path& dir, const SessionState& s, bool decompress) {
  if (s.frames_file.empty() || s.frames_sha256.empty()) return "no stored table recorded";
  const fs::path gz = dir / s.frames_file;
  std::error_code ec;
  if (!fs::is_regular_file(gz, ec)) return s.frames_file + ": missing";
  try {
    if (decompress) {
      load_frames_table(gz, s.frames_sha256);
    } else if (util::sha256_bytes(util::read_file(gz)) != s.frames_sha256) {
      return s.frames_file + ": checksum differs from the study database (file changed or damaged)";
    }
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Input) throw;
    std::string why = e.what();
    const std::string prefix = gz.string() + ": ";
    if (why.rfind(prefix, 0) == 0) why = s.frames_file + ": " + why.substr(prefix.size());
    return why;
  }
  return "";
}

std::vector<StoredTableProblem> verify_study(const fs::path& dir, const std::string& journal) {
  const fs::path db_file = dir / "study.sqlite";
  if (!fs::exists(db_file)) throw Error(ErrorCode::Input, db_file.string() + " not found: run 'psyface study run' first");
  StudyDb db(db_file, false, journal);
  std::vector<StoredTableProblem> problems;
  for (const auto& s : db.sessions()) {
    if (s.status != "done") continue;
    if (std::string why = stored_table_problem(dir, s, true); !why.empty())
      problems.push_back({s.session_id, s.frames_file, why});
  }
  return problems;
}

}  // namespace psyface::study
