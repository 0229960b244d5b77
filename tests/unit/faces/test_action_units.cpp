#include "faces/action_units.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "faces/face_geometry.hpp"

namespace psyface::faces {
namespace {

// A synthetic frontal face holding every point the action-unit features read, in head coordinates
// (x to the subject's left, y down, z into the face), inter-ocular distance 60 (eye centres at ±30).
using Points = std::map<int, cv::Vec3f>;

Points neutral_face() {
  Points p;
  p[33] = {-45, 0, 0}, p[133] = {-15, 0, 0}, p[362] = {15, 0, 0}, p[263] = {45, 0, 0};
  p[10] = {0, -60, 0};
  p[2] = {0, 50, -110 * std::tan(10.0f * static_cast<float>(CV_PI) / 180)};  // pitch 0 (face_geometry)
  const float lid_x[3] = {-35, -30, -25};
  const int right_upper[3] = {160, 159, 158}, right_lower[3] = {144, 145, 153};
  const int left_upper[3] = {387, 386, 385}, left_lower[3] = {373, 374, 380};
  for (int k = 0; k < 3; ++k) {  // aperture 9 over width 30: openness 0.3
    p[right_upper[k]] = {lid_x[k], -4.5f, 0}, p[right_lower[k]] = {lid_x[k], 4.5f, 0};
    p[left_upper[k]] = {-lid_x[k], -4.5f, 0}, p[left_lower[k]] = {-lid_x[k], 4.5f, 0};
  }
  for (int i : {107, 66, 55, 65}) p[i] = {-20, -18, -2};
  for (int i : {336, 296, 285, 295}) p[i] = {20, -18, -2};
  for (int i : {70, 63, 46, 53}) p[i] = {-45, -15, 2};
  for (int i : {300, 293, 276, 283}) p[i] = {45, -15, 2};
  for (int i : {117, 118, 119}) p[i] = {-32, 18, 2};
  for (int i : {346, 347, 348}) p[i] = {32, 18, 2};
  for (int i : {98, 64, 129}) p[i] = {-12, 44, -8};
  for (int i : {327, 294, 358}) p[i] = {12, 44, -8};
  p[0] = {0, 70, -10}, p[37] = {-6, 70, -10}, p[267] = {6, 70, -10};
  for (int i : {13, 14}) p[i] = {0, 80, -8};
  p[82] = {-6, 80, -8}, p[87] = {-6, 80, -8}, p[312] = {6, 80, -8}, p[317] = {6, 80, -8};
  p[61] = {-24, 82.4f, -2}, p[291] = {24, 82.4f, -2};
  p[17] = {0, 88, -8};
  return p;
}

cv::Matx33f euler_zyx(float yaw_deg, float pitch_deg, float roll_deg) {
  const float d = static_cast<float>(CV_PI) / 180;
  const float a = pitch_deg * d, b = yaw_deg * d, g = roll_deg * d;
  const cv::Matx33f rx(1, 0, 0, 0, std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a));
  const cv::Matx33f ry(std::cos(b), 0, std::sin(b), 0, 1, 0, -std::sin(b), 0, std::cos(b));
  const cv::Matx33f rz(std::cos(g), -std::sin(g), 0, std::sin(g), std::cos(g), 0, 0, 0, 1);
  return rz * ry * rx;
}

FaceLandmarks place(const Points& face, const cv::Matx33f& r = cv::Matx33f::eye(), float scale = 1,
                    cv::Vec3f offset = {320, 240, 0}) {
  FaceLandmarks lm;
  lm.points_px.fill(cv::Point3f(offset[0], offset[1], offset[2]));
  for (const auto& [i, p] : face) {
    const cv::Vec3f q = scale * (r * p) + offset;
    lm.points_px[i] = {q[0], q[1], q[2]};
  }
  lm.presence = 1;
  return lm;
}

AuFeatures features(const FaceLandmarks& lm) {
  return measure_au_features(lm, head_rotation(lm), measure_geometry(lm).inter_ocular_px);
}

float feature(const AuFeatures& f, int au) { return f[action_unit_index(au)]; }

TEST(ActionUnits, FeaturesDoNotChangeWithHeadPoseOrFaceSize) {
  const AuFeatures frontal = features(place(neutral_face()));
  for (const auto& ypr : {cv::Vec3f(25, 0, 0), cv::Vec3f(0, -15, 0), cv::Vec3f(0, 0, 30), cv::Vec3f(-30, 12, -8)}) {
    const AuFeatures turned = features(place(neutral_face(), euler_zyx(ypr[0], ypr[1], ypr[2]), 2.5f, {100, 50, 7}));
    for (int k = 0; k < kActionUnitCount; ++k) EXPECT_NEAR(turned[k], frontal[k], 2e-4) << kActionUnitNames[k] << " " << ypr;
  }
  // The documented values of the neutral face (IOD 60): AU12 = width 0.8 + (5/3)·lift −0.04; AU25 = 0.
  EXPECT_NEAR(feature(frontal, 12), 0.8f + (0.25f / 0.15f) * -0.04f, 1e-5);
  EXPECT_NEAR(feature(frontal, 25), 0.0f, 1e-6);
  EXPECT_NEAR(feature(frontal, 45), -0.3f, 1e-5);
  EXPECT_NEAR(feature(frontal, 6), -18.0f / 60, 1e-5);
}

// Each movement changes its own action unit by the documented amount and leaves the unrelated ones alone.
TEST(ActionUnits, EachMovementDrivesItsActionUnit) {
  const AuFeatures neutral = features(place(neutral_face()));
  auto changed = [&](const Points& face) {
    const AuFeatures f = features(place(face, euler_zyx(10, -5, 4), 1.7f));
    std::map<int, float> delta;
    for (int k = 0; k < kActionUnitCount; ++k)
      if (std::fabs(f[k] - neutral[k]) > 1e-4f) delta[kActionUnitNumbers[k]] = f[k] - neutral[k];
    return delta;
  };
  Points smile = neutral_face();  // corners 3 up (0.05 IOD): lift +0.05
  smile[61][1] -= 3, smile[291][1] -= 3;
  auto d = changed(smile);
  EXPECT_NEAR(d[12], (0.25f / 0.15f) * 0.05f, 1e-4);
  EXPECT_NEAR(d[15], -0.05f, 1e-4);
  EXPECT_NEAR(d[20], -(0.25f / 0.15f) * 0.05f, 1e-4);
  EXPECT_EQ(d.size(), 3u);

  // Lower inner lip 6 down: gap 0.1 IOD, jaw still. The lip centre (13 + 14) / 2 that the corner lift is
  // measured from moves down 0.05 with it, so the corners read 0.05 higher (AU12 up, AU15 and AU20 down,
  // as for corners pulled up: an open mouth reads as a little smile; docs/action-units.md).
  Points lips_apart = neutral_face();
  for (int i : {14, 87, 317}) lips_apart[i][1] += 6;
  d = changed(lips_apart);
  EXPECT_NEAR(d[25], 0.1f, 1e-4);
  EXPECT_NEAR(d[12], (0.25f / 0.15f) * 0.05f, 1e-4);
  EXPECT_NEAR(d[15], -0.05f, 1e-4);
  EXPECT_NEAR(d[20], -(0.25f / 0.15f) * 0.05f, 1e-4);
  EXPECT_EQ(d.size(), 4u);
  EXPECT_EQ(d.count(26), 0u);

  Points jaw_drop = lips_apart;  // and the lower lip with the jaw: AU26 too
  jaw_drop[17][1] += 6;
  d = changed(jaw_drop);
  EXPECT_NEAR(d[25], 0.1f, 1e-4);
  EXPECT_NEAR(d[26], 0.1f, 1e-4);
  EXPECT_EQ(d.size(), 5u);

  Points closed = neutral_face();  // upper lids down onto the lower lids
  for (int i : {160, 159, 158, 387, 386, 385}) closed[i][1] = 4.5f;
  d = changed(closed);
  EXPECT_NEAR(d[45], 0.3f, 1e-4);
  EXPECT_NEAR(d[5], -9.0f / 60, 1e-4);  // the upper lid height (AU05) falls with it
  EXPECT_EQ(d.size(), 2u);

  Points cheeks = neutral_face();  // cheeks 3 up
  for (int i : {117, 118, 119, 346, 347, 348}) cheeks[i][1] -= 3;
  d = changed(cheeks);
  EXPECT_NEAR(d[6], 0.05f, 1e-4);
  EXPECT_EQ(d.size(), 1u);

  Points brows = neutral_face();  // inner brows 3 up
  for (int i : {107, 66, 55, 65, 336, 296, 285, 295}) brows[i][1] -= 3;
  d = changed(brows);
  EXPECT_NEAR(d[1], 0.05f, 1e-4);
  EXPECT_EQ(d.size(), 1u);
}

TEST(ActionUnits, IntensityIsTheScaledDistanceFromTheBaselineClampedToZeroToFive) {
  const AuScale s{0.2f, 10.0f};
  EXPECT_FLOAT_EQ(au_intensity(s, 0.35f, 0.2f), 1.5f);
  EXPECT_FLOAT_EQ(au_intensity(s, 0.1f, 0.2f), 0.0f);
  EXPECT_FLOAT_EQ(au_intensity(s, 0.9f, 0.2f), 5.0f);
  EXPECT_FLOAT_EQ(au_intensity(s, std::nanf(""), 0.2f), 0.0f);
  EXPECT_FLOAT_EQ(au_intensity(s, 0.3f, std::nanf("")), 0.0f);
  // Raw intensities use the population neutral: a neutral face gives ~0 and closed eyes AU45 = 5.
  Points closed = neutral_face();
  for (int i : {160, 159, 158, 387, 386, 385}) closed[i][1] = 4.5f;
  const auto raw = au_raw_intensities(features(place(closed)));
  EXPECT_FLOAT_EQ(raw[action_unit_index(45)], 5.0f);
  EXPECT_LT(raw[action_unit_index(12)], 0.1f);  // the synthetic mouth is 0.012 above the sample's neutral
}

// AU04 from the image (glabella_furrows): the mean absolute intensity difference across 0.04 inter-ocular
// distances along the head's x axis, over an 18 × 12 grid of 0.36 × 0.24 IOD centred on point 9, divided by
// the mean intensity. Hand-computed on ramps: with I = a + b·(distance along the head's x axis in px) and
// IOD 100 px, every difference is b · 4 px and the grid's mean intensity is a, so the feature is 4b / a.
cv::Mat ramp_image(float a, float b, const cv::Matx33f& head, cv::Point2f centre) {
  cv::Mat img(480, 640, CV_8UC3);
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) {
      const float along = (float(x) - centre.x) * head(0, 0) + (float(y) - centre.y) * head(1, 0);
      const auto v = static_cast<uchar>(std::clamp(std::lround(a + b * along), 0L, 255L));
      img.at<cv::Vec3b>(y, x) = {v, v, v};
    }
  return img;
}

