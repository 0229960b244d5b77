// Measures from action units, gaze and head motion (docs/measures.md, "Action units, gaze and head
// motion"): Duchenne and social smiles, gaze aversion, head speed, head-motion synchrony and the mean of
// each action unit. Part of the measure catalogue of affect_measures.hpp.
#pragma once
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "measures/affect_measures.hpp"
#include "measures/role_frames.hpp"

namespace psyface::measures {

// The catalogue entries of this file, in table order (appended to the affect measures).
std::vector<MeasureInfo> face_action_catalog();

// Whole-session facts of one role that the windows need.
struct FaceActionContext {
  const RoleSeries* series = nullptr;
  std::vector<double> duchenne_onsets_sec, social_onsets_sec;
  double gaze_median_x = 0, gaze_median_y = 0;  // radians; NaN without gaze
};

// Smile class of one valid frame: AU12_r >= au_presence makes a smile; Duchenne when AU06_r >= au_presence
// too, social otherwise. None when AU12 or AU06 is missing.
enum class SmileClass { None, Duchenne, Social };
SmileClass smile_class(const RoleFrame& f, const MeasureOptions& o);

FaceActionContext face_action_context(const RoleSeries& s, const MeasureOptions& o);

// Sets this file's measures of one window through set(name, value). `minutes` is the window's analysed
// duration; `timed`: minutes > 0 and the role's face seen in the window (event rates are NA otherwise).
void face_action_window_values(const FaceActionContext& c, const MeasureWindow& w, double minutes, bool timed,
                               const MeasureOptions& o, const std::function<void(const std::string&, double)>& set);

// Session-level head-motion synchrony of the dyad: head_speed_deg_s of each role, bin means on the
// synchrony_rate_hz grid from 0 to end_sec, through compute_synchrony with its defaults
// (docs/measures.md). NaN fields when either role lacks head motion or the session is too short.
struct HeadSynchrony {
  double synchrony = std::numeric_limits<double>::quiet_NaN();
  double p_value = std::numeric_limits<double>::quiet_NaN();
  double lag_sec = std::numeric_limits<double>::quiet_NaN();  // median peak lag; > 0: patient leads
};
HeadSynchrony head_motion_synchrony(const RoleSeries& patient, const RoleSeries& therapist, double end_sec,
                                    const MeasureOptions& o);

}  // namespace psyface::measures
