#include "stats/table_input.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "psyface/error.hpp"
#include "tables/csv_reader.hpp"

namespace psyface::stats {
namespace {

constexpr size_t kNoColumn = static_cast<size_t>(-1);

bool is_na(const std::string& s) { return s.empty() || s == "NA" || s == "NaN" || s == "nan"; }

std::optional<double> to_number(const std::string& s) {
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  // "inf" and "-nan" parse, but are no measurement: reported as not a number, never silently dropped
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string col_name(const tables::CsvReader& csv, size_t c) {
  return "column " + std::to_string(c + 1) + " (" + csv.header()[c] + ")";
}

// Number or NaN for NA; throws naming line and column otherwise.
double number_or_fail(const tables::CsvReader& csv, size_t c) {
  const std::string& s = csv.fields()[c];
  if (is_na(s)) return NAN;
  const auto v = to_number(s);
  if (!v) csv.fail(col_name(csv, c) + ": \"" + s + "\" is not a number");
  return *v;
}

size_t need(const tables::CsvReader& csv, const std::string& name, const std::string& why) {
  if (!csv.has_column(name))
    throw Error(ErrorCode::Input, csv.path().string() + " line 1: missing column \"" + name + "\" (" + why + ")");
  return csv.column(name);
}

}  // namespace

std::vector<OutcomeRecord> read_outcomes_csv(const std::filesystem::path& path) {
  tables::CsvReader csv(path);
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

MeasureTable measure_table_from_cells(const CellTable& cells, const MeasureSelection& selection) {
  MeasureTable t;
  t.source = cells.source;
  const auto& header = cells.header;
  const auto find = [&](const std::string& name) -> std::optional<size_t> {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? std::nullopt : std::optional(static_cast<size_t>(it - header.begin()));
  };
  const auto where_col = [&](size_t row, size_t c) {
    return cells.where[row] + ": column " + std::to_string(c + 1) + " (" + header[c] + ")";
  };
  const auto number = [&](size_t row, size_t c) -> double {
    const std::string& s = cells.rows[row][c];
    if (is_na(s)) return NAN;
    const auto v = to_number(s);
    if (!v) throw Error(ErrorCode::Input, where_col(row, c) + ": \"" + s + "\" is not a number");
    return *v;
  };
  const auto c_session = find("session_id");
  if (!c_session) throw Error(ErrorCode::Input, cells.source + ": missing column \"session_id\" (identifies the session of each row)");
  const auto c_patient = find("patient_id"), c_role = find("role"), c_kind = find("window_kind"),
             c_label = find("segment_label"), c_start = find("start_sec"), c_end = find("end_sec"),
             c_number = find("session_number"), c_date = find("date");
  t.has_patient_id = c_patient.has_value();
  t.has_window_kind = c_kind.has_value();
  t.has_times = c_start && c_end;
  const auto is_identifier = [](const std::string& name) {
    return std::find(kIdentifierColumns.begin(), kIdentifierColumns.end(), name) != kIdentifierColumns.end();
  };
  const auto is_excluded = [&](const std::string& name) {
    return std::find(selection.excluded.begin(), selection.excluded.end(), name) != selection.excluded.end();
  };
  std::vector<size_t> candidates;
  for (const auto& m : selection.measures) {
    if (is_identifier(m))
      throw Error(ErrorCode::Usage, selection.listed_as + ": \"" + m + "\" is an identifier column, not a measure");
    if (is_excluded(m))
      throw Error(ErrorCode::Usage, selection.listed_as + ": \"" + m +
                                        "\" is a bookkeeping or data-quality column, never analysed as a measure "
                                        "(docs/statistics.md, Primary measures)");
    const auto c = find(m);
    if (!c) {
      std::string have;
      for (const auto& h : header)
        if (!is_identifier(h) && !is_excluded(h)) have += (have.empty() ? "" : ", ") + h;
      throw Error(ErrorCode::Input, cells.source + ": no measure column \"" + m + "\" (" + selection.listed_as +
                                        "; measure columns: " + (have.empty() ? "none" : have) + ")");
    }
    candidates.push_back(*c);
  }
  std::vector<std::string> excluded_present;
  if (selection.measures.empty())
    for (size_t c = 0; c < header.size(); ++c) {
      if (is_excluded(header[c])) excluded_present.push_back(header[c]);
      else if (!is_identifier(header[c])) candidates.push_back(c);
    }
  std::vector<size_t> auxiliary;  // auxiliary columns that exist and are not measures already
  for (const auto& a : selection.auxiliary) {
    const auto c = find(a);
    if (c && std::find(candidates.begin(), candidates.end(), *c) == candidates.end()) auxiliary.push_back(*c);
  }
  std::vector<bool> numeric(candidates.size(), true);
  std::vector<size_t> kept_rows;
  int64_t other_role = 0;
  for (size_t i = 0; i < cells.rows.size(); ++i) {
    const auto& f = cells.rows[i];
    if (c_role && !selection.role.empty() && f[*c_role] != selection.role) {
      ++other_role;
      continue;
    }
    MeasureRow row;
    row.session_id = f[*c_session];
    if (row.session_id.empty()) throw Error(ErrorCode::Input, where_col(i, *c_session) + ": empty session_id");
    if (c_patient) row.patient_id = f[*c_patient];
    if (c_role) row.role = f[*c_role];
    if (c_kind) row.window_kind = f[*c_kind];
    if (c_label) row.segment_label = f[*c_label];
    row.start_sec = c_start ? number(i, *c_start) : NAN;
    row.end_sec = c_end ? number(i, *c_end) : NAN;
    // Only the session order of stats predict uses these; a non-numeric session_number is no error here.
    row.session_number = c_number ? to_number(f[*c_number]).value_or(NAN) : NAN;
    if (c_date) row.date = f[*c_date];
    row.line = cells.lines.empty() ? static_cast<int64_t>(i + 1) : cells.lines[i];
    for (size_t k = 0; k < candidates.size(); ++k) {
      const std::string& s = f[candidates[k]];
      if (!is_na(s) && !to_number(s)) {
        if (!selection.measures.empty())
          throw Error(ErrorCode::Input, where_col(i, candidates[k]) + ": \"" + s + "\" is not a number");
        numeric[k] = false;
      }
    }
    for (size_t& c : auxiliary)
      if (c != kNoColumn && !is_na(f[c]) && !to_number(f[c])) {
        t.notes.push_back(where_col(i, c) + ": \"" + f[c] + "\" is not a number: column not used");
        c = kNoColumn;
      }
    t.rows.push_back(std::move(row));
    kept_rows.push_back(i);
  }
  const std::string name = std::filesystem::path(cells.source).filename().string();
  if (other_role > 0)
    t.notes.push_back(name + ": " + std::to_string(other_role) + " rows of other roles than \"" + selection.role +
                      "\" left out (--role)");
  if (!excluded_present.empty()) {
    std::string list;
    for (const auto& e : excluded_present) list += (list.empty() ? "" : ", ") + e;
    t.notes.push_back(name + ": bookkeeping and data-quality columns are never measures: " + list + " not analysed");
  }
  std::vector<size_t> keep;
  for (size_t k = 0; k < candidates.size(); ++k) {
    if (numeric[k]) {
      keep.push_back(candidates[k]);
      t.measures.push_back(header[candidates[k]]);
    } else {
      t.notes.push_back(name + ": column \"" + header[candidates[k]] + "\" is not numeric: not a measure");
    }
  }
  if (t.measures.empty())
    throw Error(ErrorCode::Input, cells.source + ": no numeric measure columns (identifier columns are never measures)");
  std::erase(auxiliary, kNoColumn);
  for (size_t c : auxiliary) t.auxiliary.push_back(header[c]);
  const auto value = [&](size_t i, size_t c) { return is_na(cells.rows[i][c]) ? NAN : *to_number(cells.rows[i][c]); };
  for (size_t i : kept_rows) {
    std::vector<double> v, a;
    for (size_t c : keep) v.push_back(value(i, c));
    for (size_t c : auxiliary) a.push_back(value(i, c));
    t.values.push_back(std::move(v));
    t.auxiliary_values.push_back(std::move(a));
  }
  return t;
}

MeasureTable read_measure_table(const std::filesystem::path& path, const MeasureSelection& selection) {
  tables::CsvReader csv(path);
  CellTable cells{path.string(), csv.header(), {}, {}, {}};
  while (csv.next()) {
    cells.rows.push_back(csv.fields());
    cells.lines.push_back(csv.line_number());
    cells.where.push_back(path.string() + " line " + std::to_string(csv.line_number()));
  }
  return measure_table_from_cells(cells, selection);
}

void append_measure_table(MeasureTable& a, MeasureTable b) {
  if (a.rows.empty() && a.measures.empty()) {
    a = std::move(b);
    return;
  }
  if (a.measures != b.measures)
    throw Error(ErrorCode::Input, b.source + ": its measures differ from those of " + a.source +
                                      " (select common ones with --measures)");
  if (a.auxiliary != b.auxiliary) {
    a.notes.push_back(b.source + ": its auxiliary columns differ from those of " + a.source + ": none used");
    a.auxiliary.clear();
    a.auxiliary_values.assign(a.rows.size(), {});
    b.auxiliary_values.assign(b.rows.size(), {});
  }
  a.source += ", " + b.source;
  for (auto& r : b.rows) a.rows.push_back(std::move(r));
  for (auto& v : b.auxiliary_values) a.auxiliary_values.push_back(std::move(v));
  for (auto& v : b.values) a.values.push_back(std::move(v));
  for (auto& n : b.notes) a.notes.push_back(std::move(n));
  a.has_patient_id = a.has_patient_id && b.has_patient_id;
  a.has_window_kind = a.has_window_kind || b.has_window_kind;
  a.has_times = a.has_times && b.has_times;
}

}  // namespace psyface::stats
