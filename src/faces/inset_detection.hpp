// Picture-in-picture detection: one person large, the other in a small inset in a corner (video-call
// recordings). Found from the tracked face boxes, not the pixels: a corner that holds a small face in most
// sampled frames, at a stable place, whose faces never leave the corner and which no other face enters,
// while a larger face is seen elsewhere. The method is in docs/roles.md (rule I1).
#pragma once
#include <opencv2/core/types.hpp>

#include <utility>
#include <vector>

#include "faces/roles.hpp"

namespace psyface::faces {

struct InsetDetectorOptions {
  double sample_every_sec = 0.25;     // the detector keeps the faces of frames at most this often
  double corner_zone_norm = 0.45;     // an inset face's box lies within this share of the width and of the
                                      //   height from one corner
  double max_face_width_norm = 0.25;  // and is at most this wide (share of the frame width)
  double min_presence = 0.50;         // the corner holds such a face in at least this share of sampled frames
  double max_center_sd_norm = 0.06;   // the inset faces' centres vary (SD, share of width / height) at most this
  double max_crossing_share = 0.02;   // rows of the inset faces' tracks outside the corner zone, as a share
                                      //   of their rows: at most this (an inset face never leaves the inset)
  double max_intrusion_share = 0.02;  // sampled frames in which another face's centre lies in the inset region:
                                      //   at most this share (the other face never enters the inset)
  double min_main_width_ratio = 1.5;  // a main face is at least this many times as wide as the inset faces
  double min_main_presence = 0.10;    //   (median) and is seen in at least this share of sampled frames
  int min_frames = 8;                 // fewer sampled frames: no decision
};

struct InsetFace {
  int track_id = -1;
  cv::Rect2f box_norm;  // box / frame size: x, width as shares of the width; y, height of the height
};

struct InsetSample {  // one sampled frame: every face in it (none is a sample too)
  double t_sec = 0;
  std::vector<InsetFace> faces;
};

// requires: samples of one video in time order; options in range (see InsetDetector).
// ensures: found when one corner passes every test above (the corner with the most inset frames when
//          several do); otherwise candidate with the best corner's region when any corner held a small
//          face, for --layout pip. evidence says what was measured, or which test failed.
InsetRegion detect_inset(const std::vector<InsetSample>& samples, const InsetDetectorOptions& options = {});

// Collects the face boxes of a video's analysed frames (sampled every sample_every_sec) for detect_inset.
// Memory: about 20 bytes per face and sampled frame (0.3 MB per hour of two faces at the default rate).
class InsetDetector {
 public:
  // throws: Error(Usage) for options out of range.
  explicit InsetDetector(const InsetDetectorOptions& options = {});

  // requires: frames in time order, frame size > 0. ensures: the frame's faces kept when it is sampled.
  void add_frame(double t_sec, const std::vector<std::pair<int, cv::Rect2f>>& track_boxes_px, double width_px,
                 double height_px);

  InsetRegion result() const { return detect_inset(samples_, options_); }

 private:
  InsetDetectorOptions options_;
  std::vector<InsetSample> samples_;
  double next_sample_sec_ = -1e300;
};

}  // namespace psyface::faces
