#include "faces/face_mesh.hpp"

#include <gtest/gtest.h>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "mesh_test_support.hpp"
#include "faces/face_geometry.hpp"
#include "faces/face_tracker.hpp"
#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

constexpr const char* kOpenFaceClip = "data/videos/openface_sample_2015-10-15-15-14.avi";

// Hand-picked on frame 0 of the OpenFace sample (640×480): a detector-like box from the eyebrows to
// below the mouth, and the eye centres (the subject's right eye is on the image left).
const cv::Rect2f kOpenFaceBox(300, 170, 145, 160);
const cv::Point2f kOpenFaceRightEye(330, 218), kOpenFaceLeftEye(412, 218);

cv::Point2f centre(const cv::Rect2f& r) { return {r.x + 0.5f * r.width, r.y + 0.5f * r.height}; }

FaceLandmarks landmarks_on_rectangle(cv::Point2f c, float w, float h, float angle) {
  // 468 points spread over a w × h rectangle rotated by angle; the eye corners on a horizontal line of
  // that rectangle, the subject's right eye (33) on its left.
  FaceLandmarks lm;
  const float cs = std::cos(angle), sn = std::sin(angle);
  auto place = [&](float u, float v) { return cv::Point3f(c.x + cs * u - sn * v, c.y + sn * u + cs * v, 0.0f); };
  for (int i = 0; i < kMeshPointCount; ++i) {
    const float u = w * ((i % 18) / 17.0f - 0.5f), v = h * ((i / 18) / 25.0f - 0.5f);
    lm.points_px[i] = place(u, v);
  }
  lm.points_px[mesh_index::kRightEyeOuter] = place(-0.3f * w, -0.1f * h);
  lm.points_px[mesh_index::kLeftEyeOuter] = place(0.3f * w, -0.1f * h);
  lm.presence = 1;
  return lm;
}

TEST(RoiFromBox, CentresOnTheBoxScalesTheLongerSideAndLevelsTheEyes) {
  const FaceRoi roi = roi_from_box({100, 50, 80, 100}, {120, 90}, {160, 130});
  EXPECT_FLOAT_EQ(roi.center_px.x, 140);
  EXPECT_FLOAT_EQ(roi.center_px.y, 100);
  EXPECT_FLOAT_EQ(roi.size_px, kRoiScale * 100);
  EXPECT_NEAR(roi.angle_rad, CV_PI / 4, 1e-6);  // left eye lower on screen → clockwise region
  EXPECT_NEAR(roi_from_box({0, 0, 10, 10}, {2, 5}, {8, 5}).angle_rad, 0.0f, 1e-7);
}

TEST(RoiFromLandmarks, FollowsTheEyeLineAndTheRotatedBoundingBox) {
  for (float angle : {0.0f, 0.3f, -1.2f}) {
    const FaceLandmarks lm = landmarks_on_rectangle({320, 200}, 120, 160, angle);
    const FaceRoi roi = roi_from_landmarks(lm);
    EXPECT_NEAR(roi.angle_rad, angle, 1e-5) << angle;
    EXPECT_NEAR(roi.center_px.x, 320, 1e-3) << angle;
    EXPECT_NEAR(roi.center_px.y, 200, 1e-3) << angle;
    EXPECT_NEAR(roi.size_px, kRoiScale * 160, 1e-2) << angle;  // the box in the face's own axes
  }
}

TEST(FollowRegion, MovesByTheWeightAndTurnsTheShorterWayRound) {
  const FaceRoi prev{{100, 50}, 80, 0.2f}, meas{{110, 40}, 100, 0.4f};
  const FaceRoi half = follow_region(prev, meas, 0.5f);
  EXPECT_NEAR(half.center_px.x, 105, 1e-4);
  EXPECT_NEAR(half.center_px.y, 45, 1e-4);
  EXPECT_NEAR(half.size_px, 90, 1e-4);
  EXPECT_NEAR(half.angle_rad, 0.3, 1e-6);
  const FaceRoi all = follow_region(prev, meas, 1.0f);  // weight 1: this frame's region as measured
  EXPECT_NEAR(all.center_px.x, 110, 1e-4);
  EXPECT_NEAR(all.size_px, 100, 1e-4);
  EXPECT_NEAR(all.angle_rad, 0.4, 1e-6);
  // Upside down: +179° to −179° is a 2° turn through 180°, not 358° back through 0°.
  const float deg = static_cast<float>(CV_PI / 180);
  const FaceRoi flip = follow_region({{0, 0}, 10, 179 * deg}, {{0, 0}, 10, -179 * deg}, 0.5f);
  EXPECT_NEAR(std::fabs(flip.angle_rad), 180 * deg, 1e-4);
}

