#include "faces/gaze.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

constexpr int kIrisPoints = 76;      // 71 eye-contour points, then 5 iris points (centre first)
constexpr int kIrisCentre = 71;
// The eye's corners among the contour points, in the network's (unmirrored) eye: 0 the outer, 8 the inner;
// MediaPipe's face-mesh refinement puts them in place of mesh points 33 and 133.
constexpr int kContourOuterCorner = 0;
constexpr int kContourInnerCorner = 8;

cv::Vec3f vec(const cv::Point3f& p) { return {p.x, p.y, p.z}; }

}  // namespace

cv::Vec3f eye_direction(const cv::Vec3f& centre, cv::Point2f iris, float radius) {
  const float dx = iris.x - centre[0], dy = iris.y - centre[1];
  const float planar = std::sqrt(dx * dx + dy * dy);
  cv::Vec3f d;
  if (planar >= radius) {
    d = {dx, dy, 0};  // beyond the outline: the direction of the outline
  } else {
    d = {dx, dy, -std::sqrt(radius * radius - planar * planar)};  // the camera's side: smaller z
  }
  const float n = static_cast<float>(cv::norm(d));
  return n > 0 ? d / n : cv::Vec3f(0, 0, -1);
}

PinholeCamera PinholeCamera::openface_guess(cv::Size frame) {
  PinholeCamera c;
  c.centre_px = {0.5f * static_cast<float>(frame.width), 0.5f * static_cast<float>(frame.height)};
  c.focal_px = 0.5f * (500.0f * static_cast<float>(frame.width) / 640.0f +
                       500.0f * static_cast<float>(frame.height) / 480.0f);
  return c;
}

cv::Vec3f line_of_sight_to_camera(const PinholeCamera& camera, cv::Point2f p, const cv::Vec3f& d) {
  if (!(camera.focal_px > 0)) return d;
  cv::Vec3f ray((p.x - camera.centre_px.x) / camera.focal_px, (p.y - camera.centre_px.y) / camera.focal_px, 1.0f);
  ray /= static_cast<float>(cv::norm(ray));
  // Rodrigues about k = (0,0,1) × ray / |…| = (−ray.y, ray.x, 0) / s, angle with cos = ray.z, sin = s.
  const float s = std::hypot(ray[0], ray[1]), c = ray[2];
  if (!(s > 0)) return d;
  const cv::Vec3f k(-ray[1] / s, ray[0] / s, 0.0f);
  return d * c + k.cross(d) * s + k * (k.dot(d) * (1.0f - c));
}

GazeEstimator::GazeEstimator(const std::filesystem::path& models_dir)
    : model_(models::DnnModel::load(models_dir, "iris")) {
  const auto& m = model_.manifest();
  if (m.input_width != m.input_height || m.input_width <= 0 || m.input_channels != 3)
    throw Error(ErrorCode::Model, "model iris: expected a square 3-channel input");
  input_size_px_ = m.input_width;
}

Gaze GazeEstimator::estimate(const cv::Mat& bgr, const FaceLandmarks& lm, const cv::Matx33f& head,
                             const PinholeCamera& camera) {
  // Each eye: (outer, inner) corners in image order left → right for a frontal face, and whether the crop
  // is mirrored: the network was trained on the eye on the image left (MediaPipe mirrors the other).
  struct Eye {
    int first, second;
    bool mirrored;
  };
  const Eye eyes[2] = {{33, 133, false}, {362, 263, true}};  // the subject's right eye, then left
  const auto& p = lm.points_px;
  const cv::Vec3f right_centre = 0.5f * (vec(p[33]) + vec(p[133])), left_centre = 0.5f * (vec(p[263]) + vec(p[362]));
  const float iod = static_cast<float>(cv::norm(left_centre - right_centre));
  Gaze g;
  if (!(iod > 0)) return g;
  FaceRoi rois[2];
  const int n = input_size_px_;
  for (int e = 0; e < 2; ++e) {
    const cv::Point3f a = p[eyes[e].first], b = p[eyes[e].second];
    rois[e].center_px = {0.5f * (a.x + b.x), 0.5f * (a.y + b.y)};
    rois[e].size_px = kIrisCropScale * std::hypot(b.x - a.x, b.y - a.y);
    rois[e].angle_rad = std::atan2(b.y - a.y, b.x - a.x);
    if (!(rois[e].size_px > 1)) return g;
    crop_region(bgr, rois[e], n, crops_[e]);
    if (eyes[e].mirrored) cv::flip(crops_[e], crops_[e], 1);
  }
  const std::vector<cv::Mat> out = model_.run_images({crops_[0], crops_[1]});
  if (out.empty() || out[0].total() != 2u * 3u * kIrisPoints || out[0].type() != CV_32F)
    throw Error(ErrorCode::Model, "model iris: expected 2 × 228 float outputs for a batch of two eyes");
  const float* data = out[0].ptr<float>();
  const cv::Vec3f back(head(0, 2), head(1, 2), head(2, 2));  // the head's z axis: into the face
  const float radius = kEyeballRadiusIod * iod;
  cv::Vec3f dirs[2];
  for (int e = 0; e < 2; ++e) {
    const float* points = data + e * 3 * kIrisPoints;
    const cv::Matx23f to_frame = roi_to_frame_transform(rois[e], n);
    const auto in_frame = [&](int k) {  // network point k in frame pixels (mirrored back for the left eye)
      const float x = eyes[e].mirrored ? static_cast<float>(n) - points[3 * k] : points[3 * k], y = points[3 * k + 1];
      return cv::Point2f(to_frame(0, 0) * x + to_frame(0, 1) * y + to_frame(0, 2),
                         to_frame(1, 0) * x + to_frame(1, 1) * y + to_frame(1, 2));
    };
    const cv::Point2f iris = in_frame(kIrisCentre);
    // The eye's corners as the same network sees them in the same crop, so that where the crop lies and
    // how the two networks place the corners cancel out of iris − corners; depth from the mesh.
    const cv::Point2f corners = 0.5f * (in_frame(kContourOuterCorner) + in_frame(kContourInnerCorner));
    const cv::Vec3f corners_mid(corners.x, corners.y, (e == 0 ? right_centre : left_centre)[2]);
    const cv::Vec3f centre = corners_mid + kEyeballDepthIod * iod * back;
    dirs[e] = line_of_sight_to_camera(camera, {centre[0], centre[1]}, eye_direction(centre, iris, radius));
  }
  g.valid = true;
  g.right_eye = dirs[0];
  g.left_eye = dirs[1];
  const cv::Vec3f mean = 0.5f * (dirs[0] + dirs[1]);
  g.angle_x_rad = std::atan2(mean[0], -mean[2]);
  g.angle_y_rad = std::atan2(mean[1], -mean[2]);
  return g;
}

}  // namespace psyface::faces
