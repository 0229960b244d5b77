// The pieces of FaceDetector that need no network: letterboxing, SSD box decoding and (weighted) NMS.
// Separate so tests can feed them synthetic tensors and the bench can time them one by one.
#pragma once
#include <span>
#include <vector>

#include <opencv2/core.hpp>

#include "faces/face_detector.hpp"

namespace psyface::faces {

// Where the frame sits inside the square model input: model = frame · scale + pad, both in continuous
// coordinates (pixel i spans [i, i + 1); the detectors' anchors and outputs use this, and so does
// cv::resize). Scales are per axis because the resized frame has whole-pixel sides.
struct Letterbox {
  float scale_x = 1, scale_y = 1;  // model pixels per frame pixel
  float pad_x_px = 0, pad_y_px = 0;  // model pixels of black border left / top

  cv::Point2f model_to_frame(cv::Point2f model_px) const {
    return {(model_px.x - pad_x_px) / scale_x, (model_px.y - pad_y_px) / scale_y};
  }
};

// Resizes the frame (uint8, INTER_LINEAR) so its longer side is size_px, centres it on a black
// size_px × size_px canvas, and says where it went. Coordinates are continuous (pixel i spans [i, i+1)).
// requires: frame non-empty, 8-bit; size_px > 0.
// ensures: square is size_px × size_px, frame.type(); reuses square's buffer when it already fits.
Letterbox letterbox_to_square(const cv::Mat& frame, int size_px, cv::Mat& square);

// One anchor's 16 regressors: centre offset (x, y), size (w, h), then 6 keypoint offsets (x, y), all in
// model-input pixels relative to the anchor centre. ensures: box and keypoints in model pixels.
Detection decode_anchor(const float* regressors16, cv::Point2f anchor_px, float score);

// MediaPipe clips logits to ±100 before the sigmoid (score_clipping_thresh); so do we.
float score_from_logit(float logit);

// Decodes every anchor whose score is ≥ score_threshold. Row i of the anchor table reads
// logits[i · logit_stride] and regressors[i · regressor_stride .. + 16].
// ensures: detections in model pixels, in anchor order (not sorted).
void decode_candidates(const float* logits, size_t logit_stride, const float* regressors, size_t regressor_stride,
                       std::span<const cv::Point2f> anchors_px, float score_threshold, std::vector<Detection>& out);

// Maps a detection from model pixels (continuous) to frame pixels in OpenCV's convention (pixel (i, j)
// centred on x = i, y = j, as the rest of src/faces): continuous − 0.5.
Detection model_to_frame(const Detection& d, const Letterbox& lb);

float intersection_over_union(const cv::Rect2f& a, const cv::Rect2f& b);

// Non-maximum suppression in descending score order. Weighted (MediaPipe's WEIGHTED algorithm): each kept
// detection's box and keypoints become the score-weighted mean of all candidates with IoU > iou_threshold
// with it, score stays the best one's. Plain: the best candidate is kept as it is.
// ensures: at most max_out detections, sorted by descending score, no two with IoU > iou_threshold
//   before blending.
std::vector<Detection> non_max_suppression(std::vector<Detection> candidates, float iou_threshold, int max_out,
                                           bool weighted);

}  // namespace psyface::faces
