// Display orientation: how a stored (coded) picture must be turned to be seen upright, from the stream's
// display matrix (AV_PKT_DATA_DISPLAYMATRIX: phones record portrait video as landscape pixels plus a
// matrix) or, without one, the legacy "rotate" tag. Only right angles and mirror images; see docs/video.md.
#pragma once
#include <opencv2/core.hpp>

#include <cstdint>
#include <string>

namespace psyface::video {

// What is done to a stored picture, in this order: mirror left-right (hflip), then rotate clockwise.
struct Orientation {
  int rotation_cw_deg = 0;  // 0, 90, 180 or 270
  bool hflip = false;
  bool operator==(const Orientation&) const = default;
};

// requires: matrix = the 3x3 display matrix as FFmpeg stores it (16.16 fixed point a, b, c, d; row-major;
//           (p, q, 1) · M maps a stored pixel (p, q) to its displayed place), any scale.
// ensures: the right-angle rotation and mirroring closest to the matrix's linear part (FFmpeg's meaning:
//          the same picture ffmpeg's auto-rotation shows); {0, false} for a matrix without a linear part.
Orientation orientation_from_display_matrix(const int32_t matrix[9]);

// requires: nothing. ensures: the orientation for a "rotate" tag in degrees clockwise (the legacy MP4/MOV
// tag), rounded to the nearest right angle; {0, false} for text that is not a number.
Orientation orientation_from_rotate_tag(const std::string& tag);

// requires: degrees is any integer. ensures: degrees modulo 360 in [0, 360).
int normalise_degrees(int degrees);

// requires: stored is any Mat. ensures: the picture as displayed: a new Mat (or stored itself for the
// identity); width and height swap for 90 and 270.
cv::Mat apply_orientation(const cv::Mat& stored, const Orientation& o);

// ensures: where a point (x, y) of the stored picture (size stored_size; in square pixels, i.e. after
// VideoReader's stretch of non-square ones) lands in the displayed picture (pixel-centre convention: a
// pixel at column c has x = c + 0.5).
cv::Point2f map_stored_to_displayed(const cv::Point2f& p, const cv::Size& stored_size, const Orientation& o);

}  // namespace psyface::video
