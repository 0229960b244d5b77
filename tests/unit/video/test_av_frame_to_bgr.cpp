#include "video/av_frame_to_bgr.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace psyface::video::detail {
namespace {

// A width × height picture of one colour in the given YUV 4:2:0 format and colour description.
// align 1: rows without padding (linesize = width), as some demuxers' raw frames have them.
FramePtr solid_yuv420(int width, int height, AVPixelFormat format, uint8_t y, uint8_t u, uint8_t v,
                      AVColorSpace colorspace, AVColorRange range, int align = 0) {
  FramePtr frame(av_frame_alloc());
  frame->width = width;
  frame->height = height;
  frame->format = format;
  frame->colorspace = colorspace;
  frame->color_range = range;
  EXPECT_EQ(av_frame_get_buffer(frame.get(), align), 0);
  const uint8_t values[3] = {y, u, v};
  for (int plane = 0; plane < 3; ++plane) {
    const int rows = plane == 0 ? height : (height + 1) / 2;
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

// FFmpeg 5.1's x86 fast YUV→RGB path converts rows in blocks of 16 pixels: at other widths it left up to 7
// columns of stale heap memory (a 596-px video gave run-to-run differences) or wrote up to 45 bytes past
// the image. Every column must come out right, with padded decoder rows and with unpadded ones.
TEST(AvFrameToBgr, EveryColumnIsRightAtWidthsThatAreNotMultiplesOfSixteen) {
  for (int align : {0, 1})
    for (int width : {596, 100, 102, 30, 18, 12, 8, 16, 24, 600, 1281, 1278, 1280}) {
      SCOPED_TRACE("width " + std::to_string(width) + ", align " + std::to_string(align));
      AvFrameToBgr to_bgr;
      {  // a white picture first: its freed pixels are what a column left unwritten would show next
        const auto white = solid_yuv420(width, 16, AV_PIX_FMT_YUV420P, 235, 128, 128, AVCOL_SPC_BT470BG, AVCOL_RANGE_MPEG, align);
        to_bgr.convert(*white);
      }
      const auto frame =
          solid_yuv420(width, 16, AV_PIX_FMT_YUV420P, 81, 90, 240, AVCOL_SPC_BT470BG, AVCOL_RANGE_MPEG, align);
      const cv::Mat bgr = to_bgr.convert(*frame);
      ASSERT_EQ(bgr.size(), cv::Size(width, 16));  // an even height: the fast path's case
      ASSERT_TRUE(bgr.isContinuous());
      expect_all_pixels_near(bgr, {0, 0, 255}, 3);
    }
}

// The widened conversion gives the same pixels as swscale's exact path, column for column, on a picture
// with detail up to its right edge.
TEST(AvFrameToBgr, WidenedRowsMatchUnpaddedRowsOnAGradient) {
  const int width = 596, height = 8;
  FramePtr padded(av_frame_alloc()), tight(av_frame_alloc());
  for (auto* f : {padded.get(), tight.get()}) {
    f->width = width;
    f->height = height;
    f->format = AV_PIX_FMT_YUV420P;
    f->colorspace = AVCOL_SPC_BT470BG;
    f->color_range = AVCOL_RANGE_MPEG;
    ASSERT_EQ(av_frame_get_buffer(f, f == tight.get() ? 1 : 0), 0);
    for (int r = 0; r < height; ++r)
      for (int c = 0; c < width; ++c) f->data[0][r * f->linesize[0] + c] = static_cast<uint8_t>(16 + (c * 7 + r) % 220);
    for (int p = 1; p < 3; ++p)
      for (int r = 0; r < height / 2; ++r)
        for (int c = 0; c < width / 2; ++c) f->data[p][r * f->linesize[p] + c] = static_cast<uint8_t>(64 + (c + 40 * p) % 128);
  }
  ASSERT_GT(padded->linesize[0], width);
  ASSERT_EQ(tight->linesize[0], width);
  AvFrameToBgr a, b;
  const cv::Mat wide = a.convert(*padded), exact = b.convert(*tight);
  ASSERT_EQ(wide.size(), exact.size());
  cv::Mat diff;
  cv::absdiff(wide, exact, diff);
  double worst = 0;
  cv::minMaxLoc(diff.reshape(1), nullptr, &worst);
  EXPECT_LE(worst, 2.0);  // the exact path rounds differently by at most a step or two
  double right_edge = 0;
  cv::minMaxLoc(diff.colRange(width - 8, width).reshape(1), nullptr, &right_edge);
  EXPECT_LE(right_edge, 2.0);
}

}  // namespace
}  // namespace psyface::video::detail
