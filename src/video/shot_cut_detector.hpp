// ShotCutDetector: finds hard cuts (a new camera or a stitched file) between consecutive delivered frames,
// cheaply enough for every frame: each frame is read on a sparse grid of points only, into a 64-bin colour
// histogram and a 16-column colour thumbnail; a cut is a histogram jump (new colours) or a thumbnail jump
// (same colours, new layout) that is both large in absolute terms and several times the recent
// frame-to-frame change, confirmed by a large thumbnail difference.
// Dissolves and fades are not cuts. Method and figures: docs/video.md, docs/benchmarks.md.
#pragma once
#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

namespace psyface::video {

struct ShotCutOptions {
  int grid_columns = 128;               // sample points across the width (rows keep the aspect ratio)
  double min_histogram_distance = 0.05; // half the L1 distance of consecutive 64-bin histograms, 0..1
  double adaptive_factor = 4.0;         // and at least this × the median distance of the recent frames
  int history_frames = 12;              // frames in that median (cut frames excluded)
  double min_thumbnail_difference = 0.08;  // mean |colour change| of the 16-column thumbnail, / 255
  double min_layout_difference = 0.16;  // with the same colours: a thumbnail change this large, and at least
                                        // adaptive_factor × the median of the recent frames, is a cut too
  double min_shot_sec = 0.25;           // a second cut closer than this to the last one is ignored
};

// The per-frame measurements (for tests, benches and tuning).
struct ShotCutScore {
  double histogram_distance = 0;  // 0 for the first frame
  double thumbnail_difference = 0;
  double recent_mean = 0;         // median histogram distance of the recent frames before this one
  double recent_thumbnail = 0;    // median thumbnail difference of the recent frames before this one
  bool cut = false;
};

class ShotCutDetector {
 public:
  // throws: Error(Usage) for options out of range.
  explicit ShotCutDetector(const ShotCutOptions& options = {});

  // requires: bgr CV_8UC3, frames in time order (consecutive delivered frames of one video).
  // ensures: whether a hard cut lies between the previous frame and this one (never for the first frame,
  //          nor when the frame size changed). About 0.1 ms for a 1280 x 720 frame.
  ShotCutScore update(const cv::Mat& bgr, double t_sec);

 private:
  struct Signature {
    std::array<float, 64> histogram{};  // sums to 1
    std::vector<float> thumbnail;       // B, G, R means per grid block
    cv::Size size;
  };
  Signature measure(const cv::Mat& bgr) const;

  ShotCutOptions options_;
  Signature previous_;
  bool has_previous_ = false;
  std::deque<double> recent_;  // histogram distances of the recent non-cut frames
  std::deque<double> recent_thumbnail_;  // their thumbnail differences
  double last_cut_sec_ = -1e300;
};

}  // namespace psyface::video
