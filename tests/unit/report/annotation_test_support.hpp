// Helpers for the annotated-video tests: does a picture show a box outline of a colour at a place.
#pragma once
#include <cmath>
#include <cstdlib>

#include <opencv2/core.hpp>

namespace psyface::report::test {

// Share of the pixels on the centre line of the outline cv::rectangle draws for `box` (rounded as the
// overlay rounds it) that lie within `tolerance` of `colour` in every channel. Pixels outside the
// picture are not counted; 0 when none is inside.
inline double outline_share(const cv::Mat& bgr, const cv::Rect2f& box, const cv::Scalar& colour, int tolerance = 70) {
  const int x0 = int(std::lround(box.x)), y0 = int(std::lround(box.y));
  const int x1 = x0 + int(std::lround(box.width)) - 1, y1 = y0 + int(std::lround(box.height)) - 1;
  int hits = 0, probes = 0;
  auto probe = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= bgr.cols || y >= bgr.rows) return;
    ++probes;
    const auto p = bgr.at<cv::Vec3b>(y, x);
    bool near = true;
    for (int c = 0; c < 3; ++c) near = near && std::abs(p[c] - colour[c]) <= tolerance;
    hits += near;
  };
  for (int x = x0; x <= x1; x += 2) {
    probe(x, y0);
    probe(x, y1);
  }
  for (int y = y0; y <= y1; y += 2) {
    probe(x0, y);
    probe(x1, y);
  }
  return probes ? double(hits) / probes : 0;
}

// The box shrunk by `inset_px` on every side (a place where no outline is drawn).
inline cv::Rect2f shrunk(const cv::Rect2f& box, float inset_px) {
  return {box.x + inset_px, box.y + inset_px, box.width - 2 * inset_px, box.height - 2 * inset_px};
}

}  // namespace psyface::report::test
