#include "stats/outcome_analysis.hpp"

#include <cmath>
#include <map>
#include <set>

#include "psyface/error.hpp"
#include "stats/median_split.hpp"
#include "stats/stat_rows.hpp"

namespace psyface::stats {
namespace {

// Session rows of each part: "whole" (no window_kind, or whole/session), "first", "rest"; "fixed"
// windows are not used here.
std::string part_of(const MeasureRow& r) {
  if (r.window_kind.empty() || r.window_kind == "whole" || r.window_kind == "session") return "whole";
  return r.window_kind;
}

struct PatientMeans {
  // part -> patient index -> measure -> mean over sessions (NaN when none)
  std::map<std::string, std::vector<std::vector<double>>> means;
};

std::string ids(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size() && i < 8; ++i) s += (i ? ", " : "") + v[i];
  return v.size() > 8 ? s + ", ..." : s;
}

}  // namespace

std::string direction_text(bool lower_is_better) {
  return lower_is_better ? "lower is better (improvement = pre - post)" : "higher is better (improvement = post - pre)";
}

OutcomeOptions outcome_direction(std::optional<bool> requested, std::optional<bool> study_setting) {
  auto flag = [](bool lower) { return std::string(lower ? "--lower-is-better" : "--higher-is-better"); };
  if (study_setting && requested && *study_setting != *requested)
    throw Error(ErrorCode::Usage, "the study's direction of improvement is " + direction_text(*study_setting) + "; " +
                                      flag(*requested) + " contradicts it (change it for the study with psyface "
                                      "stats import outcomes " + flag(*requested) + " --study DIR FILE)");
  if (study_setting) return {*study_setting, "the study's setting (psyface stats import outcomes)"};
  if (requested) return {*requested, flag(*requested)};
  return {false, "the default (--lower-is-better for scales where lower scores are better)"};
}

