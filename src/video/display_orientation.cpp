#include "video/display_orientation.hpp"

#include <opencv2/core.hpp>

#include <array>
#include <charconv>
#include <cmath>

namespace psyface::video {
namespace {

// The linear part of an orientation as a 2x2 integer matrix acting on (p, q) in image coordinates (y down):
// (x', y') = (m[0] p + m[1] q, m[2] p + m[3] q).
using Linear = std::array<int, 4>;

Linear linear_of(const Orientation& o) {
  Linear m = {1, 0, 0, 1};
  if (o.hflip) m = {-1, 0, 0, 1};
  for (int k = 0; k < o.rotation_cw_deg / 90; ++k)  // clockwise quarter turn: (x, y) -> (-y, x)
    m = {-m[2], -m[3], m[0], m[1]};
  return m;
}

}  // namespace

int normalise_degrees(int degrees) { return ((degrees % 360) + 360) % 360; }

Orientation orientation_from_display_matrix(const int32_t matrix[9]) {
  // FFmpeg (libavutil/display.h): x' = a p + c q, y' = b p + d q with a, b, c, d = matrix[0], [1], [3], [4].
  const double a = matrix[0], b = matrix[1], c = matrix[3], d = matrix[4];
  Orientation best;
  double best_score = 0;
  for (bool flip : {false, true})
    for (int r = 0; r < 360; r += 90) {
      const Orientation o{r, flip};
      const Linear m = linear_of(o);
      const double score = m[0] * a + m[1] * c + m[2] * b + m[3] * d;
      if (score > best_score) best_score = score, best = o;
    }
  return best;
}

Orientation orientation_from_rotate_tag(const std::string& tag) {
  double deg = 0;
  const auto r = std::from_chars(tag.data(), tag.data() + tag.size(), deg);
  if (r.ec != std::errc() || !std::isfinite(deg)) return {};
  return {normalise_degrees(static_cast<int>(std::lround(deg / 90.0)) * 90), false};
}

cv::Mat apply_orientation(const cv::Mat& stored, const Orientation& o) {
  if (o == Orientation{}) return stored;
  cv::Mat flipped;  // a new buffer: flipping into a header of `stored` would mirror the caller's picture
  if (o.hflip) cv::flip(stored, flipped, 1);
  else flipped = stored;
  cv::Mat out;
  switch (o.rotation_cw_deg) {
    case 90: cv::rotate(flipped, out, cv::ROTATE_90_CLOCKWISE); break;
    case 180: cv::rotate(flipped, out, cv::ROTATE_180); break;
    case 270: cv::rotate(flipped, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = o.hflip ? flipped : stored.clone(); break;
  }
  return out;
}

cv::Point2f map_stored_to_displayed(const cv::Point2f& p, const cv::Size& stored_size, const Orientation& o) {
  const Linear m = linear_of(o);
  // Map the centre-relative point, then shift into the displayed picture's frame.
  const float cx = stored_size.width / 2.0f, cy = stored_size.height / 2.0f;
  const float u = p.x - cx, v = p.y - cy;
  const bool swap = o.rotation_cw_deg == 90 || o.rotation_cw_deg == 270;
  const float dcx = (swap ? stored_size.height : stored_size.width) / 2.0f;
  const float dcy = (swap ? stored_size.width : stored_size.height) / 2.0f;
  return {m[0] * u + m[1] * v + dcx, m[2] * u + m[3] * v + dcy};
}

}  // namespace psyface::video
