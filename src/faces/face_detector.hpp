// Face detection on whole frames with a MediaPipe SSD face detector (BlazeFace back-camera 256×256 or the
// full-range 192×192 model): letterbox → network → anchor decoding → NMS → boxes and 6 keypoints in frame
// pixels. The pipeline runs it every K frames or when tracking is lost; see docs/faces-detection.md for
// recall and speed of both models on the dev videos.
#pragma once
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "models/dnn_model.hpp"

namespace psyface::faces {

// Keypoint order of the MediaPipe face detectors. "Right"/"left" are the subject's: in an unmirrored
// frame of a frontal face RightEye has the smaller x (appears on the image left).
enum class FaceKeypoint : int { RightEye = 0, LeftEye, NoseTip, MouthCentre, RightEarTragion, LeftEarTragion };
inline constexpr int kFaceKeypointCount = 6;

struct Detection {
  cv::Rect2f box_px;  // frame pixels, pixel (i, j) centred on (i, j); may reach past the frame edge
  float score = 0;    // 0..1, sigmoid of the clipped logit
  std::array<cv::Point2f, kFaceKeypointCount> keypoints_px{};  // FaceKeypoint order, same pixels

  cv::Point2f keypoint(FaceKeypoint k) const { return keypoints_px[static_cast<int>(k)]; }
};

struct DetectorOptions {
  std::string model = "blazeface-back";  // or "facemesh-detection-full"
  float score_threshold = 0.5f;          // keep candidates with score ≥ this
  float nms_iou = 0.3f;                  // candidates overlapping a better one by more than this are merged
  float min_face_px = 20.0f;             // drop boxes whose width or height is smaller (frame pixels)
  int max_faces = 4;                     // keep at most this many, best first
  bool weighted_nms = true;              // MediaPipe's blending NMS (steadier boxes); false = plain NMS
};

// The model names FaceDetector accepts.
const std::vector<std::string>& face_detector_models();

class FaceDetector {
 public:
  // requires: models_dir/<options.model>/ holds a built model (psyface models build).
  // throws Error(Usage) for an unknown model name or options out of range (thresholds outside 0..1,
  //   max_faces < 1, min_face_px < 0), Error(Model) when the model is missing, corrupt, or its outputs
  //   are not the shapes this decoder expects.
  FaceDetector(const std::filesystem::path& models_dir, const DetectorOptions& options);

  // requires: bgr non-empty, CV_8UC3 (BGR) or CV_8UC1 (grey); throws Error(Internal) otherwise.
  // ensures: at most max_faces detections, sorted by descending score, NMS applied, each with score ≥
  //   score_threshold and width and height ≥ min_face_px. Not thread-safe (reuses buffers).
  std::vector<Detection> detect(const cv::Mat& bgr);

  const models::Manifest& manifest() const { return model_.manifest(); }
  const DetectorOptions& options() const { return options_; }

 private:
  void decode(const std::vector<cv::Mat>& outputs, std::vector<Detection>& candidates) const;

  DetectorOptions options_;
  models::DnnModel model_;
  std::vector<cv::Point2f> anchors_px_;
  // A run of anchors whose logits and regressors sit in rows of the same output tensors (blazeface-back:
  // two blocks with separate score and regressor tensors; full-range: one [2304, 17] tensor for both).
  struct Block {
    int score_output = 0, regressor_output = 0;    // index into DnnModel::run's outputs
    int score_column = 0, regressor_column = 0;    // column of the logit / of the first regressor
    int score_row_width = 0, regressor_row_width = 0;
    int anchor_begin = 0, anchor_count = 0;
  };
  std::vector<Block> blocks_;
  cv::Mat square_;  // letterboxed uint8 input, reused between calls
};

}  // namespace psyface::faces
