// Affect measures on small synthetic per-role series with hand-computed values (docs/measures.md).
#include <gtest/gtest.h>

#include <cmath>

#include "affect_test_support.hpp"
#include "measures/affect_measures.hpp"
#include "psyface/error.hpp"

using namespace psyface;
using namespace psyface::measures;
using namespace psyface::measures::test;

// 10 frames at 10 fps: 4 happy smiling frames, 4 neutral frames, 2 without a face.
TEST(AffectMeasures, SharesMeansSmilingAndValence) {
  std::vector<RoleFrame> f;
  for (int i = 0; i < 10; ++i) {
    const double t = i * 0.1;
    f.push_back(i < 4 ? face(t, kHappy, 0.8) : i < 8 ? face(t, kNeutral, 0.1) : no_face(t));
  }
  RoleTable table{series("patient", f, 0.1), series("therapist", {}, 0)};
  MeasureOptions o;
  o.synchrony_surrogates = 0;
  const auto rows = compute_measures(table, {}, o);
  const auto& p = row(rows, "session", "patient");
  EXPECT_NEAR(value(p, "duration_sec"), 1.0, 1e-12);
  EXPECT_EQ(value(p, "frames_analysed"), 10);
  EXPECT_EQ(value(p, "frames_valid"), 8);
  EXPECT_NEAR(value(p, "valid_share"), 0.8, 1e-12);
  EXPECT_NEAR(value(p, "mean_confidence"), 0.9, 1e-12);
  EXPECT_NEAR(value(p, "share_happy"), 0.5, 1e-12);
  EXPECT_NEAR(value(p, "share_neutral"), 0.5, 1e-12);
  EXPECT_NEAR(value(p, "share_sad"), 0.0, 1e-12);
  EXPECT_NEAR(value(p, "mean_p_happy"), 0.45, 1e-12);
  EXPECT_NEAR(value(p, "mean_p_neutral"), 0.4, 1e-12);
  EXPECT_NEAR(value(p, "mean_p_sad"), 0.15, 1e-12);
  EXPECT_NEAR(value(p, "smile_share"), 0.5, 1e-12);
  EXPECT_NEAR(value(p, "smile_baseline"), 0.45, 1e-12);   // median of 4 x 0.1 and 4 x 0.8
  EXPECT_NEAR(value(p, "smile_rel_share"), 0.5, 1e-12);   // > 0.45 + 0.3
  EXPECT_NEAR(value(p, "smile_onsets_per_min"), 60, 1e-9);  // one onset in 1 s
  EXPECT_NEAR(value(p, "expressivity"), 0.6, 1e-12);       // (4 x 0.8 + 4 x 0.4) / 8
  EXPECT_NEAR(value(p, "valence_mean"), 0.3, 1e-12);       // (4 x 0.8 + 4 x -0.2) / 8
  EXPECT_NEAR(value(p, "valence_sd"), std::sqrt(2.0 / 7.0), 1e-12);
  // happy from t=0 to 0.3 (p_happy 0.8, then 0.1 < off): 0.4 s, a brief expression at 10 fps
  EXPECT_NEAR(value(p, "episodes_per_min"), 0, 1e-12);
  EXPECT_TRUE(std::isnan(value(p, "episode_mean_sec")));
  EXPECT_NEAR(value(p, "brief_per_min"), 60, 1e-9);
  EXPECT_NEAR(value(p, "analysed_fps"), 10, 1e-9);
  EXPECT_EQ(value(p, "low_fps_flag"), 0);
  EXPECT_TRUE(std::isnan(value(p, "shared_smiles_per_min")));  // no therapist
  EXPECT_TRUE(std::isnan(value(p, "synchrony_smile")));
  const auto& t = row(rows, "session", "therapist");
  EXPECT_EQ(value(t, "frames_valid"), 0);
  EXPECT_TRUE(std::isnan(value(t, "valid_share")));
}

