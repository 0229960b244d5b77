// Classification metrics against values computed by hand (arithmetic in the comments).
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "psyface/error.hpp"
#include "stats/classification_metrics.hpp"

namespace psyface::stats {
namespace {

constexpr double kTol = 1e-12;
constexpr int kNeutral = 0, kHappy = 1, kSad = 2, kAngry = 3, kFearful = 4;

void add_n(ClassificationTally& tally, Emotion truth, Emotion predicted, int times) {
  for (int i = 0; i < times; ++i) tally.add(truth, predicted);
}

// n = 10, three classes in the truth, "angry" predicted once but never true:
//   true \ pred  neutral happy sad angry   support
//   neutral         3      1    0    0       4
//   happy           0      2    1    0       3
//   sad             1      0    1    1       3
//   predicted       4      3    2    1      10
ClassificationTally worked_example() {
  ClassificationTally t;
  add_n(t, Emotion::Neutral, Emotion::Neutral, 3);
  add_n(t, Emotion::Neutral, Emotion::Happy, 1);
  add_n(t, Emotion::Happy, Emotion::Happy, 2);
  add_n(t, Emotion::Happy, Emotion::Sad, 1);
  add_n(t, Emotion::Sad, Emotion::Sad, 1);
  add_n(t, Emotion::Sad, Emotion::Neutral, 1);
  add_n(t, Emotion::Sad, Emotion::Angry, 1);
  t.add_unreadable("sad/broken.jpg");
  return t;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(ClassificationMetrics, WorkedExampleByHand) {
  const auto m = compute_classification_metrics(worked_example());
  // correct = 3 + 2 + 1 = 6; accuracy = 6 / 10
  EXPECT_EQ(m.n, 10);
  EXPECT_EQ(m.correct, 6);
  EXPECT_NEAR(m.accuracy, 0.6, kTol);
  // neutral: P = 3/4, R = 3/4, F1 = 3/4
  EXPECT_NEAR(m.per_class[kNeutral].precision, 0.75, kTol);
  EXPECT_NEAR(m.per_class[kNeutral].recall, 0.75, kTol);
  EXPECT_NEAR(m.per_class[kNeutral].f1, 0.75, kTol);
  // happy: P = 2/3, R = 2/3, F1 = 2/3
  EXPECT_NEAR(m.per_class[kHappy].precision, 2.0 / 3.0, kTol);
  EXPECT_NEAR(m.per_class[kHappy].recall, 2.0 / 3.0, kTol);
  EXPECT_NEAR(m.per_class[kHappy].f1, 2.0 / 3.0, kTol);
  // sad: P = 1/2, R = 1/3, F1 = 2 * (1/2)(1/3) / (1/2 + 1/3) = (1/3) / (5/6) = 2/5
  EXPECT_NEAR(m.per_class[kSad].precision, 0.5, kTol);
  EXPECT_NEAR(m.per_class[kSad].recall, 1.0 / 3.0, kTol);
  EXPECT_NEAR(m.per_class[kSad].f1, 0.4, kTol);
  EXPECT_EQ(m.per_class[kNeutral].support, 4);
  EXPECT_EQ(m.per_class[kHappy].support, 3);
  EXPECT_EQ(m.per_class[kSad].support, 3);
  EXPECT_EQ(m.per_class[kNeutral].predicted, 4);
  // macro-F1 over the 3 present classes = (3/4 + 2/3 + 2/5) / 3 = (45 + 40 + 24) / 60 / 3 = 109/180
  EXPECT_EQ(m.classes_present, 3);
  EXPECT_NEAR(m.macro_f1, 109.0 / 180.0, kTol);
  // balanced accuracy = (3/4 + 2/3 + 1/3) / 3 = (7/4) / 3 = 7/12
  EXPECT_NEAR(m.balanced_accuracy, 7.0 / 12.0, kTol);
  ASSERT_EQ(m.unreadable.size(), 1u);
  EXPECT_EQ(m.unreadable[0], "sad/broken.jpg");
}

TEST(ClassificationMetrics, ClassPredictedButAbsentFromTruthIsOutOfMacroButInConfusion) {
  const auto m = compute_classification_metrics(worked_example());
  const auto& angry = m.per_class[kAngry];
  EXPECT_EQ(angry.support, 0);
  EXPECT_EQ(angry.predicted, 1);
  EXPECT_EQ(angry.precision, 0.0);  // 0 of 1 angry predictions were right
  EXPECT_TRUE(std::isnan(angry.recall));
  EXPECT_TRUE(std::isnan(angry.f1));
  EXPECT_EQ(m.confusion[kSad][kAngry], 1);
  // Had angry been counted with F1 = 0, macro-F1 would be 109/60 / 4 = 109/240; it must not be.
  EXPECT_GT(std::abs(m.macro_f1 - 109.0 / 240.0), 0.1);
  // A class neither true nor predicted: precision 0 by convention, recall/F1 undefined.
  EXPECT_EQ(m.per_class[kFearful].predicted, 0);
  EXPECT_EQ(m.per_class[kFearful].precision, 0.0);
  EXPECT_TRUE(std::isnan(m.per_class[kFearful].recall));
}

TEST(ClassificationMetrics, PresentClassNeverPredictedHasZeroPrecisionAndCountsInMacro) {
  // true happy x2 -> happy; true sad x2 -> happy.
  // happy: P = 2/4 = 1/2, R = 2/2 = 1, F1 = 2 * (1/2) * 1 / (3/2) = 2/3
  // sad:   never predicted -> P = 0 (convention), R = 0/2 = 0, F1 = 0
  // macro-F1 = (2/3 + 0) / 2 = 1/3; balanced accuracy = (1 + 0) / 2 = 1/2; accuracy = 2/4
  ClassificationTally t;
  add_n(t, Emotion::Happy, Emotion::Happy, 2);
  add_n(t, Emotion::Sad, Emotion::Happy, 2);
  const auto m = compute_classification_metrics(t);
  EXPECT_NEAR(m.per_class[kHappy].f1, 2.0 / 3.0, kTol);
  EXPECT_EQ(m.per_class[kSad].precision, 0.0);
  EXPECT_EQ(m.per_class[kSad].recall, 0.0);
  EXPECT_EQ(m.per_class[kSad].f1, 0.0);
  EXPECT_NEAR(m.macro_f1, 1.0 / 3.0, kTol);
  EXPECT_NEAR(m.balanced_accuracy, 0.5, kTol);
  EXPECT_NEAR(m.accuracy, 0.5, kTol);
}

TEST(ClassificationMetrics, EmptyTallyGivesNaNSummaries) {
  ClassificationTally t;
  t.add_unreadable("a.png");
  const auto m = compute_classification_metrics(t);
  EXPECT_EQ(m.n, 0);
  EXPECT_EQ(m.classes_present, 0);
  EXPECT_TRUE(std::isnan(m.accuracy));
  EXPECT_TRUE(std::isnan(m.balanced_accuracy));
  EXPECT_TRUE(std::isnan(m.macro_f1));
}

TEST(ClassificationMetrics, InvalidEmotionIsAnInternalError) {
  ClassificationTally t;
  try {
    t.add(static_cast<Emotion>(kEmotionCount), Emotion::Happy);
    FAIL() << "expected psyface::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Internal);
  }
}

TEST(ClassificationMetricsCsv, PerClassLongFormat) {
  const auto lines = lines_of(per_class_metrics_csv(compute_classification_metrics(worked_example())));
  ASSERT_EQ(lines.size(), 1u + kEmotionCount);
  EXPECT_EQ(lines[0], "class,support,precision,recall,f1");
  EXPECT_EQ(lines[1], "neutral,4,0.750000,0.750000,0.750000");
  EXPECT_EQ(lines[3], "sad,3,0.500000,0.333333,0.400000");
  EXPECT_EQ(lines[4], "angry,0,0.000000,NA,NA");
  EXPECT_EQ(lines[7], "surprised,0,0.000000,NA,NA");
}

TEST(ClassificationMetricsCsv, ConfusionLongFormat) {
  const auto lines = lines_of(confusion_matrix_csv(compute_classification_metrics(worked_example())));
  ASSERT_EQ(lines.size(), 1u + kEmotionCount * kEmotionCount);
  EXPECT_EQ(lines[0], "true,predicted,count");
  EXPECT_EQ(lines[1], "neutral,neutral,3");
  EXPECT_EQ(lines[2], "neutral,happy,1");
  EXPECT_EQ(lines[1 + kSad * kEmotionCount + kAngry], "sad,angry,1");
  EXPECT_EQ(lines.back(), "surprised,surprised,0");
}

TEST(ClassificationMetricsText, HasSummaryTableAndLabelledMatrix) {
  const std::string text = format_metrics_text(compute_classification_metrics(worked_example()));
  EXPECT_NE(text.find("10 scored images, 1 unreadable"), std::string::npos);
  EXPECT_NE(text.find("accuracy           0.6000"), std::string::npos);
  EXPECT_NE(text.find("macro-F1           0.6056"), std::string::npos);
  EXPECT_NE(text.find("sad              3          2     0.5000  0.3333  0.4000"), std::string::npos) << text;
  EXPECT_NE(text.find("angry            0          1     0.0000       -       -"), std::string::npos) << text;
  EXPECT_NE(text.find("true\\pred    neutral  happy  sad  angry  fearful  disgusted  surprised"), std::string::npos)
      << text;
  EXPECT_NE(text.find("sad                1      0    1      1        0          0          0"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  sad/broken.jpg"), std::string::npos);
}

TEST(ClassificationMetricsJson, CarriesContextMetricsAndNulls) {
  EvalContext ctx;
  ctx.model_name = "hsemotion-enet-b0";
  ctx.options = {{"detector", "yunet"}, {"min_face_px", 48}};
  ctx.dataset_dir = "/data/fer/test";
  ctx.skipped_folders = {{"contempt", 5}};
  ctx.ignored_files = 2;
  const auto j = metrics_to_json(compute_classification_metrics(worked_example()), ctx);
  EXPECT_EQ(j.at("format"), "psyface-eval");
  EXPECT_EQ(j.at("format_version"), 1);
  EXPECT_EQ(j.at("model"), "hsemotion-enet-b0");
  EXPECT_EQ(j.at("options").at("min_face_px"), 48);
  EXPECT_EQ(j.at("n"), 10);
  EXPECT_NEAR(j.at("macro_f1").get<double>(), 109.0 / 180.0, kTol);
  EXPECT_TRUE(j.at("per_class").at("angry").at("recall").is_null());
  EXPECT_EQ(j.at("per_class").at("sad").at("support"), 3);
  EXPECT_EQ(j.at("confusion").at("classes").at(3), "angry");
  EXPECT_EQ(j.at("confusion").at("counts").at(kSad).at(kAngry), 1);
  EXPECT_EQ(j.at("unreadable").at(0), "sad/broken.jpg");
  EXPECT_EQ(j.at("unreadable_count"), 1);
  EXPECT_EQ(j.at("skipped_folders").at(0).at("name"), "contempt");
  EXPECT_EQ(j.at("skipped_folders").at(0).at("file_count"), 5);
  EXPECT_EQ(j.at("ignored_files"), 2);
}

}  // namespace
}  // namespace psyface::stats
