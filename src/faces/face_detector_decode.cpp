#include "faces/face_detector_decode.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "psyface/error.hpp"

namespace psyface::faces {

Letterbox letterbox_to_square(const cv::Mat& frame, int size_px, cv::Mat& square) {
  if (frame.empty() || frame.depth() != CV_8U || size_px <= 0)
    throw Error(ErrorCode::Internal, "letterbox_to_square needs a non-empty 8-bit image and a positive size");
  const double longer = std::max(frame.cols, frame.rows);
  const int resized_w = std::clamp(static_cast<int>(std::lround(frame.cols * size_px / longer)), 1, size_px);
  const int resized_h = std::clamp(static_cast<int>(std::lround(frame.rows * size_px / longer)), 1, size_px);
  const int left = (size_px - resized_w) / 2;
  const int top = (size_px - resized_h) / 2;

  square.create(size_px, size_px, frame.type());
  square.setTo(cv::Scalar::all(0));
  cv::Mat inner = square(cv::Rect(left, top, resized_w, resized_h));
  if (resized_w == frame.cols && resized_h == frame.rows) frame.copyTo(inner);
  else cv::resize(frame, inner, inner.size(), 0, 0, cv::INTER_LINEAR);  // writes into the ROI in place

  Letterbox lb;
  lb.scale_x = static_cast<float>(resized_w) / static_cast<float>(frame.cols);
  lb.scale_y = static_cast<float>(resized_h) / static_cast<float>(frame.rows);
  lb.pad_x_px = static_cast<float>(left);
  lb.pad_y_px = static_cast<float>(top);
  return lb;
}

float score_from_logit(float logit) {
  constexpr float kClip = 100.0f;
  return 1.0f / (1.0f + std::exp(-std::clamp(logit, -kClip, kClip)));
}

Detection decode_anchor(const float* r, cv::Point2f anchor_px, float score) {
  Detection d;
  const float cx = anchor_px.x + r[0], cy = anchor_px.y + r[1];
  const float w = r[2], h = r[3];
  d.box_px = cv::Rect2f(cx - w / 2, cy - h / 2, w, h);
  d.score = score;
  for (size_t k = 0; k < d.keypoints_px.size(); ++k)
    d.keypoints_px[k] = {anchor_px.x + r[4 + 2 * k], anchor_px.y + r[5 + 2 * k]};
  return d;
}

void decode_candidates(const float* logits, size_t logit_stride, const float* regressors, size_t regressor_stride,
                       std::span<const cv::Point2f> anchors_px, float score_threshold, std::vector<Detection>& out) {
  // Compare logits, not scores: one exp per candidate instead of one per anchor.
  const float t = std::clamp(score_threshold, 1e-6f, 1.0f - 1e-6f);
  const float logit_threshold = std::log(t / (1.0f - t));
  for (size_t i = 0; i < anchors_px.size(); ++i) {
    const float logit = logits[i * logit_stride];
    if (!(logit >= logit_threshold)) continue;  // also skips NaN
    out.push_back(decode_anchor(regressors + i * regressor_stride, anchors_px[i], score_from_logit(logit)));
  }
}

Detection model_to_frame(const Detection& d, const Letterbox& lb) {
  const cv::Point2f to_pixel_centres(0.5f, 0.5f);
  Detection f = d;
  const cv::Point2f tl = lb.model_to_frame(d.box_px.tl()) - to_pixel_centres;
  const cv::Point2f br = lb.model_to_frame(d.box_px.br()) - to_pixel_centres;
  f.box_px = cv::Rect2f(tl, br);
  for (size_t k = 0; k < d.keypoints_px.size(); ++k)
    f.keypoints_px[k] = lb.model_to_frame(d.keypoints_px[k]) - to_pixel_centres;
  return f;
}

float intersection_over_union(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

namespace {

// Score-weighted mean of the boxes (corners) and keypoints of a cluster; score of the first (best).
Detection blend(const std::vector<const Detection*>& cluster) {
  float total = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  std::array<cv::Point2f, 6> kp{};
  for (const Detection* c : cluster) {
    const float w = c->score;
    total += w;
    x0 += w * c->box_px.x;
    y0 += w * c->box_px.y;
    x1 += w * (c->box_px.x + c->box_px.width);
    y1 += w * (c->box_px.y + c->box_px.height);
    for (size_t k = 0; k < kp.size(); ++k) kp[k] += w * c->keypoints_px[k];
  }
  Detection out = *cluster.front();
  if (total <= 0) return out;
  out.box_px = cv::Rect2f(x0 / total, y0 / total, (x1 - x0) / total, (y1 - y0) / total);
  for (size_t k = 0; k < kp.size(); ++k) out.keypoints_px[k] = kp[k] / total;
  return out;
}

}  // namespace

std::vector<Detection> non_max_suppression(std::vector<Detection> candidates, float iou_threshold, int max_out,
                                           bool weighted) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> kept;
  std::vector<bool> used(candidates.size(), false);
  std::vector<const Detection*> cluster;
  for (size_t i = 0; i < candidates.size() && static_cast<int>(kept.size()) < max_out; ++i) {
    if (used[i]) continue;
    cluster.assign(1, &candidates[i]);
    used[i] = true;
    for (size_t j = i + 1; j < candidates.size(); ++j) {
      if (used[j] || intersection_over_union(candidates[i].box_px, candidates[j].box_px) <= iou_threshold) continue;
      used[j] = true;
      cluster.push_back(&candidates[j]);
    }
    kept.push_back(weighted ? blend(cluster) : candidates[i]);
  }
  return kept;
}

}  // namespace psyface::faces
