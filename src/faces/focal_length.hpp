// What --focal-px and a study's focal_px column accept (docs/action-units.md, "Gaze", step 4): one rule
// for both, so a value the command line takes is never refused in sessions.csv or the other way round.
#pragma once
#include <charconv>
#include <string_view>

namespace psyface::faces {

// The largest focal length taken, in pixels: a 1° horizontal view at 8K is about 440 000 px.
inline constexpr double kMaxFocalPx = 1e6;

// ensures: the value of `text` when it is a number (the whole text, as std::from_chars reads it) that is 0
//          (OpenFace's guess), -1 (none) or a focal length of 1 to kMaxFocalPx pixels; otherwise false.
//          NaN, infinities, values too large for a float and tiny values such as 1e-50 (which a float
//          would turn into 0, the guess) are refused.
inline bool parse_focal_px(std::string_view text, double& value) {
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) return false;
  if (!(v == 0 || v == -1 || (v >= 1 && v <= kMaxFocalPx))) return false;
  value = v;
  return true;
}

}  // namespace psyface::faces
