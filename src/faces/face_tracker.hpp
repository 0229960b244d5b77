// FaceTracker: detection every K frames (and whenever a track is lost or none exists), face-mesh
// landmarks on every frame in between (the next frame's region comes from this frame's landmarks),
// stable track ids through the session (a face found again near where a track was lost within
// max_lost_sec gets its id back, flagged as re-acquired).
#pragma once
#include <filesystem>
#include <vector>

#include "faces/face_detector.hpp"
#include "faces/face_mesh.hpp"

namespace psyface::faces {

struct TrackerOptions {
  DetectorOptions detector;
  FaceMeshOptions mesh;
  int detect_every_frames = 15;  // K: run the detector at least every K analysed frames
  float match_iou = 0.3f;        // a detection overlapping a track's box by more belongs to that track
  float duplicate_iou = 0.5f;    // two tracks overlapping more are one face: the younger is dropped
  double max_lost_sec = 3.0;     // a lost track can get its id back within this time
  // Weight of this frame's landmarks in the next frame's mesh region (follow_region); 1 = MediaPipe's
  // rule. 0.5 keeps the mesh ↔ region loop stable (docs/faces-geometry.md, "Next region").
  float region_follow = 0.5f;
};

// The region moved from `previous` towards `measured` by `weight` (0 < weight ≤ 1) in centre, side and
// angle (the angle the shorter way round, result in [−π, π]).
FaceRoi follow_region(const FaceRoi& previous, const FaceRoi& measured, float weight);

struct TrackedFace {
  int track_id = -1;
  FaceLandmarks landmarks;
  cv::Rect2f box_px;             // landmark bounding box
  float detection_score = 0;     // score of the last matching detection
  bool reacquired = false;       // found again this frame after being lost
};

struct TrackerStats {
  int64_t frames = 0, detector_runs = 0, mesh_runs = 0, tracks_started = 0, reacquisitions = 0;
  int64_t cut_resets = 0;             // end_all_tracks() calls (shot cuts) that ended at least one track
  double detect_ms = 0, mesh_ms = 0;  // total time spent in each
};

class FaceTracker {
 public:
  // throws Error(Model) when a model is missing or corrupt, Error(Usage) for bad options.
  FaceTracker(const std::filesystem::path& models_dir, const TrackerOptions& options);

  // requires: frames in time order; bgr CV_8UC3. ensures: the faces in this frame, sorted by track_id.
  std::vector<TrackedFace> update(const cv::Mat& bgr, double t_sec);

  // A shot cut: every track ends now. No track is continued or re-acquired across the cut, so the next
  // update() runs the detector and gives every face a new track id.
  void end_all_tracks();

  const TrackerStats& stats() const { return stats_; }
  const FaceDetector& detector() const { return detector_; }
  const std::string& mesh_checksum() const { return mesh_.model_checksum(); }

 private:
  struct Track {
    int id;
    FaceRoi roi;
    FaceLandmarks landmarks;
    cv::Rect2f box_px;
    float detection_score;
    double last_seen_sec;
  };
  void follow_tracks(const cv::Mat& bgr, double t_sec);
  void add_detections(const cv::Mat& bgr, double t_sec, std::vector<int>& reacquired);
  int reuse_or_new_id(const cv::Rect2f& box, double t_sec, bool& reacquired);
  void drop_duplicates();

  TrackerOptions options_;
  FaceDetector detector_;
  FaceMesh mesh_;
  std::vector<Track> active_, lost_;
  int next_id_ = 0;
  int frames_since_detect_ = 0;
  bool lost_this_frame_ = false;
  TrackerStats stats_;
};

// Axis-aligned bounding box of the landmarks (x, y).
cv::Rect2f landmark_box(const FaceLandmarks& lm);
float box_iou(const cv::Rect2f& a, const cv::Rect2f& b);

}  // namespace psyface::faces
