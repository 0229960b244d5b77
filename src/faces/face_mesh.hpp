// FaceMesh: 468 3-D face landmarks from MediaPipe's face-mesh network (models/facemesh) inside a square,
// rotated region of a frame, plus the converters that give the next region (roi_from_landmarks,
// roi_from_box). Coordinates are frame pixels, OpenCV convention (pixel (i, j) is centred on x = i, y = j).
#pragma once
#include <array>
#include <filesystem>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "models/dnn_model.hpp"

namespace psyface::faces {

// A square region of the frame, rotated by angle_rad about its centre (as MediaPipe's NormalizedRect).
// angle_rad is the direction of the region's x axis in the image: x axis = (cos a, sin a) with image y
// pointing down, so a > 0 turns the region clockwise on screen. For a face region it is the direction of
// the line from the subject's right eye to their left eye, so the crop shows the eyes level.
struct FaceRoi {
  cv::Point2f center_px;
  float size_px = 0;    // side length
  float angle_rad = 0;
};

inline constexpr int kMeshPointCount = 468;
inline constexpr float kRoiScale = 1.5f;  // region side / face box side (MediaPipe's value)

// MediaPipe face-mesh topology indices used across psyface::faces ("right"/"left" are the subject's).
namespace mesh_index {
inline constexpr int kRightEyeOuter = 33, kRightEyeInner = 133;
inline constexpr int kLeftEyeOuter = 263, kLeftEyeInner = 362;
inline constexpr int kMouthRight = 61, kMouthLeft = 291;
inline constexpr int kUpperLipInner = 13, kLowerLipInner = 14;
inline constexpr int kForeheadTop = 10, kChin = 152, kNoseBottom = 2, kBetweenEyes = 168;
}  // namespace mesh_index

struct FaceLandmarks {
  std::array<cv::Point3f, kMeshPointCount> points_px;  // frame pixels; z in the same pixel scale,
                                                       // smaller z = nearer the camera (MediaPipe)
  float presence = 0;                                  // face-flag probability, 0..1
};

struct FaceMeshOptions {
  float min_presence = 0.5f;  // fit() returns nullopt below this face-flag probability
};

class FaceMesh {
 public:
  // requires: models_dir/facemesh/{manifest.json, model.onnx} (built by `psyface models build`).
  // throws: Error(Model) when missing or the checksum does not match; Error(Usage) when
  //         options.min_presence is outside [0, 1].
  explicit FaceMesh(const std::filesystem::path& models_dir, FaceMeshOptions options = {});

  // Crops roi (one warpAffine, bilinear, black outside the frame) to the network's 192×192 input and
  // runs it. requires: bgr is CV_8UC3, non-empty; roi.size_px > 0.
  // ensures: nullopt when the face-flag probability < min_presence (see last_presence()); otherwise the
  //          468 points mapped back to frame pixels. Not thread-safe (one network per instance).
  std::optional<FaceLandmarks> fit(const cv::Mat& bgr, const FaceRoi& roi);

  // The face-flag probability of the latest fit(), also when it returned nullopt (0 before any fit).
  float last_presence() const { return last_presence_; }

  const std::string& model_checksum() const { return model_.checksum(); }

 private:
  models::DnnModel model_;
  FaceMeshOptions options_;
  int input_size_px_;
  cv::Mat crop_;  // reused 192×192 BGR buffer
  float last_presence_ = 0;
};

// The crop transform of fit(): maps network-input coordinates m (0..input_size_px spans the region's
// side, MediaPipe convention) to frame pixels: p = center + (size/input) · R(angle) · (m − input/2).
// The matching pixel-sampling transform for cv::warpAffine(WARP_INVERSE_MAP) is that map at m = u + 0.5.
cv::Matx23f roi_to_frame_transform(const FaceRoi& roi, int input_size_px);

// Samples roi into an output_size_px × output_size_px CV_32FC3 image (values 0–255, not rounded) with that
// transform: bilinear, black outside the frame, continuous in the region (no 1/32-px position steps as in
// cv::warpAffine). requires: bgr CV_8UC3 and non-empty; roi.size_px > 0; output_size_px > 0.
void crop_region(const cv::Mat& bgr, const FaceRoi& roi, int output_size_px, cv::Mat& out);

// The next frame's region from this frame's landmarks (MediaPipe's landmarks→ROI): angle from the eye
// line (outer corners 33 → 263); centre and side from the landmarks' bounding box in that rotated frame,
// made square on its longer side and enlarged kRoiScale times.
// requires: lm from fit(). ensures: size_px > 0.
FaceRoi roi_from_landmarks(const FaceLandmarks& lm);

// A region from a face detector's box (axis-aligned, frame pixels) and its two eye keypoints
// (right_eye = the subject's right eye, on the image left in an unmirrored frame): angle from the eyes,
// centre = box centre, side = kRoiScale × the box's longer side (as MediaPipe's detection→ROI).
// requires: box non-empty.
FaceRoi roi_from_box(const cv::Rect2f& box, cv::Point2f right_eye, cv::Point2f left_eye);

}  // namespace psyface::faces
