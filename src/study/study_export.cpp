// Study export tables and status (see study_export.hpp; columns: docs/study.md).
#include "study/study_export.hpp"

#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "measures/affect_measures.hpp"
#include "psyface/error.hpp"
#include "tables/csv.hpp"
#include "study/analysis_options.hpp"
#include "study/batch_runner.hpp"
#include "study/child_process.hpp"
#include "study/study_db.hpp"
#include "util/atomic_file.hpp"

namespace psyface::study {
namespace fs = std::filesystem;

namespace {

bool is_real_column(const std::string& name) {
  const int m = measures::measure_index(name);
  return (m >= 0 && measures::measure_catalog()[m].type == "real") || name == "start_sec" || name == "end_sec";
}

// One export table from a view, rows in `order`, without the sessions of `left_out`. Real columns (by
// name, not by the stored value's type) get 9 significant digits; NULL is NA.
std::string view_csv(SqliteDb& db, const std::string& view, const std::string& order,
                     const std::vector<StoredTableProblem>& left_out = {}) {
  std::string where;
  for (size_t i = 0; i < left_out.size(); ++i) where += i ? ",?" : " WHERE session_id NOT IN (?";
  Statement q(db, "SELECT * FROM " + view + where + (where.empty() ? "" : ")") + " ORDER BY " + order);
  for (size_t i = 0; i < left_out.size(); ++i) q.bind(static_cast<int>(i + 1), left_out[i].session_id);
  std::ostringstream out;
  const int n = q.columns();
  std::vector<bool> real(n);
  for (int c = 0; c < n; ++c) {
    out << (c ? "," : "") << q.column_name(c);
    real[c] = is_real_column(q.column_name(c));
  }
  out << "\n";
  char buf[64];
  while (q.step()) {
    for (int c = 0; c < n; ++c) {
      if (c) out << ',';
      if (q.is_null(c)) {
        out << "NA";
      } else if (real[c]) {
        std::snprintf(buf, sizeof buf, "%.9g", q.real(c));
        out << buf;
      } else {
        out << tables::csv_field(q.text(c));
      }
    }
    out << "\n";
  }
  return out.str();
}

struct DictRow {
  std::string column, type, unit, description;
};

const std::vector<DictRow> kIdentifiers = {
    {"session_id", "text", "", "session identifier from sessions.csv"},
    {"patient_id", "text", "", "patient identifier from sessions.csv"},
    {"therapist_id", "text", "", "therapist identifier from sessions.csv (NA when not given)"},
    {"session_number", "integer", "", "session number from sessions.csv"},
    {"date", "text", "", "session date (YYYY-MM-DD)"},
    {"role", "text", "", "patient or therapist"},
    {"window_kind", "text", "", "fixed (window_min windows), first (the first first_min minutes) or rest"},
    {"window_index", "integer", "", "fixed windows: 0-based index; first and rest: 0"},
    {"segment_label", "text", "", "label from the segments file"},
    {"start_sec", "real", "s", "window start, seconds from the start of the video"},
    {"end_sec", "real", "s", "window end (exclusive)"}};

std::string dictionary(SqliteDb& db, const std::vector<std::string>& free_columns) {
  std::ostringstream out;
  out << "table,column,type,unit,description\n";
  for (const char* view : {"export_sessions", "export_windows", "export_segments"}) {
    Statement q(db, std::string("SELECT * FROM ") + view + " LIMIT 0");
    const std::string table = std::string(view).substr(7) + ".csv";
    for (int c = 0; c < q.columns(); ++c) {
      const std::string name = q.column_name(c);
      DictRow r{name, "text", "", ""};
      if (const int m = measures::measure_index(name); m >= 0) {
        const auto& info = measures::measure_catalog()[m];
        r = {info.name, info.type, info.unit, info.description + " (docs/measures.md)"};
      }
      for (const auto& id : kIdentifiers)
        if (id.column == name) r = id;
      out << table << "," << r.column << "," << r.type << "," << tables::csv_field(r.unit) << ","
          << tables::csv_field(r.description) << "\n";
    }
  }
  out << "session_info.csv,session_id,text,,session identifier\n";
  out << "session_info.csv,status,text,,done / failed / pending / running when exported\n";
  for (const auto& c : free_columns)
    out << "session_info.csv," << tables::csv_field(c) << ",text,,free column of sessions.csv as given\n";
  out << "session_info.csv,analysis_options,text,,study-wide psyface analyze options of the run that analysed the "
         "session (done sessions; NA otherwise)\n";
  out << "session_info.csv,analysis_models,text,,SHA-256 of the model manifests used by that run\n";
  out << "session_info.csv,analysis_options_hash,text,,"
      << tables::csv_field("SHA-256 of analysis_options, analysis_models and analysis_measurement_revision: "
                           "sessions with different hashes were analysed differently")
      << "\n";
  out << "session_info.csv,analysis_measurement_revision,integer,,"
      << tables::csv_field("psyface's measurement revision that analysed the session (1: before revisions were "
                           "recorded; docs/output-format.md)")
      << "\n";
  return out.str();
}

// session_id, status, the free columns of sessions.csv and the analysis options of done sessions.
std::string session_info(SqliteDb& db, std::vector<std::string>& free_columns) {
  std::map<std::string, SessionAnalysisOptions> options;
  for (auto& o : done_session_options(db)) options[o.session_id] = std::move(o);
  Statement q(db, "SELECT session_id, status, extra_json FROM sessions ORDER BY session_id");
  std::vector<std::tuple<std::string, std::string, nlohmann::ordered_json>> rows;
  while (q.step()) rows.emplace_back(q.text(0), q.text(1), nlohmann::ordered_json::parse(q.text(2)));
  free_columns.clear();
  if (!rows.empty())
    for (const auto& [k, v] : std::get<2>(rows.front()).items()) free_columns.push_back(k);
  std::ostringstream out;
  out << "session_id,status";
  for (const auto& c : free_columns) out << "," << tables::csv_field(c);
  out << ",analysis_options,analysis_models,analysis_options_hash,analysis_measurement_revision\n";
  for (const auto& [id, status, extra] : rows) {
    out << tables::csv_field(id) << "," << status;
    for (const auto& c : free_columns) {
      const std::string v = extra.contains(c) ? extra[c].get<std::string>() : "";
      out << "," << (v.empty() ? "NA" : tables::csv_field(v));
    }
    const auto it = options.find(id);
    for (const std::string* v : {it == options.end() ? nullptr : &it->second.options,
                                 it == options.end() ? nullptr : &it->second.models,
                                 it == options.end() ? nullptr : &it->second.options_hash})
      out << "," << (!v || v->empty() ? "NA" : tables::csv_field(*v));
    out << "," << (it == options.end() ? "NA" : std::to_string(it->second.measurement_revision));
    out << "\n";
  }
  return out.str();
}

}  // namespace

ExportSummary export_study(const fs::path& dir, const fs::path& out_dir, const std::string& journal) {
  const fs::path db_file = dir / "study.sqlite";
  if (!fs::exists(db_file)) throw Error(ErrorCode::Input, db_file.string() + " not found: run 'psyface study run' first");
  ExportSummary s;
  s.remeasured = refresh_measures(dir, journal, &s.left_out);
  StudyDb db(db_file, false, journal);
  s.folder = out_dir.empty() ? dir / "export" : out_dir;
  fs::create_directories(s.folder);
  auto write = [&](const std::string& name, const std::string& text) {
    util::write_file_atomic(s.folder / name, text);
    s.files.push_back((s.folder / name).string());
  };
  SqliteDb& raw = db.raw();
  write("sessions.csv", view_csv(raw, "export_sessions", "session_id, role", s.left_out));
  write("windows.csv", view_csv(raw, "export_windows", "session_id, role, window_kind, window_index", s.left_out));
  write("segments.csv", view_csv(raw, "export_segments", "session_id, role, start_sec, end_sec, segment_label", s.left_out));
  std::vector<std::string> free_columns;
  write("session_info.csv", session_info(raw, free_columns));
  write("data_dictionary.csv", dictionary(raw, free_columns));
  for (const auto& st : db.sessions()) (st.status == "done" ? s.sessions_done : s.sessions_not_done)++;
  s.options_warning = options_mismatch_warning(done_session_options(raw));
  return s;
}

std::vector<StatusLine> study_status(const fs::path& dir, const std::string& journal) {
  const fs::path db_file = dir / "study.sqlite";
  if (!fs::exists(db_file)) throw Error(ErrorCode::Input, db_file.string() + " not found: run 'psyface study run' first");
  StudyDb db(db_file, false, journal);
  std::vector<StatusLine> lines;
  const std::string host = host_name();
  const auto differing = differing_options(done_session_options(db.raw()));
  for (const auto& s : db.sessions()) {
    StatusLine l{s.session_id, s.status, ""};
    if (s.status == "failed") {
      l.detail = s.error;
    } else if (s.status == "running") {
      const bool gone = claim_is_stale(s, host);
      l.detail = "by pid " + std::to_string(s.claim_pid) + " on " + s.claim_host +
                 (gone ? " (process gone: the next run redoes it)" : "");
      if (gone) l.status = "pending";
    } else if (s.status == "pending") {
      l.detail = db.count_runs(s.session_id, "interrupted") ? "interrupted earlier" : "not analysed yet";
    } else {
      if (const auto it = differing.find(s.session_id); it != differing.end())
        l.detail = "analysed with " + it->second + " (other done sessions differ: see the warning below)";
      if (!s.warnings.empty()) l.detail += (l.detail.empty() ? "" : "; ") + std::string("warnings: ") + s.warnings;
    }
    for (auto& c : l.detail)
      if (c == '\n') c = ';';
    lines.push_back(l);
  }
  return lines;
}

}  // namespace psyface::study