// Hysteresis: sad starts at p 0.6 and lasts while p(sad) >= 0.35.
std::vector<RoleFrame> sad_frames(double dt) {
  const double sad[] = {0.6, 0.4, 0.4, 0.4, 0.4, 0.3, 0.6, 0.2};
  std::vector<RoleFrame> f;
  for (int i = 0; i < 8; ++i) {
    const double s = sad[i];
    const double neutral = s == 0.6 ? 0.4 - 0.0 : 1 - s;  // sad dominant only at 0.6
    f.push_back(face(i * dt, {neutral, 0, s, 0, 0, 0, 0}, 0));
  }
  return f;
}

TEST(AffectMeasures, EpisodesWithHysteresisAndBriefExpressions) {
  MeasureOptions o;
  o.synchrony_surrogates = 0;
  const auto rows = compute_measures({series("patient", sad_frames(0.1), 0.1), series("therapist", {}, 0)}, {}, o);
  const auto& p = row(rows, "session", "patient");
  // episode 1: t 0..0.4 (0.5 s); episode 2: t 0.6 only (0.1 s, brief); window 0.8 s
  EXPECT_NEAR(value(p, "episodes_per_min"), 1 / (0.8 / 60), 1e-9);
  EXPECT_NEAR(value(p, "episode_mean_sec"), 0.5, 1e-9);
  EXPECT_NEAR(value(p, "brief_per_min"), 1 / (0.8 / 60), 1e-9);
  // Without hysteresis the first episode ends after one frame: two brief expressions, no episode.
  o.episode_off_p = 0.5;
  const auto strict = row(compute_measures({series("patient", sad_frames(0.1), 0.1), series("therapist", {}, 0)}, {}, o),
                          "session", "patient");
  EXPECT_NEAR(value(strict, "episodes_per_min"), 0, 1e-12);
  EXPECT_NEAR(value(strict, "brief_per_min"), 2 / (0.8 / 60), 1e-9);
}

TEST(AffectMeasures, BriefExpressionsNotReportedBelowTenFps) {
  MeasureOptions o;
  o.synchrony_surrogates = 0;
  const auto rows = compute_measures({series("patient", sad_frames(0.2), 0.2), series("therapist", {}, 0)}, {}, o);
  const auto& p = row(rows, "session", "patient");
  // at 5 fps: episode 1 spans 0..0.8 s (1.0 s), episode 2 is one frame (0.2 s): brief, not reported
  EXPECT_NEAR(value(p, "episode_mean_sec"), 1.0, 1e-9);
  EXPECT_NEAR(value(p, "episodes_per_min"), 1 / (1.6 / 60), 1e-9);
  EXPECT_TRUE(std::isnan(value(p, "brief_per_min")));
  EXPECT_EQ(value(p, "low_fps_flag"), 1);
  EXPECT_NEAR(value(p, "analysed_fps"), 5, 1e-9);
}

// 20 frames at 2 fps. Patient smiles at 1.0-1.5 s and 6.0 s; therapist at 2.5 s and 8.0 s.
TEST(AffectMeasures, SharedSmilesWithinOneSecond) {
  std::vector<RoleFrame> p, t;
  for (int i = 0; i < 20; ++i) {
    const double time = i * 0.5;
    const bool ps = time == 1.0 || time == 1.5 || time == 6.0, ts = time == 2.5 || time == 8.0;
    p.push_back(face(time, kNeutral, ps ? 0.9 : 0.0));
    t.push_back(face(time, kNeutral, ts ? 0.9 : 0.0));
  }
  MeasureOptions o;
  o.synchrony_surrogates = 0;
  const auto rows = compute_measures({series("patient", p, 0.5), series("therapist", t, 0.5)}, {}, o);
  // patient run [1.0, 2.0] and therapist run [2.5, 3.0]: 0.5 s apart -> shared; [6.0, 6.5] vs [8.0, 8.5]: 1.5 s -> not
  for (const char* role : {"patient", "therapist"}) {
    const auto& r = row(rows, "session", role);
    EXPECT_NEAR(value(r, "shared_smiles_per_min"), 1 / (10.0 / 60), 1e-9) << role;
    EXPECT_NEAR(value(r, "smile_onsets_per_min"), 2 / (10.0 / 60), 1e-9) << role;
  }
  EXPECT_NEAR(value(row(rows, "session", "patient"), "smile_share"), 3.0 / 20, 1e-12);
  // a tolerance of 2 s makes the second pair shared too
  o.shared_smile_tolerance_sec = 2;
  const auto wide = compute_measures({series("patient", p, 0.5), series("therapist", t, 0.5)}, {}, o);
  EXPECT_NEAR(value(row(wide, "session", "patient"), "shared_smiles_per_min"), 2 / (10.0 / 60), 1e-9);
}

