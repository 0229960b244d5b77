// Split-screen detection: a stable vertical divider between two pictures side by side (a seam where the
// two pictures meet, or a uniform bar between them), found from a handful of frames sampled through the
// session. Cheap: each frame is downscaled to 320 px wide first. The method is in docs/roles.md.
#pragma once
#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "faces/roles.hpp"

namespace psyface::faces {

struct LayoutDetectorOptions {
  int analysis_width_px = 320;       // frames are downscaled (area averaging) to this width first
  double search_from_norm = 0.30;    // the divider is looked for between these fractions of the width
  double search_to_norm = 0.70;
  float min_step = 10;               // a row steps at a column when the colour jump there (largest channel
  float min_contrast = 3;            //   difference, 0..255) is >= min_step and >= min_contrast x the mean
  int neighbourhood_px = 16;         //   jump between neighbouring columns within this many columns
  float flat_spread = 6;             // a row with less colour spread than this near the column is not counted
  double min_active_rows = 0.30;     // a column (or frame) with fewer counted rows says nothing
  double min_row_share = 0.60;       // a frame shows a divider at a column when this share of counted rows step
  float bar_max_sd = 3;              // uniform bar: columns whose colour varies (SD down the column) at most this
  float bar_min_flank_sd = 12;       //   with more varied columns (SD at least this) on both sides
  double bar_max_width_norm = 0.03;  //   and no wider than this share of the width
  double min_frame_share = 0.50;     // the divider must show in more than this share of informative frames
  int min_frames = 3;                // fewer informative frames: no decision
};

// One frame's evidence: a score per column of the search band (analysis resolution).
struct FrameLayoutEvidence {
  bool informative = false;        // enough non-flat rows in the search band (not a black or blank frame)
  int width_px = 0;                // analysis width
  int first_column = 0;            // analysis column of score[0]
  std::vector<float> score;        // share of counted rows that step at the column, or 1 inside a uniform bar
};

// requires: bgr CV_8UC3 or CV_8UC1, at least 16 x 16 px.
// ensures: the evidence for one frame; score empty when the frame is too small.
FrameLayoutEvidence measure_frame_layout(const cv::Mat& bgr, const LayoutDetectorOptions& options = {});

// Collects frames sampled through one video (every few seconds) and decides whether a divider is there.
class LayoutDetector {
 public:
  // throws: Error(Usage) for options out of range.
  explicit LayoutDetector(const LayoutDetectorOptions& options = {});

  // requires: frames of one video, CV_8UC3 (or CV_8UC1). ensures: the frame's evidence is counted; the
  // frame is not kept. A few milliseconds per frame.
  void add_frame(const cv::Mat& bgr);

  // ensures: {Split, divider x / width, evidence} when one column showed a divider in more than
  //          min_frame_share of at least min_frames informative frames; otherwise {Auto, -1, evidence}
  //          (no divider is no evidence for a single layout: assign_roles then looks at the persons).
  LayoutInfo result() const;

  int frames_added() const { return frames_; }
  int frames_informative() const { return informative_; }

 private:
  LayoutDetectorOptions options_;
  std::vector<int> shows_;          // per analysis column: informative frames showing a divider there
  std::vector<double> score_sum_;   // per analysis column: sum of scores over informative frames
  int frames_ = 0, informative_ = 0;
};

}  // namespace psyface::faces
