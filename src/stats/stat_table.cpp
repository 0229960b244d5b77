#include "stats/stat_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

#include "stats/measure_set.hpp"
#include "stats/multiple_testing.hpp"
#include "util/atomic_file.hpp"
#include "psyface/version.hpp"

namespace psyface::stats {
namespace {

const char* const kColumns[] = {"measure", "target", "part", "statistic", "estimate", "ci_low", "ci_high", "se",
                                "test", "test_value", "df", "p", "p_holm", "p_bh", "n", "n_group1", "n_group2",
                                "groups", "method", "note", "measure_set"};

std::string num(double v, const char* na = "NA") {
  if (std::isnan(v)) return na;
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string count(int64_t v, const char* na = "NA") { return v < 0 ? na : std::to_string(v); }

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::vector<std::string> cells(const StatRow& r) {
  return {r.measure, r.target, r.part, r.statistic, num(r.estimate), num(r.ci_low), num(r.ci_high), num(r.se),
          r.test, num(r.test_value), num(r.df), num(r.p), num(r.p_holm), num(r.p_bh), count(r.n),
          count(r.n_group1), count(r.n_group2), count(r.groups), r.method, r.note};
}

std::string fixed(double v, int digits) {
  if (std::isnan(v)) return "NA";
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string p_text(double p) {
  if (std::isnan(p)) return "NA";
  if (p < 0.001) return "< .001";
  return fixed(p, 3);
}

std::string md_escape(std::string s) {
  for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  return s;
}

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

void adjust_p_values(StatTable& table) {
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<size_t>> families;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const auto& r = table.rows[i];
    families[{r.target, r.part, r.statistic}].push_back(i);
  }
  for (const auto& [key, idx] : families) {
    std::vector<double> p;
    for (size_t i : idx) p.push_back(table.rows[i].p);
    const auto holm = holm_adjust(p), bh = bh_adjust(p);
    for (size_t k = 0; k < idx.size(); ++k) table.rows[idx[k]].p_holm = holm[k], table.rows[idx[k]].p_bh = bh[k];
  }
}

void ensure_notes(StatTable& table) {
  for (auto& r : table.rows)
    if (!std::isfinite(r.estimate) && r.note.empty()) r.note = "not estimable from these data";
}

namespace {
// The set's kind on rows of its measures and on rows of a model over them (predict: "model(a+b)"); "" on rows
// of something else (human raters, dominant emotion).
std::string set_of(const StatRow& r, const MeasureSetLabel& set) {
  if (r.measure.rfind("model(", 0) == 0) return set.kind;
  return std::find(set.measures.begin(), set.measures.end(), r.measure) == set.measures.end() ? "" : set.kind;
}
}  // namespace

void write_stat_table_csv(std::ostream& out, const StatTable& table, const MeasureSetLabel& set) {
  for (size_t c = 0; c < std::size(kColumns); ++c) out << (c ? "," : "") << kColumns[c];
  out << "\n";
  for (const auto& r : table.rows) {
    auto v = cells(r);
    v.push_back(set_of(r, set));
    for (size_t c = 0; c < v.size(); ++c) out << (c ? "," : "") << csv_quote(v[c]);
    out << "\n";
  }
}

void write_stat_table_markdown(std::ostream& out, const StatTable& table, const MeasureSetLabel& set) {
  out << "## " << table.title << "\n\n" << table.description << "\n\n";
  const bool of_measures =
      std::any_of(table.rows.begin(), table.rows.end(), [&](const StatRow& r) { return !set_of(r, set).empty(); });
  if (of_measures) out << md_escape(measure_set_text(set)) << "\n\n";
  if (table.rows.empty()) {
    out << "(no rows)\n\n";
    return;
  }
  out << "| measure | target | part | statistic | estimate [95 % CI] | test | p | p Holm | p BH | n | groups | method | note |\n"
      << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : table.rows) {
    std::string test = r.test.empty() ? "" : r.test + " = " + fixed(r.test_value, 2);
    if (!r.test.empty() && std::isfinite(r.df)) test += " (df " + fixed(r.df, r.df == std::floor(r.df) ? 0 : 1) + ")";
    std::string n = std::to_string(r.n);
    if (r.n_group1 >= 0) n += " (" + std::to_string(r.n_group1) + " vs " + std::to_string(r.n_group2) + ")";
    out << "| " << md_escape(r.measure) << " | " << md_escape(r.target) << " | " << r.part << " | " << r.statistic
        << " | " << fixed(r.estimate, 3) << " [" << fixed(r.ci_low, 3) << ", " << fixed(r.ci_high, 3) << "] | " << test
        << " | " << p_text(r.p) << " | " << p_text(r.p_holm) << " | " << p_text(r.p_bh) << " | " << n << " | "
        << count(r.groups, "") << " | " << md_escape(r.method) << " | " << md_escape(r.note) << " |\n";
  }
  out << "\n";
}

nlohmann::json stat_table_to_json(const StatTable& table) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : table.rows) {
    rows.push_back({{"measure", r.measure}, {"target", r.target}, {"part", r.part}, {"statistic", r.statistic},
                    {"estimate", json_number(r.estimate)}, {"ci_low", json_number(r.ci_low)},
                    {"ci_high", json_number(r.ci_high)}, {"se", json_number(r.se)}, {"test", r.test},
                    {"test_value", json_number(r.test_value)}, {"df", json_number(r.df)}, {"p", json_number(r.p)},
                    {"p_holm", json_number(r.p_holm)}, {"p_bh", json_number(r.p_bh)}, {"n", r.n},
                    {"n_group1", r.n_group1 < 0 ? nlohmann::json(nullptr) : nlohmann::json(r.n_group1)},
                    {"n_group2", r.n_group2 < 0 ? nlohmann::json(nullptr) : nlohmann::json(r.n_group2)},
                    {"groups", r.groups < 0 ? nlohmann::json(nullptr) : nlohmann::json(r.groups)},
                    {"method", r.method}, {"note", r.note}});
  }
  return {{"name", table.name}, {"title", table.title}, {"description", table.description}, {"rows", rows}};
}

