#include "video/av_frame_to_bgr.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace psyface::video::detail {
namespace {

// A width × height picture of one colour in the given YUV 4:2:0 format and colour description.
FramePtr solid_yuv420(int width, int height, AVPixelFormat format, uint8_t y, uint8_t u, uint8_t v,
                      AVColorSpace colorspace, AVColorRange range) {
  FramePtr frame(av_frame_alloc());
  frame->width = width;
  frame->height = height;
  frame->format = format;
  frame->colorspace = colorspace;
  frame->color_range = range;
  EXPECT_EQ(av_frame_get_buffer(frame.get(), 0), 0);
  const uint8_t values[3] = {y, u, v};
  for (int plane = 0; plane < 3; ++plane) {
    const int rows = plane == 0 ? height : height / 2;
    for (int r = 0; r < rows; ++r)
      std::memset(frame->data[plane] + r * frame->linesize[plane], values[plane], frame->linesize[plane]);
  }
  return frame;
}

void expect_all_pixels_near(const cv::Mat& bgr, cv::Vec3b expected, int tolerance) {
  ASSERT_EQ(bgr.type(), CV_8UC3);
  for (int r = 0; r < bgr.rows; ++r)
    for (int c = 0; c < bgr.cols; ++c) {
      const cv::Vec3b px = bgr.at<cv::Vec3b>(r, c);
      for (int ch = 0; ch < 3; ++ch)
        ASSERT_NEAR(px[ch], expected[ch], tolerance)
            << "first mismatch at (" << r << "," << c << ") channel " << ch << ": " << px;
    }
}

TEST(AvFrameToBgr, Bt601LimitedRangeRedComesOutRedInBgrOrder) {
  AvFrameToBgr to_bgr;
  const auto frame = solid_yuv420(32, 16, AV_PIX_FMT_YUV420P, 81, 90, 240, AVCOL_SPC_BT470BG, AVCOL_RANGE_MPEG);
  const cv::Mat bgr = to_bgr.convert(*frame);
  ASSERT_EQ(bgr.size(), cv::Size(32, 16));
  expect_all_pixels_near(bgr, {0, 0, 255}, 3);
}

TEST(AvFrameToBgr, Bt709MatrixIsHonoured) {
  AvFrameToBgr to_bgr;  // BT.709 limited-range pure green: Y 173, Cb 42, Cr 26
  const auto frame = solid_yuv420(16, 16, AV_PIX_FMT_YUV420P, 173, 42, 26, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG);
  expect_all_pixels_near(to_bgr.convert(*frame), {0, 255, 0}, 4);
}

TEST(AvFrameToBgr, FullRangeInputIsNotStretched) {
  AvFrameToBgr to_bgr;  // full-range mid grey stays 128, limited range would stretch it to ~130
  const auto frame = solid_yuv420(16, 16, AV_PIX_FMT_YUV420P, 128, 128, 128, AVCOL_SPC_BT470BG, AVCOL_RANGE_JPEG);
  expect_all_pixels_near(to_bgr.convert(*frame), {128, 128, 128}, 1);
}

TEST(AvFrameToBgr, SizeChangeMidStreamAndFreshBuffers) {
  AvFrameToBgr to_bgr;
  const auto small = solid_yuv420(16, 8, AV_PIX_FMT_YUV420P, 16, 128, 128, AVCOL_SPC_BT470BG, AVCOL_RANGE_MPEG);
  const auto large = solid_yuv420(64, 32, AV_PIX_FMT_YUV420P, 235, 128, 128, AVCOL_SPC_BT470BG, AVCOL_RANGE_MPEG);
  const cv::Mat a = to_bgr.convert(*small);
  const cv::Mat b = to_bgr.convert(*large);
  const cv::Mat c = to_bgr.convert(*small);
  EXPECT_EQ(b.size(), cv::Size(64, 32));
  expect_all_pixels_near(a, {0, 0, 0}, 1);
  expect_all_pixels_near(b, {255, 255, 255}, 1);
  EXPECT_NE(a.data, c.data);  // a kept Mat is never overwritten by a later frame
}

}  // namespace
}  // namespace psyface::video::detail