TEST(RoiToFrameTransform, MapsTheInputSquareOntoTheRotatedRegion) {
  const FaceRoi roi{{100, 80}, 60, static_cast<float>(CV_PI / 2)};
  const cv::Matx23f t = roi_to_frame_transform(roi, 192);
  auto map = [&](float mx, float my) { return t * cv::Vec3f(mx, my, 1); };
  EXPECT_NEAR(map(96, 96)[0], 100, 1e-4);
  EXPECT_NEAR(map(96, 96)[1], 80, 1e-4);
  // Region x axis points down the image at +90°: the input's right edge centre lies below the centre.
  EXPECT_NEAR(map(192, 96)[0], 100, 1e-4);
  EXPECT_NEAR(map(192, 96)[1], 110, 1e-4);
  EXPECT_NEAR(map(0, 0)[0], 130, 1e-4);  // top-left input corner → the region's corner at (+30, −30)
  EXPECT_NEAR(map(0, 0)[1], 50, 1e-4);
}

TEST(CropRegion, SamplesPixelCentresAndRotatesAsTheTransformSays) {
  cv::Mat img(100, 100, CV_8UC3, cv::Scalar::all(0));
  img.at<cv::Vec3b>(40, 60) = {255, 255, 255};  // x = 60, y = 40
  cv::Mat out;
  // Scale 1, centre on the pixel's upper-left corner + (0.5, 0.5): output pixel (n/2 − 1) hits it exactly.
  crop_region(img, {{60.5f, 40.5f}, 32, 0}, 32, out);
  ASSERT_EQ(out.type(), CV_32FC3);
  ASSERT_EQ(out.size(), cv::Size(32, 32));
  EXPECT_EQ(out.at<cv::Vec3f>(15, 15), cv::Vec3f(255, 255, 255));
  EXPECT_EQ(cv::countNonZero(out.reshape(1)), 3);
  // Turned +90° (clockwise), output pixel (u, v) samples frame (76 − v, 25 + u): what lies right of the
  // centre in the frame lies above it in the crop.
  img.setTo(cv::Scalar::all(0));
  img.at<cv::Vec3b>(40, 70) = {255, 255, 255};
  crop_region(img, {{60.5f, 40.5f}, 32, static_cast<float>(CV_PI / 2)}, 32, out);
  cv::Point at;
  double peak = 0;
  cv::minMaxLoc(out.reshape(1), nullptr, &peak, nullptr, &at);
  EXPECT_EQ(at.x / 3, 15);
  EXPECT_EQ(at.y, 6);
  EXPECT_NEAR(peak, 255, 1e-3);
  EXPECT_EQ(cv::countNonZero(out.reshape(1) > 1e-3), 3);
}

// The same pixels as cv::warpAffine (up to its 1/32-px and integer rounding), but continuous: a region moved
// by a thousandth of a pixel moves every sample by that much, never by a 1/32-px step.
TEST(CropRegion, AgreesWithWarpAffineAndIsContinuousInTheRegion) {
  cv::Mat img(100, 120, CV_8UC3);  // x + y < 220 and 2x < 240: no wrap-around
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x)
      img.at<cv::Vec3b>(y, x) = {static_cast<uint8_t>(x + y), static_cast<uint8_t>(2 * x), static_cast<uint8_t>(y)};
  const FaceRoi roi{{60.3f, 50.7f}, 50.0f, 0.3f};  // inside the image
  cv::Mat ours;
  crop_region(img, roi, 48, ours);
  const cv::Matx23f t = roi_to_frame_transform(roi, 48);
  cv::Matx23f sample = t;
  sample(0, 2) += 0.5f * (t(0, 0) + t(0, 1));
  sample(1, 2) += 0.5f * (t(1, 0) + t(1, 1));
  cv::Mat cv_crop, cv_f;
  cv::warpAffine(img, cv_crop, sample, cv::Size(48, 48), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, 0);
  cv_crop.convertTo(cv_f, CV_32F);
  EXPECT_LE(cv::norm(ours, cv_f, cv::NORM_INF), 2.0);  // one rounding step of a 2-per-pixel gradient + 1
  EXPECT_GT(cv::norm(ours, cv_f, cv::NORM_INF), 0.0);  // and not the same rounded values

  // Moving the centre by 1e-3 px along x changes the x+y and 2x channels by 1e-3 and 2e-3 per pixel.
  FaceRoi moved = roi;
  moved.center_px.x += 1e-3f;
  cv::Mat shifted;
  crop_region(img, moved, 48, shifted);
  const cv::Vec3f a = ours.at<cv::Vec3f>(20, 25), b = shifted.at<cv::Vec3f>(20, 25);
  EXPECT_NEAR(b[0] - a[0], 1e-3, 2e-4);
  EXPECT_NEAR(b[1] - a[1], 2e-3, 3e-4);
  EXPECT_NEAR(b[2] - a[2], 0.0, 2e-4);
}