nlohmann::json stats_report_to_json(const StatsReport& report) {
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& t : report.tables) tables[t.name] = stat_table_to_json(t);
  nlohmann::json j = {{"format", "psyface-stats"}, {"format_version", 1}, {"psyface_version", psyface::kVersion},
                      {"command", report.command}, {"measure_set", measure_set_json(report.measure_set)},
                      {"options", report.options}, {"inputs", report.inputs},
                      {"notes", report.notes}, {"warnings", report.warnings}, {"confidence_level", 0.95}, {"tables", tables}};
  if (!report.patients.empty()) j["patients"] = report.patients;
  return j;
}

void write_stats_report(const std::filesystem::path& dir, const StatsReport& report) {
  std::ostringstream all;
  all << "# psyface stats " << report.command << "\n\n";
  if (const auto set = measure_set_text(report.measure_set); !set.empty()) all << md_escape(set) << "\n\n";
  for (const auto& w : report.warnings) all << "**WARNING:** " << md_escape(w) << "\n\n";
  if (!report.notes.empty()) {
    all << "Notes on the inputs:\n\n";
    for (const auto& n : report.notes) all << "- " << md_escape(n) << "\n";
    all << "\n";
  }
  for (const auto& t : report.tables) {
    util::AtomicFile csv(dir / (t.name + ".csv"));
    write_stat_table_csv(csv.stream(), t, report.measure_set);
    csv.commit();
    std::ostringstream md;
    write_stat_table_markdown(md, t, report.measure_set);
    util::write_file_atomic(dir / (t.name + ".md"), md.str());
    all << md.str();
  }
  util::write_file_atomic(dir / (report.command + ".md"), all.str());
  util::write_file_atomic(dir / (report.command + ".json"), stats_report_to_json(report).dump(2) + "\n");
}

}  // namespace psyface::stats
