#include "video/presentation_order.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace psyface::video {
namespace {

// I0 P3 B1 B2 P6 B4 B5 ... in decode order (pts in frames, dts one frame apart starting at -1).
std::vector<int64_t> bframe_decode_order(int n) {
  std::vector<int64_t> pts = {0};
  for (int ref = 3; ref < n; ref += 3) {
    pts.push_back(ref);
    pts.push_back(ref - 2);
    pts.push_back(ref - 1);
  }
  return pts;
}

TEST(PresentationOrder, CountsFramesPresentedBeforeOnceTheyAreRead) {
  const std::vector<int64_t> pts = bframe_decode_order(30);
  PresentationOrder order;
  for (size_t i = 0; i < pts.size(); ++i) {
    order.add(pts[i], static_cast<int64_t>(i) - 1);
    // every frame up to dts i-1 is complete: its index is its pts (frames 0, 1, 2, ... all present)
    for (int64_t p = 0; p <= static_cast<int64_t>(i) - 1; ++p) {
      ASSERT_TRUE(order.complete_through(p));
      ASSERT_EQ(order.count_before(p), p) << "after packet " << i;
    }
  }
  EXPECT_FALSE(order.complete_through(29));  // no dts at or after 29 yet, few packets after it
  EXPECT_EQ(order.previous(3), 2);
  EXPECT_EQ(order.previous(0), std::nullopt);
}

TEST(PresentationOrder, WithoutDtsWaitsForMoreThanTheLargestReorder) {
  PresentationOrder order;
  order.add(5, std::nullopt);
  EXPECT_FALSE(order.complete_through(5));
  for (int64_t p = 6; p < 6 + PresentationOrder::kMaxReorderFrames; ++p) order.add(p, std::nullopt);
  EXPECT_TRUE(order.complete_through(5));  // 17 packets at or after 5
  EXPECT_FALSE(order.complete_through(6));
}

TEST(PresentationOrder, KeepsCountingBeyondWhatItKeeps) {
  PresentationOrder order;
  for (int64_t p = 0; p < 1000; ++p) order.add(p * 10, p * 10);
  EXPECT_EQ(order.count_before(9990), 999);
  EXPECT_EQ(order.previous(9990), 9980);
  order.reset();
  EXPECT_EQ(order.count_before(9990), 0);
}

}  // namespace
}  // namespace psyface::video