// Every output pixel, interior rows (the vectorised path) and rows that leave the frame (the bounds-checked
// path) alike, equals the bilinear formula evaluated here one channel at a time, to the bit; regions touch
// the right and bottom edges, where the last column and row are read.
TEST(CropRegion, EveryPathEqualsTheBilinearFormulaBitForBit) {
  cv::Mat img(61, 83, CV_8UC3);
  cv::RNG rng(7);
  rng.fill(img, cv::RNG::UNIFORM, 0, 256);
  auto tap = [&](int x, int y, int c) -> float {
    return (x < 0 || y < 0 || x >= img.cols || y >= img.rows) ? 0.0f : static_cast<float>(img.at<cv::Vec3b>(y, x)[c]);
  };
  for (const FaceRoi& roi : {FaceRoi{{41.3f, 30.2f}, 40.0f, 0.2f}, FaceRoi{{62.9f, 45.6f}, 39.0f, -0.1f},
                             FaceRoi{{70.0f, 50.0f}, 60.0f, 0.7f}, FaceRoi{{41.5f, 30.5f}, 120.0f, 0.0f}}) {
    const int n = 37;
    cv::Mat out;
    crop_region(img, roi, n, out);
    const cv::Matx23f t = roi_to_frame_transform(roi, n);
    const double a00 = t(0, 0), a01 = t(0, 1), a10 = t(1, 0), a11 = t(1, 1);
    const double b0 = t(0, 2) + 0.5 * (a00 + a01), b1 = t(1, 2) + 0.5 * (a10 + a11);
    int differing = 0;
    for (int v = 0; v < n; ++v)
      for (int u = 0; u < n; ++u) {
        const float sx = static_cast<float>(a01 * v + b0 + a00 * u), sy = static_cast<float>(a11 * v + b1 + a10 * u);
        const float fx0 = std::floor(sx), fy0 = std::floor(sy);
        const int x0 = static_cast<int>(fx0), y0 = static_cast<int>(fy0);
        const float fx = sx - fx0, fy = sy - fy0;
        for (int c = 0; c < 3; ++c) {
          const float top = tap(x0, y0, c) + fx * (tap(x0 + 1, y0, c) - tap(x0, y0, c));
          const float bottom = tap(x0, y0 + 1, c) + fx * (tap(x0 + 1, y0 + 1, c) - tap(x0, y0 + 1, c));
          const float want = top + fy * (bottom - top);
          differing += out.at<cv::Vec3f>(v, u)[c] != want;
        }
      }
    EXPECT_EQ(differing, 0) << "region at (" << roi.center_px.x << ", " << roi.center_px.y << ") size " << roi.size_px;
  }
}

TEST(FaceMesh, RejectsARegionWithoutAFace) {
  REQUIRE_FACEMESH_MODEL();
  FaceMesh mesh(models_dir());
  cv::Mat wall(480, 640, CV_8UC3, cv::Scalar(200, 190, 180));
  cv::randn(wall, cv::Scalar::all(128), cv::Scalar::all(30));
  EXPECT_FALSE(mesh.fit(wall, {{320, 240}, 200, 0}).has_value());
  EXPECT_LT(mesh.last_presence(), 0.5f);
  EXPECT_GE(mesh.last_presence(), 0.0f);
}

TEST(FaceMesh, RejectsBadOptionsAndInputs) {
  REQUIRE_FACEMESH_MODEL();
  EXPECT_THROW(FaceMesh(models_dir(), {1.5f}), Error);
  EXPECT_THROW(FaceMesh(test::source_dir() / "no-such-models"), Error);
  FaceMesh mesh(models_dir());
  EXPECT_THROW(mesh.fit(cv::Mat(), {{1, 1}, 10, 0}), Error);
  EXPECT_THROW(mesh.fit(cv::Mat(10, 10, CV_8UC3), {{1, 1}, 0, 0}), Error);
}

