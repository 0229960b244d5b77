// Gaze per face and frame from MediaPipe's iris network (models/iris) and the face mesh: each eye's iris
// centre on a sphere around its eyeball centre, rotated with the head, gives a direction in camera
// coordinates; the angles follow OpenFace 2.0. Method and constants: docs/action-units.md, "Gaze".
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
// Eyeball radius (12 mm) and the depth of its centre behind the midpoint of the eye corners (3 mm), in
// inter-ocular distances (63 mm).
inline constexpr float kEyeballRadiusIod = 12.0f / 63.0f;
inline constexpr float kEyeballDepthIod = 3.0f / 63.0f;

// The direction from an eyeball centre to its iris, both in frame pixels (x, y; z as the mesh's, smaller =
// nearer): the iris is put on the sphere of radius radius_px around the centre, on the camera's side.
// ensures: a unit vector; the iris beyond the sphere's outline gives the outline direction.
cv::Vec3f eye_direction(const cv::Vec3f& eyeball_centre_px, cv::Point2f iris_px, float radius_px);

class GazeEstimator {
 public:
  // requires: models_dir/iris/{manifest.json, model.onnx}. throws: Error(Model) when missing or corrupt.
  explicit GazeEstimator(const std::filesystem::path& models_dir);

  // Runs the iris network on both eyes (one batch of two crops). requires: bgr CV_8UC3; lm from
  // FaceMesh::fit; head = head_rotation(lm). ensures: valid unless the eye regions are degenerate.
  // Not thread-safe.
  Gaze estimate(const cv::Mat& bgr, const FaceLandmarks& lm, const cv::Matx33f& head);

  const std::string& model_checksum() const { return model_.checksum(); }

 private:
  models::DnnModel model_;
  int input_size_px_;
  cv::Mat crops_[2];
};

}  // namespace psyface::faces
