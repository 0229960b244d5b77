// attribute_speakers: who is speaking in each analysed frame, from the voice activity of the audio track
// and each face's mouth opening. A face speaks when there is voice and its mouth opening follows the audio
// level over a short window (correlation, with a small audio/video lag allowed); per frame the talk state
// is none (no voice), one, both (two or more faces) or unseen (voice, but no visible mouth follows it).
// Speaking is then smoothed to turns. Every parameter is documented in docs/speaking.md.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/voice_activity.hpp"

namespace psyface::audio {

struct SpeakerOptions {
  // Voice activity from the VAD probability (per 32 ms chunk), with hysteresis as Silero's own segmenter.
  float voice_on = 0.5f;          // a voiced run starts at p >= voice_on ...
  float voice_off = 0.35f;        // ... and ends at p < voice_off
  double min_voice_sec = 0.25;    // voiced runs shorter than this are dropped (clicks, breaths)
  double min_pause_sec = 0.30;    // unvoiced gaps shorter than this inside speech are filled
  // Mouth opening against the audio level.
  double window_sec = 0.8;        // correlation window, centred on the frame
  int min_window_frames = 6;      // the window widens to hold at least this many analysed frames (5 fps: 1.2 s)
  double max_lag_sec = 0.2;       // audio may lag or lead the video by up to this (searched in 32 ms steps)
  float motion_ref = 0.02f;       // SD of mouth_open (inter-ocular units) that counts as fully moving
  float follow_weight = 0.5f;     // weight of the correlation: activity = motion × (1 − w + w · r_best)
  float min_activity = 0.2f;      // speech_activity from which a face counts as speaking during voice
  float both_ratio = 0.5f;        // a second face speaks too when its activity >= both_ratio × the best
  double min_turn_sec = 0.3;      // speaking runs and interruptions shorter than this are smoothed away
  double floor_db = -60;          // audio level floor (dBFS) before correlating
  // Two cameras: the level of this camera's track against the other camera's (docs/speaking.md, "Level
  // difference between two cameras").
  double level_window_sec = 0.5;        // energy of each track over this window, centred on the frame
  double level_min_separation_db = 6;   // the two sides' median differences must be at least this far apart
  double level_min_side_share = 0.05;   // ... and each side must hold at least this share of the voiced frames
  float level_min_mouth_gap = 0.15f;    // the mouths must tell the sides apart: mean best activity differs by this
  double level_margin = 0.25;           // frames within this share of the separation of the threshold are unclear
  float level_min_activity = 0.1f;      // on this camera's side, the most active face speaks from this activity
};

// The other camera's audio track in a two-camera session.
struct OtherTrack {
  const VoiceTrack* voice = nullptr;
  double shift_sec = 0;  // the other track's time = this track's time + shift_sec
};

// What the level difference between the two tracks said, and whether it was used.
struct LevelEvidence {
  bool used = false;
  std::string note;                    // why it was not used (empty when used)
  double separation_db = std::nan("");  // median difference on the louder-here side minus on the other
  double threshold_db = std::nan("");   // halfway between the two sides' medians (this track minus the other, dB)
  int sign = 0;                         // +1: louder on this track = this camera's person speaks; −1 the reverse
  double mouth_gap = std::nan("");      // mean best mouth activity on this side minus on the other side
  int64_t frames_own = 0, frames_other = 0, frames_unclear = 0;  // voiced frames by what the level said
};

// The mouth of one face over the session: one value per analysed frame it is seen in.
struct MouthSeries {
  int face_key = -1;              // the caller's id (track id)
  std::vector<int64_t> frame;     // indexes into the frame time list, increasing
  std::vector<float> mouth_open;  // inner-lip gap / inter-ocular distance; NaN when not measured
};

enum class TalkState : int8_t { NoAudio = -1, None = 0, One = 1, Both = 2, Unseen = 3 };
const char* talk_state_name(TalkState s);  // "NA", "none", "one", "both", "unseen"

struct FaceSpeaking {
  std::vector<int8_t> speaking;         // per entry of the face's MouthSeries: 1, 0, or -1 (NA: no audio)
  std::vector<float> speech_activity;   // per entry: [0, 1]; NaN when not computable (no audio, no mouth)
};

struct SpeakerResult {
  std::vector<TalkState> state;         // per frame
  std::vector<float> voice_prob;        // per frame: the VAD probability at the frame's time (NaN: no audio)
  std::vector<uint8_t> voiced;          // per frame: the smoothed voice activity (0/1)
  std::vector<FaceSpeaking> faces;      // same order as the input series
  LevelEvidence level;                  // two cameras only
};

// requires: frame_t_sec increasing; each series' frame indexes < frame_t_sec.size(), increasing.
// ensures: one state per frame, one speaking/activity value per series entry. Without audio
// (voice.present false) every state is NoAudio, speaking -1 and activity NaN. With the other camera's track
// (other.voice present), voiced frames whose level difference places the voice on the other camera's side
// have no speaker here, and on this camera's side the most active face speaks from level_min_activity —
// when the session shows two sides that the mouths confirm (result.level says whether, and why not).
SpeakerResult attribute_speakers(const VoiceTrack& voice, const std::vector<double>& frame_t_sec,
                                 const std::vector<MouthSeries>& faces, const SpeakerOptions& options,
                                 const OtherTrack& other = {});

// Level of this track minus the other's (dB) from their energy over `window_sec` centred on t (own clock);
// NaN where either track has no chunk or either window is silent (-100 dBFS).
double level_difference_db(const VoiceTrack& own, const OtherTrack& other, double t_sec, double window_sec);

// The smoothed voice activity per chunk (hysteresis, short runs dropped, short pauses filled).
std::vector<uint8_t> voiced_chunks(const std::vector<float>& speech_prob, double chunk_sec, const SpeakerOptions& o);

// requires: 0/1 values at increasing times. ensures: runs of 1 shorter than min_sec become 0, then runs
// of 0 shorter than min_sec between two runs of 1 become 1 (only where allowed[k] is 1).
void smooth_runs(std::vector<int8_t>& on, const std::vector<double>& t_sec, double min_sec,
                 const std::vector<uint8_t>& allowed);

}  // namespace psyface::audio
