// aligned_face_crop / aligned_face_region (src/faces/face_align.*).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

#include "../test_paths.hpp"
#include "faces/face_align.hpp"
#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

constexpr const char* kOpenFaceClip = "data/videos/openface_sample_2015-10-15-15-14.avi";

std::filesystem::path models_dir() { return test::source_dir() / "models"; }

FaceLandmarks face_on_rectangle(cv::Point2f c, float w, float h, float angle) {
  // Points on a w × h rectangle turned by angle; eye corners on a line parallel to its top edge.
  FaceLandmarks lm;
  const float cs = std::cos(angle), sn = std::sin(angle);
  auto at = [&](float u, float v) { return cv::Point3f(c.x + cs * u - sn * v, c.y + sn * u + cs * v, 0); };
  for (int i = 0; i < kMeshPointCount; ++i) lm.points_px[i] = at(w * ((i % 20) / 19.0f - 0.5f), h * ((i / 20) / 23.0f - 0.5f));
  lm.points_px[mesh_index::kRightEyeOuter] = at(-0.35f * w, -0.1f * h);
  lm.points_px[mesh_index::kRightEyeInner] = at(-0.1f * w, -0.1f * h);
  lm.points_px[mesh_index::kLeftEyeInner] = at(0.1f * w, -0.1f * h);
  lm.points_px[mesh_index::kLeftEyeOuter] = at(0.35f * w, -0.1f * h);
  lm.presence = 1;
  return lm;
}

TEST(AlignedFaceRegion, LevelsTheEyesAndAddsTheMarginToTheLongerSide) {
  for (float angle : {0.0f, 0.4f, -0.9f}) {
    const FaceLandmarks lm = face_on_rectangle({200, 150}, 100, 130, angle);
    const FaceRoi r = aligned_face_region(lm);
    EXPECT_NEAR(r.angle_rad, angle, 1e-5);
    EXPECT_NEAR(r.center_px.x, 200, 1e-3);
    EXPECT_NEAR(r.center_px.y, 150, 1e-3);
    EXPECT_NEAR(r.size_px, 1.25f * 130, 1e-2);
    EXPECT_NEAR(aligned_face_region(lm, 0).size_px, 130, 1e-2);
  }
  EXPECT_THROW(aligned_face_region(face_on_rectangle({1, 1}, 1, 1, 0), -0.1f), Error);
}

TEST(AlignedFaceCrop, PutsEyesOnOneRowAndTheFaceInTheMiddle) {
  if (!std::filesystem::exists(models_dir() / "facemesh" / "model.onnx")) GTEST_SKIP() << "models/facemesh not built";
  PSYFACE_REQUIRE_SHARED(kOpenFaceClip);
  cv::VideoCapture cap((test::shared_dir() / kOpenFaceClip).string());
  cv::Mat frame;
  ASSERT_TRUE(cap.read(frame));
  // Frame 0 turned 20° counter-clockwise about its centre, so the eyes are far from level.
  const cv::Matx23d m = cv::getRotationMatrix2D(cv::Point2f(320, 240), 20, 1.0);
  cv::Mat tilted;
  cv::warpAffine(frame, tilted, m, frame.size());
  auto map = [&](cv::Point2f p) {
    return cv::Point2f(static_cast<float>(m(0, 0) * p.x + m(0, 1) * p.y + m(0, 2)),
                       static_cast<float>(m(1, 0) * p.x + m(1, 1) * p.y + m(1, 2)));
  };
  const cv::Point2f c = map({372.5f, 250});  // the hand-picked box of test_face_mesh.cpp
  FaceMesh mesh(models_dir());
  FaceRoi roi = roi_from_box({c.x - 80, c.y - 80, 160, 160}, map({330, 218}), map({412, 218}));
  std::optional<FaceLandmarks> lm;
  for (int k = 0; k < 3; ++k) {
    lm = mesh.fit(tilted, roi);
    ASSERT_TRUE(lm);
    roi = roi_from_landmarks(*lm);
  }
  const int size = 192;
  const cv::Mat crop_f = aligned_face_crop(tilted, *lm, size);
  ASSERT_EQ(crop_f.type(), CV_32FC3);
  cv::Mat crop;
  crop_f.convertTo(crop, CV_8U);
  ASSERT_EQ(crop.size(), cv::Size(size, size));

  // Measure the crop independently: run the mesh on it (face ≈ 1/1.25 of the crop, region 1.5× face).
  const auto in_crop = mesh.fit(crop, {{0.5f * size, 0.5f * size}, size * kRoiScale / 1.25f, 0});
  ASSERT_TRUE(in_crop);
  auto eye_y = [&](int outer, int inner) { return 0.5f * (in_crop->points_px[outer].y + in_crop->points_px[inner].y); };
  EXPECT_NEAR(eye_y(mesh_index::kRightEyeOuter, mesh_index::kRightEyeInner),
              eye_y(mesh_index::kLeftEyeOuter, mesh_index::kLeftEyeInner), 2.0);
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
  for (const auto& p : in_crop->points_px) x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
  EXPECT_NEAR(0.5f * (x0 + x1), 0.5f * size, 6.0);
  EXPECT_NEAR(0.5f * (y0 + y1), 0.5f * size, 6.0);
  EXPECT_NEAR((y1 - y0) / size, 1 / 1.25, 0.05);  // forehead to chin, 12.5 % margin above and below
}

}  // namespace
}  // namespace psyface::faces