TEST(ActionUnits, GlabellaFurrowsAreTheRelativeContrastAcrossTheBrows) {
  FaceLandmarks lm;
  lm.points_px.fill(cv::Point3f(0, 0, 0));
  lm.points_px[9] = {320, 240, 0};
  const cv::Matx33f frontal = cv::Matx33f::eye();
  EXPECT_NEAR(glabella_furrows(ramp_image(100, 1, frontal, {320, 240}), lm, frontal, 100), 4.0 / 100, 1e-4);
  // Twice as bright, twice the contrast: the same relative contrast.
  EXPECT_NEAR(glabella_furrows(ramp_image(200, 2, frontal, {320, 240}), lm, frontal, 100), 4.0 / 100, 1e-4);
  EXPECT_NEAR(glabella_furrows(ramp_image(100, 2, frontal, {320, 240}), lm, frontal, 100), 8.0 / 100, 1e-4);
  // A uniform patch has none.
  EXPECT_NEAR(glabella_furrows(ramp_image(100, 0, frontal, {320, 240}), lm, frontal, 100), 0.0, 1e-6);
  // Horizontal lines (intensity changing down the face only) are not glabellar furrows.
  cv::Mat rows(480, 640, CV_8UC3);
  for (int y = 0; y < rows.rows; ++y) rows.row(y).setTo(cv::Scalar::all(100 + (y % 4) * 10));
  EXPECT_NEAR(glabella_furrows(rows, lm, frontal, 100), 0.0, 1e-6);
  // The head turned 30° in the image plane (roll): the ramp along its own x axis reads the same.
  const cv::Matx33f rolled = euler_zyx(0, 0, 30);
  EXPECT_NEAR(glabella_furrows(ramp_image(100, 1, rolled, {320, 240}), lm, rolled, 100), 4.0 / 100, 2e-3);
  // Half the size (IOD 50 px): the distance is 2 px, so the feature halves for the same pixel ramp.
  EXPECT_NEAR(glabella_furrows(ramp_image(100, 1, frontal, {320, 240}), lm, frontal, 50), 2.0 / 100, 1e-4);
  // A patch that leaves the image is not measured.
  lm.points_px[9] = {5, 240, 0};
  EXPECT_TRUE(std::isnan(glabella_furrows(ramp_image(100, 1, frontal, {5, 240}), lm, frontal, 100)));
}

TEST(ActionUnits, Au04ComesFromTheImageAndIsZeroWithoutIt) {
  const FaceLandmarks lm = place(neutral_face());
  const cv::Matx33f head = head_rotation(lm);
  const float iod = measure_geometry(lm).inter_ocular_px;
  const cv::Mat img = ramp_image(100, 1, head, {lm.points_px[9].x, lm.points_px[9].y});
  const AuFeatures with = measure_au_features(lm, head, iod, &img), without = measure_au_features(lm, head, iod);
  const int k = action_unit_index(4);
  EXPECT_NEAR(with[k], glabella_furrows(img, lm, head, iod), 1e-7);
  EXPECT_GT(with[k], 0.0f);
  EXPECT_EQ(without[k], 0.0f);
  for (int j = 0; j < kActionUnitCount; ++j)
    if (j != k) EXPECT_EQ(with[j], without[j]) << kActionUnitNames[j];
}

}  // namespace
}  // namespace psyface::faces
