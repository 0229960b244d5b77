// Measures split by speaking state (src/measures/speaking_measures.cpp), against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "measures/speaking_measures.hpp"

namespace psyface::measures {
namespace {

// Patient, 10 frames 1 s apart:       t = 0  1  2  3  4  5  6  7  8  9
const int kSpeaking[10] = /*          */ {1, 1, 1, 0, 0, 0, 1, 1, 0, 0};
const int kTalk[10] = /* talk_state   */ {1, 1, 1, 1, 1, 0, 1, 1, 1, 3};  // 5: silence, 9: unseen voice
// speaking frames 0 1 2 6 7 (surprised, p 0.7; neutral 0.3); listening frames 3 4 8 (neutral 0.9, happy 0.1);
// frames 5 and 9 are in neither state (neutral 0.6, sad 0.4).
RoleTable table() {
  RoleTable t;
  t.patient.role = "patient";
  t.therapist.role = "therapist";
  t.patient.present = true;
  for (int k = 0; k < 10; ++k) {
    RoleFrame f;
    f.t_sec = k;
    f.valid = true;
    f.confidence = 0.9;
    f.speaking = kSpeaking[k];
    f.talk_state = kTalk[k];
    if (kSpeaking[k]) {
      f.p[0] = 0.3, f.p[6] = 0.7, f.dominant = 6, f.smile_intensity = 0.1;
    } else if (kTalk[k] == 1) {
      f.p[0] = 0.9, f.p[1] = 0.1, f.dominant = 0, f.smile_intensity = 0.8;
    } else {
      f.p[0] = 0.6, f.p[2] = 0.4, f.dominant = 0, f.smile_intensity = 0.2;
    }
    f.valence = f.p[1] - f.p[2];
    t.patient.frames.push_back(f);
    RoleFrame none;
    none.t_sec = k;
    t.therapist.frames.push_back(none);
  }
  t.patient.frame_interval_sec = t.therapist.frame_interval_sec = 1.0;
  return t;
}

double value(const RoleWindowMeasures& m, const std::string& name) {
  const int k = measure_index(name);
  EXPECT_GE(k, 0) << name;
  return k >= 0 ? m.values[static_cast<size_t>(k)] : std::nan("");
}

const RoleWindowMeasures& row(const std::vector<RoleWindowMeasures>& rows, const std::string& kind, const std::string& role) {
  for (const auto& r : rows)
    if (r.window.kind == kind && r.role == role) return r;
  throw std::runtime_error("no row " + kind + " " + role);
}

MeasureOptions no_surrogates() {
  MeasureOptions o;
  o.synchrony_surrogates = 0;
  return o;
}

TEST(SpeakingMeasures, StatesFollowSpeakingAndTalkState) {
  RoleFrame f;
  f.speaking = 0, f.talk_state = 2;
  EXPECT_TRUE(in_state(f, SpeakingState::Listening));
  f.talk_state = 3;  // voice nobody visible follows: not listening to someone
  EXPECT_FALSE(in_state(f, SpeakingState::Listening));
  f.speaking = -1, f.talk_state = 1;  // no audio
  EXPECT_FALSE(in_state(f, SpeakingState::Listening));
  EXPECT_FALSE(in_state(f, SpeakingState::Speaking));
}

TEST(SpeakingMeasures, CatalogueHasEachSplitMeasureForBothStates) {
  for (const auto& name : split_measure_names()) {
    EXPECT_GE(measure_index(name), 0) << name;
    EXPECT_GE(measure_index(name + "_listening"), 0) << name;
    EXPECT_GE(measure_index(name + "_speaking"), 0) << name;
  }
  EXPECT_EQ(split_measure_names().size(), 23u);  // 7 shares, 7 mean p, 9 others
  for (const char* m : {"frames_listening", "frames_speaking", "speaking_share", "listening_share", "turns_per_min",
                        "turn_mean_sec", "turn_max_sec"})
    EXPECT_GE(measure_index(m), 0) << m;
  EXPECT_EQ(measure_catalog()[measure_index("frames_speaking")].type, "integer");
  EXPECT_EQ(measure_catalog()[measure_index("head_speed_mean_deg_s_speaking")].unit, "deg/s");
  EXPECT_LT(measure_index("au12_r_mean_speaking"), 0);
  EXPECT_LT(measure_index("smile_onsets_per_min_speaking"), 0);
}

TEST(SpeakingMeasures, FrameMeasuresOverListeningAndSpeakingFrames) {
  const auto rows = compute_measures(table(), {}, no_surrogates());
  const auto& p = row(rows, "session", "patient");
  EXPECT_DOUBLE_EQ(value(p, "frames_speaking"), 5);
  EXPECT_DOUBLE_EQ(value(p, "share_surprised_speaking"), 1);
  EXPECT_NEAR(value(p, "expressivity_speaking"), 0.7, 1e-12);
  EXPECT_NEAR(value(p, "mean_p_surprised_speaking"), 0.7, 1e-12);
  EXPECT_DOUBLE_EQ(value(p, "frames_listening"), 3);
  EXPECT_DOUBLE_EQ(value(p, "share_surprised_listening"), 0);
  EXPECT_DOUBLE_EQ(value(p, "share_neutral_listening"), 1);
  EXPECT_NEAR(value(p, "expressivity_listening"), 0.1, 1e-12);
  EXPECT_NEAR(value(p, "valence_mean_listening"), 0.1, 1e-12);
  EXPECT_NEAR(value(p, "valence_sd_listening"), 0, 1e-12);
  EXPECT_DOUBLE_EQ(value(p, "smile_share_listening"), 1);  // 0.8 > 0.5
  // smile_rel_share against the whole session's baseline, the median of 0.1 ×5, 0.8 ×3, 0.2 ×2 = 0.15:
  // 0.8 > 0.15 + 0.3 on all 3 listening frames, 0.1 on none of the speaking ones
  EXPECT_NEAR(value(p, "smile_baseline"), 0.15, 1e-12);
  EXPECT_DOUBLE_EQ(value(p, "smile_rel_share_listening"), 1);
  EXPECT_DOUBLE_EQ(value(p, "smile_rel_share_speaking"), 0);
  // The unsplit columns still cover all 10 frames: surprised on 5 of them.
  EXPECT_DOUBLE_EQ(value(p, "share_surprised"), 0.5);
  // No action units, gaze or head motion in the table: NA in both states.
  EXPECT_TRUE(std::isnan(value(p, "head_speed_mean_deg_s_listening")));
  EXPECT_TRUE(std::isnan(value(p, "duchenne_smile_share_speaking")));
  // The therapist has no frame with audio: every speaking column NA (not 0).
  const auto& t = row(rows, "session", "therapist");
  EXPECT_TRUE(std::isnan(value(t, "frames_listening")));
  EXPECT_TRUE(std::isnan(value(t, "speaking_share")));
  EXPECT_TRUE(std::isnan(value(t, "share_neutral_listening")));
}

// Gaze aversion in a state is measured from the person's whole-session median gaze, not the state's own.
TEST(SpeakingMeasures, GazeAversionInAStateUsesTheSessionMedian) {
  RoleTable t = table();
  for (auto& f : t.patient.frames) {
    f.gaze_angle_x = in_state(f, SpeakingState::Listening) ? 0.5 : 0.0;  // 0.5 rad = 28.6° > 15°
    f.gaze_angle_y = 0;
    f.head_speed_deg_s = f.speaking == 1 ? 20 : 2;
  }
  // Session median of x: 0 (7 frames) and 0.5 (3 frames) → 0; every listening frame is averted.
  const auto& p = row(compute_measures(t, {}, no_surrogates()), "session", "patient");
  EXPECT_DOUBLE_EQ(value(p, "gaze_averted_share_listening"), 1);
  EXPECT_DOUBLE_EQ(value(p, "gaze_averted_share_speaking"), 0);
  EXPECT_DOUBLE_EQ(value(p, "gaze_averted_share"), 0.3);
  EXPECT_DOUBLE_EQ(value(p, "head_speed_mean_deg_s_speaking"), 20);
  EXPECT_DOUBLE_EQ(value(p, "head_speed_mean_deg_s_listening"), 2);
}

TEST(SpeakingMeasures, ShareOfTimeSpeakingAndTurns) {
  const auto rows = compute_measures(table(), {}, no_surrogates());
  const auto& p = row(rows, "session", "patient");
  EXPECT_DOUBLE_EQ(value(p, "speaking_share"), 0.5);   // 5 of 10 frames with audio
  EXPECT_DOUBLE_EQ(value(p, "listening_share"), 0.3);  // frames 3, 4, 8
  EXPECT_DOUBLE_EQ(value(p, "turn_mean_sec"), 2.5);    // turns 0-2 s (3 s) and 6-7 s (2 s)
  EXPECT_DOUBLE_EQ(value(p, "turn_max_sec"), 3);
  EXPECT_DOUBLE_EQ(value(p, "turns_per_min"), 12);     // 2 turns in 10 s
  const auto whole = speaking_measures(table().patient, {"session", 0, "", 0, 10});
  EXPECT_EQ(whole.frames_with_audio, 10);
  EXPECT_EQ(whole.turn_count, 2);
  // Windows: a turn belongs to the window holding its first frame. [0, 5): frames 0-4, turn 0-2 s;
  // [5, 10): frames 5-9, speaking 6 and 7, listening 8, turn 6-7 s.
  const auto first = speaking_measures(table().patient, {"segment", 0, "a", 0, 5});
  EXPECT_EQ(first.frames_with_audio, 5);
  EXPECT_EQ(first.frames_speaking, 3);
  EXPECT_EQ(first.frames_listening, 2);
  EXPECT_EQ(first.turn_count, 1);
  EXPECT_DOUBLE_EQ(first.turn_mean_sec, 3);
  EXPECT_DOUBLE_EQ(first.turns_per_min, 12);  // 1 turn in 5 s
  const auto rows2 = compute_measures(table(), {{5, 10, "b"}}, no_surrogates());
  const auto& b = row(rows2, "segment", "patient");
  EXPECT_DOUBLE_EQ(value(b, "speaking_share"), 0.4);
  EXPECT_DOUBLE_EQ(value(b, "listening_share"), 0.2);
  EXPECT_DOUBLE_EQ(value(b, "turn_mean_sec"), 2);
  EXPECT_DOUBLE_EQ(value(b, "frames_speaking"), 2);
  EXPECT_DOUBLE_EQ(value(b, "share_surprised_speaking"), 1);
  EXPECT_DOUBLE_EQ(value(b, "frames_listening"), 1);
  // A window without a turn start: turn lengths NA, the rate 0.
  const auto none = speaking_measures(table().patient, {"segment", 0, "c", 8, 10});
  EXPECT_EQ(none.turn_count, 0);
  EXPECT_DOUBLE_EQ(none.turns_per_min, 0);
  EXPECT_TRUE(std::isnan(none.turn_mean_sec));
}

// A frames table written before issue 17 (or with --no-audio: the columns are NA) gives NA, not 0.
TEST(SpeakingMeasures, OlderTablesGiveNA) {
  const std::string csv =
      "frame,face_id,person_id,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,"
      "emo_fearful,emo_disgusted,emo_surprised,dominant,valence,smile_intensity\n"
      "0,0,0,patient,0.0,1,0.9,0.3,0,0,0,0,0,0.7,surprised,0,0.1\n"
      "1,0,0,patient,1.0,1,0.9,0.9,0.1,0,0,0,0,0,neutral,0.1,0.8\n";
  const auto& p = row(compute_measures(read_role_table(csv, "old.csv"), {}, no_surrogates()), "session", "patient");
  EXPECT_DOUBLE_EQ(value(p, "share_surprised"), 0.5);
  for (const char* m : {"frames_listening", "frames_speaking", "speaking_share", "turns_per_min",
                        "share_surprised_listening", "expressivity_speaking"})
    EXPECT_TRUE(std::isnan(value(p, m))) << m;
}

TEST(SpeakingMeasures, ReadsTheSpeakingColumnsOfAFramesTable) {
  const std::string csv =
      "frame,face_id,person_id,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,"
      "emo_fearful,emo_disgusted,emo_surprised,dominant,valence,smile_intensity,voice_prob,talk_state,speaking,"
      "speech_activity\n"
      "0,0,0,patient,0.0,1,0.9,0.3,0,0,0,0,0,0.7,surprised,0,0.1,0.99,one,1,0.8\n"
      "0,1,1,therapist,0.0,1,0.9,0.9,0.1,0,0,0,0,0,neutral,0.1,0.8,0.99,one,0,0.0\n"
      "1,0,0,patient,1.0,1,0.9,0.9,0.1,0,0,0,0,0,neutral,0.1,0.8,NA,NA,NA,NA\n";
  const RoleTable t = read_role_table(csv, "t.csv");
  ASSERT_EQ(t.patient.frames.size(), 2u);
  EXPECT_EQ(t.patient.frames[0].speaking, 1);
  EXPECT_EQ(t.patient.frames[0].talk_state, 1);
  EXPECT_EQ(t.patient.frames[1].speaking, -1);
  EXPECT_EQ(t.patient.frames[1].talk_state, -1);
  EXPECT_TRUE(in_state(t.therapist.frames[0], SpeakingState::Listening));
}

// Two cameras (issue 17 item 2): each camera's talk_state knows only its own face, so while the therapist
// speaks the patient's camera hears voice that no mouth on it follows (`unseen`). The patient listens
// because the therapist's camera shows the therapist speaking at that time (B's frames 0.05 s after A's).
TEST(SpeakingMeasures, TwoCamerasListeningComesFromTheOtherCamera) {
  std::string csv =
      "camera,frame,face_id,person_id,role,timestamp,success,confidence,emo_neutral,emo_happy,emo_sad,emo_angry,"
      "emo_fearful,emo_disgusted,emo_surprised,dominant,valence,smile_intensity,voice_prob,talk_state,speaking,"
      "speech_activity\n";
  // t = 0, 0.2, ..., 1.8 on A; B at t + 0.05. The therapist speaks in frames 0-4, the patient in 5-9; at
  // frame 9 B has no face.
  for (int k = 0; k < 10; ++k) {
    const bool therapist_talks = k < 5;
    char row[512];
    std::snprintf(row, sizeof row, "A,%d,0,0,patient,%.2f,1,0.9,0.9,0.1,0,0,0,0,0,neutral,0.1,0.2,0.99,%s,%d,%s\n", k,
                  0.2 * k, therapist_talks ? "unseen" : "one", therapist_talks ? 0 : 1, therapist_talks ? "0.0" : "0.9");
    csv += row;
    if (k == 9) {
      std::snprintf(row, sizeof row, "B,%d,-1,-1,NA,%.2f,0,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,0.99,unseen,NA,NA\n", k, 0.2 * k + 0.05);
    } else {
      std::snprintf(row, sizeof row, "B,%d,0,1,therapist,%.2f,1,0.9,0.3,0,0,0,0,0,0.7,surprised,0,0.1,0.99,%s,%d,%s\n", k,
                    0.2 * k + 0.05, therapist_talks ? "one" : "unseen", therapist_talks ? 1 : 0, therapist_talks ? "0.9" : "0.0");
    }
    csv += row;
  }
  const RoleTable t = read_role_table(csv, "dyad.csv");
  ASSERT_EQ(t.patient.frames.size(), 10u);
  ASSERT_EQ(t.therapist.frames.size(), 10u);
  EXPECT_EQ(t.patient.frames[0].other_speaking, 1);
  EXPECT_EQ(t.patient.frames[6].other_speaking, 0);
  EXPECT_EQ(t.patient.frames[9].other_speaking, -1);  // B's frame 9 has no face
  const auto rows = compute_measures(t, {}, no_surrogates());
  const auto& p = row(rows, "session", "patient");
  const auto& th = row(rows, "session", "therapist");
  EXPECT_DOUBLE_EQ(value(p, "frames_listening"), 5);   // frames 0-4: the therapist speaks on B
  EXPECT_DOUBLE_EQ(value(p, "frames_speaking"), 5);
  EXPECT_DOUBLE_EQ(value(th, "frames_speaking"), 5);
  EXPECT_DOUBLE_EQ(value(th, "frames_listening"), 4);  // frames 5-8: the patient speaks on A
  // Without the other camera's evidence (other_speaking cleared) nobody would ever listen.
  RoleTable alone = t;
  for (auto* s : {&alone.patient, &alone.therapist})
    for (auto& f : s->frames) f.other_speaking = -1;
  EXPECT_DOUBLE_EQ(value(row(compute_measures(alone, {}, no_surrogates()), "session", "patient"), "frames_listening"), 0);
}

}  // namespace
}  // namespace psyface::measures
