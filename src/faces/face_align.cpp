#include "faces/face_align.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

cv::Point2f eye_centre(const FaceLandmarks& lm, int outer, int inner) {
  const cv::Point3f& a = lm.points_px[outer];
  const cv::Point3f& b = lm.points_px[inner];
  return {0.5f * (a.x + b.x), 0.5f * (a.y + b.y)};
}

}  // namespace

FaceRoi aligned_face_region(const FaceLandmarks& lm, float margin) {
  if (!(margin >= 0.0f && std::isfinite(margin)))
    throw Error(ErrorCode::Internal, "aligned_face_region: margin must be >= 0, got " + std::to_string(margin));
  const cv::Point2f right = eye_centre(lm, mesh_index::kRightEyeOuter, mesh_index::kRightEyeInner);
  const cv::Point2f left = eye_centre(lm, mesh_index::kLeftEyeOuter, mesh_index::kLeftEyeInner);
  const float angle = std::atan2(left.y - right.y, left.x - right.x);
  const float c = std::cos(angle), s = std::sin(angle);
  float lo_u = std::numeric_limits<float>::max(), lo_v = lo_u;
  float hi_u = std::numeric_limits<float>::lowest(), hi_v = hi_u;
  for (const auto& p : lm.points_px) {  // coordinates along the eye line (u) and across it (v)
    const float u = c * p.x + s * p.y, v = -s * p.x + c * p.y;
    lo_u = std::min(lo_u, u), hi_u = std::max(hi_u, u);
    lo_v = std::min(lo_v, v), hi_v = std::max(hi_v, v);
  }
  const float mid_u = 0.5f * (lo_u + hi_u), mid_v = 0.5f * (lo_v + hi_v);
  FaceRoi roi;
  roi.center_px = {c * mid_u - s * mid_v, s * mid_u + c * mid_v};
  roi.size_px = std::max((1.0f + margin) * std::max(hi_u - lo_u, hi_v - lo_v), 1.0f);
  roi.angle_rad = angle;
  return roi;
}

cv::Mat aligned_face_crop(const cv::Mat& bgr, const FaceLandmarks& lm, int size_px, float margin) {
  if (size_px <= 0) throw Error(ErrorCode::Internal, "aligned_face_crop: size_px must be > 0");
  cv::Mat out;
  crop_region(bgr, aligned_face_region(lm, margin), size_px, out);
  return out;
}

}  // namespace psyface::faces
