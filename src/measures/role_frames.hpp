// Per-role time series read from a per-frame table (DIR/<stem>.frames.csv or the two-camera table), the
// input of the affect measures (measures/affect_measures.hpp). No video is needed: measures can be
// recomputed from the stored tables whenever the measure options change.
#pragma once
#include <array>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "psyface/records.hpp"

namespace psyface::measures {

// One analysed frame as seen by one role: valid when a face of that role was measured in the frame.
struct RoleFrame {
  double t_sec = 0;                       // frame timestamp (two cameras: on camera A's clock)
  bool valid = false;                     // a face with this role was measured (success = 1)
  double confidence = 0;                  // face-mesh presence, valid frames only
  std::array<double, kEmotionCount> p{};  // emotion probabilities, valid frames only
  int dominant = 0;                       // index into kEmotionNames
  double valence = 0;
  double smile_intensity = 0;
  // Optional columns (NaN when the table has none, e.g. tables written before they existed, or NA):
  std::array<double, kActionUnitCount> au_r;  // AU01_r..AU45_r, session-normalised intensities 0..5
  double head_speed_deg_s = kMissing;
  double gaze_angle_x = kMissing, gaze_angle_y = kMissing;  // radians
  RoleFrame() { au_r.fill(kMissing); }
  static constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
  int speaking = -1;    // this face speaks: 1, 0, -1 = NA (no audio, or a table without the column)
  int talk_state = -1;  // the frame's talk_state: 0 none, 1 one, 2 both, 3 unseen, -1 NA (docs/speaking.md)
  int other_speaking = -1;  // the other role's `speaking` in its frame nearest in time (two cameras: the other
                            // camera's): 1, 0, -1 = NA (no such frame within half a frame interval, face unseen)
};

// Every analysed frame of the camera that films the role, in time order (invalid where the role's face
// was not measured).
struct RoleSeries {
  std::string role;              // "patient" or "therapist"
  bool present = false;          // at least one valid frame
  std::vector<RoleFrame> frames;
  double frame_interval_sec = 0;  // mean interval between analysed frames, (t_last - t_first) / (n - 1):
                                  // 1 / the analysed rate (0 with < 2 frames)
};

struct RoleTable {
  RoleSeries patient, therapist;
};

// requires: `text` is a frames table as psyface writes it (docs/output-format.md): header with frame,
//           timestamp, success, role, confidence, emo_neutral..emo_surprised, dominant, valence,
//           smile_intensity; optionally a first `camera` column (two cameras), the action-unit, head
//           motion and gaze columns (AU01_r..AU45_r, head_speed_deg_s, gaze_angle_x, gaze_angle_y) and
//           the speaking columns `speaking` and `talk_state` (older tables lack them: the values stay NA).
// ensures:  both roles filled. A role's camera is the camera holding most of its rows (camera A when the
//           role never occurs); several faces of one role in one frame: the most confident is used.
//           other_speaking set from the other role's series (mark_other_speaking).
// throws:   Error(Input) "<source> line <n>: ..." for a missing column, wrong field count or bad number.
RoleTable read_role_table(std::string_view text, const std::string& source);

// ensures: each frame's other_speaking = `speaking` of the other role's frame nearest in time when that frame
// is valid and at most half the larger of the two frame intervals away (+1 ms), else -1. This is how a role
// on its own camera learns that the other person speaks (docs/speaking.md, "Two cameras").
void mark_other_speaking(RoleTable& table);

}  // namespace psyface::measures
