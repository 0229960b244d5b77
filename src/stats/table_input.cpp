#include "stats/table_input.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "psyface/error.hpp"
#include "report/csv_reader.hpp"

namespace psyface::stats {
namespace {

bool is_na(const std::string& s) { return s.empty() || s == "NA" || s == "NaN" || s == "nan"; }

std::optional<double> to_number(const std::string& s) {
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string col_name(const report::CsvReader& csv, size_t c) {
  return "column " + std::to_string(c + 1) + " (" + csv.header()[c] + ")";
}

// Number or NaN for NA; throws naming line and column otherwise.
double number_or_fail(const report::CsvReader& csv, size_t c) {
  const std::string& s = csv.fields()[c];
  if (is_na(s)) return NAN;
  const auto v = to_number(s);
  if (!v) csv.fail(col_name(csv, c) + ": \"" + s + "\" is not a number");
  return *v;
}

size_t need(const report::CsvReader& csv, const std::string& name, const std::string& why) {
  if (!csv.has_column(name))
    throw Error(ErrorCode::Input, csv.path().string() + " line 1: missing column \"" + name + "\" (" + why + ")");
  return csv.column(name);
}

}  // namespace

std::vector<OutcomeRecord> read_outcomes_csv(const std::filesystem::path& path) {
  report::CsvReader csv(path);
  const size_t c_id = need(csv, "patient_id", "one row per patient"), c_pre = need(csv, "pre", "score before therapy"),
               c_post = need(csv, "post", "score after therapy; empty when missing");
  const bool has_dropout = csv.has_column("dropout");
  const size_t c_drop = has_dropout ? csv.column("dropout") : 0;
  std::vector<OutcomeRecord> out;
  std::set<std::string> seen;
  while (csv.next()) {
    const auto& f = csv.fields();
    OutcomeRecord r;
    r.patient_id = f[c_id];
    if (r.patient_id.empty()) csv.fail(col_name(csv, c_id) + ": empty patient_id");
    if (!seen.insert(r.patient_id).second) csv.fail(col_name(csv, c_id) + ": duplicate patient \"" + r.patient_id + "\"");
    r.pre = number_or_fail(csv, c_pre);
    r.post = number_or_fail(csv, c_post);
    if (has_dropout && !is_na(f[c_drop])) {
      if (f[c_drop] != "0" && f[c_drop] != "1") csv.fail(col_name(csv, c_drop) + ": \"" + f[c_drop] + "\" is not 0 or 1");
      r.dropout = f[c_drop] == "1" ? 1 : 0;
    }
    for (size_t c = 0; c < f.size(); ++c) {
      if (c == c_id || c == c_pre || c == c_post || (has_dropout && c == c_drop)) continue;
      const auto v = to_number(f[c]);
      if (is_na(f[c])) r.covariates[csv.header()[c]] = nullptr;
      else if (v) r.covariates[csv.header()[c]] = *v;
      else r.covariates[csv.header()[c]] = f[c];
    }
    r.source = path.filename().string() + ":" + std::to_string(csv.line_number());
    out.push_back(std::move(r));
  }
  return out;
}

MeasureTable read_measure_table(const std::filesystem::path& path, const MeasureSelection& selection) {
  report::CsvReader csv(path);
  MeasureTable t;
  t.source = path.string();
  const size_t c_session = need(csv, "session_id", "identifies the session of each row");
  const auto optional = [&](const char* name) { return csv.has_column(name) ? std::optional(csv.column(name)) : std::nullopt; };
  const auto c_patient = optional("patient_id"), c_role = optional("role"), c_kind = optional("window_kind"),
             c_label = optional("segment_label"), c_start = optional("start_sec"), c_end = optional("end_sec");
  t.has_patient_id = c_patient.has_value();
  t.has_window_kind = c_kind.has_value();
  t.has_times = c_start && c_end;
  // candidate measure columns
  std::vector<size_t> candidates;
  if (!selection.measures.empty()) {
    for (const auto& m : selection.measures) {
      if (std::find(kIdentifierColumns.begin(), kIdentifierColumns.end(), m) != kIdentifierColumns.end())
        throw Error(ErrorCode::Usage, "--measures: \"" + m + "\" is an identifier column, not a measure");
      if (!csv.has_column(m)) {
        std::string have;
        for (const auto& h : csv.header()) have += (have.empty() ? "" : ", ") + h;
        throw Error(ErrorCode::Input, path.string() + " line 1: no measure column \"" + m + "\" (columns: " + have + ")");
      }
      candidates.push_back(csv.column(m));
    }
  } else {
    for (size_t c = 0; c < csv.header().size(); ++c)
      if (std::find(kIdentifierColumns.begin(), kIdentifierColumns.end(), csv.header()[c]) == kIdentifierColumns.end())
        candidates.push_back(c);
  }
  std::vector<std::vector<std::string>> cells;  // candidate cells per kept row
  std::vector<bool> numeric(candidates.size(), true);
  int64_t other_role = 0;
  while (csv.next()) {
    const auto& f = csv.fields();
    if (c_role && !selection.role.empty() && f[*c_role] != selection.role) {
      ++other_role;
      continue;
    }
    MeasureRow row;
    row.session_id = f[c_session];
    if (row.session_id.empty()) csv.fail(col_name(csv, c_session) + ": empty session_id");
    if (c_patient) row.patient_id = f[*c_patient];
    if (c_role) row.role = f[*c_role];
    if (c_kind) row.window_kind = f[*c_kind];
    if (c_label) row.segment_label = f[*c_label];
    row.start_sec = c_start ? number_or_fail(csv, *c_start) : NAN;
    row.end_sec = c_end ? number_or_fail(csv, *c_end) : NAN;
    row.line = csv.line_number();
    std::vector<std::string> values;
    for (size_t k = 0; k < candidates.size(); ++k) {
      const std::string& s = f[candidates[k]];
      if (!is_na(s) && !to_number(s)) {
        if (!selection.measures.empty()) csv.fail(col_name(csv, candidates[k]) + ": \"" + s + "\" is not a number");
        numeric[k] = false;
      }
      values.push_back(s);
    }
    t.rows.push_back(std::move(row));
    cells.push_back(std::move(values));
  }
  if (other_role > 0)
    t.notes.push_back(path.filename().string() + ": " + std::to_string(other_role) + " rows of other roles than \"" +
                      selection.role + "\" left out (--role)");
  std::vector<size_t> keep;
  for (size_t k = 0; k < candidates.size(); ++k) {
    if (numeric[k]) {
      keep.push_back(k);
      t.measures.push_back(csv.header()[candidates[k]]);
    } else {
      t.notes.push_back(path.filename().string() + ": column \"" + csv.header()[candidates[k]] +
                        "\" is not numeric: not a measure");
    }
  }
  if (t.measures.empty())
    throw Error(ErrorCode::Input, path.string() + ": no numeric measure columns (identifier columns are never measures)");
  for (const auto& row : cells) {
    std::vector<double> v;
    for (size_t k : keep) v.push_back(is_na(row[k]) ? NAN : *to_number(row[k]));
    t.values.push_back(std::move(v));
  }
  return t;
}

void append_measure_table(MeasureTable& a, MeasureTable b) {
  if (a.rows.empty() && a.measures.empty()) {
    a = std::move(b);
    return;
  }
  if (a.measures != b.measures)
    throw Error(ErrorCode::Input, b.source + ": its measures differ from those of " + a.source +
                                      " (select common ones with --measures)");
  a.source += ", " + b.source;
  for (auto& r : b.rows) a.rows.push_back(std::move(r));
  for (auto& v : b.values) a.values.push_back(std::move(v));
  for (auto& n : b.notes) a.notes.push_back(std::move(n));
  a.has_patient_id = a.has_patient_id && b.has_patient_id;
  a.has_window_kind = a.has_window_kind || b.has_window_kind;
  a.has_times = a.has_times && b.has_times;
}

}  // namespace psyface::stats
