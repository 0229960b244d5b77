// psyface stats agreement | outcomes — research statistics on measure tables (CSV now; the study
// database through the same stats::StatsSource interface later). Options only; the work is in src/stats/.
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "psyface/error.hpp"
#include "stats/agreement.hpp"
#include "stats/outcome_analysis.hpp"
#include "stats/stats_source.hpp"

namespace psyface::cli {
namespace {

struct StatsCliOptions {
  std::vector<std::string> ratings, sessions;
  std::string outcomes, segments, eaf_tiers, eaf_session, measures, role = "patient", out_dir = "stats";
  bool lower_is_better = false, quiet = false;
  stats::AgreementOptions agreement;
};

StatsCliOptions g_opts;

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

stats::CsvStatsSource make_source() {
  stats::CsvSourceFiles f;
  for (const auto& r : g_opts.ratings) f.ratings.emplace_back(r);
  for (const auto& s : g_opts.sessions) f.sessions.emplace_back(s);
  f.outcomes = g_opts.outcomes;
  f.segments = g_opts.segments;
  if (!g_opts.eaf_tiers.empty()) f.eaf_tiers = stats::parse_eaf_tier_map(g_opts.eaf_tiers);
  f.eaf_tiers.session_id = g_opts.eaf_session;
  return stats::CsvStatsSource(std::move(f));
}

stats::MeasureSelection selection() { return {split_list(g_opts.measures), g_opts.role}; }

void finish(const stats::StatsReport& report) {
  stats::write_stats_report(g_opts.out_dir, report);
  if (!g_opts.quiet)
    for (const auto& n : report.notes) std::cerr << "psyface: note: " << n << "\n";
  std::cerr << "psyface: wrote " << report.tables.size() << " tables (CSV and Markdown), " << report.command
            << ".md and " << report.command << ".json to " << g_opts.out_dir << "\n";
}

void run_agreement() {
  const auto source = make_source();
  const auto ratings = source.ratings();
  const auto segments = source.segment_measures(selection());
  finish(stats::run_agreement(ratings, segments, g_opts.agreement));
}

void run_outcomes() {
  const auto source = make_source();
  const auto outcomes = source.outcomes();
  const auto sessions = source.session_measures(selection());
  stats::OutcomeOptions o;
  o.lower_is_better = source.outcome_lower_is_better().value_or(g_opts.lower_is_better);
  finish(stats::run_outcomes(outcomes, sessions, o));
}

void add_common(CLI::App* cmd) {
  auto& o = g_opts;
  cmd->add_option("--measures", o.measures, "Measure columns a,b,c (default: every numeric non-identifier column)");
  cmd->add_option("--role", o.role, "Keep rows of this role when the table has a role column (\"\" = all rows)")
      ->capture_default_str();
  cmd->add_option("-o,--out", o.out_dir, "Output folder for the tables, <command>.md and <command>.json")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", o.quiet, "No notes on stderr (they stay in the outputs)");
}

Registrar reg([](CLI::App& app) {
  auto& o = g_opts;
  auto* stats_cmd = app.add_subcommand("stats", "Research statistics: agreement with human ratings, outcomes, dropout");
  stats_cmd->require_subcommand(1);

  auto* ag = stats_cmd->add_subcommand(
      "agreement",
      "psyface segment measures against human CEAS ratings: Pearson, Spearman, rmcorr, LMM; rater ICC; kappa");
  ag->add_option("--ratings", o.ratings,
                 "ratings.csv (session_id,start,end,rater,ceas_mode,ceas_peak[,primary_emotion]) or ELAN .eaf; repeatable")
      ->required();
  ag->add_option("--segments", o.segments,
                 "Segment measures: segments.csv of the study export (session_id, patient_id, start_sec, end_sec, measures)")
      ->required();
  ag->add_option("--eaf-tiers", o.eaf_tiers,
                 "ELAN tier names: mode=NAME,peak=NAME,emotion=NAME (default: \"CEAS mode\", \"CEAS peak\", "
                 "\"primary emotion\"; a tier NAME@RATER names its rater)");
  ag->add_option("--eaf-session", o.eaf_session, "session_id of the .eaf ratings (default: the file name without .eaf)");
  ag->add_option("--time-tolerance", o.agreement.time_tolerance_sec,
                 "Seconds by which a rated segment's ends may differ from the measure row's")
      ->capture_default_str();
  ag->add_option("--emotion-prefix", o.agreement.emotion_prefix,
                 "Prefix of the machine emotion columns used for kappa (<prefix>happy, <prefix>sad, ...)")
      ->capture_default_str();
  add_common(ag);
  ag->callback(run_agreement);

  auto* oc = stats_cmd->add_subcommand(
      "outcomes", "Patient means against improvement (correlations, median split, LMM) and dropouts against completers");
  oc->add_option("--outcomes", o.outcomes, "outcomes.csv: patient_id,pre,post[,dropout][,covariates]")->required();
  oc->add_option("--sessions", o.sessions,
                 "Session measures: sessions.csv and/or windows.csv (window_kind first/rest give the first-N-minutes "
                 "and rest parts; fixed windows are ignored); repeatable")
      ->required();
  oc->add_flag("--lower-is-better", o.lower_is_better, "Lower outcome scores are better: improvement = pre - post");
  add_common(oc);
  oc->callback(run_outcomes);
});

}  // namespace
}  // namespace psyface::cli
