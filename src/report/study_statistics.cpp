// The study report's statistics (study_statistics.hpp).
#include "report/study_statistics.hpp"

#include <cmath>
#include <tuple>

#include "stats/agreement.hpp"
#include "stats/measure_set.hpp"
#include "stats/outcome_analysis.hpp"

namespace psyface::report {
namespace fs = std::filesystem;

std::vector<AgreementPoint> agreement_points(const std::vector<stats::HumanRating>& ratings,
                                             const stats::MeasureTable& t, double tolerance_sec) {
  std::map<std::tuple<std::string, long long, long long>, std::vector<const stats::HumanRating*>> grouped;
  for (const auto& r : ratings)
    grouped[{r.session_id, std::llround(r.start_sec * 1000), std::llround(r.end_sec * 1000)}].push_back(&r);
  std::vector<AgreementPoint> points;
  for (const auto& [key, rs] : grouped) {
    const auto& first = *rs.front();
    long best_row = -1;
    double best = tolerance_sec + 1;
    for (size_t i = 0; i < t.rows.size(); ++i) {
      const auto& row = t.rows[i];
      if (row.session_id != first.session_id) continue;
      const double d = std::max(std::fabs(row.start_sec - first.start_sec), std::fabs(row.end_sec - first.end_sec));
      if (d <= tolerance_sec && d < best) best = d, best_row = static_cast<long>(i);
    }
    if (best_row < 0) continue;
    const auto& row = t.rows[static_cast<size_t>(best_row)];
    AgreementPoint p{first.session_id, row.patient_id, first.start_sec, first.end_sec, 0, 0,
                     static_cast<int>(rs.size()), {}};
    for (const auto* r : rs) p.ceas_mode += r->ceas_mode, p.ceas_peak += r->ceas_peak;
    p.ceas_mode /= p.raters, p.ceas_peak /= p.raters;
    for (size_t m = 0; m < t.measures.size(); ++m) p.measures[t.measures[m]] = t.values[static_cast<size_t>(best_row)][m];
    points.push_back(std::move(p));
  }
  return points;
}

namespace {

// As `psyface stats` finishes a report: the source's warnings and the measure-set label, then the files.
void finish(stats::StatsReport& report, const stats::StatsSource& source, const stats::MeasureSet& set,
            const stats::MeasureTable& table, const fs::path& out_dir, StudyStatistics& st) {
  report.warnings = source.warnings();
  report.measure_set = stats::measure_set_label(set, table.measures);
  stats::write_stats_report(out_dir, report);
  st.files.push_back(out_dir / (report.command + ".json"));
}

}  // namespace

StudyStatistics compute_study_statistics(const stats::StatsSource& source, bool has_ratings, bool has_outcomes,
                                         const fs::path& out_dir) {
  StudyStatistics st;
  st.primary = source.primary_measures();
  if (has_ratings) {
    const stats::AgreementOptions options;
    const auto ratings = source.ratings();
    const auto set = stats::resolve_measure_set("", std::nullopt, st.primary, stats::kappa_columns(options));
    const auto segments = source.segment_measures(set.selection);
    st.agreement = stats::run_agreement(ratings, segments, options);
    finish(*st.agreement, source, set, segments, out_dir, st);
    st.points = agreement_points(ratings, segments, options.time_tolerance_sec);
  }
  if (has_outcomes) {
    const auto outcomes = source.outcomes();
    const auto set = stats::resolve_measure_set("", std::nullopt, st.primary, {});
    const auto sessions = source.session_measures(set.selection);
    const auto direction = stats::outcome_direction(std::nullopt, source.outcome_lower_is_better());
    st.outcomes = stats::run_outcomes(outcomes, sessions, direction);
    finish(*st.outcomes, source, set, sessions, out_dir, st);
  }
  return st;
}

}  // namespace psyface::report
