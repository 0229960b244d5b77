// Time in the affect measures: each role's own camera coverage, the analysed rate of a sampling grid, and
// windows where a role's face is never seen (issue 19 items 5, 7 and 8; docs/measures.md).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "affect_test_support.hpp"
#include "measures/affect_measures.hpp"

using namespace psyface;
using namespace psyface::measures;
using namespace psyface::measures::test;

namespace {

MeasureOptions no_surrogates() {
  MeasureOptions o;
  o.synchrony_surrogates = 0;
  return o;
}

}  // namespace

// Camera A (patient) covers 0-100 s, camera B (therapist) -5-120 s, both at 5 fps. The patient's 34 smile
// onsets are 20.4 per minute of the patient's camera, not 17 per minute of the longer camera.
TEST(AffectMeasuresTime, EachRoleIsTimedOnItsOwnCamera) {
  std::vector<RoleFrame> a, b;
  for (int i = 0; i < 500; ++i) {
    const bool smiling = i >= 5 && (i - 5) % 14 == 0 && (i - 5) / 14 < 34;  // one-frame smiles at 1.0, 3.8, ... s
    a.push_back(face(i * 0.2, kNeutral, smiling ? 0.9 : 0.1));
  }
  for (int i = -25; i < 600; ++i) b.push_back(face(i * 0.2, kNeutral, 0.1));
  const auto rows = compute_measures({series("patient", a, 0.2), series("therapist", b, 0.2)}, {}, no_surrogates());
  const auto& p = row(rows, "session", "patient");
  EXPECT_NEAR(value(p, "duration_sec"), 100, 1e-9);
  EXPECT_NEAR(value(p, "smile_onsets_per_min"), 20.4, 1e-9);
  const auto& t = row(rows, "session", "therapist");
  EXPECT_NEAR(value(t, "duration_sec"), 120, 1e-9);  // B's time before A's 0 is outside every window
  // The second fixed window (60-120 s): the patient's camera covers 40 s of it, the therapist's all 60 s.
  const auto& p_last = row(rows, "fixed", "patient", 1);
  EXPECT_NEAR(value(p_last, "duration_sec"), 40, 1e-9);  // 60-100 s
  EXPECT_NEAR(value(row(rows, "fixed", "therapist", 1), "duration_sec"), 60, 1e-9);
}

// One camera read from --start 30: the 0-30 s before the first analysed frame are not analysed time.
TEST(AffectMeasuresTime, TimeBeforeTheFirstAnalysedFrameIsNotCounted) {
  std::vector<RoleFrame> a;
  for (int i = 0; i < 150; ++i) a.push_back(face(30 + i * 0.2, kNeutral, i == 10 ? 0.9 : 0.1));
  const auto rows = compute_measures({series("patient", a, 0.2), series("therapist", {}, 0)}, {}, no_surrogates());
  const auto& p = row(rows, "session", "patient");
  EXPECT_NEAR(value(p, "duration_sec"), 30, 1e-9);
  EXPECT_NEAR(value(p, "smile_onsets_per_min"), 2, 1e-9);
}

// A VFR table under a 5 Hz sampling grid: intervals of 1/6 s four times, then 1/3 s. 101 frames over
// 20 s are 5 frames/s; 1 / median interval said 6.
TEST(AffectMeasuresTime, AnalysedRateIsFramesOverSpanNotTheMedianInterval) {
  std::string text =
      "frame,face_id,person_id,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,"
      "emo_fearful,emo_disgusted,emo_surprised,dominant,valence,smile_intensity\n";
  double t = 0;
  for (int i = 0; i <= 100; ++i) {
    text += std::to_string(i) + ",0,0,patient," + std::to_string(t) + ",1,0.9,0.9,0.1,0,0,0,0,0,neutral,0.1,0.1\n";
    t += i % 5 == 4 ? 1.0 / 3 : 1.0 / 6;
  }
  const RoleTable table = read_role_table(text, "vfr.csv");
  EXPECT_NEAR(table.patient.frame_interval_sec, 0.2, 1e-5);
  MeasureOptions o = no_surrogates();
  o.brief_min_fps = 5.5;  // between the true 5 and the old 6 frames/s
  const auto rows = compute_measures(table, {}, o);
  const auto& p = row(rows, "session", "patient");
  EXPECT_NEAR(value(p, "analysed_fps"), 5, 1e-4);
  EXPECT_NEAR(value(p, "duration_sec"), 20.2, 1e-4);  // 101 frames x 0.2 s
  EXPECT_EQ(value(p, "low_fps_flag"), 1);
  EXPECT_TRUE(std::isnan(value(p, "brief_per_min")));
}

// Two minutes; the patient's face is gone in the second (frames analysed, none valid) while the therapist
// smiles throughout. Nobody saw the patient then, so every event rate of that window is NA, the shared
// smiles too (in both roles' rows); counts stay counts.
TEST(AffectMeasuresTime, WindowWithoutTheFaceHasNoEventRates) {
  std::vector<RoleFrame> p, t;
  for (int i = 0; i < 240; ++i) {
    const double time = i * 0.5;
    const bool smile = i % 20 < 4;
    p.push_back(time < 60 ? face(time, smile ? kHappy : kNeutral, smile ? 0.9 : 0.1) : no_face(time));
    t.push_back(face(time, smile ? kHappy : kNeutral, smile ? 0.9 : 0.1));
  }
  const auto rows = compute_measures({series("patient", p, 0.5), series("therapist", t, 0.5)}, {}, no_surrogates());
  const auto& seen = row(rows, "fixed", "patient", 0);
  EXPECT_NEAR(value(seen, "shared_smiles_per_min"), 6, 1e-9);
  EXPECT_NEAR(value(seen, "smile_onsets_per_min"), 6, 1e-9);
  const auto& gone = row(rows, "fixed", "patient", 1);
  EXPECT_EQ(value(gone, "frames_analysed"), 120);
  EXPECT_EQ(value(gone, "frames_valid"), 0);
  for (const char* rate : {"smile_onsets_per_min", "episodes_per_min", "brief_per_min", "shared_smiles_per_min"})
    EXPECT_TRUE(std::isnan(value(gone, rate))) << rate << " = " << value(gone, rate);
  const auto& therapist = row(rows, "fixed", "therapist", 1);
  EXPECT_NEAR(value(therapist, "smile_onsets_per_min"), 6, 1e-9);
  EXPECT_TRUE(std::isnan(value(therapist, "shared_smiles_per_min")));
}
