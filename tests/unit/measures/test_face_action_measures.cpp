// Action-unit, gaze and head-motion measures on hand-made series; every expected value is computed by
// hand in the comments.
#include "measures/face_action_measures.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "affect_test_support.hpp"

namespace psyface::measures {
namespace {

using namespace test;

RoleFrame au_face(double t, double au12, double au06, double gaze_x = 0, double speed = 0) {
  RoleFrame f = face(t, kNeutral, 0);
  f.au_r.fill(0.5);
  f.au_r[action_unit_index(12)] = au12;
  f.au_r[action_unit_index(6)] = au06;
  f.gaze_angle_x = gaze_x;
  f.gaze_angle_y = 0;
  f.head_speed_deg_s = speed;
  return f;
}

// Ten frames, 1 s apart (10 s analysed). AU12: 0 2 2 2 0 2 2 0 2 2, AU06: 0 0 2 2 0 0 0 0 2 0 (presence at
// 1.0): classes none, social, Duchenne, Duchenne, none, social, social, none, Duchenne, social.
//   duchenne_smile_share = 3/10, social_smile_share = 4/10;
//   Duchenne onsets at 2 s and 8 s: 2 / (10/60 min) = 12 per min; social onsets at 1, 5, 9 s: 18 per min.
// Gaze x 0 except 0.5 rad (28.6°) at 3 and 4 s and 0.2 rad (11.5°) at 5 s: median 0, averted (> 15°) 2/10.
// Head speed = t: mean 4.5 deg/s. AU12 mean 14/10, AU06 mean 6/10, every other AU 0.5.
TEST(FaceActionMeasures, HandComputedSmileClassesGazeAndHeadSpeed) {
  const double au12[10] = {0, 2, 2, 2, 0, 2, 2, 0, 2, 2}, au06[10] = {0, 0, 2, 2, 0, 0, 0, 0, 2, 0};
  const double gaze[10] = {0, 0, 0, 0.5, 0.5, 0.2, 0, 0, 0, 0};
  std::vector<RoleFrame> frames;
  for (int k = 0; k < 10; ++k) frames.push_back(au_face(k, au12[k], au06[k], gaze[k], k));
  RoleTable table;
  table.patient = series("patient", frames, 1.0);
  table.therapist = series("therapist", {}, 0);
  const auto rows = compute_measures(table, {}, MeasureOptions{});
  for (const auto* kind : {"session", "fixed"}) {
    const auto& r = row(rows, kind, "patient");
    EXPECT_DOUBLE_EQ(value(r, "duchenne_smile_share"), 0.3) << kind;
    EXPECT_DOUBLE_EQ(value(r, "social_smile_share"), 0.4) << kind;
    EXPECT_DOUBLE_EQ(value(r, "duchenne_onsets_per_min"), 12.0) << kind;
    EXPECT_DOUBLE_EQ(value(r, "social_onsets_per_min"), 18.0) << kind;
    EXPECT_DOUBLE_EQ(value(r, "gaze_averted_share"), 0.2) << kind;
    EXPECT_DOUBLE_EQ(value(r, "head_speed_mean_deg_s"), 4.5) << kind;
    EXPECT_DOUBLE_EQ(value(r, "au12_r_mean"), 1.4) << kind;
    EXPECT_DOUBLE_EQ(value(r, "au06_r_mean"), 0.6) << kind;
    EXPECT_DOUBLE_EQ(value(r, "au45_r_mean"), 0.5) << kind;
    EXPECT_TRUE(std::isnan(value(r, "synchrony_head_motion"))) << kind;  // no therapist
  }
  // A stricter presence threshold: only AU ≥ 2.5 counts, so nothing smiles.
  MeasureOptions strict;
  strict.au_presence = 2.5;
  const auto& r = row(compute_measures(table, {}, strict), "session", "patient");
  EXPECT_DOUBLE_EQ(value(r, "duchenne_smile_share"), 0.0);
  EXPECT_DOUBLE_EQ(value(r, "social_onsets_per_min"), 0.0);
}

// A table without the action-unit, gaze and head columns (written before they existed): NA, not 0.
TEST(FaceActionMeasures, TablesWithoutTheColumnsGiveNa) {
  std::vector<RoleFrame> frames;
  for (int k = 0; k < 10; ++k) frames.push_back(face(k, kHappy, 1.0));
  RoleTable table;
  table.patient = series("patient", frames, 1.0);
  table.therapist = series("therapist", {}, 0);
  const auto& r = row(compute_measures(table, {}, MeasureOptions{}), "session", "patient");
  for (const char* m : {"duchenne_smile_share", "social_smile_share", "duchenne_onsets_per_min", "gaze_averted_share",
                        "head_speed_mean_deg_s", "au12_r_mean"})
    EXPECT_TRUE(std::isnan(value(r, m))) << m;
}

// The therapist's head moves as the patient's did 1 s earlier: the synchrony's median peak lag is +1 s
// (patient leads) and the synchrony high.
TEST(FaceActionMeasures, HeadMotionSynchronyFindsAOneSecondLag) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 1);
  const double dt = 0.1;
  const int n = 3300;  // 330 s at 10 frames/s: 11 surrogate segments of 30 s
  std::vector<double> speed(n + 10);
  double smooth = 0;
  for (auto& v : speed) v = std::fabs(smooth = 0.8 * smooth + noise(rng));
  std::vector<RoleFrame> patient, therapist;
  for (int k = 0; k < n; ++k) {
    patient.push_back(au_face(k * dt, 0, 0, 0, speed[k + 10]));
    therapist.push_back(au_face(k * dt, 0, 0, 0, speed[k]));  // = the patient's 10 frames (1 s) earlier
  }
  RoleTable table;
  table.patient = series("patient", patient, dt);
  table.therapist = series("therapist", therapist, dt);
  MeasureOptions o;
  o.synchrony_surrogates = 20;
  const auto& r = row(compute_measures(table, {}, o), "session", "patient");
  EXPECT_NEAR(value(r, "synchrony_head_motion_lag_sec"), 1.0, 0.1);
  EXPECT_GT(value(r, "synchrony_head_motion"), 0.9);
  EXPECT_LT(value(r, "synchrony_head_motion_p"), 0.1);
}

}  // namespace
}  // namespace psyface::measures
