// psyface stats predict end to end on the study of tests/golden/stats/study/: the per-measure AUC equals
// the one computed here from sessions.csv (means over each patient's first two sessions), and the
// outputs carry the risk table and the honest notes.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "../stats/stats_test_support.hpp"
#include "cli_test_support.hpp"
#include "tables/csv_reader.hpp"
#include "stats/roc_auc.hpp"

namespace psyface {
namespace {
namespace fs = std::filesystem;

fs::path study() { return test::stats_golden_dir() / "study"; }

TEST(CliPredict, AucOfFirstSessionMeansAndRiskTable) {
  const auto out = test::temp_dir("stats_predict");
  const auto r = test::run("stats predict --outcomes " + (study() / "outcomes.csv").string() + " --sessions " +
                           (study() / "sessions.csv").string() +
                           " --measures smile_share,expressivity --first-sessions 2 --permutations 50 -o " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("not a clinical screening tool"), std::string::npos);
  EXPECT_NE(r.err.find("fewer than 10 patients in the smaller class"), std::string::npos);
  // expected: per patient the mean of smile_share over session_number 1 and 2
  std::map<std::string, std::pair<double, int>> mean;
  tables::CsvReader s(study() / "sessions.csv");
  while (s.next())
    if (s.number(s.column("session_number")) <= 2) {
      auto& m = mean[s.fields()[s.column("patient_id")]];
      m.first += s.number(s.column("smile_share")), m.second += 1;
    }
  std::vector<double> drop, stay;
  tables::CsvReader o(study() / "outcomes.csv");
  while (o.next()) {
    const auto& m = mean[o.fields()[o.column("patient_id")]];
    (o.number(o.column("dropout")) == 1 ? drop : stay).push_back(m.first / m.second);
  }
  const auto expected = stats::auc_delong(drop, stay);
  tables::CsvReader t(out / "prediction.csv");
  bool found_auc = false, found_cv = false;
  while (t.next()) {
    const auto& f = t.fields();
    if (f[t.column("measure")] == "smile_share" && f[t.column("statistic")] == "auc") {
      found_auc = true;
      EXPECT_NEAR(t.number(t.column("estimate")), expected.auc, 1e-8);
      EXPECT_EQ(f[t.column("target")], "dropout");
    }
    if (f[t.column("statistic")] == "cv_auc") {
      found_cv = true;
      const double p = t.number(t.column("p"));
      EXPECT_GE(p, 1.0 / 51);
      EXPECT_LE(p, 1.0);
    }
  }
  EXPECT_TRUE(found_auc);
  EXPECT_TRUE(found_cv);
  int risks = 0;
  tables::CsvReader k(out / "prediction_risks.csv");
  while (k.next()) {
    ++risks;
    const double risk = k.number(k.column("risk"));
    EXPECT_TRUE(risk > 0 && risk < 1);
  }
  EXPECT_EQ(risks, static_cast<int>(drop.size() + stay.size()));
  std::ifstream js(out / "predict.json");
  const auto j = nlohmann::json::parse(js);
  EXPECT_EQ(j["patients"].size(), static_cast<size_t>(risks));
  EXPECT_TRUE(j["tables"].contains("prediction"));
}

TEST(CliPredict, DefaultMeasuresAreThePrimaryOnesAndMissingOnesAreAnInputError) {
  const auto out = test::temp_dir("stats_predict_default");
  const auto r = test::run("stats predict --outcomes " + (study() / "outcomes.csv").string() + " --sessions " +
                           (study() / "sessions.csv").string() + " -o " + out.string());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("share_happy"), std::string::npos) << r.err;
  EXPECT_NE(test::run("stats predict --help").out.find("--first-sessions"), std::string::npos);
}

}  // namespace
}  // namespace psyface
