// psyface stats analyses the pre-declared primary measures (study.conf primary_measures / primary_role, or
// the defaults for CSV inputs) unless --measures says otherwise; p-value families run over exactly the
// analysed measures; `--measures all` is labelled exploratory and never analyses bookkeeping or quality
// columns; kappa reads its emotion columns whatever --measures says. On a real study database (sessions
// stored as done through the study API, as in test_study_stats_cli.cpp) and on the golden CSVs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "../stats/stats_test_support.hpp"
#include "cli_test_support.hpp"
#include "tables/csv_reader.hpp"
#include "study/primary_measures.hpp"
#include "study_stats_support.hpp"

namespace psyface {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kDefaults{"share_happy", "share_neutral", "smile_onsets_per_min", "expressivity"};

fs::path golden() { return test::stats_golden_dir() / "study"; }

struct Row {
  std::string measure, target, part, statistic, note, measure_set;
  double p = NAN, p_holm = NAN, p_bh = NAN;
};

std::vector<Row> read_rows(const fs::path& table) {
  tables::CsvReader csv(table);
  std::vector<Row> rows;
  while (csv.next()) {
    const auto& f = csv.fields();
    rows.push_back({f[csv.column("measure")], f[csv.column("target")], f[csv.column("part")],
                    f[csv.column("statistic")], f[csv.column("note")], f[csv.column("measure_set")],
                    csv.number(csv.column("p")), csv.number(csv.column("p_holm")), csv.number(csv.column("p_bh"))});
  }
  return rows;
}

std::set<std::string> measures_of(const std::vector<Row>& rows) {
  std::set<std::string> out;
  for (const auto& r : rows) out.insert(r.measure);
  return out;
}

// Holm (1979) by hand: sorted p_(i) * (m - i + 1) with a running maximum, capped at 1.
std::map<std::string, double> holm_by_hand(const std::vector<std::pair<std::string, double>>& p) {
  auto sorted = p;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  std::map<std::string, double> out;
  double running = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    running = std::max(running, std::min(1.0, sorted[i].second * static_cast<double>(sorted.size() - i)));
    out[sorted[i].first] = running;
  }
  return out;
}

