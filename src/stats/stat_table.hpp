// The result tables of `psyface stats`: one tidy row per (measure, target, part, statistic), the same
// columns in every table, written as CSV (NA for undefined), Markdown and JSON (null for undefined).
// Every row has estimate, CI, p, n and method; a row whose estimate is undefined says why in `note`.
#pragma once
#include <cstdint>
#include <filesystem>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace psyface::stats {

constexpr double kNA = std::numeric_limits<double>::quiet_NaN();

struct StatRow {
  std::string measure;    // psyface measure (column of the measure table)
  std::string target;     // what it is compared with: ceas_mode, ceas_peak, improvement, dropout, rater names...
  std::string part;       // segment, whole, first, rest, first_minus_rest
  std::string statistic;  // pearson_r, spearman_rho, rmcorr_r, lmm_slope, icc_2_1, cohen_d, ...
  double estimate = kNA, ci_low = kNA, ci_high = kNA, se = kNA;
  std::string test;       // name of the test statistic: t, z, F, U ("" when none)
  double test_value = kNA, df = kNA, p = kNA;
  double p_holm = kNA, p_bh = kNA;  // adjusted across the measures of one (target, part, statistic)
  int64_t n = 0;                    // observations used (segments, patients or sessions)
  int64_t n_group1 = -1, n_group2 = -1;  // group sizes of group comparisons; -1 = not a group comparison
  int64_t groups = -1;                   // patients (clusters) of rmcorr and mixed models; -1 = n/a
  std::string method;     // how it was computed, with the reference
  std::string note;       // why something is undefined, or a flag such as a singular fit
};

struct StatTable {
  std::string name;   // file stem: stats/<name>.csv, .md
  std::string title;  // Markdown heading
  std::string description;
  std::vector<StatRow> rows;
};

// What a report states about its measure set (stats/measure_set.hpp makes it).
struct MeasureSetLabel {
  std::string kind;                   // "primary" or "exploratory"; "" = not stated (library callers)
  std::string chosen_by, role;
  std::vector<std::string> measures;  // the analysed measures (the family of every p-value adjustment)
};

struct StatsReport {
  std::string command;               // agreement or outcomes
  std::vector<StatTable> tables;
  std::vector<std::string> notes;    // input handling: left-out rows, unmatched segments, ...
  std::vector<std::string> warnings; // what may make the results wrong (inputs analysed differently, ...)
  nlohmann::json inputs = nlohmann::json::object();   // sources and counts
  nlohmann::json options = nlohmann::json::object();
  MeasureSetLabel measure_set;       // stated in the JSON (measure_set), each Markdown file and CSV column measure_set
  nlohmann::json patients = nlohmann::json::array();  // per-patient results (predict: out-of-fold risks); omitted when empty
};

// Holm and Benjamini–Hochberg over the rows of a table that share (target, part, statistic) and have a
// finite p (the family is the measures of one test).
void adjust_p_values(StatTable& table);

// Gives every row with an undefined estimate a note (keeps an existing one).
void ensure_notes(StatTable& table);

// set: the report's measure set; the CSV's measure_set column gives its kind on the rows of its measures,
// the Markdown states it under the title.
void write_stat_table_csv(std::ostream& out, const StatTable& table, const MeasureSetLabel& set = {});
void write_stat_table_markdown(std::ostream& out, const StatTable& table, const MeasureSetLabel& set = {});
nlohmann::json stat_table_to_json(const StatTable& table);
nlohmann::json stats_report_to_json(const StatsReport& report);

// Writes DIR/<table>.csv and .md for every table, DIR/<command>.md with all tables and notes, and
// DIR/<command>.json with everything; each file atomically. throws Error(Output).
void write_stats_report(const std::filesystem::path& dir, const StatsReport& report);

}  // namespace psyface::stats