TEST(AffectMeasures, WindowsFixedFirstRestAndSegments) {
  MeasureOptions o;
  o.window_min = 1;
  o.first_min = 2;
  const auto w = session_windows(150, {{10, 20, "intro"}}, o);
  ASSERT_EQ(w.size(), 7u);
  EXPECT_EQ(w[0].kind, "session");
  EXPECT_EQ(w[3].kind, "fixed");
  EXPECT_EQ(w[3].index, 2);
  EXPECT_DOUBLE_EQ(w[3].start_sec, 120);
  EXPECT_DOUBLE_EQ(w[3].end_sec, 180);
  EXPECT_EQ(w[4].kind, "first");
  EXPECT_DOUBLE_EQ(w[4].end_sec, 120);
  EXPECT_EQ(w[5].kind, "rest");
  EXPECT_DOUBLE_EQ(w[5].start_sec, 120);
  EXPECT_DOUBLE_EQ(w[5].end_sec, 150);
  EXPECT_EQ(w[6].label, "intro");

  // 150 s at 1 fps; happy in the first 90 s, neutral after: fixed window 1 is half happy, window 2 is 30 s.
  std::vector<RoleFrame> f;
  for (int i = 0; i < 150; ++i) f.push_back(face(i, i < 90 ? kHappy : kNeutral, 0));
  o.synchrony_surrogates = 0;
  const auto rows = compute_measures({series("patient", f, 1), series("therapist", {}, 0)}, {{10, 20, "intro"}}, o);
  EXPECT_NEAR(value(row(rows, "fixed", "patient", 1), "share_happy"), 0.5, 1e-12);
  EXPECT_NEAR(value(row(rows, "fixed", "patient", 2), "duration_sec"), 30, 1e-9);
  EXPECT_EQ(value(row(rows, "fixed", "patient", 2), "frames_analysed"), 30);
  EXPECT_NEAR(value(row(rows, "first", "patient"), "share_happy"), 0.75, 1e-12);
  EXPECT_NEAR(value(row(rows, "rest", "patient"), "share_happy"), 0.0, 1e-12);
  EXPECT_EQ(value(row(rows, "segment", "patient"), "frames_analysed"), 10);
  EXPECT_NEAR(value(row(rows, "segment", "patient"), "share_happy"), 1.0, 1e-12);
}

