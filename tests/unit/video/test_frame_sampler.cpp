#include "video/frame_sampler.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "psyface/error.hpp"

namespace psyface::video {
namespace {

using D = FrameSampler::Decision;

// Times of the frames a sampler takes from a constant-rate stream of `n` frames at `fps`.
std::vector<double> taken(const ReadOptions& o, double fps, int n) {
  FrameSampler sampler(o);
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    const double t = i / fps;
    const D d = sampler.decide(t);
    if (d == D::End) break;
    if (d == D::Take) out.push_back(t);
  }
  return out;
}

TEST(FrameSampler, EveryFrameWhenNotSampling) {
  EXPECT_EQ(taken({}, 30.0, 90).size(), 90u);
}

TEST(FrameSampler, FivePerSecondFrom30FpsTakesEverySixthFrame) {
  ReadOptions o;
  o.sample_fps = 5;
  const auto t = taken(o, 30.0, 300);  // 10 s
  ASSERT_EQ(t.size(), 50u);
  for (size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], i * 0.2, 1e-9) << "sample " << i;
}

TEST(FrameSampler, GridPointBetweenFramesGoesToTheLaterFrame) {
  ReadOptions o;
  o.sample_fps = 10;  // grid 0, 0.1, 0.2 ... ; frames every 0.04 s
  const auto t = taken(o, 25.0, 25);
  const std::vector<double> expected = {0.0, 0.12, 0.2, 0.32, 0.4, 0.52, 0.6, 0.72, 0.8, 0.92};
  ASSERT_EQ(t.size(), expected.size());
  for (size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], expected[i], 1e-9) << "sample " << i;
}

TEST(FrameSampler, SlowerStreamThanGridTakesEveryFrameOnce) {
  ReadOptions o;
  o.sample_fps = 10;
  EXPECT_EQ(taken(o, 5.0, 50).size(), 50u);  // each frame passes several grid points; taken once
}

TEST(FrameSampler, GapInStreamSkipsMissedGridPoints) {
  ReadOptions o;
  o.sample_fps = 2;  // grid 0, 0.5, 1.0, ...
  FrameSampler s(o);
  EXPECT_EQ(s.decide(0.0), D::Take);
  EXPECT_EQ(s.decide(0.3), D::Skip);
  EXPECT_EQ(s.decide(2.2), D::Take);  // gap: 0.5 .. 2.0 missed, next grid point is 2.5
  EXPECT_EQ(s.decide(2.4), D::Skip);
  EXPECT_EQ(s.decide(2.5), D::Take);
}

TEST(FrameSampler, StartAndEndRestrictTheRange) {
  ReadOptions o;
  o.start_sec = 1.0;
  o.end_sec = 2.0;
  const auto t = taken(o, 10.0, 100);
  ASSERT_EQ(t.size(), 10u);
  EXPECT_NEAR(t.front(), 1.0, 1e-9);
  EXPECT_NEAR(t.back(), 1.9, 1e-9);
}

TEST(FrameSampler, SamplingGridIsAbsoluteNotRelativeToStart) {
  ReadOptions o;
  o.sample_fps = 4;  // grid 0.25 s
  o.start_sec = 1.1;
  const auto t = taken(o, 100.0, 200);
  ASSERT_FALSE(t.empty());
  EXPECT_NEAR(t.front(), 1.25, 1e-9);
  EXPECT_EQ(t.size(), 3u);  // 1.25, 1.5, 1.75
}

TEST(FrameSampler, InvalidOptionsAreUsageErrors) {
  const auto code_of = [](ReadOptions o) {
    try {
      validate_read_options(o);
    } catch (const Error& e) {
      return static_cast<int>(e.code());
    }
    return 0;
  };
  EXPECT_EQ(code_of({}), 0);
  EXPECT_EQ(code_of({.sample_fps = -1}), static_cast<int>(ErrorCode::Usage));
  EXPECT_EQ(code_of({.start_sec = -0.5}), static_cast<int>(ErrorCode::Usage));
  EXPECT_EQ(code_of({.start_sec = 3, .end_sec = 2}), static_cast<int>(ErrorCode::Usage));
  EXPECT_EQ(code_of({.end_sec = -2}), static_cast<int>(ErrorCode::Usage));
  EXPECT_EQ(code_of({.decoder_threads = -1}), static_cast<int>(ErrorCode::Usage));
}

// may_take may say "take" too often (it only lets frames be skipped), never too rarely: every frame
// decide() takes must have may_take true, given the frame presented before it.
TEST(FrameSampler, MayTakeIsTrueForEveryFrameTaken) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> gap(0.005, 0.4);
  for (const ReadOptions o : {ReadOptions{.sample_fps = 5}, ReadOptions{.sample_fps = 3, .start_sec = 2.05},
                              ReadOptions{.sample_fps = 7.5, .start_sec = 1, .end_sec = 9}}) {
    FrameSampler sampler(o);
    double before = -std::numeric_limits<double>::infinity();
    int skippable = 0;
    for (double t = 0; t < 10; t += gap(rng)) {
      const bool may = sampler.may_take(before, t);
      const D d = sampler.decide(t);
      if (d == D::End) break;
      if (d == D::Take) {
        ASSERT_TRUE(may) << "t " << t << " after " << before;
      }
      skippable += may ? 0 : 1;
      before = t;
    }
    EXPECT_GT(skippable, 10);  // and it does let frames go
  }
}

TEST(FrameSampler, MayTakeWhenAGridPointLiesAfterThePreviousFrame) {
  const FrameSampler sampler(ReadOptions{.sample_fps = 5, .start_sec = 1.1});
  EXPECT_TRUE(sampler.may_take(1.15, 1.2));    // 1.2 is on the grid
  EXPECT_FALSE(sampler.may_take(1.21, 1.35));  // no grid point in (1.21, 1.35]
  EXPECT_TRUE(sampler.may_take(1.35, 1.45));   // 1.4 goes to the later frame
  EXPECT_FALSE(sampler.may_take(0.95, 1.05));  // 1.0 is before the start
  EXPECT_TRUE(ReadOptions{}.sample_fps == 0 && FrameSampler(ReadOptions{}).may_take(1.0, 1.01));
}

}  // namespace
}  // namespace psyface::video