TEST(FaceMesh, TracksTheOpenFaceSampleFor100FramesFromAHandPickedBox) {
  REQUIRE_FACEMESH_MODEL();
  PSYFACE_REQUIRE_SHARED(kOpenFaceClip);
  const auto frames = read_frames(kOpenFaceClip, 101);
  ASSERT_EQ(frames.size(), 101u);
  FaceMesh mesh(models_dir());
  FaceRoi roi = roi_from_box(kOpenFaceBox, kOpenFaceRightEye, kOpenFaceLeftEye);
  cv::Point2f previous;
  for (size_t i = 0; i < frames.size(); ++i) {
    const auto lm = mesh.fit(frames[i], roi);
    ASSERT_TRUE(lm.has_value()) << "frame " << i << " presence " << mesh.last_presence();
    EXPECT_GT(lm->presence, 0.9f) << "frame " << i;
    const cv::Rect2f box = landmark_box(*lm);
    // The face (forehead to chin) stays where it is in the clip: about x 285–460, y 150–370.
    EXPECT_TRUE(cv::Rect2f(270, 130, 210, 260).contains(centre(box))) << "frame " << i << " centre " << centre(box);
    EXPECT_GT(box.width, 120) << "frame " << i;
    EXPECT_LT(box.width, 260) << "frame " << i;
    EXPECT_GT(box.height, 150) << "frame " << i;
    EXPECT_LT(box.height, 300) << "frame " << i;
    const auto& r = lm->points_px[mesh_index::kRightEyeOuter];
    const auto& l = lm->points_px[mesh_index::kLeftEyeOuter];
    EXPECT_LT(r.x, l.x) << "frame " << i << ": the subject's right eye is on the image left";
    if (i > 0) {
      EXPECT_LT(cv::norm(centre(box) - previous), 30.0) << "frame " << i;
    }
    previous = centre(box);
    roi = roi_from_landmarks(*lm);
  }
}

TEST(FaceMesh, MatchesTheFaceWhereverTheRegionIsRotated) {
  REQUIRE_FACEMESH_MODEL();
  PSYFACE_REQUIRE_SHARED(kOpenFaceClip);
  const auto frames = read_frames(kOpenFaceClip, 1);
  ASSERT_EQ(frames.size(), 1u);
  FaceMesh mesh(models_dir());
  const auto upright = mesh.fit(frames[0], roi_from_box(kOpenFaceBox, kOpenFaceRightEye, kOpenFaceLeftEye));
  ASSERT_TRUE(upright);
  FaceRoi tilted = roi_from_landmarks(*upright);
  tilted.angle_rad += 0.35f;  // a 20° wrong guess: the network still finds the face, in frame pixels
  const auto other = mesh.fit(frames[0], tilted);
  ASSERT_TRUE(other);
  double mean_px = 0;
  for (int i = 0; i < kMeshPointCount; ++i) {
    const auto d = upright->points_px[i] - other->points_px[i];
    mean_px += std::hypot(d.x, d.y) / kMeshPointCount;
  }
  EXPECT_LT(mean_px, 6.0);  // face about 180 px wide
}

// Not a speed gate (bench/ is for that): prints single-thread ms per fit and per measure_geometry.
TEST(FaceMesh, PrintsSingleThreadTimings) {
  REQUIRE_FACEMESH_MODEL();
  PSYFACE_REQUIRE_SHARED(kOpenFaceClip);
  const auto frames = read_frames(kOpenFaceClip, 1);
  ASSERT_EQ(frames.size(), 1u);
  const int threads = cv::getNumThreads();
  cv::setNumThreads(1);
  FaceMesh mesh(models_dir());
  FaceRoi roi = roi_from_box(kOpenFaceBox, kOpenFaceRightEye, kOpenFaceLeftEye);
  std::optional<FaceLandmarks> lm;
  for (int i = 0; i < 5; ++i) lm = mesh.fit(frames[0], roi);  // warm-up
  ASSERT_TRUE(lm);
  roi = roi_from_landmarks(*lm);
  using Clock = std::chrono::steady_clock;
  std::vector<double> fit_ms, geometry_us;
  for (int i = 0; i < 120; ++i) {
    const auto t0 = Clock::now();
    lm = mesh.fit(frames[0], roi);
    fit_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    ASSERT_TRUE(lm);
  }
  volatile float sink = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto t0 = Clock::now();
    sink = sink + measure_geometry(*lm).yaw_deg;
    geometry_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  cv::setNumThreads(threads);
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  // The minimum is the best guide on a busy machine (others compiling); the median is the honest figure.
  std::printf("[ timing   ] fit: median %.2f ms, min %.2f ms (n=%zu, 1 thread); measure_geometry: median %.2f us\n",
              median(fit_ms), *std::min_element(fit_ms.begin(), fit_ms.end()), fit_ms.size(), median(geometry_us));
  RecordProperty("fit_median_ms", std::to_string(median(fit_ms)));
  RecordProperty("measure_geometry_median_us", std::to_string(median(geometry_us)));
}

}  // namespace
}  // namespace psyface::faces
