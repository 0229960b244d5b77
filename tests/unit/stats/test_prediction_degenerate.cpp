// psyface stats predict on degenerate and hand-made inputs: each gives a note, never a crash; the first
// K sessions are taken in session_number, then date order.
#include <gtest/gtest.h>

#include <cmath>

#include "stats/prediction_analysis.hpp"

namespace psyface {
namespace {

stats::PredictionFeatures features(std::vector<std::vector<double>> values, std::vector<int> target) {
  stats::PredictionFeatures f;
  f.measures = {"a", "b"};
  for (size_t p = 0; p < values.size(); ++p) f.patient_id.push_back("P" + std::to_string(p));
  f.values = std::move(values);
  f.target = std::move(target);
  f.sessions_used.assign(f.target.size(), 3);
  return f;
}

stats::PredictionFeatures twelve(std::vector<int> target) {
  std::vector<std::vector<double>> v;
  for (int p = 0; p < 12; ++p) v.push_back({std::sin(p * 1.7), std::cos(p * 0.9) + 0.3 * p});
  return features(std::move(v), std::move(target));
}

bool has_note(const stats::StatsReport& r, const std::string& text) {
  for (const auto& n : r.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

const stats::StatRow& row(const stats::StatsReport& r, const std::string& statistic, size_t k = 0) {
  for (const auto& x : r.tables.at(0).rows)
    if (x.statistic == statistic && k-- == 0) return x;
  throw std::runtime_error("no row " + statistic);
}

stats::PredictionOptions options() {
  stats::PredictionOptions o;
  o.permutations = 20;
  return o;
}

TEST(PredictionDegenerate, OneClassEmptyGivesNotesAndNoModel) {
  const auto r = stats::run_prediction(twelve(std::vector<int>(12, 0)), options());
  EXPECT_TRUE(has_note(r, "one class is empty"));
  EXPECT_TRUE(has_note(r, "no prediction model"));
  EXPECT_TRUE(std::isnan(row(r, "auc").estimate));
  EXPECT_FALSE(row(r, "auc").note.empty());
  EXPECT_TRUE(std::isnan(row(r, "cv_auc").estimate));
  EXPECT_TRUE(r.patients.empty());
}

TEST(PredictionDegenerate, FewerThanThreeInAClassGivesNoModel) {
  std::vector<int> t(12, 0);
  t[0] = t[1] = 1;
  const auto r = stats::run_prediction(twelve(t), options());
  EXPECT_TRUE(has_note(r, "fewer than 3 patients in a class"));
  EXPECT_TRUE(std::isfinite(row(r, "auc").estimate));  // the per-measure AUC is still given
  EXPECT_TRUE(std::isnan(row(r, "cv_auc").estimate));
}

TEST(PredictionDegenerate, ConstantMeasureIsNotedAndLeftOutOfTheModel) {
  auto f = twelve({1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0});
  for (auto& v : f.values) v[1] = 2.0;
  const auto r = stats::run_prediction(f, options());
  EXPECT_TRUE(has_note(r, "measure b is constant"));
  EXPECT_NE(row(r, "auc", 1).note.find("constant"), std::string::npos);
  EXPECT_EQ(row(r, "cv_auc").measure, "model(a)");
  EXPECT_TRUE(std::isfinite(row(r, "cv_auc").estimate));
}

TEST(PredictionDegenerate, MissingMeasureLeavesThePatientOutOfTheModelOnly) {
  auto f = twelve({1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0});
  f.values[5][0] = NAN;
  const auto r = stats::run_prediction(f, options());
  EXPECT_TRUE(has_note(r, "1 patients miss a measure"));
  EXPECT_EQ(row(r, "auc", 0).n, 11);
  EXPECT_EQ(row(r, "auc", 1).n, 12);
  EXPECT_EQ(row(r, "cv_auc").n, 11);
  EXPECT_EQ(r.patients.size(), 11u);
}

TEST(PredictionDegenerate, SmallClassGivesTheMinimumEventsAndHonestyNotes) {
  const auto r = stats::run_prediction(twelve({1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}), options());
  EXPECT_TRUE(has_note(r, "fewer than 10 patients in the smaller class (4)"));
  EXPECT_TRUE(has_note(r, "not a clinical screening tool"));
  EXPECT_NE(r.tables.at(0).description.find("not a clinical screening tool"), std::string::npos);
}

TEST(PredictionFeatures, FirstSessionsFollowSessionNumberThenDate) {
  stats::MeasureTable t;
  t.measures = {"a"};
  // P1's sessions in file order 3, 1, 2 (and two with number 1: the earlier date first)
  const std::vector<std::tuple<std::string, double, std::string, double>> rows{
      {"s3", 3, "2024-03-01", 30}, {"s1b", 1, "2024-01-09", 11}, {"s1a", 1, "2024-01-01", 10}, {"s2", 2, "2024-02-01", 20}};
  for (const auto& [id, number, date, value] : rows) {
    stats::MeasureRow r;
    r.session_id = id, r.patient_id = "P1", r.session_number = number, r.date = date;
    t.rows.push_back(r);
    t.values.push_back({value});
  }
  std::vector<stats::OutcomeRecord> outcomes(1);
  outcomes[0].patient_id = "P1", outcomes[0].dropout = 1;
  auto o = options();
  o.first_sessions = 2;
  auto f = stats::prediction_features(outcomes, t, o);
  EXPECT_DOUBLE_EQ(f.values[0][0], 10.5);  // s1a and s1b
  o.first_sessions = 3;
  f = stats::prediction_features(outcomes, t, o);
  EXPECT_DOUBLE_EQ(f.values[0][0], 41.0 / 3);  // + s2, not s3
  EXPECT_EQ(f.target[0], 1);
}

}  // namespace
}  // namespace psyface