// DIR: 8 done sessions of 4 patients with synthetic frames tables (all 35 measure columns), outcomes imported.
fs::path make_study(const std::string& name) {
  const fs::path dir = test::temp_dir(name);
  EXPECT_EQ(test::run("study init " + dir.string()).exit_code, 0);
  std::string sessions = "session_id,patient_id,therapist_id,session_number,date,video\n";
  for (int k = 0; k < 8; ++k) {
    util::write_file_atomic(dir / "videos" / (test::session_id(k) + ".mp4"), "not analysed in this test");
    sessions += test::session_id(k) + "," + test::patient_id(k) + ",T1," + std::to_string(k % 2 + 1) + ",2024-03-0" +
                std::to_string(k + 1) + ",videos/" + test::session_id(k) + ".mp4\n";
  }
  util::write_file_atomic(dir / "sessions.csv", sessions);
  {
    const auto manifest = study::read_sessions_csv(dir);
    const auto config = study::read_study_config(dir);
    study::StudyDb db(dir / "study.sqlite", true);
    db.sync_sessions(manifest);
    for (int k = 0; k < 8; ++k) test::store_done_session(db, dir, k, {}, config);
  }
  util::write_file_atomic(dir / "outcomes.csv",
                          "patient_id,pre,post,dropout\nP1,30,18,0\nP2,28,25,1\nP3,35,20,0\nP4,25,24,0\n");
  const auto r = test::run("stats import outcomes --lower-is-better --study " + dir.string() + " " +
                           (dir / "outcomes.csv").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir;
}

TEST(StatsPrimaryMeasures, OutcomesOnAStudyAnalyseExactlyThePrimaryMeasuresWithHolmOverThem) {
  const fs::path dir = make_study("primary_default");
  const auto r = test::run("stats outcomes --study " + dir.string() + " -o " + (dir / "o").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = read_rows(dir / "o" / "outcome_correlations.csv");
  EXPECT_EQ(measures_of(rows), std::set<std::string>(kDefaults.begin(), kDefaults.end()));
  // the Holm family of (improvement, whole, pearson_r) is these 4 measures and nothing else
  std::vector<std::pair<std::string, double>> p;
  for (const auto& row : rows) {
    EXPECT_EQ(row.measure_set, "primary") << row.measure;
    if (row.target == "improvement" && row.part == "whole" && row.statistic == "pearson_r" && std::isfinite(row.p))
      p.emplace_back(row.measure, row.p);
  }
  ASSERT_EQ(p.size(), 4u) << "every primary measure has a p here";
  const auto holm = holm_by_hand(p);
  for (const auto& row : rows)
    if (row.target == "improvement" && row.part == "whole" && row.statistic == "pearson_r")
      EXPECT_NEAR(row.p_holm, holm.at(row.measure), 1e-8) << row.measure;
  const auto json = nlohmann::json::parse(util::read_file(dir / "o" / "outcomes.json"));
  EXPECT_EQ(json["measure_set"]["kind"], "primary");
  EXPECT_EQ(json["measure_set"]["family_size"], 4);
  EXPECT_EQ(json["measure_set"]["role"], "patient");
  EXPECT_NE(util::read_file(dir / "o" / "outcomes.md").find("Measure set: primary"), std::string::npos);
  fs::remove_all(dir);
}

TEST(StatsPrimaryMeasures, AllIsExploratoryAndLeavesOutBookkeepingAndQualityColumns) {
  const fs::path dir = make_study("primary_all");
  const auto r = test::run("stats outcomes --measures all --study " + dir.string() + " -o " + (dir / "o").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* table : {"outcome_correlations.csv", "median_split.csv", "dropout.csv"}) {
    const auto rows = read_rows(dir / "o" / table);
    const auto measures = measures_of(rows);
    for (const auto& q : study::quality_columns()) EXPECT_EQ(measures.count(q), 0u) << table << ": " << q;
    EXPECT_EQ(measures.count("smile_baseline"), 1u) << table;  // a measure that is no primary one
    for (const auto& row : rows) EXPECT_EQ(row.measure_set, "exploratory") << table << ": " << row.measure;
  }
  const auto json = nlohmann::json::parse(util::read_file(dir / "o" / "outcomes.json"));
  EXPECT_EQ(json["measure_set"]["kind"], "exploratory");
  EXPECT_EQ(json["measure_set"]["chosen_by"], "--measures all");
  // Holm over the analysed measures: the smallest p is multiplied by the size of its family
  const auto rows = read_rows(dir / "o" / "outcome_correlations.csv");
  std::vector<double> p;
  for (const auto& row : rows)
    if (row.target == "improvement" && row.part == "whole" && row.statistic == "pearson_r" && std::isfinite(row.p))
      p.push_back(row.p);
  ASSERT_GT(p.size(), 10u);
  const double smallest = *std::min_element(p.begin(), p.end());
  for (const auto& row : rows)
    if (row.target == "improvement" && row.part == "whole" && row.statistic == "pearson_r" && row.p == smallest)
      EXPECT_NEAR(row.p_holm, std::min(1.0, smallest * static_cast<double>(p.size())), 1e-8);
  const std::string md = util::read_file(dir / "o" / "outcome_correlations.md");
  EXPECT_NE(md.find("Measure set: exploratory"), std::string::npos) << md.substr(0, 600);
  fs::remove_all(dir);
}

TEST(StatsPrimaryMeasures, StudyConfChangesTheDefaultAndCsvInputsUseTheDefaults) {
  const fs::path dir = make_study("primary_conf");
  util::write_file_atomic(dir / "study.conf", "primary_measures = mean_p_happy, valence_mean\nprimary_role = therapist\n");
  auto r = test::run("stats outcomes --study " + dir.string() + " -o " + (dir / "o").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(measures_of(read_rows(dir / "o" / "outcome_correlations.csv")),
            (std::set<std::string>{"mean_p_happy", "valence_mean"}));
  const auto json = nlohmann::json::parse(util::read_file(dir / "o" / "outcomes.json"));
  EXPECT_EQ(json["measure_set"]["kind"], "primary");
  EXPECT_EQ(json["measure_set"]["role"], "therapist");
  EXPECT_NE(json["measure_set"]["chosen_by"].get<std::string>().find("study.conf primary_measures"), std::string::npos);

  // the study's export read as CSV files: no study.conf, so the defaults
  ASSERT_EQ(test::run("study export " + dir.string()).exit_code, 0);
  r = test::run("stats outcomes --lower-is-better --outcomes " + (dir / "outcomes.csv").string() + " --sessions " +
                (dir / "export" / "sessions.csv").string() + " --sessions " + (dir / "export" / "windows.csv").string() +
                " -o " + (dir / "c").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(measures_of(read_rows(dir / "c" / "outcome_correlations.csv")),
            std::set<std::string>(kDefaults.begin(), kDefaults.end()));

  // an unknown name: the error names study.conf and its line
  util::write_file_atomic(dir / "study.conf", "# measures\nprimary_measures = mean_p_happy, happiness\n");
  r = test::run("stats outcomes --study " + dir.string() + " -o " + (dir / "x").string());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("study.conf:2: primary_measures: \"happiness\" is not a measure"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

// stats predict on a study: its features are the study's primary measures (study.conf), one auc row each,
// the model rows are labelled with the set too, and the JSON says so; --permutations keeps the test short.
// (4 patients, 1 dropout: the model itself is degenerate here, see PredictionDegenerate.*)
TEST(StatsPrimaryMeasures, PredictOnAStudyUsesItsPrimaryMeasures) {
  const fs::path dir = make_study("primary_predict");
  util::write_file_atomic(dir / "study.conf", "primary_measures = mean_p_happy, valence_mean\n");
  const auto r = test::run("stats predict --permutations 20 --study " + dir.string() + " -o " + (dir / "o").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> auc_measures;
  for (const auto& row : read_rows(dir / "o" / "prediction.csv")) {
    if (row.statistic == "auc") auc_measures.insert(row.measure);
    EXPECT_EQ(row.measure_set, "primary") << row.measure << " " << row.statistic;
  }
  EXPECT_EQ(auc_measures, (std::set<std::string>{"mean_p_happy", "valence_mean"}));
  const auto json = nlohmann::json::parse(util::read_file(dir / "o" / "predict.json"));
  EXPECT_EQ(json["measure_set"]["kind"], "primary");
}

TEST(StatsPrimaryMeasures, KappaIsComputedWithAListOfMeasures) {
  // before: --measures a,b hid the mean_p_<class> columns and kappa was NA ("no mean_p_<class> columns")
  const auto out = test::temp_dir("primary_kappa");
  const auto r = test::run("stats agreement --measures arousal,noise --ratings " + (golden() / "ratings.csv").string() +
                           " --segments " + (golden() / "segments.csv").string() + " -o " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  tables::CsvReader kappa(out / "kappa.csv");
  bool found = false;
  while (kappa.next())
    if (kappa.fields()[kappa.column("target")] == "R1") {
      found = true;
      EXPECT_R(kappa.number(kappa.column("estimate")), "study.kappa_R1", 1e-8);
      EXPECT_EQ(kappa.fields()[kappa.column("note")].find("no mean_p_"), std::string::npos);
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(measures_of(read_rows(out / "agreement_correlations.csv")), (std::set<std::string>{"arousal", "noise"}));
  fs::remove_all(out);
}

TEST(StatsPrimaryMeasures, CsvInputsWithoutThePrimaryMeasuresSayHowToChoose) {
  const auto out = test::temp_dir("primary_missing");
  const auto r = test::run("stats outcomes --outcomes " + (golden() / "outcomes.csv").string() + " --sessions " +
                           (golden() / "sessions.csv").string() + " -o " + out.string());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("no measure column \"share_happy\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--measures all"), std::string::npos) << r.err;
  fs::remove_all(out);
}

}  // namespace
}  // namespace psyface
