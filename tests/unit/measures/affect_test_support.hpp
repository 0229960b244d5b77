// Small per-role series for the affect-measure tests: valid and empty frames, series, row lookup.
#pragma once
#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#include "measures/affect_measures.hpp"

namespace psyface::measures::test {

// A valid frame with probabilities p (neutral, happy, sad, ...), the dominant taken from p.
inline RoleFrame face(double t, std::array<double, 7> p, double smile, double confidence = 0.9) {
  RoleFrame f;
  f.t_sec = t;
  f.valid = true;
  f.p = p;
  f.dominant = int(std::max_element(p.begin(), p.end()) - p.begin());
  f.valence = p[1] - (p[2] + p[3] + p[4] + p[5]);
  f.smile_intensity = smile;
  f.confidence = confidence;
  return f;
}
inline RoleFrame no_face(double t) {
  RoleFrame f;
  f.t_sec = t;
  return f;
}
inline RoleSeries series(std::string role, std::vector<RoleFrame> frames, double dt) {
  RoleSeries s;
  s.role = std::move(role);
  s.frames = std::move(frames);
  s.frame_interval_sec = dt;
  for (const auto& f : s.frames) s.present = s.present || f.valid;
  return s;
}
inline double value(const RoleWindowMeasures& m, const std::string& name) { return m.values.at(measure_index(name)); }
inline const RoleWindowMeasures& row(const std::vector<RoleWindowMeasures>& rows, const std::string& kind,
                                     const std::string& role, int index = 0) {
  for (const auto& r : rows)
    if (r.window.kind == kind && r.role == role && r.window.index == index) return r;
  throw std::runtime_error("no row " + kind + " " + role);
}

inline constexpr std::array<double, 7> kHappy = {0.2, 0.8, 0, 0, 0, 0, 0};
inline constexpr std::array<double, 7> kNeutral = {0.6, 0.1, 0.3, 0, 0, 0, 0};

}  // namespace psyface::measures::test
