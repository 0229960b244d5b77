// AnnotationTimeline: which analysed frame each video frame shows; tables that do not fit are refused.
#include "report/annotation_timeline.hpp"

#include <gtest/gtest.h>

#include "psyface/error.hpp"

namespace psyface::report {
namespace {

constexpr double kPeriod = 1001.0 / 30000;  // 29.97 fps

// Analysed frames at the given video frame indexes, one face each (face_id = the index).
AnnotationTable table_at(const std::vector<int>& indexes) {
  AnnotationTable t;
  t.source = "t.frames.csv";
  for (int i : indexes) {
    AnnotatedFace f;
    f.face_id = i;
    t.frames.push_back({i, std::round(i * kPeriod * 1e4) / 1e4, {f}});  // 4 decimals, as in the table
  }
  return t;
}

TEST(AnnotationTimeline, EveryFrameTableShowsEachFrameItsOwnRow) {
  const auto table = table_at({0, 1, 2, 3});
  AnnotationTimeline timeline(table, kPeriod, "v.mp4");
  for (int i = 0; i < 4; ++i) {
    const auto shown = timeline.at(i * kPeriod);
    ASSERT_NE(shown.frame, nullptr);
    EXPECT_EQ(shown.frame->frame, i);
    EXPECT_FALSE(shown.held);
  }
  EXPECT_NO_THROW(timeline.finish());
}

TEST(AnnotationTimeline, SparseTableHoldsTheLatestEarlierFrameAndInventsNothing) {
  const auto table = table_at({6, 12, 18});  // --fps 5 from frame 6 on: 0.2 s apart
  AnnotationTimeline timeline(table, kPeriod, "v.mp4");
  EXPECT_NEAR(timeline.hold_sec(), 1.5 * 6 * kPeriod, 1e-3);
  std::vector<int> shown_frame;
  std::vector<bool> held;
  for (int i = 0; i < 40; ++i) {
    const auto s = timeline.at(i * kPeriod);
    shown_frame.push_back(s.frame ? int(s.frame->frame) : -1);
    held.push_back(s.held);
  }
  for (int i = 0; i < 6; ++i) EXPECT_EQ(shown_frame[i], -1) << "before the first analysed frame, frame " << i;
  for (int i = 6; i < 12; ++i) EXPECT_EQ(shown_frame[i], 6) << i;
  for (int i = 12; i < 18; ++i) EXPECT_EQ(shown_frame[i], 12) << i;
  EXPECT_FALSE(held[6]);
  EXPECT_TRUE(held[7]);
  // after the last analysed frame: held while younger than 1.5 intervals (9 frames), then nothing
  for (int i = 18; i < 27; ++i) EXPECT_EQ(shown_frame[i], 18) << i;
  for (int i = 27; i < 40; ++i) EXPECT_EQ(shown_frame[i], -1) << i;
}

TEST(AnnotationTimeline, RefusesATimeBetweenTwoFramesOfTheVideo) {
  auto table = table_at({0, 1, 2, 3});
  table.frames[2].t_sec += kPeriod / 2;  // a 2x frame rate, or another video
  AnnotationTimeline timeline(table, kPeriod, "v.mp4");
  timeline.at(0);
  timeline.at(kPeriod);
  timeline.at(2 * kPeriod);
  try {
    timeline.at(3 * kPeriod);
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("t.frames.csv: analysed frame 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("v.mp4"), std::string::npos) << e.what();
  }
}

TEST(AnnotationTimeline, RefusesTimesAfterTheLastFrame) {
  const auto table = table_at({0, 1, 2, 30});
  AnnotationTimeline timeline(table, kPeriod, "v.mp4");
  for (int i = 0; i < 10; ++i) timeline.at(i * kPeriod);  // the video has 10 frames
  EXPECT_THROW(timeline.finish(), Error);
}

}  // namespace
}  // namespace psyface::report
