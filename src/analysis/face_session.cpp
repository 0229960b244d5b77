#include "analysis/face_session.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include <opencv2/core.hpp>

#include "faces/action_units.hpp"

#include "util/number_text.hpp"

namespace psyface::analysis {
namespace {

constexpr double kDegToRad = 0.017453292519943295;

// Percentile p (0..100) of v, linear between order statistics (R's type 7). requires: v non-empty.
float percentile(std::vector<float>& v, double p) {
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * p / 100.0;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return static_cast<float>(v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]));
}

// R = Rz(roll)·Ry(yaw)·Rx(pitch), the pose convention of docs/faces-geometry.md.
cv::Matx33d pose_matrix(double yaw_deg, double pitch_deg, double roll_deg) {
  const double a = pitch_deg * kDegToRad, b = yaw_deg * kDegToRad, g = roll_deg * kDegToRad;
  const cv::Matx33d rx(1, 0, 0, 0, std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a));
  const cv::Matx33d ry(std::cos(b), 0, std::sin(b), 0, 1, 0, -std::sin(b), 0, std::cos(b));
  const cv::Matx33d rz(std::cos(g), -std::sin(g), 0, std::sin(g), std::cos(g), 0, 0, 0, 1);
  return rz * ry * rx;
}

// The angle of the rotation that takes a to b, degrees.
double rotation_angle_deg(const cv::Matx33d& a, const cv::Matx33d& b) {
  const cv::Matx33d d = a.t() * b;
  const double c = std::clamp((d(0, 0) + d(1, 1) + d(2, 2) - 1) / 2, -1.0, 1.0);
  return std::acos(c) / kDegToRad;
}

// Centred running median of values[i] over the rows whose time is within ±half_sec of row i.
std::vector<float> running_median(const std::vector<float>& values, const std::vector<double>& t, double half_sec) {
  std::vector<float> out(values.size()), window;
  size_t lo = 0, hi = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    while (t[lo] < t[i] - half_sec - 1e-9) ++lo;
    while (hi + 1 < values.size() && t[hi + 1] <= t[i] + half_sec + 1e-9) ++hi;
    window.assign(values.begin() + static_cast<std::ptrdiff_t>(lo), values.begin() + static_cast<std::ptrdiff_t>(hi) + 1);
    const size_t mid = window.size() / 2;
    std::nth_element(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(mid), window.end());
    float m = window[mid];
    if (window.size() % 2 == 0) m = 0.5f * (m + *std::max_element(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(mid)));
    out[i] = m;
  }
  return out;
}

}  // namespace

const std::array<double, kActionUnitCount>& au_baseline_percentiles() {
  // An expression moves a feature one way from neutral, and a person may smile or talk for most of a
  // session, so the neutral value is a low percentile (10th); the eyes are open most of the time and a
  // blink closes them briefly, so AU45's neutral is the median (docs/action-units.md, "Person baseline").
  static const std::array<double, kActionUnitCount> p = [] {
    std::array<double, kActionUnitCount> q;
    q.fill(10.0);
    q[action_unit_index(45)] = 50.0;
    return q;
  }();
  return p;
}

std::vector<std::string> FaceSessionColumns::column_names() {
  std::vector<std::string> c;
  for (auto n : kActionUnitNames) c.push_back(std::string(n) + "_r");
  for (auto n : kActionUnitNames) c.push_back(std::string(n) + "_c");
  c.push_back("head_speed_deg_s");
  c.push_back("face_speed_iod_s");
  return c;
}

void FaceSessionColumns::add(const FaceObservation& o) {
  Row r;
  r.track_id = o.track_id;
  r.t_sec = o.t_sec;
  r.yaw_deg = o.yaw_deg, r.pitch_deg = o.pitch_deg, r.roll_deg = o.roll_deg;
  r.inter_ocular_px = o.inter_ocular_px;
  r.centre_px = o.eye_centre_px;
  r.au_feature = o.au_feature;
  rows_.push_back(r);
}

