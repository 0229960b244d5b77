// Measures split by speaking state (issue 17 item 3): every per-role measure over the frames where the
// person listens (another face speaks, this one does not) and where they speak, and the person's share of
// time speaking, turn count, turns per minute and turn lengths. Input: the speaking and talk_state columns
// of the frames table (docs/speaking.md). Formulas: docs/measures.md, "Speaking and listening". Pure.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "measures/affect_measures.hpp"
#include "measures/role_frames.hpp"

namespace psyface::measures {

// Which of a role's valid frames a state keeps.
enum class SpeakingState { Listening, Speaking };
const char* speaking_state_name(SpeakingState s);  // "listening", "speaking"

// requires: a role frame. ensures: true when the frame belongs to the state: Speaking = the face speaks
// (speaking 1); Listening = the face does not speak (speaking 0) while another face does (talk_state one
// or both). Frames with speaking NA (no audio), silence (none) or unattributed voice (unseen) are in neither.
bool in_state(const RoleFrame& f, SpeakingState s);

// ensures: per role (patient, then therapist) and state (listening, then speaking) one row whose window is
// {kind = "listening" | "speaking", the session's span} and whose values follow measure_catalog() computed
// over the role's valid frames in that state: the frame measures (shares, mean probabilities, smile
// shares, expressivity, valence) as in the session row; duration_sec = frames × the role's frame interval;
// smile_baseline is the whole session's; valid_share, the event rates, episode lengths and synchrony are NA
// (events run across state changes).
std::vector<RoleWindowMeasures> speaking_state_measures(const RoleTable& table, const MeasureOptions& options);

struct SpeakingMeasures {
  std::string role;                 // "patient" or "therapist"
  int64_t frames_with_audio = 0;    // valid frames whose speaking is 0 or 1
  int64_t frames_speaking = 0, frames_listening = 0;
  double speaking_share = 0;        // frames_speaking / frames_with_audio (NaN when 0)
  double listening_share = 0;       // frames_listening / frames_with_audio
  int64_t turn_count = 0;           // speaking runs over the valid frames (frames without the face skipped)
  double turns_per_min = 0;         // turn_count / (frames_with_audio × frame interval / 60)
  double turn_mean_sec = 0;         // mean run length: t(last) − t(first) + frame interval (NaN: no turn)
  double turn_max_sec = 0;
};

// ensures: one entry per role (patient, therapist); NaN shares and rates when the role has no frame with audio.
std::vector<SpeakingMeasures> speaking_measures(const RoleTable& table);

}  // namespace psyface::measures
