// The sections of the study report (DIR/report/index.html). Each returns one <section id="ID"
// data-section="ID">: the section's tables and plots when its data exist, otherwise one line saying what
// is missing and which command provides it (class "missing"). docs/report.md lists them.
#pragma once
#include <string>
#include <vector>

#include "report/study_facts.hpp"
#include "report/study_statistics.hpp"
#include "stats/stat_table.hpp"

namespace psyface::report {

// <section> with a heading and a body, or with the missing line.
std::string section_html(const std::string& id, const std::string& title, const std::string& body);
std::string missing_section_html(const std::string& id, const std::string& title, const std::string& missing);

// The study's command line for a missing-data line: "psyface <what> DIR" with DIR escaped.
std::string command_text(const std::string& what, const StudyFacts& facts);

std::string overview_section(const StudyFacts& facts);
std::string quality_section(const StudyFacts& facts);
std::string trajectories_section(const StudyFacts& facts, const stats::PrimaryMeasures& primary);
std::string synchrony_section(const StudyFacts& facts);
std::string agreement_section(const StudyFacts& facts, const StudyStatistics& st);
std::string outcomes_section(const StudyFacts& facts, const StudyStatistics& st);
std::string methods_section(const StudyFacts& facts, const StudyStatistics& st);

// A stats table as HTML: one row per StatRow with data-key "COMMAND/TABLE/measure/target/part/statistic",
// every number in a cell with data-col (estimate, ci_low, ci_high, p, p_holm, p_bh, n) and data-v.
std::string stat_table_html(const std::string& command, const stats::StatTable& table);
// The measure set, warnings and notes of a stats report as HTML paragraphs and lists.
std::string stats_context_html(const stats::StatsReport& report);

}  // namespace psyface::report
