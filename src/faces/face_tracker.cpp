#include "faces/face_tracker.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "psyface/error.hpp"

namespace psyface::faces {
namespace {
double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

FaceRoi follow_region(const FaceRoi& previous, const FaceRoi& measured, float weight) {
  FaceRoi r;
  r.center_px = previous.center_px + weight * (measured.center_px - previous.center_px);
  r.size_px = previous.size_px + weight * (measured.size_px - previous.size_px);
  // The shorter way round: −179° and +179° are 2° apart.
  const float turn = std::remainder(measured.angle_rad - previous.angle_rad, 2.0f * static_cast<float>(CV_PI));
  r.angle_rad = std::remainder(previous.angle_rad + weight * turn, 2.0f * static_cast<float>(CV_PI));
  return r;
}

cv::Rect2f landmark_box(const FaceLandmarks& lm) {
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
  for (const auto& p : lm.points_px) {
    x0 = std::min(x0, p.x);
    y0 = std::min(y0, p.y);
    x1 = std::max(x1, p.x);
    y1 = std::max(y1, p.y);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

float box_iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

FaceTracker::FaceTracker(const std::filesystem::path& models_dir, const TrackerOptions& options)
    : options_(options), detector_(models_dir, options.detector), mesh_(models_dir, options.mesh) {
  if (options_.detect_every_frames < 1) throw Error(ErrorCode::Usage, "--detect-every must be at least 1");
  if (!(options_.region_follow > 0.0f && options_.region_follow <= 1.0f))
    throw Error(ErrorCode::Usage, "tracker region_follow must be in (0, 1], got " + std::to_string(options_.region_follow));
}

void FaceTracker::follow_tracks(const cv::Mat& bgr, double t_sec) {
  std::vector<Track> still;
  for (auto& tr : active_) {
    ++stats_.mesh_runs;
    const auto t0 = std::chrono::steady_clock::now();
    auto lm = mesh_.fit(bgr, tr.roi);
    stats_.mesh_ms += ms_since(t0);
    if (lm) {
      tr.landmarks = *lm;
      tr.roi = follow_region(tr.roi, roi_from_landmarks(*lm), options_.region_follow);
      tr.box_px = landmark_box(*lm);
      tr.last_seen_sec = t_sec;
      still.push_back(tr);
    } else {
      lost_this_frame_ = true;
      lost_.push_back(tr);
    }
  }
  active_ = std::move(still);
}

int FaceTracker::reuse_or_new_id(const cv::Rect2f& box, double t_sec, bool& reacquired) {
  lost_.erase(std::remove_if(lost_.begin(), lost_.end(),
                             [&](const Track& t) { return t_sec - t.last_seen_sec > options_.max_lost_sec; }),
              lost_.end());
  const cv::Point2f c(box.x + box.width / 2, box.y + box.height / 2);
  int best = -1;
  float best_dist = 1e9f;
  for (size_t k = 0; k < lost_.size(); ++k) {
    const auto& b = lost_[k].box_px;
    const cv::Point2f lc(b.x + b.width / 2, b.y + b.height / 2);
    const float dist = static_cast<float>(cv::norm(c - lc));
    const float size_ratio = box.width / std::max(b.width, 1.0f);
    if (dist < std::max(b.width, box.width) && size_ratio > 0.5f && size_ratio < 2.0f && dist < best_dist) {
      best = static_cast<int>(k);
      best_dist = dist;
    }
  }
  if (best >= 0) {
    const int id = lost_[best].id;
    lost_.erase(lost_.begin() + best);
    reacquired = true;
    ++stats_.reacquisitions;
    return id;
  }
  reacquired = false;
  ++stats_.tracks_started;
  return next_id_++;
}

void FaceTracker::add_detections(const cv::Mat& bgr, double t_sec, std::vector<int>& reacquired) {
  ++stats_.detector_runs;
  const auto t_detect = std::chrono::steady_clock::now();
  const auto detections = detector_.detect(bgr);
  stats_.detect_ms += ms_since(t_detect);
  for (const auto& d : detections) {
    bool matched = false;
    for (auto& tr : active_)
      if (box_iou(d.box_px, tr.box_px) > options_.match_iou) {
        tr.detection_score = d.score;
        matched = true;
      }
    if (matched || static_cast<int>(active_.size()) >= options_.detector.max_faces) continue;
    const FaceRoi roi = roi_from_box(d.box_px, d.keypoint(FaceKeypoint::RightEye), d.keypoint(FaceKeypoint::LeftEye));
    ++stats_.mesh_runs;
    const auto t_mesh = std::chrono::steady_clock::now();
    auto lm = mesh_.fit(bgr, roi);
    stats_.mesh_ms += ms_since(t_mesh);
    if (!lm) continue;
    const cv::Rect2f box = landmark_box(*lm);
    bool dup = false;
    for (const auto& tr : active_) dup = dup || box_iou(box, tr.box_px) > options_.duplicate_iou;
    if (dup) continue;
    bool re = false;
    const int id = reuse_or_new_id(box, t_sec, re);
    if (re) reacquired.push_back(id);
    active_.push_back({id, roi_from_landmarks(*lm), *lm, box, d.score, t_sec});
  }
}

void FaceTracker::drop_duplicates() {
  std::sort(active_.begin(), active_.end(), [](const Track& a, const Track& b) { return a.id < b.id; });
  std::vector<Track> kept;
  for (const auto& tr : active_) {
    bool dup = false;
    for (const auto& k : kept) dup = dup || box_iou(tr.box_px, k.box_px) > options_.duplicate_iou;
    if (!dup) kept.push_back(tr);
  }
  active_ = std::move(kept);
}

void FaceTracker::end_all_tracks() {
  if (!active_.empty() || !lost_.empty()) ++stats_.cut_resets;
  active_.clear();
  lost_.clear();
  frames_since_detect_ = 0;
}

std::vector<TrackedFace> FaceTracker::update(const cv::Mat& bgr, double t_sec) {
  ++stats_.frames;
  lost_this_frame_ = false;
  follow_tracks(bgr, t_sec);
  std::vector<int> reacquired;
  if (active_.empty() || lost_this_frame_ || ++frames_since_detect_ >= options_.detect_every_frames) {
    frames_since_detect_ = 0;
    add_detections(bgr, t_sec, reacquired);
  }
  drop_duplicates();
  std::vector<TrackedFace> out;
  for (const auto& tr : active_) {
    const bool re = std::find(reacquired.begin(), reacquired.end(), tr.id) != reacquired.end();
    out.push_back({tr.id, tr.landmarks, tr.box_px, tr.detection_score, re});
  }
  return out;
}

}  // namespace psyface::faces
