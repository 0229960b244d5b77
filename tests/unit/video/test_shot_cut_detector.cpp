// ShotCutDetector: synthetic scenes (a cut, a still, a slow fade, a size change) and the dev clips (no cut
// in single-shot clips at every frame and at 2 fps; the cuts of a composed video found at their times).
#include "video/shot_cut_detector.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "psyface/error.hpp"
#include "video/video_reader.hpp"
#include "video_test_support.hpp"

namespace psyface::video {
namespace {

using test::shared_video;

// A textured scene in the colours of `base`, shifted by `shift_px` (slow camera or subject motion).
cv::Mat scene(cv::Scalar base, int seed, int shift_px) {
  cv::Mat noise(360 + 40, 640 + 40, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(60));
  cv::GaussianBlur(noise, noise, {15, 15}, 5);
  cv::Mat img = noise(cv::Rect(shift_px, shift_px / 2, 640, 360)).clone();
  img += base;
  return img;
}

std::vector<double> cut_times(const std::vector<cv::Mat>& frames, double fps = 30) {
  ShotCutDetector d;
  std::vector<double> cuts;
  for (size_t k = 0; k < frames.size(); ++k)
    if (d.update(frames[k], k / fps).cut) cuts.push_back(k / fps);
  return cuts;
}

TEST(ShotCutDetector, FindsTheCutBetweenTwoScenesAndNothingElse) {
  std::vector<cv::Mat> frames;
  for (int k = 0; k < 30; ++k) frames.push_back(scene({40, 90, 160}, 1, k % 20));
  for (int k = 0; k < 30; ++k) frames.push_back(scene({150, 60, 30}, 2, k % 20));
  const auto cuts = cut_times(frames);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_DOUBLE_EQ(cuts[0], 30 / 30.0);
}

TEST(ShotCutDetector, SameColoursInOtherPlacesAreACut) {
  // Two scenes side by side, then swapped: the colour histogram hardly changes, the layout does.
  const cv::Mat a = scene({40, 90, 160}, 1, 0), b = scene({150, 60, 30}, 2, 0);
  cv::Mat ab, ba;
  cv::hconcat(a(cv::Rect(0, 0, 320, 360)), b(cv::Rect(0, 0, 320, 360)), ab);
  cv::hconcat(b(cv::Rect(0, 0, 320, 360)), a(cv::Rect(0, 0, 320, 360)), ba);
  std::vector<cv::Mat> frames(20, ab);
  frames.insert(frames.end(), 20, ba);
  const auto cuts = cut_times(frames);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_DOUBLE_EQ(cuts[0], 20 / 30.0);
}

TEST(ShotCutDetector, StillsAndSlowFadesAreNotCuts) {
  std::vector<cv::Mat> frames;
  const cv::Mat a = scene({40, 90, 160}, 1, 0), b = scene({150, 60, 30}, 2, 0);
  for (int k = 0; k < 20; ++k) frames.push_back(a.clone());
  for (int k = 0; k <= 30; ++k) {  // one-second cross-fade
    cv::Mat m;
    cv::addWeighted(a, 1 - k / 30.0, b, k / 30.0, 0, m);
    frames.push_back(m);
  }
  EXPECT_TRUE(cut_times(frames).empty());
}

TEST(ShotCutDetector, FirstFrameAndSizeChangesAreNeverCuts) {
  ShotCutDetector d;
  EXPECT_FALSE(d.update(scene({40, 90, 160}, 1, 0), 0).cut);
  cv::Mat other;
  cv::resize(scene({150, 60, 30}, 2, 0), other, {320, 240});
  EXPECT_FALSE(d.update(other, 0.033).cut);
  ShotCutOptions bad;
  bad.history_frames = 0;
  EXPECT_THROW(ShotCutDetector{bad}, Error);
}

std::vector<double> clip_cuts(const std::filesystem::path& path, double fps) {
  ReadOptions o;
  o.sample_fps = fps;
  VideoReader r(path, o);
  std::vector<double> cuts;
  Frame f;
  while (r.next(f))
    if (f.shot_cut) cuts.push_back(f.t_sec);
  EXPECT_EQ(static_cast<int64_t>(cuts.size()), r.report().shot_cuts);
  return cuts;
}

TEST(ShotCutDetector, SingleShotDevClipsHaveNoCut) {
  for (const char* name : {"fer_woman2.mp4", "openface_sample_2015-10-15-15-14.avi", "pyfeat_WolfgangLanger_Pexels.mp4",
                           "faceswap_test_video_03-2_faces.mp4"}) {
    PSYFACE_REQUIRE_SHARED(std::string("data/videos/") + name);
    for (double fps : {0.0, 2.0}) {
      const auto cuts = clip_cuts(shared_video(name), fps);
      EXPECT_TRUE(cuts.empty()) << name << " at fps " << fps << ": first cut at " << (cuts.empty() ? -1 : cuts[0]);
    }
  }
}

// The hamilton clip's three hard cuts (checked by eye: frames 19→20 stage to audience close-up, 81→82
// audience to performer, 210→211 performer to audience), every frame and at 10 fps.
TEST(ShotCutDetector, TheThreeCutsOfTheStageClip) {
  PSYFACE_REQUIRE_SHARED("data/videos/face_recognition_short_hamilton_clip.mp4");
  const auto every = clip_cuts(shared_video("face_recognition_short_hamilton_clip.mp4"), 0);
  ASSERT_EQ(every.size(), 3u);
  const double expected[] = {20 / 29.97, 82 / 29.97, 211 / 29.97};
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(every[k], expected[k], 0.01) << k;
  // At 10 fps the busy audience shot (a head moving close to the camera) changes almost as much between
  // analysed frames as its cut to the performer: that one cut is missed, never a false one is found.
  const auto sampled = clip_cuts(shared_video("face_recognition_short_hamilton_clip.mp4"), 10);
  EXPECT_GE(sampled.size(), 2u);
  for (double t : sampled) {
    double nearest = 1e9;
    for (double e : expected) nearest = std::min(nearest, std::fabs(t - e));
    EXPECT_LE(nearest, 0.11) << "cut at " << t;
  }
}

TEST(ShotCutDetector, CutsOfAComposedVideoAreFoundAtTheirTimes) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  if (!test::have_ffmpeg_cli()) GTEST_SKIP() << "ffmpeg CLI not installed";
  test::TempDir dir;
  const auto out = dir / "joined.mp4";
  const std::string pad = "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=30,setsar=1";
  ASSERT_TRUE(test::run_ffmpeg(
      "-t 2 -i " + shared_video("fer_woman2.mp4").string() + " -t 2 -i " +
      shared_video("openface_sample_2015-10-15-15-14.avi").string() + " -ss 14 -t 2 -i " +
      shared_video("pyfeat_WolfgangLanger_Pexels.mp4").string() + " -filter_complex \"[0:v]" + pad + "[a];[1:v]" + pad +
      "[b];[2:v]" + pad + "[c];[a][b][c]concat=n=3:v=1:a=0\" -an -c:v libx264 -preset ultrafast -pix_fmt yuv420p " +
      out.string()));
  for (double fps : {0.0, 5.0}) {
    const auto cuts = clip_cuts(out, fps);
    ASSERT_EQ(cuts.size(), 2u) << "fps " << fps;
    EXPECT_NEAR(cuts[0], 2.0, fps > 0 ? 0.21 : 0.04);
    EXPECT_NEAR(cuts[1], 4.0, fps > 0 ? 0.21 : 0.04);
  }
}

}  // namespace
}  // namespace psyface::video
