// The study database as a StatsSource (see study_database.hpp). All SQL goes through the
// study layer's SQLite wrapper (study/sqlite_db.hpp) on a study::StudyDb.
#include "stats/study_database.hpp"

#include <cmath>
#include <cstdio>

#include "psyface/error.hpp"
#include "study/analysis_options.hpp"
#include "study/batch_runner.hpp"
#include "study/study_db.hpp"

namespace psyface::stats {
namespace {

using study::Statement;

std::unique_ptr<study::StudyDb> open_study(const std::filesystem::path& file, const std::string& journal) {
  return std::make_unique<study::StudyDb>(file, false, journal);
}

// A cell as text: NULL -> "NA", reals with 17 significant digits (no precision lost).
std::string cell(const Statement& q, int col) {
  switch (q.type(col)) {
    case SQLITE_NULL: return "NA";
    case SQLITE_INTEGER: return std::to_string(q.integer(col));
    case SQLITE_FLOAT: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", q.real(col));
      return buf;
    }
    default: return q.text(col);
  }
}

CellTable read_view(study::SqliteDb& db, const std::string& view, const std::string& where = "") {
  Statement q(db, "SELECT * FROM " + view + where);
  CellTable t{db.path().filename().string() + " view " + view, {}, {}, {}, {}};
  for (int c = 0; c < q.columns(); ++c) t.header.push_back(q.column_name(c));
  while (q.step()) {
    std::vector<std::string> row;
    for (int c = 0; c < q.columns(); ++c) row.push_back(cell(q, c));
    t.rows.push_back(std::move(row));
    t.where.push_back(t.source + " row " + std::to_string(t.rows.size()));
  }
  return t;
}

}  // namespace

std::filesystem::path study_database_file(const std::filesystem::path& study_dir) {
  const auto file = study_dir / "study.sqlite";
  if (!std::filesystem::exists(file))
    throw Error(ErrorCode::Input, study_dir.string() + ": no study database (study.sqlite); run psyface study run first");
  return file;
}

StudyDatabaseSource::StudyDatabaseSource(std::filesystem::path study_dir, const std::string& journal)
    : file_(study_database_file(study_dir)) {
  open_study(file_, journal);  // schema check before the measures are touched
  if (std::filesystem::exists(study_dir / "sessions.csv")) study::refresh_measures(study_dir, journal);
  db_ = open_study(file_, journal);
  if (auto w = study::options_mismatch_warning(study::done_session_options(db_->raw())); !w.empty())
    warnings_.push_back(std::move(w));
  primary_ = primary_measures_for(study_dir);
}

StudyDatabaseSource::~StudyDatabaseSource() = default;

std::vector<HumanRating> StudyDatabaseSource::ratings() const {
  Statement q(db_->raw(),
              "SELECT session_id, start_sec, end_sec, rater, ceas_mode, ceas_peak, primary_emotion, source "
              "FROM ratings ORDER BY session_id, start_sec, end_sec, rater");
  std::vector<HumanRating> out;
  while (q.step())
    out.push_back({q.text(0), q.real(1), q.real(2), q.text(3), static_cast<int>(q.integer(4)),
                   static_cast<int>(q.integer(5)), q.text(6), q.text(7)});
  if (out.empty())
    throw Error(ErrorCode::Input, file_.string() + ": no ratings in the study database (psyface stats import ratings)");
  return out;
}

std::vector<OutcomeRecord> StudyDatabaseSource::outcomes() const {
  Statement q(db_->raw(), "SELECT patient_id, pre, post, dropout, covariates_json, source FROM outcomes ORDER BY patient_id");
  std::vector<OutcomeRecord> out;
  while (q.step()) {
    OutcomeRecord r{q.text(0), q.real(1), q.real(2), q.is_null(3) ? -1 : static_cast<int>(q.integer(3)),
                    nlohmann::json::object(), q.text(5)};
    const std::string cov = q.text(4);
    if (!cov.empty()) r.covariates = nlohmann::json::parse(cov, nullptr, false);
    out.push_back(std::move(r));
  }
  if (out.empty())
    throw Error(ErrorCode::Input, file_.string() + ": no outcomes in the study database (psyface stats import outcomes)");
  return out;
}

MeasureTable StudyDatabaseSource::segment_measures(const MeasureSelection& selection) const {
  return measure_table_from_cells(read_view(db_->raw(), "export_segments"), selection);
}

MeasureTable StudyDatabaseSource::session_measures(const MeasureSelection& selection) const {
  MeasureTable all = measure_table_from_cells(read_view(db_->raw(), "export_sessions"), selection);
  append_measure_table(all, measure_table_from_cells(
                                read_view(db_->raw(), "export_windows", " WHERE window_kind IN ('first','rest')"), selection));
  return all;
}

std::optional<bool> StudyDatabaseSource::outcome_lower_is_better() const {
  Statement q(db_->raw(), "SELECT value FROM settings WHERE key = 'outcome_lower_is_better'");
  if (!q.step()) return std::nullopt;
  const bool lower = q.text(0) == "1";
  q.run();
  return lower;
}

}  // namespace psyface::stats
