// attribute_speakers (src/audio/speaker_turns.cpp) on synthetic sessions with known turns: two faces, a
// syllable-rate audio level, mouths that follow it (or stay still), silent gaps and an overlap.
#include <gtest/gtest.h>

#include <cmath>

#include "audio/speaker_turns.hpp"

namespace psyface::audio {
namespace {

// Who talks at time t: 0 nobody, 1 face A, 2 face B, 3 both.
using Script = int (*)(double);

int script(double t) {
  if (t < 3.0) return 1;   // A
  if (t < 4.5) return 0;   // gap
  if (t < 8.0) return 2;   // B
  if (t < 10.0) return 1;  // A, straight after B
  if (t < 12.0) return 3;  // both (overlap)
  if (t < 13.0) return 0;  // gap
  return 2;                // B to the end (15 s)
}

double syllables(double t) { return 0.5 + 0.5 * std::sin(2 * M_PI * 4.3 * t + std::sin(2 * M_PI * 0.7 * t)); }

VoiceTrack make_voice(double duration) {
  VoiceTrack v;
  v.present = true;
  for (double t = 0; t < duration; t += v.chunk_sec) {
    const bool talk = script(t + v.chunk_sec / 2) != 0;
    v.speech_prob.push_back(talk ? 0.95f : 0.02f);
    v.level_dbfs.push_back(talk ? static_cast<float>(-40 + 25 * syllables(t)) : -90.0f);
  }
  return v;
}

struct Session {
  VoiceTrack voice;
  std::vector<double> t;
  std::vector<MouthSeries> faces;
};

// Mouths: the speaking face opens with the level, 80 ms ahead of the audio; a still face keeps 0.05.
Session make_session(double fps, double duration = 15.0) {
  Session s;
  s.voice = make_voice(duration);
  s.faces = {{0, {}, {}}, {1, {}, {}}};
  for (int64_t i = 0; double(i) / fps < duration; ++i) {
    const double t = double(i) / fps;
    s.t.push_back(t);
    const int who = script(t);
    for (int f = 0; f < 2; ++f) {
      const bool talks = who == 3 || who == f + 1;
      s.faces[f].frame.push_back(i);
      s.faces[f].mouth_open.push_back(talks ? static_cast<float>(0.02 + 0.25 * syllables(t + 0.08)) : 0.05f);
    }
  }
  return s;
}

// Share of frames right, leaving out `guard_sec` around each change of the script.
double share_right(const Session& s, const SpeakerResult& r, double guard_sec) {
  int right = 0, counted = 0;
  for (size_t i = 0; i < s.t.size(); ++i) {
    bool near_change = false;
    for (double d = -guard_sec; d <= guard_sec; d += 0.01)
      if (script(std::max(0.0, s.t[i] + d)) != script(s.t[i])) near_change = true;
    if (near_change) continue;
    ++counted;
    const int who = script(s.t[i]);
    right += r.faces[0].speaking[i] == (who == 1 || who == 3) && r.faces[1].speaking[i] == (who == 2 || who == 3);
  }
  return double(right) / counted;
}

TEST(SpeakerTurns, FindsWhoSpeaksAt25Fps) {
  const Session s = make_session(25);
  const SpeakerResult r = attribute_speakers(s.voice, s.t, s.faces, {});
  EXPECT_GE(share_right(s, r, 0.5), 0.97);
  EXPECT_EQ(r.state[size_t(3.7 * 25)], TalkState::None);   // the gap
  EXPECT_EQ(r.state[size_t(12.5 * 25)], TalkState::None);
  EXPECT_EQ(r.state[size_t(11.0 * 25)], TalkState::Both);  // the overlap
  EXPECT_EQ(r.state[size_t(6.0 * 25)], TalkState::One);
  EXPECT_EQ(r.faces[1].speaking[size_t(6.0 * 25)], 1);
  EXPECT_EQ(r.faces[0].speaking[size_t(6.0 * 25)], 0);
  EXPECT_FLOAT_EQ(r.faces[0].speech_activity[size_t(6.0 * 25)], 0.0f);  // a still mouth
  EXPECT_GT(r.faces[1].speech_activity[size_t(6.0 * 25)], 0.8f);
}

TEST(SpeakerTurns, FindsWhoSpeaksAt5Fps) {
  const Session s = make_session(5);
  const SpeakerResult r = attribute_speakers(s.voice, s.t, s.faces, {});
  EXPECT_GE(share_right(s, r, 0.5), 0.9);
}

TEST(SpeakerTurns, TurnChangeWithoutAPauseIsFoundWithinHalfASecond) {
  const Session s = make_session(25);
  const SpeakerResult r = attribute_speakers(s.voice, s.t, s.faces, {});
  // B → A at 8.0 s: the first frame where A speaks and B does not.
  double found = -1;
  for (size_t i = size_t(7.0 * 25); i < size_t(9.5 * 25); ++i)
    if (r.faces[0].speaking[i] == 1 && r.faces[1].speaking[i] == 0) {
      found = s.t[i];
      break;
    }
  EXPECT_NEAR(found, 8.0, 0.5);
}

TEST(SpeakerTurns, AMouthFollowingTheSoundOutscoresOneMovingAsMuchToAnotherRhythm) {
  Session s = make_session(25, 3.0);  // A talks throughout; B's mouth moves as much, slowly (chewing)
  for (size_t k = 0; k < s.t.size(); ++k)
    s.faces[1].mouth_open[k] = static_cast<float>(0.02 + 0.25 * (0.5 + 0.5 * std::sin(2 * M_PI * 1.1 * s.t[k])));
  const SpeakerResult r = attribute_speakers(s.voice, s.t, s.faces, {});
  const size_t i = 37;  // 1.5 s
  EXPECT_GT(r.faces[0].speech_activity[i], 0.9f);
  EXPECT_LT(r.faces[1].speech_activity[i], r.faces[0].speech_activity[i] - 0.2f);
  // With the defaults (both_ratio 0.5) the chewer counts as a second speaker (a documented limitation);
  // a stricter both_ratio leaves only the face that follows the sound.
  EXPECT_EQ(r.state[i], TalkState::Both);
  SpeakerOptions strict;
  strict.both_ratio = 0.7f;
  const SpeakerResult r2 = attribute_speakers(s.voice, s.t, s.faces, strict);
  EXPECT_EQ(r2.faces[0].speaking[i], 1);
  EXPECT_EQ(r2.faces[1].speaking[i], 0);
  EXPECT_EQ(r2.state[i], TalkState::One);
}

TEST(SpeakerTurns, WithoutAudioEverythingIsNA) {
  Session s = make_session(10, 3.0);
  s.voice = VoiceTrack{};
  const SpeakerResult r = attribute_speakers(s.voice, s.t, s.faces, {});
  for (size_t i = 0; i < s.t.size(); ++i) {
    EXPECT_EQ(r.state[i], TalkState::NoAudio);
    EXPECT_EQ(r.faces[0].speaking[i], -1);
    EXPECT_TRUE(std::isnan(r.faces[1].speech_activity[i]));
  }
  EXPECT_STREQ(talk_state_name(r.state[0]), "NA");
}

TEST(SpeakerTurns, VoiceWithNoMouthFollowingIsUnseen) {
  Session s = make_session(25, 3.0);
  for (auto& f : s.faces) std::fill(f.mouth_open.begin(), f.mouth_open.end(), 0.05f);
  const SpeakerResult r = attribute_speakers(s.voice, s.t, s.faces, {});
  EXPECT_EQ(r.state[25], TalkState::Unseen);
  EXPECT_EQ(r.faces[0].speaking[25], 0);
}

TEST(SpeakerTurns, VoicedChunksUseHysteresisFillPausesAndDropClicks) {
  SpeakerOptions o;  // on 0.5, off 0.35, min voice 0.25 s, min pause 0.3 s; chunks of 0.1 s here
  //                          on   stays (0.4 >= 0.35)  off   pause 0.2 s filled      click of 0.1 s dropped
  const std::vector<float> p = {0.6f, 0.4f, 0.6f, 0.1f, 0.1f, 0.7f, 0.7f, 0.1f, 0.1f, 0.1f, 0.1f, 0.9f, 0.1f, 0.1f};
  const std::vector<uint8_t> want = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(voiced_chunks(p, 0.1, o), want);
}

TEST(SpeakerTurns, SmoothRunsRemovesShortTurnsAndFillsShortInterruptions) {
  std::vector<double> t;
  for (int k = 0; k < 20; ++k) t.push_back(k * 0.1);
  std::vector<int8_t> on = {0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
  std::vector<uint8_t> allowed(20, 1);
  smooth_runs(on, t, 0.3, allowed);
  //                                 the single 1 goes; the 0.2 s gap inside speech is filled
  const std::vector<int8_t> want = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(on, want);
  std::vector<int8_t> on2 = {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  allowed[4] = 0;  // no voice there: the gap stays
  smooth_runs(on2, t, 0.3, allowed);
  EXPECT_EQ(on2[4], 0);
}

// Two cameras (docs/speaking.md, "Level difference between two cameras"): this camera films face A, whose
// microphone hears A at full level and B 12 dB lower; the other camera's hears B at full level and A 12 dB
// lower. A's mouth keeps moving while A listens (chewing, 1.1 Hz), as much as when A talks. Levels per 32 ms
// chunk; the script as above (3 = both talk).
struct TwoCameraSession {
  VoiceTrack own, other;
  std::vector<double> t;
  std::vector<MouthSeries> faces;  // face A only
};

double power_db(double a_db, double b_db) { return 10 * std::log10(std::pow(10.0, a_db / 10) + std::pow(10.0, b_db / 10)); }

TwoCameraSession make_two_camera_session(double fps, double other_gain_db = -12) {
  constexpr double duration = 15.0;
  TwoCameraSession s;
  for (VoiceTrack* v : {&s.own, &s.other}) {
    v->present = true;
    const bool own = v == &s.own;
    for (double t = 0; t < duration; t += v->chunk_sec) {
      const int who = script(t + v->chunk_sec / 2);
      const double a = (who == 1 || who == 3) ? -40 + 25 * syllables(t) : -200;        // A's voice at its mouth
      const double b = (who == 2 || who == 3) ? -40 + 25 * syllables(t + 0.37) : -200;  // B's
      v->speech_prob.push_back(who ? 0.95f : 0.02f);
      const double level = own ? power_db(a, b + other_gain_db) : power_db(b, a + other_gain_db);
      v->level_dbfs.push_back(who ? static_cast<float>(level) : -90.0f);
    }
  }
  s.faces = {{0, {}, {}}};
  for (int64_t i = 0; double(i) / fps < duration; ++i) {
    const double t = double(i) / fps;
    s.t.push_back(t);
    const int who = script(t);
    s.faces[0].frame.push_back(i);
    s.faces[0].mouth_open.push_back(static_cast<float>(
        who == 1 || who == 3 ? 0.02 + 0.25 * syllables(t + 0.08) : 0.02 + 0.25 * (0.5 + 0.5 * std::sin(2 * M_PI * 1.1 * t))));
  }
  return s;
}

// Share of A's frames right (A speaks in script 1 and 3), leaving out 0.5 s around each change.
double share_right_a(const TwoCameraSession& s, const SpeakerResult& r) {
  int right = 0, counted = 0;
  for (size_t i = 0; i < s.t.size(); ++i) {
    bool near_change = false;
    for (double d = -0.5; d <= 0.5; d += 0.01) near_change |= script(std::max(0.0, s.t[i] + d)) != script(s.t[i]);
    if (near_change) continue;
    ++counted;
    right += r.faces[0].speaking[i] == (script(s.t[i]) == 1 || script(s.t[i]) == 3);
  }
  return double(right) / counted;
}

TEST(SpeakerTurns, LevelDifferenceBetweenTwoCamerasTracksKeepsAMovingListenerSilent) {
  const TwoCameraSession s = make_two_camera_session(10);
  // The mouth alone: A chews while B talks (3.5 s + 2 s), and counts as speaking then.
  const SpeakerResult mouth_only = attribute_speakers(s.own, s.t, s.faces, {});
  int chewing_speaks = 0, b_only = 0;
  for (size_t i = 0; i < s.t.size(); ++i)
    if (script(s.t[i]) == 2 && script(s.t[i] - 0.5) == 2 && script(s.t[i] + 0.5) == 2)
      ++b_only, chewing_speaks += mouth_only.faces[0].speaking[i] == 1;
  EXPECT_GT(chewing_speaks, 0.8 * b_only);
  EXPECT_FALSE(mouth_only.level.used);
  EXPECT_EQ(mouth_only.level.note, "single camera");

  const SpeakerResult r = attribute_speakers(s.own, s.t, s.faces, {}, {&s.other, 0.0});
  ASSERT_TRUE(r.level.used) << r.level.note;
  EXPECT_EQ(r.level.sign, 1);
  // A alone: 12 dB louder here (the other microphone hears A 12 dB lower); B alone: 12 dB quieter. The
  // medians are these.
  EXPECT_NEAR(r.level.separation_db, 24.0, 0.01);
  EXPECT_NEAR(r.level.threshold_db, 0.0, 0.01);
  EXPECT_GT(r.level.frames_other, 0);
  EXPECT_GE(share_right_a(s, r), 0.95);
  EXPECT_EQ(r.faces[0].speaking[60], 0);  // 6.0 s: B talks, A chews
  EXPECT_EQ(r.state[60], TalkState::Unseen);
  EXPECT_EQ(r.faces[0].speaking[110], 1);  // 11.0 s: both talk; the level is unclear, A's mouth follows
  EXPECT_EQ(r.faces[0].speaking[20], 1);   // 2.0 s: A alone
}

TEST(SpeakerTurns, LevelDifferenceWorksWhenEachMicrophoneIsNearerTheOtherPerson) {
  // A camera filming the patient often stands beside the therapist: its microphone hears the other person
  // 12 dB louder. The mouths tell which side is which (sign −1), and the result is the same.
  const TwoCameraSession s = make_two_camera_session(10, +12);
  const SpeakerResult r = attribute_speakers(s.own, s.t, s.faces, {}, {&s.other, 0.0});
  ASSERT_TRUE(r.level.used) << r.level.note;
  EXPECT_EQ(r.level.sign, -1);
  EXPECT_NEAR(r.level.separation_db, 24.0, 0.01);
  EXPECT_LT(r.level.mouth_gap, -0.15);
  EXPECT_GE(share_right_a(s, r), 0.95);
}

TEST(SpeakerTurns, LevelDifferenceIsLeftOutWhenTheTracksDoNotDiffer) {
  const TwoCameraSession s = make_two_camera_session(10, 0);  // both microphones hear both equally
  const SpeakerResult r = attribute_speakers(s.own, s.t, s.faces, {}, {&s.other, 0.0});
  EXPECT_FALSE(r.level.used);
  EXPECT_NE(r.level.note.find("no two sides"), std::string::npos) << r.level.note;
  const SpeakerResult mouth_only = attribute_speakers(s.own, s.t, s.faces, {});
  EXPECT_EQ(r.faces[0].speaking, mouth_only.faces[0].speaking);
  VoiceTrack silent_other;
  silent_other.note = "no audio stream";
  const SpeakerResult r2 = attribute_speakers(s.own, s.t, s.faces, {}, {&silent_other, 0.0});
  EXPECT_FALSE(r2.level.used);
  EXPECT_EQ(r2.level.note, "the other camera has no audio (no audio stream)");
}

TEST(SpeakerTurns, LevelDifferenceFollowsTheOffsetBetweenTheCameras) {
  // The other camera started 1.6 s (50 chunks) later: its clock reads this one's minus 1.6 s, and its
  // track holds nothing of the first 1.6 s.
  TwoCameraSession s = make_two_camera_session(10);
  for (auto* v : {&s.other.speech_prob, &s.other.level_dbfs}) v->erase(v->begin(), v->begin() + 50);
  const OtherTrack other{&s.other, -1.6};
  EXPECT_NEAR(level_difference_db(s.own, other, 2.5, 0.5), 12.0, 1e-3);   // A talks
  EXPECT_NEAR(level_difference_db(s.own, other, 6.0, 0.5), -12.0, 1e-3);  // B talks
  EXPECT_TRUE(std::isnan(level_difference_db(s.own, other, 1.0, 0.5)));  // before the other camera started
  const SpeakerResult r = attribute_speakers(s.own, s.t, s.faces, {}, other);
  ASSERT_TRUE(r.level.used) << r.level.note;
  EXPECT_GE(share_right_a(s, r), 0.95);
}

}  // namespace
}  // namespace psyface::audio
