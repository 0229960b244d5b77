// SSD anchor centres for the MediaPipe face detectors, as MediaPipe's SsdAnchorsCalculator makes them
// with fixed_anchor_size = true and anchor_offset 0.5 (the human library's generateAnchors does the same).
// With fixed-size anchors only the centres matter: the regressors give box sizes in input pixels.
#pragma once
#include <vector>

#include <opencv2/core/types.hpp>

namespace psyface::faces {

// One feature-map level. MediaPipe merges consecutive layers of equal stride into one level with more
// anchors per cell (blazeface-back: strides 16, 32, 32, 32 → levels {16, 2}, {32, 6}).
struct AnchorLevel {
  int stride_px = 0;
  int anchors_per_cell = 0;
};

// requires: input_size_px > 0, every stride_px > 0 and anchors_per_cell > 0.
// ensures: levels in the given order; within a level rows (y) outer, columns (x) inner, and each cell
//   centre repeated anchors_per_cell times; centre = stride · (index + 0.5) in model-input pixels;
//   grid = ceil(input_size_px / stride_px) per side.
std::vector<cv::Point2f> ssd_anchor_centres_px(int input_size_px, const std::vector<AnchorLevel>& levels);

// blazeface-back (256×256): {16 px, 2}, {32 px, 6} → 16·16·2 + 8·8·6 = 896 anchors.
std::vector<AnchorLevel> blazeface_back_levels();
// MediaPipe full-range detector (192×192): {4 px, 1} → 48·48 = 2304 anchors.
std::vector<AnchorLevel> full_range_levels();

}  // namespace psyface::faces
