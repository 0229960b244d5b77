// Measures split by speaking state (src/measures/speaking_measures.cpp), against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>

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

double value(const RoleWindowMeasures& m, const char* name) { return m.values[measure_index(name)]; }

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

TEST(SpeakingMeasures, FrameMeasuresOverListeningAndSpeakingFrames) {
  const auto rows = speaking_state_measures(table(), {});
  ASSERT_EQ(rows.size(), 4u);  // patient listening, patient speaking, therapist listening, therapist speaking
  const auto& listening = rows[0];
  const auto& speaking = rows[1];
  EXPECT_EQ(listening.role, "patient");
  EXPECT_EQ(listening.window.kind, "listening");
  EXPECT_EQ(speaking.window.kind, "speaking");
  EXPECT_DOUBLE_EQ(value(speaking, "frames_valid"), 5);
  EXPECT_DOUBLE_EQ(value(speaking, "duration_sec"), 5);
  EXPECT_DOUBLE_EQ(value(speaking, "share_surprised"), 1);
  EXPECT_NEAR(value(speaking, "expressivity"), 0.7, 1e-12);
  EXPECT_NEAR(value(speaking, "mean_p_surprised"), 0.7, 1e-12);
  EXPECT_DOUBLE_EQ(value(listening, "frames_valid"), 3);
  EXPECT_DOUBLE_EQ(value(listening, "duration_sec"), 3);
  EXPECT_DOUBLE_EQ(value(listening, "share_surprised"), 0);
  EXPECT_DOUBLE_EQ(value(listening, "share_neutral"), 1);
  EXPECT_NEAR(value(listening, "expressivity"), 0.1, 1e-12);
  EXPECT_NEAR(value(listening, "valence_mean"), 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(value(listening, "smile_share"), 1);  // 0.8 > 0.5
  // smile_baseline: the whole session's median of 0.1 ×5, 0.8 ×3, 0.2 ×2 = 0.15; relative share over
  // listening frames: 0.8 > 0.15 + 0.3 → all 3
  EXPECT_NEAR(value(listening, "smile_baseline"), 0.15, 1e-12);
  EXPECT_DOUBLE_EQ(value(listening, "smile_rel_share"), 1);
  EXPECT_DOUBLE_EQ(value(speaking, "smile_rel_share"), 0);
  EXPECT_TRUE(std::isnan(value(speaking, "smile_onsets_per_min")));
  EXPECT_TRUE(std::isnan(value(speaking, "episodes_per_min")));
  EXPECT_TRUE(std::isnan(value(speaking, "valid_share")));
  // The therapist has no valid frame: every share NA.
  EXPECT_DOUBLE_EQ(value(rows[2], "frames_valid"), 0);
  EXPECT_TRUE(std::isnan(value(rows[2], "share_neutral")));
}

TEST(SpeakingMeasures, ShareOfTimeSpeakingAndTurns) {
  const auto m = speaking_measures(table());
  ASSERT_EQ(m.size(), 2u);
  const auto& p = m[0];
  EXPECT_EQ(p.role, "patient");
  EXPECT_EQ(p.frames_with_audio, 10);
  EXPECT_EQ(p.frames_speaking, 5);
  EXPECT_EQ(p.frames_listening, 3);
  EXPECT_DOUBLE_EQ(p.speaking_share, 0.5);
  EXPECT_DOUBLE_EQ(p.listening_share, 0.3);
  EXPECT_EQ(p.turn_count, 2);                  // 0-2 s and 6-7 s
  EXPECT_DOUBLE_EQ(p.turn_mean_sec, 2.5);      // (3 + 2) / 2
  EXPECT_DOUBLE_EQ(p.turn_max_sec, 3);
  EXPECT_DOUBLE_EQ(p.turns_per_min, 12);       // 2 turns in 10 s
  EXPECT_EQ(m[1].frames_with_audio, 0);
  EXPECT_TRUE(std::isnan(m[1].speaking_share));
  EXPECT_EQ(m[1].turn_count, 0);
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

}  // namespace
}  // namespace psyface::measures
