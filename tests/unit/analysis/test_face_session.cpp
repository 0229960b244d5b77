// FaceSessionColumns: person baselines of the action units and head motion, on hand-made rows.
#include "analysis/face_session.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "faces/action_units.hpp"

namespace psyface::analysis {
namespace {

FaceObservation row(int track, double t, float au12_feature, float yaw_deg = 0, cv::Point2f centre = {100, 100}) {
  FaceObservation o;
  o.track_id = track;
  o.t_sec = t;
  o.success = true;
  o.yaw_deg = yaw_deg;
  o.inter_ocular_px = 50;
  o.eye_centre_px = centre;
  o.au_feature.fill(0.0f);
  o.au_feature[action_unit_index(12)] = au12_feature;
  o.au_feature[action_unit_index(45)] = au12_feature;
  return o;
}

std::vector<std::string> fields(const FaceSessionColumns& s, size_t k) {
  std::string text;
  s.append_row(k, text);
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string f; std::getline(in, f, ',');) out.push_back(f);
  return out;
}

size_t column(const std::string& name) {
  const auto names = FaceSessionColumns::column_names();
  return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

// Person 0 owns tracks 1 and 2 (11 rows with AU12 features 0.70 … 0.80), track 3 has no person: its rows
// are their own group. Baseline = 10th percentile (R type 7) = 0.71; AU45 takes the median, 0.75.
TEST(FaceSessionColumns, NormalisesEachPersonByTheirOwnBaseline) {
  FaceSessionColumns s;
  for (int k = 0; k <= 10; ++k) s.add(row(k < 6 ? 1 : 2, 0.1 * k, 0.70f + 0.01f * k));
  s.add(row(3, 0.0, 0.90f));
  s.add(row(3, 0.1, 1.00f));
  PersonResult persons;
  persons.persons.track_to_person = {{1, 0}, {2, 0}};
  s.finish(persons);
  ASSERT_EQ(s.rows(), 13u);
  EXPECT_NEAR(s.baselines().at(0)[action_unit_index(12)], 0.71f, 1e-6);
  EXPECT_NEAR(s.baselines().at(0)[action_unit_index(45)], 0.75f, 1e-6);
  const float gain12 = faces::au_scales()[action_unit_index(12)].gain;
  const auto last = fields(s, 10);  // feature 0.80: gain · 0.09
  ASSERT_EQ(last.size(), FaceSessionColumns::column_names().size());
  EXPECT_NEAR(std::stod(last[column("AU12_r")]), gain12 * 0.09, 0.006);
  EXPECT_EQ(last[column("AU12_c")], gain12 * 0.09 >= 1 ? "1" : "0");
  EXPECT_EQ(fields(s, 0)[column("AU12_r")], "0.00");  // below the baseline: clamped to 0
  // Track 3 (no person): baseline 0.9 + 0.1·0.1 = 0.91, so its 1.00 row is gain · 0.09 too.
  EXPECT_NEAR(std::stod(fields(s, 12)[column("AU12_r")]), gain12 * 0.09, 0.006);
}

// A head turning at 30°/s while the face centre drifts 0.5 inter-ocular distances per second, sampled at
// 30 fps with ±1° and ±1 px of frame-to-frame jitter: the speeds come out as the motion, not the jitter
// (which, differenced frame to frame, would read as 60°/s and 60 px/s).
TEST(FaceSessionColumns, HeadMotionIsTheMotionNotTheDetectorJitter) {
  FaceSessionColumns s;
  const int n = 90;
  for (int k = 0; k < n; ++k) {
    const double t = k / 30.0;
    const float jitter = (k % 2) ? 1.0f : -1.0f;
    s.add(row(1, t, 0.7f, static_cast<float>(30 * t) + jitter, {100 + 25.0f * static_cast<float>(t) + jitter, 100}));
  }
  for (int k = 0; k < n; ++k) {  // a still head with the same jitter
    const float jitter = (k % 2) ? 1.0f : -1.0f;
    s.add(row(2, k / 30.0, 0.7f, jitter, {300 + jitter, 100 + jitter}));
  }
  s.finish(PersonResult{});
  for (int k = 10; k < n - 10; ++k) {
    EXPECT_NEAR(std::stod(fields(s, k)[column("head_speed_deg_s")]), 30.0, 3.0) << k;
    EXPECT_NEAR(std::stod(fields(s, k)[column("face_speed_iod_s")]), 0.5, 0.06) << k;
    EXPECT_LT(std::stod(fields(s, n + k)[column("head_speed_deg_s")]), 3.0) << k;
    EXPECT_LT(std::stod(fields(s, n + k)[column("face_speed_iod_s")]), 0.06) << k;
  }
}

TEST(FaceSessionColumns, ASingleRowHasNoSpeed) {
  FaceSessionColumns s;
  s.add(row(4, 1.0, 0.7f));
  s.finish(PersonResult{});
  EXPECT_EQ(fields(s, 0)[column("head_speed_deg_s")], "NA");
  EXPECT_EQ(fields(s, 0)[column("face_speed_iod_s")], "NA");
}

}  // namespace
}  // namespace psyface::analysis
