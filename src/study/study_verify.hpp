// psyface study verify: every done session's stored per-frame table (frames/) against the SHA-256 the
// study database recorded, so damage (a power cut, a full disk, a copy gone wrong) is found before an
// export or a statistic uses it. study run makes the same check and analyses such sessions again.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace psyface::study {

struct SessionState;

// A done session whose stored table cannot be used.
struct StoredTableProblem {
  std::string session_id;
  std::string file;     // as stored, relative to the study folder (frames/<session>.frames.csv.gz)
  std::string problem;  // missing, checksum differs, not gzip, truncated
};

// requires: s is a done session of the study in `dir`.
// ensures: "" when the table is there with its recorded checksum (and, with `decompress`, decompresses
//          whole); else the problem. Never throws for a damaged table.
std::string stored_table_problem(const std::filesystem::path& dir, const SessionState& s, bool decompress);

// Checks every done session (checksum and decompression). throws: Error(Input) without a study database.
std::vector<StoredTableProblem> verify_study(const std::filesystem::path& dir, const std::string& journal = "");

}  // namespace psyface::study
