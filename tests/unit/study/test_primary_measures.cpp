// study.conf primary_measures / primary_role (study/manifest.cpp) and the never-analysed bookkeeping and
// quality columns (study/primary_measures.cpp).
#include <gtest/gtest.h>

#include <algorithm>

#include "measures/affect_measures.hpp"
#include "psyface/error.hpp"
#include "study/manifest.hpp"
#include "study/primary_measures.hpp"
#include "study_test_support.hpp"

using namespace psyface;
using namespace psyface::study;

namespace {

std::string config_error(const test::TempStudy& s) {
  try {
    read_study_config(s.dir());
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    return e.what();
  }
  return "";
}

void expect_has(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "expected '" << part << "' in:\n" << text;
}

}  // namespace

TEST(PrimaryMeasures, DefaultsAreTheReferenceStudysPatientMeasures) {
  test::TempStudy s("primary-default");
  const auto none = read_study_config(s.dir());  // no study.conf
  EXPECT_EQ(none.primary_measures,
            (std::vector<std::string>{"share_happy", "share_neutral", "smile_onsets_per_min", "expressivity"}));
  EXPECT_EQ(none.primary_role, "patient");
  EXPECT_FALSE(none.primary_measures_declared);
  s.write("study.conf", config_template());  // the template states the defaults and reads back as them
  const auto templ = read_study_config(s.dir());
  EXPECT_EQ(templ.primary_measures, none.primary_measures);
  EXPECT_EQ(templ.primary_role, "patient");
  for (const auto& m : none.primary_measures) EXPECT_GE(measures::measure_index(m), 0) << m;
}

TEST(PrimaryMeasures, StudyConfDeclaresOthers) {
  test::TempStudy s("primary-declared");
  s.write("study.conf", "# pre-registered\nprimary_measures = mean_p_happy ,valence_mean,  smile_share\nprimary_role = therapist\n");
  const auto c = read_study_config(s.dir());
  EXPECT_EQ(c.primary_measures, (std::vector<std::string>{"mean_p_happy", "valence_mean", "smile_share"}));
  EXPECT_EQ(c.primary_role, "therapist");
  EXPECT_TRUE(c.primary_measures_declared);
}

TEST(PrimaryMeasures, BadDeclarationsNameStudyConfAndTheLine) {
  test::TempStudy s("primary-bad");
  s.write("study.conf", "smile_threshold = 0.4\nprimary_measures = share_happy, smile_rate\n");
  auto e = config_error(s);
  expect_has(e, "study.conf:2: primary_measures: \"smile_rate\" is not a measure");
  expect_has(e, "share_neutral");  // the valid names are listed
  EXPECT_EQ(e.find("measures: duration_sec"), std::string::npos) << e;  // but no quality column among them

  s.write("study.conf", "primary_measures = share_happy, duration_sec, low_fps_flag\n");
  e = config_error(s);
  expect_has(e, "study.conf:1: primary_measures: \"duration_sec\" is a bookkeeping or data-quality column");
  expect_has(e, "study.conf:1: primary_measures: \"low_fps_flag\" is a bookkeeping or data-quality column");

  s.write("study.conf", "primary_measures = expressivity, expressivity\n");
  expect_has(config_error(s), "study.conf:1: primary_measures: \"expressivity\" is listed twice");
  s.write("study.conf", "\nprimary_measures = ,\n");
  expect_has(config_error(s), "study.conf:2: primary_measures: empty");
  s.write("study.conf", "primary_role = client\n");
  expect_has(config_error(s), "study.conf:1: primary_role: 'client' is not patient or therapist");
}

TEST(PrimaryMeasures, QualityColumnsAreThoseOfTheCatalogThatDescribeTheMeasuring) {
  for (const char* q : {"duration_sec", "frames_analysed", "frames_valid", "valid_share", "mean_confidence",
                        "analysed_fps", "low_fps_flag", "synchrony_p", "synchrony_head_motion_p", "n_frames",
                        "analysis_options_hash", "frames_listening", "frames_speaking"})
    EXPECT_TRUE(is_quality_column(q)) << q;
  for (const char* m : {"share_happy", "mean_p_neutral", "smile_baseline", "synchrony_smile", "expressivity",
                        "duchenne_smile_share", "gaze_averted_share", "synchrony_head_motion",
                        "synchrony_head_motion_lag_sec", "au12_r_mean", "speaking_share", "turns_per_min",
                        "share_surprised_listening", "expressivity_speaking"})
    EXPECT_FALSE(is_quality_column(m)) << m;
  const auto analysable = analysable_measures();
  EXPECT_EQ(measures::measure_catalog().size(), 110u);
  EXPECT_EQ(analysable.size(), measures::measure_catalog().size() - 11);  // 110 columns, 11 of them quality
  EXPECT_EQ(std::count(analysable.begin(), analysable.end(), "synchrony_p"), 0);
}