void FaceSessionColumns::finish(const PersonResult& persons) {
  std::map<int, std::vector<size_t>> by_group, by_face;
  for (size_t k = 0; k < rows_.size(); ++k) {
    Row& r = rows_[k];
    r.face_id = persons.splits.face_id_at(r.track_id, r.t_sec);
    const int person = persons.person_of(r.face_id);
    r.group = person >= 0 ? person : -2 - r.face_id;
    by_group[r.group].push_back(k);
    by_face[r.face_id].push_back(k);
  }
  const auto& pct = au_baseline_percentiles();
  std::vector<float> values;
  for (const auto& [group, members] : by_group) {
    std::array<float, kActionUnitCount> base{};
    for (int a = 0; a < kActionUnitCount; ++a) {
      values.clear();
      for (size_t k : members) values.push_back(rows_[k].au_feature[a]);
      base[a] = percentile(values, pct[a]);
    }
    baselines_[group] = base;
  }
  for (const auto& [face, members] : by_face) compute_motion(members);
}

void FaceSessionColumns::compute_motion(const std::vector<size_t>& idx) {
  const size_t n = idx.size();
  std::vector<double> t(n);
  std::vector<float> yaw(n), pitch(n), roll(n), cx(n), cy(n), iod(n);
  for (size_t i = 0; i < n; ++i) {
    const Row& r = rows_[idx[i]];
    t[i] = r.t_sec, yaw[i] = r.yaw_deg, pitch[i] = r.pitch_deg, roll[i] = r.roll_deg;
    cx[i] = r.centre_px.x, cy[i] = r.centre_px.y, iod[i] = r.inter_ocular_px;
  }
  const double h = options_.smooth_sec;
  yaw = running_median(yaw, t, h), pitch = running_median(pitch, t, h), roll = running_median(roll, t, h);
  cx = running_median(cx, t, h), cy = running_median(cy, t, h), iod = running_median(iod, t, h);
  // Row i's speed: from a = the last row at or before t − diff_sec (else the first) to b = the first row
  // at or after t + diff_sec (else the last).
  size_t a = 0, b = 0;
  for (size_t i = 0; i < n; ++i) {
    Row& r = rows_[idx[i]];
    while (a + 1 <= i && t[a + 1] <= t[i] - options_.diff_sec + 1e-9) ++a;
    b = std::max(b, i);
    while (b + 1 < n && t[b] < t[i] + options_.diff_sec - 1e-9) ++b;
    const double dt = t[b] - t[a];
    if (!(dt > 0)) {
      r.head_speed_deg_s = r.face_speed_iod_s = std::numeric_limits<float>::quiet_NaN();
      continue;
    }
    r.head_speed_deg_s = static_cast<float>(
        rotation_angle_deg(pose_matrix(yaw[a], pitch[a], roll[a]), pose_matrix(yaw[b], pitch[b], roll[b])) / dt);
    const double scale = 0.5 * (iod[a] + iod[b]);
    r.face_speed_iod_s = scale > 0 ? static_cast<float>(std::hypot(cx[b] - cx[a], cy[b] - cy[a]) / scale / dt)
                                   : std::numeric_limits<float>::quiet_NaN();
  }
}

void FaceSessionColumns::append_row(size_t k, std::string& out) const {
  const Row& r = rows_.at(k);
  const auto& base = baselines_.at(r.group);
  const auto& scales = faces::au_scales();
  std::array<float, kActionUnitCount> intensity;
  for (int a = 0; a < kActionUnitCount; ++a) intensity[a] = faces::au_intensity(scales[a], r.au_feature[a], base[a]);
  for (int a = 0; a < kActionUnitCount; ++a) {
    util::append_fixed_or_na(out, intensity[a], 2);
    out += ',';
  }
  for (int a = 0; a < kActionUnitCount; ++a) out += intensity[a] >= options_.presence_threshold ? "1," : "0,";
  util::append_fixed_or_na(out, r.head_speed_deg_s, 2);
  out += ',';
  util::append_fixed_or_na(out, r.face_speed_iod_s, 3);
}

}  // namespace psyface::analysis