TEST(AffectMeasures, ReadsRolesFromAFramesTable) {
  const std::string text =
      "frame,face_id,person_id,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,"
      "emo_fearful,emo_disgusted,emo_surprised,dominant,valence,smile_intensity\r\n"
      "0,1,0,patient,0.0,1,0.9,0.2,0.8,0,0,0,0,0,happy,0.8,0.7\r\n"
      "0,2,1,therapist,0.0,1,0.8,0.9,0.1,0,0,0,0,0,neutral,0.1,0.0\r\n"
      "1,-1,-1,NA,0.5,0,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA\r\n"
      "2,1,0,patient,1.0,1,0.9,0.2,0.8,0,0,0,0,0,happy,0.8,0.6\r\n";
  const RoleTable t = read_role_table(text, "x.csv");
  ASSERT_EQ(t.patient.frames.size(), 3u);
  EXPECT_TRUE(t.patient.frames[0].valid);
  EXPECT_FALSE(t.patient.frames[1].valid);
  EXPECT_DOUBLE_EQ(t.patient.frames[2].smile_intensity, 0.6);
  EXPECT_EQ(t.patient.frames[2].dominant, 1);
  EXPECT_DOUBLE_EQ(t.patient.frame_interval_sec, 0.5);
  EXPECT_TRUE(t.therapist.present);
  EXPECT_EQ(t.therapist.frames.size(), 3u);
  EXPECT_FALSE(t.therapist.frames[2].valid);
  try {
    read_role_table("frame,timestamp\n0,0\n", "y.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("y.csv line 1: missing column"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_role_table(text + "3,1,0,patient,x,1\n", "z.csv"), Error);
}

// Found by fuzz/fuzz_frames_csv: a frame number beyond int64 was cast (undefined behaviour; on x86 every such
// row became frame INT64_MIN, so distinct frames were merged); a fractional one was truncated onto another.
TEST(AffectMeasures, RefusesFrameNumbersThatAreNotWholeInt64) {
  const std::string h =
      "frame,face_id,person_id,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,"
      "emo_fearful,emo_disgusted,emo_surprised,dominant,valence,smile_intensity\n";
  const std::string row = ",0,0,patient,0.5,1,0.9,1,0,0,0,0,0,0,neutral,0,0\n";
  for (const std::string bad : {"1e30", "-1e300", "2.5"}) {
    try {
      read_role_table(h + "0" + row + bad + row, "f.csv");
      ADD_FAILURE() << "frame " << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("f.csv line 3: column frame: '" + bad + "' is not a whole frame number"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(read_role_table(h + "0" + row + "9007199254740992" + row, "f.csv").patient.frames.size(), 2u);
}

TEST(AffectMeasures, TwoCameraTablePutsEachRoleOnItsCamera) {
  const std::string h =
      "camera,frame,face_id,person_id,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,"
      "emo_fearful,emo_disgusted,emo_surprised,dominant,valence,smile_intensity\n";
  const std::string text = h +
                           "A,0,0,0,patient,0.0,1,0.9,1,0,0,0,0,0,0,neutral,0,0\n"
                           "B,0,0,0,therapist,0.1,1,0.9,0,1,0,0,0,0,0,happy,1,1\n"
                           "A,1,0,0,patient,0.2,1,0.9,1,0,0,0,0,0,0,neutral,0,0\n"
                           "B,1,-1,-1,NA,0.3,0,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA\n"
                           "A,2,0,0,patient,0.4,1,0.9,1,0,0,0,0,0,0,neutral,0,0\n";
  const RoleTable t = read_role_table(text, "two.csv");
  EXPECT_EQ(t.patient.frames.size(), 3u);
  ASSERT_EQ(t.therapist.frames.size(), 2u);
  EXPECT_DOUBLE_EQ(t.therapist.frames[0].t_sec, 0.1);
  EXPECT_FALSE(t.therapist.frames[1].valid);
}

TEST(AffectMeasures, RejectsInvalidOptions) {
  MeasureOptions o;
  o.episode_off_p = 0.9;  // above episode_on_p
  EXPECT_THROW(check_measure_options(o), Error);
  o = {};
  o.window_min = 0;
  EXPECT_THROW(check_measure_options(o), Error);
}

// A 2-minute dyad: long enough for synchrony (one 30-s window plus two 5-s lags) but too short for the
// 10 surrogate segments of 30 s the p-value needs: synchrony is reported, its p-value is NA. 30 s is too
// short for either.
TEST(AffectMeasures, SynchronyWithoutPValueWhenTooShortForSurrogates) {
  auto dyad = [](double seconds) {
    std::vector<RoleFrame> a, b;
    for (int i = 0; i < static_cast<int>(seconds * 5); ++i) {
      const double t = i * 0.2, smile = 0.5 + 0.4 * std::sin(t / 3.0);
      a.push_back(face(t, kNeutral, smile));
      b.push_back(face(t, kNeutral, 0.5 + 0.4 * std::sin((t - 1.0) / 3.0)));
    }
    return RoleTable{series("patient", a, 0.2), series("therapist", b, 0.2)};
  };
  MeasureOptions o;  // 200 surrogates by default
  const auto& p = row(compute_measures(dyad(120), {}, o), "session", "patient");
  EXPECT_GT(value(p, "synchrony_smile"), 0.5);
  EXPECT_TRUE(std::isnan(value(p, "synchrony_p")));
  const auto& short_session = row(compute_measures(dyad(30), {}, o), "session", "patient");
  EXPECT_TRUE(std::isnan(value(short_session, "synchrony_smile")));
}
