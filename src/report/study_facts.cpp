// Reading the study report's facts from the study database (study_facts.hpp).
#include "report/study_facts.hpp"

#include <cmath>
#include <limits>

#include "psyface/error.hpp"
#include "study/study_db.hpp"
#include "study/study_export.hpp"
#include "util/json_file.hpp"

namespace psyface::report {
namespace fs = std::filesystem;
using study::Statement;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void read_sessions(study::StudyDb& db, StudyFacts& f) {
  std::map<std::string, study::StatusLine> status;
  for (auto& l : study::study_status(f.dir)) status[l.session_id] = l;
  Statement q(db.raw(),
              "SELECT session_id, patient_id, therapist_id, session_number, date, video, therapist_video, duration_sec, "
              "warnings, offset_sec, frames_file, frames_sha256 FROM sessions ORDER BY session_id");
  while (q.step()) {
    ReportSession s;
    s.session_id = q.text(0), s.patient_id = q.text(1), s.therapist_id = q.text(2);
    s.session_number = q.integer(3), s.date = q.text(4), s.video = q.text(5), s.therapist_video = q.text(6);
    s.duration_sec = q.real(7), s.warnings = q.text(8);
    s.offset_sec = q.real(9), s.frames_file = q.text(10), s.frames_sha256 = q.text(11);
    const auto it = status.find(s.session_id);
    s.status = it == status.end() ? "pending" : it->second.status;
    s.detail = it == status.end() ? "" : it->second.detail;
    f.sessions.push_back(std::move(s));
  }
}

void read_roles(study::StudyDb& db, StudyFacts& f) {
  Statement q(db.raw(), "SELECT * FROM export_sessions ORDER BY patient_id, session_number, session_id, role");
  while (q.step()) {
    RoleRow r;
    for (int c = 0; c < q.columns(); ++c) {
      const std::string name = q.column_name(c);
      if (name == "session_id") r.session_id = q.text(c);
      else if (name == "patient_id") r.patient_id = q.text(c);
      else if (name == "role") r.role = q.text(c);
      else if (name == "session_number") r.session_number = q.integer(c);
      else if (name != "therapist_id" && name != "date") r.values[name] = q.real(c);
    }
    f.roles.push_back(std::move(r));
  }
}

void read_outcomes(study::StudyDb& db, StudyFacts& f) {
  Statement q(db.raw(), "SELECT patient_id, pre, post, dropout FROM outcomes ORDER BY patient_id");
  while (q.step()) f.outcomes.push_back({q.text(0), q.real(1), q.real(2), q.is_null(3) ? -1 : static_cast<int>(q.integer(3))});
  f.ratings = db.raw().query_int("SELECT count(*) FROM ratings");
  f.rated_segments = db.raw().query_int("SELECT count(*) FROM (SELECT DISTINCT session_id, start_sec, end_sec FROM ratings)");
  f.raters = db.raw().query_int("SELECT count(DISTINCT rater) FROM ratings");
  Statement r(db.raw(),
              "SELECT session_id, start_sec, end_sec, rater, ceas_mode, ceas_peak, primary_emotion FROM ratings "
              "ORDER BY session_id, start_sec, end_sec, rater");
  while (r.step())
    f.rating_rows.push_back({r.text(0), r.real(1), r.real(2), r.text(3), static_cast<int>(r.integer(4)),
                             static_cast<int>(r.integer(5)), r.text(6)});
}

void read_runs(study::StudyDb& db, StudyFacts& f) {
  Statement q(db.raw(),
              "SELECT r.session_id, r.psyface_version, r.options_hash, r.model_checksums, r.started_at, r.finished_at "
              "FROM runs r JOIN sessions s USING(session_id) WHERE s.status = 'done' AND r.run_id = (SELECT max(run_id) "
              "FROM runs x WHERE x.session_id = r.session_id AND x.status = 'done') ORDER BY r.session_id");
  while (q.step()) f.runs.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)});
}

// The models named in the runs' "name:sha256;" lists, with licence and source from models_dir.
void read_models(const fs::path& models_dir, StudyFacts& f) {
  std::map<std::pair<std::string, std::string>, int> used;
  for (const auto& r : f.runs) {
    size_t start = 0;
    while (start < r.model_checksums.size()) {
      size_t end = r.model_checksums.find(';', start);
      if (end == std::string::npos) end = r.model_checksums.size();
      const std::string item = r.model_checksums.substr(start, end - start);
      const size_t colon = item.find(':');
      if (colon != std::string::npos) ++used[{item.substr(0, colon), item.substr(colon + 1)}];
      start = end + 1;
    }
  }
  for (const auto& [key, n] : used) {
    ReportModel m{key.first, key.second, n, "", "", "", false};
    const fs::path manifest = models_dir / m.name / "manifest.json";
    if (!m.name.empty() && m.name.find('/') == std::string::npos && fs::exists(manifest)) {
      const auto j = util::read_json_file(manifest, ErrorCode::Model);
      m.licence = j.value("licence", "");
      m.description = j.value("description", "");
      if (j.contains("source") && j["source"].is_object())
        m.source = j["source"].value("package", "") + (j["source"].contains("version") ? "@" + j["source"].value("version", "") : "");
      m.manifest_matches = j.value("sha256", "") == m.sha256;
    }
    f.models.push_back(std::move(m));
  }
}

}  // namespace

double RoleRow::value(const std::string& column) const {
  const auto it = values.find(column);
  return it == values.end() ? kNaN : it->second;
}

int StudyFacts::count(const std::string& status) const {
  int n = 0;
  for (const auto& s : sessions) n += s.status == status;
  return n;
}

StudyFacts read_study_facts(const fs::path& dir, const fs::path& models_dir) {
  const fs::path file = dir / "study.sqlite";
  if (!fs::exists(file))
    throw Error(ErrorCode::Input, file.string() + " not found: run 'psyface study run " + dir.string() + "' first");
  StudyFacts f;
  f.dir = dir;
  f.config = study::read_study_config(dir);
  study::StudyDb db(file, false);
  read_sessions(db, f);
  read_roles(db, f);
  read_outcomes(db, f);
  read_runs(db, f);
  f.options = study::done_session_options(db.raw());
  f.options_warning = study::options_mismatch_warning(f.options);
  read_models(models_dir, f);
  return f;
}

}  // namespace psyface::report
