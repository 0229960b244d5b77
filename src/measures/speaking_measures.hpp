// Measures split by speaking state (issue 17 item 3): the frame measures over the frames where the person
// listens (another face speaks, this one does not) and where they speak, and the person's share of time
// speaking and listening, turns per minute and turn lengths. Input: the speaking and talk_state columns of
// the frames table (docs/speaking.md). Formulas: docs/measures.md, "Speaking and listening". Part of the
// measure catalogue of affect_measures.hpp; compute_measures fills these columns in every window. Pure.
#pragma once
#include <cstdint>
#include <functional>
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
// or both) or the other role speaks at that time (other_speaking 1: with two cameras each camera's
// talk_state knows only its own face, so the listener's camera says `unseen`). Frames with speaking NA (no
// audio), silence (none) or unattributed voice (unseen, and the other role not speaking) are in neither.
bool in_state(const RoleFrame& f, SpeakingState s);

// The frame measures of the catalogue that are also reported per state, as `<name>_listening` and
// `<name>_speaking`: the emotion shares and mean probabilities, smile shares, expressivity, valence,
// Duchenne/social smile shares, gaze aversion and head speed. (Event rates, episode lengths, synchrony
// and the action-unit means are not split.)
const std::vector<std::string>& split_measure_names();

// The catalogue entries of this file, in table order (appended after the face-action measures):
// frames_listening, frames_speaking, speaking_share, listening_share, turns_per_min, turn_mean_sec,
// turn_max_sec, then `<name>_listening`, `<name>_speaking` for each split_measure_names() entry, whose unit
// and description come from `before` (the catalogue so far).
std::vector<MeasureInfo> speaking_catalog(const std::vector<MeasureInfo>& before);

// ensures: true when any frame of the series has speaking 0 or 1 (the table has the speaking columns and
// the video had audio). Without it every speaking column of the role is NA.
bool has_speaking(const RoleSeries& s);

// ensures: a copy of the series with every frame outside the state made invalid (present recomputed).
RoleSeries only_state(const RoleSeries& s, SpeakingState state);

struct SpeakingMeasures {
  int64_t frames_with_audio = 0;    // valid frames in the window whose speaking is 0 or 1
  int64_t frames_speaking = 0, frames_listening = 0;
  double speaking_share = 0;        // frames_speaking / frames_with_audio (NaN when 0)
  double listening_share = 0;       // frames_listening / frames_with_audio
  int64_t turn_count = 0;           // speaking runs starting in the window (runs over the valid frames with
                                    // audio; frames without the face or without audio are skipped)
  double turns_per_min = 0;         // turn_count / (frames_with_audio × frame interval / 60)
  double turn_mean_sec = 0;         // mean run length: t(last) − t(first) + frame interval (NaN: no turn)
  double turn_max_sec = 0;
};

// ensures: the speaking facts of the role in [w.start_sec, w.end_sec); NaN shares and rates when the role
// has no valid frame with audio in the window. A turn belongs to the window holding its first frame and
// keeps its whole length.
SpeakingMeasures speaking_measures(const RoleSeries& s, const MeasureWindow& w);

// Sets this file's columns of one window through set(name, value): the speaking facts, and the split
// columns from `listening` / `speaking`, the window's values (measure_catalog() order) computed over the
// role's frames in each state. Leaves every column NA (does not call set) when !has_speaking(s).
void speaking_window_values(const RoleSeries& s, const MeasureWindow& w, const std::vector<double>& listening,
                            const std::vector<double>& speaking,
                            const std::function<void(const std::string&, double)>& set);

}  // namespace psyface::measures
