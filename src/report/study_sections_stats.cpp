// The study report's sections on the statistics: agreement with the human ratings and outcome / dropout
// (study_sections.hpp). Every number comes from the stats report written beside the page.
#include <cmath>

#include "report/html_text.hpp"
#include "report/report_format.hpp"
#include "report/study_sections.hpp"
#include "report/svg_plot.hpp"
#include "util/number_text.hpp"

namespace psyface::report {
namespace {

const stats::StatTable* find_table(const stats::StatsReport& r, const std::string& name) {
  for (const auto& t : r.tables)
    if (t.name == name) return &t;
  return nullptr;
}

const stats::StatRow* find_row(const stats::StatTable* t, const std::string& measure, const std::string& target,
                               const std::string& part, const std::string& statistic) {
  if (!t) return nullptr;
  for (const auto& r : t->rows)
    if (r.measure == measure && r.target == target && r.part == part && r.statistic == statistic) return &r;
  return nullptr;
}

std::string tables_html(const stats::StatsReport& r) {
  std::string s;
  for (const auto& t : r.tables)
    s += "<h3>" + html_escape(t.title) + "</h3><p class=\"description\">" + html_escape(t.description) + "</p>" +
         stat_table_html(r.command, t);
  return s;
}

// Least-squares line of y on x over the finite pairs; NaN when x does not vary.
std::pair<double, double> least_squares(const std::vector<PlotPoint>& pts) {
  double n = 0, mx = 0, my = 0;
  for (const auto& p : pts)
    if (std::isfinite(p.x) && std::isfinite(p.y)) n += 1, mx += p.x, my += p.y;
  if (n < 2) return {NAN, NAN};
  mx /= n, my /= n;
  double sxy = 0, sxx = 0;
  for (const auto& p : pts)
    if (std::isfinite(p.x) && std::isfinite(p.y)) sxy += (p.x - mx) * (p.y - my), sxx += (p.x - mx) * (p.x - mx);
  if (sxx <= 0) return {NAN, NAN};
  return {my - sxy / sxx * mx, sxy / sxx};
}

std::string scatter_for(const std::string& measure, const StudyStatistics& st) {
  ScatterPlot p{"agreement-" + measure, measure + " against CEAS Mode", measure, "CEAS Mode (mean over raters)", "", {}};
  for (const auto& a : st.points) {
    const auto it = a.measures.find(measure);
    const double x = it == a.measures.end() ? NAN : it->second;
    p.points.push_back({x, a.ceas_mode,
                        a.session_id + " " + util::fixed_text(a.start_sec, 1) + "-" + util::fixed_text(a.end_sec, 1) +
                            " s: " + measure + " = " + shown_number(x) + ", CEAS Mode = " + shown_number(a.ceas_mode) +
                            " (" + std::to_string(a.raters) + " raters)"});
  }
  std::tie(p.intercept, p.slope) = least_squares(p.points);
  const auto* r = find_row(find_table(*st.agreement, "agreement_correlations"), measure, "ceas_mode", "segment", "pearson_r");
  if (r)
    p.caption = "Pearson r = " + shown_number(r->estimate) + " " + shown_interval(r->ci_low, r->ci_high) +
                ", p = " + shown_number(r->p) + " (Holm " + shown_number(r->p_holm) + "), n = " +
                std::to_string(r->n) + " rated segments; line: least squares.";
  return scatter_svg(p);
}

std::string part_label(const std::string& part, double first_min) {
  const std::string n = plain_number(first_min);
  if (part == "whole") return "whole session";
  if (part == "first") return "first " + n + " min";
  if (part == "rest") return "after " + n + " min";
  if (part == "first_minus_rest") return "first " + n + " min minus rest";
  return part;
}

std::string forest_for(const stats::StatsReport& r, double first_min) {
  ForestPlot p{"forest", "Effect sizes: Hedges' g with 95 % CI", "Hedges' g (group 1 minus group 2)", "", {}, 0};
  int undefined = 0;
  for (const auto& [table, comparison] : {std::pair{"median_split", "Improvers minus non-improvers"},
                                          std::pair{"dropout", "Dropouts minus completers"}}) {
    const auto* t = find_table(r, table);
    if (!t) continue;
    for (const char* part : {"whole", "first", "rest", "first_minus_rest"})
      for (const auto& row : t->rows) {
        if (row.statistic != "hedges_g" || row.part != part) continue;
        if (!std::isfinite(row.estimate)) {
          ++undefined;
          continue;
        }
        const std::string group = std::string(comparison) + ", " + part_label(part, first_min);
        p.rows.push_back({group, row.measure, row.estimate, row.ci_low, row.ci_high,
                          row.measure + ", " + group + ": g = " + shown_number(row.estimate) + " " +
                              shown_interval(row.ci_low, row.ci_high) + ", n = " + std::to_string(row.n_group1) +
                              " vs " + std::to_string(row.n_group2)});
      }
  }
  p.caption = "Squares: Hedges' g; lines: 95 % CI (noncentral t); values and p in the tables median_split and dropout.";
  if (undefined)
  {
    p.caption += ' ';
    p.caption += std::to_string(undefined);
    p.caption += " effect sizes are undefined and not drawn (NA in the tables, which say why: e.g. no rest after " +
                 plain_number(first_min) + " min in short sessions).";
  }
  if (p.rows.empty()) return "<p class=\"missing\">No effect size is defined (the tables median_split and dropout say why).</p>";
  return forest_svg(p);
}

}  // namespace

std::string stat_table_html(const std::string& command, const stats::StatTable& t) {
  std::string s = "<table class=\"stats\" data-table=\"" + html_escape(t.name) +
                  "\"><thead><tr><th>measure</th><th>target</th><th>part</th><th>statistic</th><th>estimate</th>"
                  "<th>CI low</th><th>CI high</th><th>p</th><th>p (Holm)</th><th>p (BH)</th><th>n</th><th>note</th>"
                  "</tr></thead><tbody>";
  for (const auto& r : t.rows)
    s += "<tr data-command=\"" + html_escape(command) + "\" data-table=\"" + html_escape(t.name) + "\" data-measure=\"" +
         html_escape(r.measure) + "\" data-target=\"" + html_escape(r.target) + "\" data-part=\"" +
         html_escape(r.part) + "\" data-statistic=\"" + html_escape(r.statistic) + "\">" + text_cell(r.measure) +
         text_cell(r.target) + text_cell(r.part) + text_cell(r.statistic) + number_cell(r.estimate, "estimate") +
         number_cell(r.ci_low, "ci_low") + number_cell(r.ci_high, "ci_high") + number_cell(r.p, "p") +
         number_cell(r.p_holm, "p_holm") + number_cell(r.p_bh, "p_bh") + count_cell(r.n, "n") + text_cell(r.note) +
         "</tr>";
  return s + "</tbody></table>";
}

std::string stats_context_html(const stats::StatsReport& r) {
  std::string s;
  const auto& m = r.measure_set;
  if (!m.kind.empty()) {
    s += "<p class=\"measure-set\">Measure set: <strong>" + html_escape(m.kind) + "</strong> (" +
         html_escape(m.chosen_by) + "), role " + html_escape(m.role.empty() ? "all" : m.role) + ": ";
    for (size_t i = 0; i < m.measures.size(); ++i) s += (i ? ", " : "") + html_escape(m.measures[i]);
    s += ". Holm and BH adjust over these " + std::to_string(m.measures.size()) + " measures.</p>";
  }
  for (const auto& w : r.warnings) s += "<p class=\"warning\">Warning: " + html_escape(w) + "</p>";
  if (!r.notes.empty()) {
    s += "<details class=\"notes\"><summary>Notes (" + std::to_string(r.notes.size()) + ")</summary><ul>";
    for (const auto& n : r.notes) s += "<li>" + html_escape(n) + "</li>";
    s += "</ul></details>";
  }
  return s;
}

std::string agreement_section(const StudyFacts& f, const StudyStatistics& st) {
  const std::string title = "Agreement with the human ratings";
  if (!st.agreement)
    return missing_section_html("agreement", title,
                                "No human ratings in the study database: " +
                                    command_text("stats import ratings --study", f) +
                                    " ratings.csv (CEAS Mode and Peak per segment and rater) imports them.");
  const auto& r = *st.agreement;
  std::string body = "<p>" + std::to_string(f.ratings) + " ratings by " + std::to_string(f.raters) + " raters of " +
                     std::to_string(f.rated_segments) + " segments; " + std::to_string(st.points.size()) +
                     " rated segments matched to a measure row (within " +
                     plain_number(r.options.value("time_tolerance_sec", 0.5)) + " s).</p>" + stats_context_html(r);
  body += "<div class=\"plots\">";
  for (const auto& m : r.measure_set.measures) body += scatter_for(m, st);
  body += "</div>" + tables_html(r);
  return section_html("agreement", title, body);
}

std::string outcomes_section(const StudyFacts& f, const StudyStatistics& st) {
  const std::string title = "Outcome and dropout";
  if (!st.outcomes)
    return missing_section_html("outcomes", title,
                                "No outcomes in the study database: " + command_text("stats import outcomes --study", f) +
                                    " outcomes.csv (patient_id, pre, post, dropout) imports them.");
  const auto& r = *st.outcomes;
  const auto& in = r.inputs;
  std::string body = "<p>Direction of improvement: " + html_escape(r.options.value("direction", "")) + " (improvement = " +
                     html_escape(r.options.value("improvement", "")) + ", from " +
                     html_escape(r.options.value("direction_source", "")) + "). " +
                     std::to_string(in.value("patients", 0)) + " patients with outcomes, " +
                     std::to_string(in.value("patients_with_sessions", 0)) + " with analysed sessions; " +
                     std::to_string(in.value("improvers", 0)) + " improvers, " +
                     std::to_string(in.value("non_improvers", 0)) + " non-improvers; " +
                     std::to_string(in.value("dropouts", 0)) + " dropouts, " + std::to_string(in.value("completers", 0)) +
                     " completers.</p>" + stats_context_html(r);
  if (!find_table(r, "dropout"))
    body += "<p class=\"missing\">No dropout analysis: the outcomes have no dropout column (import outcomes.csv with "
            "a 0/1 dropout column).</p>";
  body += forest_for(r, f.config.measures.first_min) + tables_html(r);
  return section_html("outcomes", title, body);
}

}  // namespace psyface::report
