// Gaze per face and frame from MediaPipe's iris network (models/iris) and the face mesh: each eye's iris
// centre on a sphere around its eyeball centre gives a direction along the line of sight, which a pinhole
// camera turns into camera coordinates; the angles follow OpenFace 2.0. Method and constants:
// docs/action-units.md, "Gaze".
#pragma once
#include <filesystem>

#include <opencv2/core.hpp>

#include "faces/face_mesh.hpp"
#include "models/dnn_model.hpp"

namespace psyface::faces {

struct Gaze {
  bool valid = false;
  // Unit directions in camera coordinates (x right, y down, z away from the camera; looking into the
  // camera ≈ (0, 0, −1)). right = the subject's right eye (OpenFace's gaze_0, the eye on the image left).
  cv::Vec3f right_eye, left_eye;
  // OpenFace's angles of the mean direction g: x = atan2(g.x, −g.z), y = atan2(g.y, −g.z), radians.
  float angle_x_rad = 0, angle_y_rad = 0;
};

// The eye region the iris network sees: square, side kIrisCropScale × the corner distance, centred on the
// corners' midpoint, rotated to the eye line (MediaPipe's 2.3).
inline constexpr float kIrisCropScale = 2.3f;
// Eyeball radius (12 mm) and the depth of its centre behind the midpoint of the eye corners (3 mm; the
// corners as the iris network places them in the iris's own crop), in inter-ocular distances (63 mm).
inline constexpr float kEyeballRadiusIod = 12.0f / 63.0f;
inline constexpr float kEyeballDepthIod = 3.0f / 63.0f;

// The direction from an eyeball centre to its iris, both in frame pixels (x, y; z as the mesh's, smaller =
// nearer): the iris is put on the sphere of radius radius_px around the centre, on the camera's side.
// ensures: a unit vector; the iris beyond the sphere's outline gives the outline direction.
cv::Vec3f eye_direction(const cv::Vec3f& eyeball_centre_px, cv::Point2f iris_px, float radius_px);

// The camera that filmed the frame, in pixels. The mesh is a local orthographic view: its z axis is the line
// of sight through the face, which leans away from the camera's optical axis the further the face is from
// the frame's centre (17.7° for a face halfway from the centre to the side of a 65° view).
struct PinholeCamera {
  float focal_px = 0;     // > 0: pinhole; 0: none, directions stay relative to the line of sight
  cv::Point2f centre_px;  // principal point

  // OpenFace 2.0's guess when the camera is not known (SequenceCapture): the frame's centre and
  // f = (500·w/640 + 500·h/480) / 2, a horizontal field of view of about 65° at 4:3.
  static PinholeCamera openface_guess(cv::Size frame);
};

// A direction measured along the line of sight through image point p, in camera coordinates: turned by the
// smallest rotation that takes (0, 0, 1) onto the ray ((p.x − cx)/f, (p.y − cy)/f, 1). focal_px = 0: unchanged.
cv::Vec3f line_of_sight_to_camera(const PinholeCamera& camera, cv::Point2f p, const cv::Vec3f& direction);

class GazeEstimator {
 public:
  // requires: models_dir/iris/{manifest.json, model.onnx}. throws: Error(Model) when missing or corrupt.
  explicit GazeEstimator(const std::filesystem::path& models_dir);

  // Runs the iris network on both eyes (one batch of two crops). requires: bgr CV_8UC3; lm from
  // FaceMesh::fit; head = head_rotation(lm). Each eye's direction is turned into camera coordinates
  // through its eyeball centre's ray (line_of_sight_to_camera). ensures: valid unless the eye regions are
  // degenerate. Not thread-safe.
  Gaze estimate(const cv::Mat& bgr, const FaceLandmarks& lm, const cv::Matx33f& head, const PinholeCamera& camera);

  const std::string& model_checksum() const { return model_.checksum(); }

 private:
  models::DnnModel model_;
  int input_size_px_;
  cv::Mat crops_[2];
};

}  // namespace psyface::faces
