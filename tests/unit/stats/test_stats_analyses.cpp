// The two analyses end to end on in-memory data: matching, wiring, tables, notes.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <sstream>

#include "../measures/gaussian.hpp"
#include "stats/agreement.hpp"
#include "stats/correlation.hpp"
#include "stats/effect_size.hpp"
#include "stats/outcome_analysis.hpp"

namespace psyface::stats {
namespace {

const StatTable& table(const StatsReport& r, const std::string& name) {
  for (const auto& t : r.tables)
    if (t.name == name) return t;
  ADD_FAILURE() << "no table " << name;
  static const StatTable empty;
  return empty;
}

const StatRow& row(const StatTable& t, const std::string& measure, const std::string& target, const std::string& part,
                   const std::string& statistic) {
  for (const auto& r : t.rows)
    if (r.measure == measure && r.target == target && r.part == part && r.statistic == statistic) return r;
  ADD_FAILURE() << "no row " << measure << "/" << target << "/" << part << "/" << statistic << " in " << t.name;
  static const StatRow empty;
  return empty;
}

void expect_every_nan_explained(const StatsReport& rep) {
  for (const auto& t : rep.tables)
    for (const auto& r : t.rows) {
      EXPECT_FALSE(r.method.empty()) << t.name << " " << r.statistic;
      if (!std::isfinite(r.estimate)) {
        EXPECT_FALSE(r.note.empty()) << t.name << " " << r.measure << " " << r.statistic;
      }
    }
}

// 6 patients x 5 segments, 2 raters; measure arousal_index tracks the human score.
struct AgreementData {
  std::vector<HumanRating> ratings;
  MeasureTable segments;
};

AgreementData agreement_data() {
  measures::test::Gaussian z(42);
  AgreementData d;
  d.segments.source = "segments.csv";
  d.segments.has_patient_id = d.segments.has_times = true;
  d.segments.measures = {"arousal_index", "constant", "mean_p_happy", "mean_p_sad", "mean_p_angry", "mean_p_fearful",
                         "mean_p_disgusted", "mean_p_surprised"};
  const char* emotions[] = {"joy", "sadness", "grief", "anger", "fear", "contempt"};
  for (int p = 0; p < 6; ++p)
    for (int s = 0; s < 5; ++s) {
      std::string pid = "P";  // built with += : GCC 12 -O3 reports a false -Wrestrict for "P" + to_string(p)
      pid += std::to_string(p);
      const std::string sid = pid + "_S1";
      const double start = 60.0 * s, level = 3 + 0.5 * p + z();
      const int mode = std::clamp(static_cast<int>(std::lround(level)), 1, 6);
      const int k = (p + s) % 6;
      for (const std::string rater : {"A", "B"}) {
        const int m = std::clamp(mode + (rater == "B" && s % 2 ? 1 : 0), 1, 7);
        d.ratings.push_back({sid, start, start + 30, rater, m, std::min(7, m + 1), rater == "A" ? emotions[k] : "joy", "t"});
      }
      MeasureRow row{sid, pid, "patient", "", "seg", start + 0.2, start + 29.9, 2};
      std::vector<double> v{level + 0.5 * z(), 1.0, 0, 0, 0, 0, 0, 0};
      const size_t machine_class[] = {0, 1, 1, 2, 3, 4};  // joy, sadness, grief, anger, fear -> A's class; contempt
      v[2 + machine_class[k]] = 0.6;                      // the machine follows rater A
      d.segments.rows.push_back(row);
      d.segments.values.push_back(v);
    }
  // a rated segment without a measure row
  d.ratings.push_back({"P9_S1", 0, 30, "A", 3, 4, "", "t"});
  return d;
}

TEST(StatsAnalyses, AgreementMatchesSegmentsAndComputesEveryTable) {
  const auto d = agreement_data();
  auto d2 = d;
  const auto rep = run_agreement(d.ratings, d.segments, {});
  EXPECT_EQ(rep.tables.size(), 4u);
  EXPECT_EQ(rep.inputs["matched_segments"], 30);
  ASSERT_FALSE(rep.notes.empty());
  EXPECT_NE(rep.notes[0].find("1 of 31 rated segments have no measure row"), std::string::npos) << rep.notes[0];
  d2.segments.rows.push_back(d2.segments.rows[0]);  // a segment row nobody rated
  d2.segments.rows.back().start_sec = 9000, d2.segments.rows.back().end_sec = 9030;
  d2.segments.values.push_back(d2.segments.values[0]);
  const auto rep2 = run_agreement(d2.ratings, d2.segments, {});
  std::string notes2;
  for (const auto& n : rep2.notes) notes2 += n + "\n";
  EXPECT_NE(notes2.find("1 of 31 segment rows have no rating: not used"), std::string::npos) << notes2;
  // Pearson against an independent recomputation of the human mean of Mode
  std::vector<double> x, mode;
  for (size_t i = 0; i < d.segments.rows.size(); ++i) {
    x.push_back(d.segments.values[i][0]);
    mode.push_back(0.5 * (d.ratings[2 * i].ceas_mode + d.ratings[2 * i + 1].ceas_mode));
  }
  const auto& corr = table(rep, "agreement_correlations");
  const auto& pr = row(corr, "arousal_index", "ceas_mode", "segment", "pearson_r");
  EXPECT_NEAR(pr.estimate, pearson(x, mode).r, 1e-12);
  EXPECT_EQ(pr.n, 30);
  EXPECT_GT(pr.estimate, 0.5);
  EXPECT_EQ(row(corr, "arousal_index", "ceas_peak", "segment", "rmcorr_r").groups, 6);
  EXPECT_NE(row(corr, "constant", "ceas_mode", "segment", "pearson_r").note.find("no variance"), std::string::npos);
  const auto& lmm = table(rep, "agreement_mixed_models");
  EXPECT_GT(row(lmm, "arousal_index", "ceas_mode", "segment", "lmm_slope").estimate, 0.3);
  EXPECT_NE(row(lmm, "constant", "ceas_mode", "segment", "lmm_slope").note.find("collinear"), std::string::npos);
  const auto& icc = table(rep, "rater_reliability");
  EXPECT_EQ(row(icc, "human raters", "ceas_mode", "segment", "icc_2_1").n, 30);
  EXPECT_GT(row(icc, "human raters", "ceas_mode", "segment", "icc_2_k").estimate, 0.8);
  const auto& kappa = table(rep, "kappa");
  const auto& ka = row(kappa, "dominant emotion", "A", "segment", "cohen_kappa");
  EXPECT_EQ(ka.n, 25);  // 5 contempt segments left out
  EXPECT_NEAR(ka.estimate, 1.0, 1e-12);
  EXPECT_NE(ka.note.find("5 contempt"), std::string::npos);
  EXPECT_LT(row(kappa, "dominant emotion", "B", "segment", "cohen_kappa").estimate, 0.5);
  // Holm within the family of pearson / ceas_mode: adjusted >= raw
  EXPECT_GE(pr.p_holm, pr.p);
  expect_every_nan_explained(rep);
}

TEST(StatsAnalyses, RaterEmotionMapping) {
  EXPECT_EQ(rater_emotion_to_machine("hurt"), "sad");
  EXPECT_EQ(rater_emotion_to_machine("grief"), "sad");
  EXPECT_EQ(rater_emotion_to_machine("sadness"), "sad");
  EXPECT_EQ(rater_emotion_to_machine("joy"), "happy");
  EXPECT_EQ(rater_emotion_to_machine("contempt"), "");
}

// 12 patients x 4 sessions with whole/first/rest rows; P11 has no post score; 4 dropouts.
struct OutcomeData {
  std::vector<OutcomeRecord> outcomes;
  MeasureTable sessions;
};

OutcomeData outcome_data() {
  measures::test::Gaussian z(7);
  OutcomeData d;
  d.sessions.source = "sessions.csv";
  d.sessions.has_patient_id = d.sessions.has_window_kind = true;
  d.sessions.measures = {"smile_share", "valence_sd"};
  for (int p = 0; p < 12; ++p) {
    const std::string pid = "P" + std::to_string(p);
    const double improvement = p;  // 0..11
    d.outcomes.push_back({pid, 30, p == 11 ? NAN : 30 + improvement, p < 4 ? 1 : 0, nlohmann::json::object(), "o"});
    for (int s = 0; s < 4; ++s)
      for (const std::string kind : {"", "first", "rest"}) {
        MeasureRow row{pid + "_S" + std::to_string(s), pid, "patient", kind, "", NAN, NAN, 2};
        const double smile = 0.1 + 0.02 * improvement + (kind == "first" && p < 4 ? -0.1 : 0) + 0.02 * z();
        d.sessions.rows.push_back(row);
        d.sessions.values.push_back({smile, 1.0 + 0.1 * z()});
      }
  }
  // a fixed window row and a patient without outcome
  d.sessions.rows.push_back({"X_S1", "X", "patient", "fixed", "", 0, 60, 99});
  d.sessions.values.push_back({0.2, 1.0});
  d.sessions.rows.push_back({"Q_S1", "Q", "patient", "", "", NAN, NAN, 100});
  d.sessions.values.push_back({0.2, 1.0});
  return d;
}

TEST(StatsAnalyses, OutcomesMedianSplitDropoutAndNotes) {
  const auto d = outcome_data();
  const auto rep = run_outcomes(d.outcomes, d.sessions, {});
  std::set<std::string> names;
  for (const auto& t : rep.tables) names.insert(t.name);
  EXPECT_EQ(names, (std::set<std::string>{"outcome_correlations", "median_split", "outcome_mixed_models", "dropout"}));
  std::string notes;
  for (const auto& n : rep.notes) notes += n + "\n";
  EXPECT_NE(notes.find("1 patients have a missing pre or post score"), std::string::npos) << notes;
  EXPECT_NE(notes.find("(P11)"), std::string::npos) << notes;
  EXPECT_NE(notes.find("1 fixed-window rows are not used"), std::string::npos) << notes;
  EXPECT_NE(notes.find("no row in outcomes.csv: left out (Q)"), std::string::npos) << notes;
  // improvement 0..10 for 11 patients: median 5, improvers 6..10 (5), non-improvers 0..5 (6)
  EXPECT_EQ(rep.inputs["improvers"], 5);
  EXPECT_EQ(rep.inputs["non_improvers"], 6);
  const auto& ms = table(rep, "median_split");
  const auto& d_row = row(ms, "smile_share", "improvement", "whole", "cohen_d");
  EXPECT_EQ(d_row.n_group1, 5);
  EXPECT_EQ(d_row.n_group2, 6);
  EXPECT_GT(d_row.estimate, 1.0);
  EXPECT_LT(d_row.ci_low, d_row.estimate);
  EXPECT_NE(ms.description.find("ties at the median count as non-improvers"), std::string::npos);
  EXPECT_NE(ms.description.find("1 patients without a pre or post score are left out (P11)"), std::string::npos)
      << ms.description;
  const auto& corr = table(rep, "outcome_correlations");
  EXPECT_EQ(row(corr, "smile_share", "improvement", "first", "pearson_r").n, 11);
  EXPECT_GT(row(corr, "smile_share", "improvement", "whole", "spearman_rho").estimate, 0.8);
  const auto& drop = table(rep, "dropout");
  const auto& fr = row(drop, "smile_share", "dropout", "first_minus_rest", "rank_biserial_r");
  EXPECT_EQ(fr.n_group1, 4);
  EXPECT_EQ(fr.n_group2, 8);
  EXPECT_LT(fr.estimate, -0.9);  // dropouts smile less at the start than later
  EXPECT_EQ(row(drop, "smile_share", "dropout", "whole", "mean_difference").n, 12);  // P11 stays in the dropout analysis
  const auto& lmm = table(rep, "outcome_mixed_models");
  const auto& eff = row(lmm, "smile_share", "improvement", "whole", "improver_effect");
  EXPECT_EQ(eff.groups, 11);
  EXPECT_NEAR(eff.estimate, 0.02 * (8 - 2.5), 0.02);
  expect_every_nan_explained(rep);
}

TEST(StatsAnalyses, OutcomesWithOnePatientAndNoDropoutColumnStillGiveTables) {
  auto d = outcome_data();
  d.outcomes.resize(1);
  for (auto& o : d.outcomes) o.dropout = -1;
  const auto rep = run_outcomes(d.outcomes, d.sessions, {true});
  EXPECT_EQ(rep.tables.size(), 3u);  // no dropout table
  const auto& ms = table(rep, "median_split");
  EXPECT_NE(row(ms, "smile_share", "improvement", "whole", "cohen_d").note.find("n1 = 0"), std::string::npos);
  EXPECT_NE(row(table(rep, "outcome_correlations"), "smile_share", "improvement", "whole", "pearson_r").note.find("n < 3"),
            std::string::npos);
  EXPECT_NE(row(table(rep, "outcome_mixed_models"), "smile_share", "improvement", "whole", "improver_effect").note.find("one patient"),
            std::string::npos);
  expect_every_nan_explained(rep);
  std::ostringstream csv;
  write_stat_table_csv(csv, rep.tables[0]);
  EXPECT_EQ(csv.str().find("nan"), std::string::npos);
}

}  // namespace
}  // namespace psyface::stats
