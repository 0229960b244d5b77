// VideoWriter: frame count, times (also variable frame rate) and duration survive a write and a read back
// (with psyface's reader and with ffprobe); odd sizes; no file under the final name without commit().
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include <opencv2/imgproc.hpp>

#include "psyface/error.hpp"
#include "video/video_reader.hpp"
#include "video/video_writer.hpp"
#include "video_test_support.hpp"

namespace psyface::video {
namespace {

using test::TempDir;

cv::Mat test_picture(int w, int h, int k) {
  cv::Mat m(h, w, CV_8UC3, cv::Scalar(40, 80, 120));
  cv::rectangle(m, cv::Rect(4 * k % (w - 20), 10, 20, 20), cv::Scalar(0, 0, 255), cv::FILLED);
  return m;
}

std::string ffprobe(const std::filesystem::path& file, const std::string& entries) {
  const std::string cmd = "ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=" + entries +
                          " -of default=nw=1:nk=1 '" + file.string() + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[256];
  while (pipe && fgets(buf, sizeof buf, pipe.get())) out += buf;
  return out;
}

TEST(VideoWriter, KeepsFrameCountTimesAndDurationAlsoVariableRate) {
  TempDir dir;
  const auto out = dir / "vfr.mp4";
  std::vector<double> times;
  for (int k = 0; k < 40; ++k) times.push_back(k < 20 ? k / 25.0 : 0.8 + (k - 20) / 10.0);  // 25 fps, then 10 fps
  {
    VideoWriter writer(out, 160, 120, {.nominal_fps = 10});
    for (size_t k = 0; k < times.size(); ++k) writer.write(test_picture(160, 120, int(k)), times[k]);
    EXPECT_FALSE(std::filesystem::exists(out)) << "the final name appears only at commit";
    writer.commit();
  }
  VideoReader reader(out);
  const auto read = test::read_all(reader);
  ASSERT_EQ(read.frames.size(), times.size());
  for (size_t k = 0; k < times.size(); ++k) EXPECT_NEAR(read.frames[k].t_sec, times[k], 1e-3) << "frame " << k;
  if (!test::have_ffmpeg_cli()) GTEST_SKIP() << "no ffprobe";
  double duration = 0;
  long frames = 0;
  ASSERT_EQ(std::sscanf(ffprobe(out, "duration,nb_read_frames").c_str(), "%lf %ld", &duration, &frames), 2);
  EXPECT_EQ(frames, 40);
  EXPECT_NEAR(duration, times.back() + 0.1, 1e-3);  // the last frame lasts 1 / nominal fps
}

TEST(VideoWriter, PadsOddSizesAndLeavesNoFileWithoutCommit) {
  TempDir dir;
  const auto out = dir / "odd.mp4";
  {
    VideoWriter writer(out, 161, 121, {.nominal_fps = 25});
    writer.write(test_picture(161, 121, 0), 0);
    EXPECT_TRUE(std::filesystem::exists(writer.temp_path()));
  }  // destroyed without commit, as after Ctrl-C
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "neither the final name nor the temporary file remains";
  {
    VideoWriter writer(out, 161, 121, {.nominal_fps = 25});
    for (int k = 0; k < 5; ++k) writer.write(test_picture(161, 121, k), k / 25.0);
    writer.commit();
  }
  VideoReader reader(out);
  EXPECT_EQ(reader.info().width_px, 162);
  EXPECT_EQ(reader.info().height_px, 122);
  EXPECT_EQ(test::read_all(reader).frames.size(), 5u);
}

TEST(VideoWriter, Mpeg4WhenH264IsNotWanted) {
  TempDir dir;
  const auto out = dir / "m4.mp4";
  VideoWriter writer(out, 64, 48, {.nominal_fps = 30000.0 / 1001, .allow_h264 = false});
  EXPECT_EQ(writer.codec_name(), "mpeg4");
  for (int k = 0; k < 30; ++k) writer.write(test_picture(64, 48, k), k * 1001 / 30000.0);
  writer.commit();
  VideoReader reader(out);
  EXPECT_EQ(reader.info().codec_name, "mpeg4");
  const auto read = test::read_all(reader);
  ASSERT_EQ(read.frames.size(), 30u);
  EXPECT_NEAR(read.frames.back().t_sec, 29 * 1001 / 30000.0, 1e-3);
}

TEST(VideoWriter, RefusesAnUnknownContainer) {
  TempDir dir;
  try {
    VideoWriter writer(dir / "out.notavideo", 64, 48);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Output);
    EXPECT_NE(std::string(e.what()).find("out.notavideo"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace psyface::video
