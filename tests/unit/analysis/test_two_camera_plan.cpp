// Two-camera plan: each camera's read window on its own clock and distinct output names (issue 15 item 1,
// issue 19 item 4).
#include <gtest/gtest.h>

#include "analysis/two_camera_plan.hpp"
#include "psyface/error.hpp"

using namespace psyface;
using namespace psyface::analysis;

TEST(TwoCameraPlan, SameFileNameGivesCameraBItsOwnFiles) {
  const auto plan = plan_two_cameras("pat/s1.mp4", "ther/s1.mp4", {}, 0);
  EXPECT_EQ(plan.a.stem, "s1");
  EXPECT_EQ(plan.b.stem, "s1.B");
  EXPECT_TRUE(plan.b_renamed);
  EXPECT_EQ(plan.dyad_stem, "s1+s1");
  // Case-insensitive file systems (macOS, Windows shares) would also collide.
  EXPECT_EQ(plan_two_cameras("a/S1.mp4", "b/s1.MOV", {}, 0).b.stem, "s1.B");
  const auto distinct = plan_two_cameras("a/pat.mp4", "b/ther.mp4", {}, 0);
  EXPECT_EQ(distinct.b.stem, "ther");
  EXPECT_FALSE(distinct.b_renamed);
  EXPECT_EQ(distinct.dyad_stem, "pat+ther");
}

TEST(TwoCameraPlan, WindowIsMovedOntoCameraBsClock) {
  video::ReadOptions read;
  read.start_sec = 6;
  read.end_sec = 10;
  read.sample_fps = 5;
  const auto plan = plan_two_cameras("a.mp4", "b.mp4", read, 4);  // B started 4 s after A
  EXPECT_DOUBLE_EQ(plan.a.read.start_sec, 6);
  EXPECT_DOUBLE_EQ(plan.a.read.end_sec, 10);
  EXPECT_DOUBLE_EQ(plan.b.read.start_sec, 2);  // B's 2..6 s = A's 6..10 s
  EXPECT_DOUBLE_EQ(plan.b.read.end_sec, 6);
  EXPECT_DOUBLE_EQ(plan.b.read.sample_fps, 5);
  const auto earlier = plan_two_cameras("a.mp4", "b.mp4", read, -2.5);  // B started 2.5 s before A
  EXPECT_DOUBLE_EQ(earlier.b.read.start_sec, 8.5);
  EXPECT_DOUBLE_EQ(earlier.b.read.end_sec, 12.5);
  read.start_sec = 1;
  read.end_sec = -1;  // to the end stays open; a start before B's first frame is B's 0
  const auto open = plan_two_cameras("a.mp4", "b.mp4", read, 4);
  EXPECT_DOUBLE_EQ(open.b.read.start_sec, 0);
  EXPECT_DOUBLE_EQ(open.b.read.end_sec, -1);
}

TEST(TwoCameraPlan, WindowEndingBeforeCameraBStartsIsRefused) {
  video::ReadOptions read;
  read.end_sec = 3;
  try {
    plan_two_cameras("a.mp4", "b.mp4", read, 4);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Usage);
    EXPECT_NE(std::string(e.what()).find("--offset-sec 4"), std::string::npos) << e.what();
  }
}
