// Display orientation: the display-matrix decomposition against FFmpeg's documented mapping (synthetic
// matrices), and decoded frames of copies tagged with a rotation (metadata only, pixels untouched) against
// what the ffmpeg CLI itself shows for the same files (its auto-rotation).
#include "video/display_orientation.hpp"

#include <gtest/gtest.h>

extern "C" {
#include <libavutil/display.h>
}

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "psyface/error.hpp"
#include "video/frame_sampler.hpp"
#include "video/probe.hpp"
#include "video/video_reader.hpp"
#include "video_test_support.hpp"

namespace psyface::video {
namespace {

using test::run_ffmpeg;
using test::TempDir;

// A 5 x 3 picture whose every pixel is different.
cv::Mat numbered_picture() {
  cv::Mat m(3, 5, CV_8UC3);
  for (int r = 0; r < m.rows; ++r)
    for (int c = 0; c < m.cols; ++c) m.at<cv::Vec3b>(r, c) = {uchar(10 * r + c), uchar(7 * c), uchar(100 + r)};
  return m;
}

// Checks that apply_orientation(o) moves every pixel where FFmpeg's matrix says: (p, q, 1) · M, the linear
// part taken about the picture centre.
void expect_pixels_follow_matrix(const int32_t m[9], const Orientation& o) {
  const cv::Mat stored = numbered_picture();
  const cv::Mat shown = apply_orientation(stored, o);
  EXPECT_EQ(cv::norm(stored, numbered_picture(), cv::NORM_INF), 0) << "the input must not change";
  const double a = m[0] / 65536.0, b = m[1] / 65536.0, c = m[3] / 65536.0, d = m[4] / 65536.0;
  for (int r = 0; r < stored.rows; ++r)
    for (int col = 0; col < stored.cols; ++col) {
      const double u = col + 0.5 - stored.cols / 2.0, v = r + 0.5 - stored.rows / 2.0;
      const double x = a * u + c * v + shown.cols / 2.0, y = b * u + d * v + shown.rows / 2.0;
      const int sx = static_cast<int>(std::floor(x)), sy = static_cast<int>(std::floor(y));
      ASSERT_TRUE(sx >= 0 && sy >= 0 && sx < shown.cols && sy < shown.rows) << "pixel " << col << "," << r;
      EXPECT_EQ(shown.at<cv::Vec3b>(sy, sx), stored.at<cv::Vec3b>(r, col)) << "pixel " << col << "," << r;
      const cv::Point2f mapped = map_stored_to_displayed({col + 0.5f, r + 0.5f}, stored.size(), o);
      EXPECT_NEAR(mapped.x, x, 1e-4);
      EXPECT_NEAR(mapped.y, y, 1e-4);
    }
}

TEST(DisplayOrientation, RotationMatricesTurnPixelsAsFfmpegDefinesThem) {
  // av_display_rotation_set(θ): "a pure clockwise rotation" by θ (libavutil/display.h).
  const std::pair<double, int> cases[] = {{0, 0}, {90, 90}, {180, 180}, {-90, 270}, {270, 270}, {-180, 180}};
  for (const auto& [angle, cw] : cases) {
    int32_t m[9];
    av_display_rotation_set(m, angle);
    const Orientation o = orientation_from_display_matrix(m);
    EXPECT_EQ(o.rotation_cw_deg, cw) << "angle " << angle;
    EXPECT_NEAR(normalise_degrees(static_cast<int>(std::lround(-av_display_rotation_get(m)))), cw, 0) << angle;
    EXPECT_FALSE(o.hflip);
    expect_pixels_follow_matrix(m, o);
  }
}

TEST(DisplayOrientation, MirroredMatricesAreFlippedThenTurned) {
  for (double angle : {0.0, 90.0, 180.0, 270.0})
    for (int hflip : {0, 1}) {
      int32_t m[9];
      av_display_rotation_set(m, angle);
      av_display_matrix_flip(m, hflip, 1 - hflip);  // one mirror: the determinant is negative
      const Orientation o = orientation_from_display_matrix(m);
      EXPECT_TRUE(o.hflip) << "angle " << angle << " hflip " << hflip;
      expect_pixels_follow_matrix(m, o);
    }
}

TEST(DisplayOrientation, RotateTagIsClockwiseDegrees) {
  EXPECT_EQ(orientation_from_rotate_tag("90"), (Orientation{90, false}));
  EXPECT_EQ(orientation_from_rotate_tag("-90"), (Orientation{270, false}));
  EXPECT_EQ(orientation_from_rotate_tag("180"), (Orientation{180, false}));
  EXPECT_EQ(orientation_from_rotate_tag("450"), (Orientation{90, false}));
  EXPECT_EQ(orientation_from_rotate_tag("abc"), (Orientation{0, false}));
  int32_t zero[9] = {};
  EXPECT_EQ(orientation_from_display_matrix(zero), (Orientation{0, false}));
}

TEST(DisplayOrientation, BadRotationOptionIsAUsageError) {
  ReadOptions o;
  o.rotation_deg = 45;
  try {
    validate_read_options(o);
    FAIL() << "45 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Usage);
  }
}

std::vector<uint8_t> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A tagged copy (rotate tag written by the muxer, -c copy) of a lossless RGB clip: the first frame from
// VideoReader equals, byte for byte, the first frame the ffmpeg CLI shows (it auto-rotates by default).
TEST(DisplayOrientation, TaggedCopiesDecodeAsFfmpegShowsThem) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  if (!test::have_ffmpeg_cli()) GTEST_SKIP() << "ffmpeg CLI not installed";
  TempDir dir;
  const auto src = dir / "lossless.mp4";
  ASSERT_TRUE(run_ffmpeg("-i " + test::shared_video("fer_woman2.mp4").string() +
                         " -t 0.5 -an -c:v libx264rgb -qp 0 -preset ultrafast " + src.string()));
  for (int tag : {90, 180, 270}) {
    const auto tagged = dir / ("rot" + std::to_string(tag) + ".mp4");
    ASSERT_TRUE(run_ffmpeg("-i " + src.string() + " -c copy -metadata:s:v:0 rotate=" + std::to_string(tag) + " " +
                           tagged.string()));
    const VideoInfo info = probe(tagged);
    EXPECT_EQ(info.orientation_source, "display matrix") << tag;
    EXPECT_EQ(info.stored_width_px, 596);
    EXPECT_EQ(info.width_px, tag == 180 ? 596 : 336) << tag;
    const auto raw = dir / ("rot" + std::to_string(tag) + ".bgr");
    ASSERT_TRUE(run_ffmpeg("-i " + tagged.string() + " -frames:v 1 -f rawvideo -pix_fmt bgr24 " + raw.string()));
    VideoReader reader(tagged);
    Frame frame;
    ASSERT_TRUE(reader.next(frame));
    EXPECT_EQ(frame.bgr.cols, info.width_px);
    EXPECT_EQ(frame.bgr.rows, info.height_px);
    const auto expected = read_bytes(raw);
    ASSERT_EQ(expected.size(), frame.bgr.total() * 3) << tag;
    EXPECT_EQ(0, std::memcmp(expected.data(), frame.bgr.data, expected.size())) << "rotate=" << tag;

    ReadOptions stored;  // --rotation 0: the stored picture, turned by nothing
    stored.rotation_deg = 0;
    VideoReader as_stored(tagged, stored);
    ASSERT_TRUE(as_stored.next(frame));
    EXPECT_EQ(frame.bgr.cols, 596);
    EXPECT_EQ(as_stored.info().orientation_source, "--rotation");
  }
}

}  // namespace
}  // namespace psyface::video
