// SSD anchor centres against hand-computed values for both MediaPipe face detector layouts.
#include <gtest/gtest.h>

#include "faces/anchors.hpp"
#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

TEST(Anchors, BlazefaceBackHas896InTwoLevels) {
  const auto a = ssd_anchor_centres_px(256, blazeface_back_levels());
  ASSERT_EQ(a.size(), 896u);
  // level 1: 16×16 cells of 16 px, 2 anchors each
  EXPECT_EQ(a[0], cv::Point2f(8, 8));
  EXPECT_EQ(a[1], cv::Point2f(8, 8));
  EXPECT_EQ(a[2], cv::Point2f(24, 8));
  EXPECT_EQ(a[32], cv::Point2f(8, 24));  // second row starts after 16 cells · 2
  EXPECT_EQ(a[511], cv::Point2f(248, 248));
  // level 2: 8×8 cells of 32 px, 6 anchors each
  EXPECT_EQ(a[512], cv::Point2f(16, 16));
  EXPECT_EQ(a[517], cv::Point2f(16, 16));
  EXPECT_EQ(a[518], cv::Point2f(48, 16));
  EXPECT_EQ(a[895], cv::Point2f(240, 240));
}

TEST(Anchors, FullRangeHas2304OnA48Grid) {
  const auto a = ssd_anchor_centres_px(192, full_range_levels());
  ASSERT_EQ(a.size(), 2304u);
  EXPECT_EQ(a[0], cv::Point2f(2, 2));
  EXPECT_EQ(a[1], cv::Point2f(6, 2));
  EXPECT_EQ(a[48], cv::Point2f(2, 6));
  EXPECT_EQ(a[2303], cv::Point2f(190, 190));
}

TEST(Anchors, GridRoundsUpWhenStrideDoesNotDivide) {
  const auto a = ssd_anchor_centres_px(10, {{4, 1}});
  ASSERT_EQ(a.size(), 9u);  // ceil(10 / 4) = 3 per side
  EXPECT_EQ(a[8], cv::Point2f(10, 10));
}

TEST(Anchors, RejectsNonPositiveSizes) {
  EXPECT_THROW(ssd_anchor_centres_px(0, {{4, 1}}), Error);
  EXPECT_THROW(ssd_anchor_centres_px(16, {{0, 1}}), Error);
  EXPECT_THROW(ssd_anchor_centres_px(16, {{4, 0}}), Error);
}

}  // namespace
}  // namespace psyface::faces
