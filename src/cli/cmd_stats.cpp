// psyface stats agreement | outcomes | import — research statistics on measure tables (CSV files or the
// study database, both through stats::StatsSource). Options only; the work is in src/stats/.
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "psyface/error.hpp"
#include "stats/agreement.hpp"
#include "stats/outcome_analysis.hpp"
#include "stats/prediction_analysis.hpp"
#include "stats/stats_source.hpp"
#include "stats/study_database.hpp"
#include "stats/study_import.hpp"

namespace psyface::cli {
namespace {

struct StatsCliOptions {
  std::vector<std::string> ratings, sessions;
  std::string outcomes, segments, eaf_tiers, eaf_session, measures, role, out_dir = "stats", study_dir;
  bool role_given = false;  // --role given (else the primary role: study.conf primary_role or patient)
  std::string journal;  // "": keep the study's journal mode
  bool lower_is_better = false, higher_is_better = false, replace = false, quiet = false;
  stats::AgreementOptions agreement;
  stats::PredictionOptions predict;
};

StatsCliOptions g_opts;

stats::EafTierMap eaf_tiers() {
  stats::EafTierMap m = g_opts.eaf_tiers.empty() ? stats::EafTierMap{} : stats::parse_eaf_tier_map(g_opts.eaf_tiers);
  m.session_id = g_opts.eaf_session;
  return m;
}

// The study database with --study DIR, else the CSV files given.
std::unique_ptr<stats::StatsSource> make_source() {
  if (!g_opts.study_dir.empty()) return std::make_unique<stats::StudyDatabaseSource>(g_opts.study_dir, g_opts.journal);
  stats::CsvSourceFiles f;
  for (const auto& r : g_opts.ratings) f.ratings.emplace_back(r);
  for (const auto& s : g_opts.sessions) f.sessions.emplace_back(s);
  f.outcomes = g_opts.outcomes;
  f.segments = g_opts.segments;
  f.eaf_tiers = eaf_tiers();
  return std::make_unique<stats::CsvStatsSource>(std::move(f));
}

// --measures and --role against the source's primary measures; auxiliary: columns read whatever they say.
stats::MeasureSet measure_set(const stats::StatsSource& source, std::vector<std::string> auxiliary = {}) {
  const auto role = g_opts.role_given ? std::optional(g_opts.role) : std::nullopt;
  return stats::resolve_measure_set(g_opts.measures, role, source.primary_measures(), std::move(auxiliary));
}

// --lower-is-better / --higher-is-better; nullopt when neither is given.
std::optional<bool> requested_direction() {
  if (g_opts.lower_is_better) return true;
  if (g_opts.higher_is_better) return false;
  return std::nullopt;
}

// Writes the report with the source's warnings, which are printed even with --quiet.
void finish(stats::StatsReport report, const stats::StatsSource& source, const stats::MeasureSet& set,
            const stats::MeasureTable& table) {
  report.warnings = source.warnings();
  report.measure_set = stats::measure_set_label(set, table.measures);
  stats::write_stats_report(g_opts.out_dir, report);
  for (const auto& w : report.warnings) std::cerr << "psyface: WARNING: " << w << "\n";
  std::cerr << "psyface: measure set: " << set.kind << " (" << set.chosen_by << "), " << table.measures.size()
            << (table.measures.size() == 1 ? " measure" : " measures") << ", role "
            << (set.role.empty() ? "all" : set.role) << "\n";
  if (!g_opts.quiet)
    for (const auto& n : report.notes) std::cerr << "psyface: note: " << n << "\n";
  std::cerr << "psyface: wrote " << report.tables.size() << " tables (CSV and Markdown), " << report.command
            << ".md and " << report.command << ".json to " << g_opts.out_dir << "\n";
}

void run_agreement() {
  const auto source = make_source();
  const auto ratings = source->ratings();
  const auto set = measure_set(*source, stats::kappa_columns(g_opts.agreement));
  const auto segments = source->segment_measures(set.selection);
  finish(stats::run_agreement(ratings, segments, g_opts.agreement), *source, set, segments);
}

void run_outcomes() {
  const auto source = make_source();
  const auto outcomes = source->outcomes();
  const auto set = measure_set(*source);
  const auto sessions = source->session_measures(set.selection);
  const auto o = stats::outcome_direction(requested_direction(), source->outcome_lower_is_better());
  std::cerr << "psyface: direction of improvement: " << stats::direction_text(o.lower_is_better) << ", from "
            << o.direction_source << "\n";
  finish(stats::run_outcomes(outcomes, sessions, o), *source, set, sessions);
}

void run_predict() {
  const auto source = make_source();
  const auto outcomes = source->outcomes();
  const auto set = measure_set(*source);
  const auto sessions = source->session_measures(set.selection);
  auto& o = g_opts.predict;
  o.outcome = stats::outcome_direction(requested_direction(), source->outcome_lower_is_better());
  auto report = stats::run_prediction(stats::prediction_features(outcomes, sessions, o), o);
  std::filesystem::create_directories(g_opts.out_dir);
  stats::write_prediction_risks_csv(g_opts.out_dir, report);
  finish(std::move(report), *source, set, sessions);
}

void print_import(const stats::ImportSummary& sum, const std::string& what) {
  for (const auto& n : sum.notes) std::cerr << "psyface: note: " << n << "\n";
  std::cerr << "psyface: imported " << sum.rows << " " << what << " into " << g_opts.study_dir << ": " << sum.added
            << " added, " << sum.changed << " changed, " << sum.unchanged << " unchanged, " << sum.removed
            << " removed" << (g_opts.replace ? " (--replace)" : "") << "\n";
}

void run_import_ratings() {
  stats::CsvStatsSource files({std::vector<std::filesystem::path>(g_opts.ratings.begin(), g_opts.ratings.end()), eaf_tiers(),
                               {}, {}, {}});
  const auto ratings = files.ratings();  // every file validated before anything is written
  const auto sum = stats::import_ratings(g_opts.study_dir, ratings, g_opts.replace, g_opts.journal);
  print_import(sum, "ratings");
  std::cerr << "psyface: measures of the rated segments recomputed for " << sum.remeasured << " sessions\n";
}

void run_import_outcomes() {
  stats::CsvStatsSource files({{}, {}, g_opts.outcomes, {}, {}});
  const auto sum =
      stats::import_outcomes(g_opts.study_dir, files.outcomes(), {requested_direction(), g_opts.replace}, g_opts.journal);
  print_import(sum, "outcomes");
  std::cerr << "psyface: direction of improvement: " << sum.direction_note << "\n";
}

void add_journal(CLI::App* cmd) {
  cmd->add_option("--journal", g_opts.journal,
                  "With --study: switch the SQLite journal to wal or delete (network filesystems), as for psyface "
                  "study (default: keep the study's)")
      ->check(CLI::IsMember({"wal", "delete"}));
}

void add_direction(CLI::App* cmd, const std::string& lower_help) {
  auto* lower = cmd->add_flag("--lower-is-better", g_opts.lower_is_better, lower_help);
  cmd->add_flag("--higher-is-better", g_opts.higher_is_better, "Higher outcome scores are better: improvement = post - pre")
      ->excludes(lower);
}

void add_common(CLI::App* cmd) {
  add_journal(cmd);
  auto& o = g_opts;
  cmd->add_option("--measures", o.measures,
                  "Measures to analyse: all (every measure, labelled exploratory) or a,b,c (default: the primary "
                  "measures, study.conf primary_measures with --study, else share_happy,share_neutral,"
                  "smile_onsets_per_min,expressivity); bookkeeping and quality columns are never measures");
  cmd->add_option("--role", o.role,
                  "Keep rows of this role when the table has a role column (\"\" = all rows; default: study.conf "
                  "primary_role with --study, else patient)")
      ->each([](const std::string&) { g_opts.role_given = true; });
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
  auto* ag_study = ag->add_option("--study", o.study_dir,
                                  "Study folder: read ratings and segment measures from its database instead of CSV files");
  ag->add_option("--ratings", o.ratings,
                 "ratings.csv (session_id,start,end,rater,ceas_mode,ceas_peak[,primary_emotion]) or ELAN .eaf; repeatable")
      ->excludes(ag_study);
  ag->add_option("--segments", o.segments,
                 "Segment measures: segments.csv of the study export (session_id, patient_id, start_sec, end_sec, measures)")
      ->excludes(ag_study);
  ag->add_option("--eaf-tiers", o.eaf_tiers,
                 "ELAN tier names: mode=NAME,peak=NAME,emotion=NAME (default: \"CEAS mode\", \"CEAS peak\", "
                 "\"primary emotion\"; a tier NAME@RATER names its rater)");
  ag->add_option("--eaf-session", o.eaf_session,
                 "session_id of the ratings of the one .eaf file given (default: the file name without .eaf; refused "
                 "with more than one .eaf)");
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
  auto* oc_study = oc->add_option("--study", o.study_dir,
                                  "Study folder: read outcomes and session measures from its database instead of CSV files");
  oc->add_option("--outcomes", o.outcomes, "outcomes.csv: patient_id,pre,post[,dropout][,covariates]")->excludes(oc_study);
  oc->add_option("--sessions", o.sessions,
                 "Session measures: sessions.csv and/or windows.csv (window_kind first/rest give the first-N-minutes "
                 "and rest parts; fixed windows are ignored); repeatable")
      ->excludes(oc_study);
  add_direction(oc, "Lower outcome scores are better: improvement = pre - post (default: higher is better; with "
                    "--study the study's direction, which these flags may only confirm)");
  add_common(oc);
  oc->callback(run_outcomes);

  auto* pr = stats_cmd->add_subcommand(
      "predict", "Early prediction of dropout or improvement from the first sessions (per-measure AUC, cross-validated "
                 "ridge logistic model): a research estimate from a small sample, not a clinical screening tool");
  auto* pr_study = pr->add_option("--study", o.study_dir,
                                  "Study folder: read outcomes and session measures from its database instead of CSV files");
  pr->add_option("--outcomes", o.outcomes, "outcomes.csv: patient_id,pre,post[,dropout][,covariates]")->excludes(pr_study);
  pr->add_option("--sessions", o.sessions, "Session measures: sessions.csv and/or windows.csv; repeatable")
      ->excludes(pr_study);
  pr->add_option("--target", o.predict.target, "What to predict: dropout, or improver (median split as in stats outcomes)")
      ->check(CLI::IsMember({"dropout", "improver"}))
      ->capture_default_str();
  pr->add_option("--first-sessions", o.predict.first_sessions,
                 "K: features are patient means over the first K sessions (by session_number, then date)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  pr->add_option("--part", o.predict.part, "whole sessions, or first: the first-N-minutes windows only")
      ->check(CLI::IsMember({"whole", "first"}))
      ->capture_default_str();
  pr->add_option("--permutations", o.predict.permutations,
                 "Permutations of the whole nested procedure for the model's p (at least 1000 recommended)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  pr->add_option("--seed", o.predict.seed, "Seed of the permutations (the same seed gives the same p)")->capture_default_str();
  add_direction(pr, "Lower outcome scores are better (for --target improver; default: higher is better)");
  add_common(pr);
  pr->callback(run_predict);

  auto* im = stats_cmd->add_subcommand("import", "Validate ratings or outcomes and write them into a study database");
  im->require_subcommand(1);
  auto* ir = im->add_subcommand("ratings", "Import ratings.csv / ELAN .eaf into the study's ratings table (all or nothing)");
  ir->add_option("--study", o.study_dir, "Study folder (with study.sqlite, made by psyface study run)")->required();
  ir->add_option("FILES", o.ratings, "ratings.csv and/or .eaf files")->required();
  ir->add_option("--eaf-tiers", o.eaf_tiers, "ELAN tier names: mode=NAME,peak=NAME,emotion=NAME");
  ir->add_option("--eaf-session", o.eaf_session,
                 "session_id of the ratings of the one .eaf file given (default: the file name without .eaf; refused "
                 "with more than one .eaf)");
  ir->add_flag("--replace", o.replace,
               "Replace every rating of the sessions in FILES (all raters) by the files' ratings; default: add or "
               "update by session, times and rater and keep the others");
  add_journal(ir);
  ir->callback(run_import_ratings);
  auto* io = im->add_subcommand("outcomes", "Import outcomes.csv into the study's outcomes table (all or nothing)");
  io->add_option("--study", o.study_dir, "Study folder (with study.sqlite, made by psyface study run)")->required();
  io->add_option("FILE", o.outcomes, "outcomes.csv: patient_id,pre,post[,dropout][,covariates]")->required();
  add_direction(io, "Lower outcome scores are better (stored as the study's setting outcome_lower_is_better; "
                    "default: keep the study's direction, higher is better for a new one)");
  io->add_flag("--replace", o.replace,
               "FILE replaces the study's outcomes as a whole (patients not in it are removed); default: add or "
               "update by patient and keep the others");
  add_journal(io);
  io->callback(run_import_outcomes);
});

}  // namespace
}  // namespace psyface::cli