StatsReport run_outcomes(const std::vector<OutcomeRecord>& outcomes, const MeasureTable& t, const OutcomeOptions& o) {
  StatsReport rep;
  rep.command = "outcomes";
  rep.notes = t.notes;
  std::map<std::string, size_t> pidx;
  for (size_t i = 0; i < outcomes.size(); ++i) pidx[outcomes[i].patient_id] = i;
  const size_t np = outcomes.size(), nm = t.measures.size();
  // sums per part
  std::map<std::string, std::vector<std::vector<double>>> sum, cnt;
  std::set<std::string> unknown, with_sessions;
  int64_t fixed_rows = 0, other_kind = 0;
  std::vector<size_t> whole_rows;  // for the session-level mixed model
  std::vector<int> whole_patient;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const auto& row = t.rows[i];
    const std::string part = part_of(row);
    if (part == "fixed") { ++fixed_rows; continue; }
    if (part != "whole" && part != "first" && part != "rest") { ++other_kind; continue; }
    const auto it = pidx.find(row.patient_id);
    if (it == pidx.end()) { unknown.insert(row.patient_id.empty() ? "(empty)" : row.patient_id); continue; }
    with_sessions.insert(row.patient_id);
    auto& s = sum[part];
    auto& c = cnt[part];
    if (s.empty()) s.assign(np, std::vector<double>(nm, 0)), c.assign(np, std::vector<double>(nm, 0));
    for (size_t m = 0; m < nm; ++m)
      if (std::isfinite(t.values[i][m])) s[it->second][m] += t.values[i][m], c[it->second][m] += 1;
    if (part == "whole") whole_rows.push_back(i), whole_patient.push_back(static_cast<int>(it->second));
  }
  if (!t.has_patient_id) rep.notes.push_back(t.source + ": no patient_id column: no session can be assigned to a patient");
  if (!unknown.empty())
    rep.notes.push_back(std::to_string(unknown.size()) + " patients in the session table have no row in outcomes.csv: left out (" +
                        ids({unknown.begin(), unknown.end()}) + ")");
  if (fixed_rows) rep.notes.push_back(std::to_string(fixed_rows) + " fixed-window rows are not used (only whole, first and rest)");
  if (other_kind) rep.notes.push_back(std::to_string(other_kind) + " rows with an unknown window_kind left out");
  std::vector<std::string> no_sessions, missing_post;
  for (const auto& r : outcomes) {
    if (!with_sessions.count(r.patient_id)) no_sessions.push_back(r.patient_id);
    if (!std::isfinite(r.pre) || !std::isfinite(r.post)) missing_post.push_back(r.patient_id);
  }
  if (!no_sessions.empty())
    rep.notes.push_back(std::to_string(no_sessions.size()) + " patients in outcomes.csv have no sessions: left out (" + ids(no_sessions) + ")");
  if (!missing_post.empty())
    rep.notes.push_back(std::to_string(missing_post.size()) + " patients have a missing pre or post score: left out of the "
                        "outcome analyses (correlations, median split), kept for dropout (" + ids(missing_post) + ")");
  std::map<std::string, std::vector<std::vector<double>>> means;  // part -> patient -> measure
  for (auto& [part, s] : sum) {
    auto& m = means[part];
    m = s;
    for (size_t p = 0; p < np; ++p)
      for (size_t k = 0; k < nm; ++k) m[p][k] = cnt[part][p][k] > 0 ? s[p][k] / cnt[part][p][k] : NAN;
  }
  if (means.count("first") && means.count("rest")) {
    auto& d = means["first_minus_rest"];
    d = means["first"];
    for (size_t p = 0; p < np; ++p)
      for (size_t k = 0; k < nm; ++k) d[p][k] = means["first"][p][k] - means["rest"][p][k];
  }
  std::vector<double> improvement;
  for (const auto& r : outcomes)  // patients without sessions take no part in the split
    improvement.push_back(!with_sessions.count(r.patient_id) ? NAN : o.lower_is_better ? r.pre - r.post : r.post - r.pre);
  const MedianSplit split = median_split(improvement);
  const std::string split_text = "improvers (improvement > median " + std::to_string(split.median) +
                                 ") minus non-improvers (ties at the median count as non-improvers: " +
                                 std::to_string(split.n_at_median) + " patients at the median)";
  const std::string direction = "Direction of improvement: " + direction_text(o.lower_is_better) + ", from " +
                                o.direction_source + ". ";
  StatTable corr{"outcome_correlations", "Patient means against improvement",
                 direction + "One value per patient (mean over sessions).", {}};
  StatTable ms{"median_split", "Improvers against non-improvers (median split)", direction + "Group 1 = " + split_text + ".", {}};
  StatTable lmm{"outcome_mixed_models", "Session-level mixed models: measure ~ improver + (1 | patient)",
                direction + "improver_effect: difference of the session measure between improvers and non-improvers "
                            "(whole sessions).", {}};
  StatTable drop{"dropout", "Dropouts against completers",
                 "Group 1 = dropouts, group 2 = completers; rank-biserial r > 0 means dropouts have higher values.", {}};
  bool any_dropout = false;
  for (const auto& r : outcomes) any_dropout = any_dropout || r.dropout >= 0;
  if (!any_dropout) rep.notes.push_back("outcomes.csv has no dropout column (or it is empty): no dropout analysis");
  for (const auto& [part, m] : means) {
    for (size_t k = 0; k < nm; ++k) {
      std::vector<double> x(np), g1, g0, d1, d0;
      for (size_t p = 0; p < np; ++p) {
        x[p] = m[p][k];
        if (split.group[p] == 1) g1.push_back(x[p]);
        if (split.group[p] == 0) g0.push_back(x[p]);
        if (outcomes[p].dropout == 1) d1.push_back(x[p]);
        if (outcomes[p].dropout == 0) d0.push_back(x[p]);
      }
      const RowKey key{t.measures[k], "improvement", part};
      corr.rows.push_back(correlation_row(key, "pearson", pearson(x, improvement)));
      corr.rows.push_back(correlation_row(key, "spearman", spearman(x, improvement)));
      for (auto& r : group_comparison_rows(key, g1, g0, "improvers vs non-improvers", false)) ms.rows.push_back(std::move(r));
      if (any_dropout)
        for (auto& r : group_comparison_rows({t.measures[k], "dropout", part}, d1, d0, "dropouts vs completers", true))
          drop.rows.push_back(std::move(r));
    }
  }
  if (means.count("whole")) {
    for (size_t k = 0; k < nm; ++k) {
      std::vector<double> improver, y;
      for (size_t i = 0; i < whole_rows.size(); ++i) {
        const int grp = split.group[static_cast<size_t>(whole_patient[i])];
        improver.push_back(grp < 0 ? NAN : grp);  // missing outcome: the session leaves the model
        y.push_back(t.values[whole_rows[i]][k]);
      }
      const RowKey key{t.measures[k], "improvement", "whole"};
      for (auto& r : mixed_model_rows(key, fit_random_intercept(design_with_intercept(improver), y, whole_patient), 1,
                                      "improver_effect",
                                      t.measures[k] + " ~ improver + (1 | patient)"))
        lmm.rows.push_back(std::move(r));
    }
  } else {
    rep.notes.push_back("no whole-session rows: no session-level mixed model");
  }
  if (!missing_post.empty())
    for (auto* tab : {&corr, &ms, &lmm})
      tab->description += " " + std::to_string(missing_post.size()) + " patients without a pre or post score are left out (" +
                          ids(missing_post) + ").";
  rep.tables = {std::move(corr), std::move(ms), std::move(lmm)};
  if (any_dropout) rep.tables.push_back(std::move(drop));
  for (auto& tab : rep.tables) adjust_p_values(tab), ensure_notes(tab);
  int dropouts = 0, completers = 0;
  for (const auto& r : outcomes) dropouts += r.dropout == 1, completers += r.dropout == 0;
  rep.inputs = {{"sessions_table", t.source}, {"measures", t.measures}, {"patients", np},
                {"patients_with_sessions", with_sessions.size()}, {"missing_outcome", missing_post.size()},
                {"improvers", split.n_improvers}, {"non_improvers", split.n_non_improvers},
                {"median_improvement", std::isfinite(split.median) ? nlohmann::json(split.median) : nlohmann::json(nullptr)},
                {"dropouts", dropouts}, {"completers", completers}};
  rep.options = {{"lower_is_better", o.lower_is_better},
                 {"direction", o.lower_is_better ? "lower is better" : "higher is better"},
                 {"improvement", o.lower_is_better ? "pre - post" : "post - pre"},
                 {"direction_source", o.direction_source}};
  return rep;
}

}  // namespace psyface::stats
