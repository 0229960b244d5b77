// Smile synchrony of a coupled dyad analysed below the resampling rate (issue 19 item 6): every 1/rate bin
// without a frame used to be missing, the 75 % completeness rule then dropped every window, and synchrony
// was NA at --fps 2 and 3. Frames now hold their value until the next frame (docs/synchrony.md).
#include <gtest/gtest.h>

#include <cmath>

#include "affect_test_support.hpp"
#include "coupled_dyad.hpp"
#include "measures/affect_measures.hpp"
#include "measures/synchrony_resample.hpp"

using namespace psyface::measures;
using namespace psyface::measures::test;

class SynchronyLowRate : public ::testing::TestWithParam<double> {};

TEST_P(SynchronyLowRate, CoupledDyadIsSynchronousAtEveryAnalysedRate) {
  const double fps = GetParam();
  std::vector<RoleFrame> p, t;
  for (const auto& f : coupled_dyad_frames(fps, 600)) {
    p.push_back(face(f.t_sec, kNeutral, f.patient_smile));
    t.push_back(face(f.t_sec, kNeutral, f.therapist_smile));
  }
  RoleTable table{series("patient", p, 1 / fps), series("therapist", t, 1 / fps)};
  MeasureOptions o;  // synchrony_rate_hz 5, 200 surrogates
  const auto rows = compute_measures(table, {}, o);
  const auto& session = row(rows, "session", "patient");
  EXPECT_GT(value(session, "synchrony_smile"), 0.8) << "--fps " << fps;
  EXPECT_LT(value(session, "synchrony_p"), 0.05) << "--fps " << fps;
}

INSTANTIATE_TEST_SUITE_P(Fps, SynchronyLowRate, ::testing::Values(2.0, 3.0, 5.0, 10.0));

// Bins: mean of their frames; an empty bin holds the previous frame's value (NaN from a frame without the
// face) while the bin starts less than 1.5 frame intervals after it; a longer gap stays missing; frames
// before 0 fill no bin.
TEST(SynchronyResample, EmptyBinsHoldThePreviousFrameUntilAGap) {
  const std::vector<double> t = {-0.5, 0.0, 0.5, 1.0, 1.5, 4.0, 4.05};
  const std::vector<double> v = {9, 1, 2, NAN, 4, 5, 7};
  const auto bins = resample_frames(t, v, 0.5, 10, 50);  // 0.1-s bins over 5 s
  ASSERT_EQ(bins.size(), 50u);
  EXPECT_DOUBLE_EQ(bins[0], 1);
  EXPECT_DOUBLE_EQ(bins[4], 1);  // held
  EXPECT_DOUBLE_EQ(bins[5], 2);
  EXPECT_DOUBLE_EQ(bins[9], 2);
  EXPECT_TRUE(std::isnan(bins[10]));  // the frame without the face
  EXPECT_TRUE(std::isnan(bins[12]));  // ... holds nothing
  EXPECT_DOUBLE_EQ(bins[15], 4);
  EXPECT_DOUBLE_EQ(bins[21], 4);  // 0.6 s after: within 1.5 intervals
  EXPECT_DOUBLE_EQ(bins[22], 4);  // 0.7 s after: within 1.5 intervals (0.75 s)
  EXPECT_TRUE(std::isnan(bins[23]));  // 0.8 s: a gap
  EXPECT_TRUE(std::isnan(bins[39]));
  EXPECT_DOUBLE_EQ(bins[40], 6);  // mean of the two frames in the bin
  EXPECT_DOUBLE_EQ(bins[41], 7);  // then the last frame's value is held
  EXPECT_DOUBLE_EQ(bins[47], 7);
  EXPECT_TRUE(std::isnan(bins[49]));
  EXPECT_NEAR(analysed_rate_hz(t), 6 / 4.55, 1e-12);  // (n - 1) / (t_last - t_first)
  EXPECT_EQ(analysed_rate_hz(std::vector<double>{3.0}), 0);
}
