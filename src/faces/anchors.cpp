#include "faces/anchors.hpp"

#include "psyface/error.hpp"

namespace psyface::faces {

std::vector<cv::Point2f> ssd_anchor_centres_px(int input_size_px, const std::vector<AnchorLevel>& levels) {
  if (input_size_px <= 0) throw Error(ErrorCode::Internal, "anchor input size must be positive");
  std::vector<cv::Point2f> centres;
  for (const auto& level : levels) {
    if (level.stride_px <= 0 || level.anchors_per_cell <= 0)
      throw Error(ErrorCode::Internal, "anchor stride and anchors per cell must be positive");
    const int grid = (input_size_px + level.stride_px - 1) / level.stride_px;
    for (int gy = 0; gy < grid; ++gy) {
      const float y = static_cast<float>(level.stride_px) * (static_cast<float>(gy) + 0.5f);
      for (int gx = 0; gx < grid; ++gx) {
        const float x = static_cast<float>(level.stride_px) * (static_cast<float>(gx) + 0.5f);
        for (int n = 0; n < level.anchors_per_cell; ++n) centres.emplace_back(x, y);
      }
    }
  }
  return centres;
}

std::vector<AnchorLevel> blazeface_back_levels() { return {{16, 2}, {32, 6}}; }

std::vector<AnchorLevel> full_range_levels() { return {{4, 1}}; }

}  // namespace psyface::faces
