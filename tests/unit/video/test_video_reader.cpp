#include "video/video_reader.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <cmath>
#include <fstream>

#include "psyface/error.hpp"
#include "video/probe.hpp"
#include "video_test_support.hpp"

namespace psyface::video {
namespace {

using test::read_all;
using test::ReadResult;
using test::shared_video;
using test::TempDir;

// Anamorphic video (PAL DV at 16:9: 720x576 stored, each pixel 64:45 as wide as tall) is delivered in
// square pixels, 1024x576: a square drawn in the displayed picture stays square for the face models. Before,
// frames came at the stored size and every face was squeezed to 70 % of its width without a word.
TEST(VideoReader, NonSquarePixelsAreDeliveredSquare) {
  if (!test::have_ffmpeg_cli()) GTEST_SKIP() << "ffmpeg CLI not installed";
  TempDir dir;
  const auto clip = dir / "anamorphic.mp4";
  // A 1024x576 grey picture with a white 200x200 square at (412, 188), stored as 720 columns marked 64:45.
  ASSERT_TRUE(test::run_ffmpeg(
      "-f lavfi -i color=c=gray:s=1024x576:r=25:d=0.4 -vf "
      "\"drawbox=x=412:y=188:w=200:h=200:color=white:t=fill,scale=720:576,setsar=64/45\" -c:v libx264 "
      "-preset ultrafast -qp 0 -pix_fmt yuv444p " + clip.string()));
  const VideoInfo info = probe(clip);
  EXPECT_EQ(info.stored_width_px, 720);
  EXPECT_EQ(info.pixel_aspect_num, 64);
  EXPECT_EQ(info.pixel_aspect_den, 45);
  EXPECT_EQ(square_pixel_width(info), 1024);
  EXPECT_EQ(info.width_px, 1024);
  EXPECT_EQ(info.height_px, 576);
  VideoReader reader(clip);
  EXPECT_EQ(reader.info().width_px, 1024);
  Frame frame;
  ASSERT_TRUE(reader.next(frame));
  ASSERT_EQ(frame.bgr.cols, 1024);
  ASSERT_EQ(frame.bgr.rows, 576);
  cv::Mat grey;
  cv::cvtColor(frame.bgr, grey, cv::COLOR_BGR2GRAY);
  const cv::Rect box = cv::boundingRect(grey > 200);  // the white square
  EXPECT_NEAR(box.x, 412, 2);
  EXPECT_NEAR(box.width, 200, 3);
  EXPECT_NEAR(box.height, 200, 1);
  // Turned upright after the stretch: --rotation 90 gives 576x1024.
  ReadOptions turned;
  turned.rotation_deg = 90;
  VideoReader upright(clip, turned);
  ASSERT_TRUE(upright.next(frame));
  EXPECT_EQ(frame.bgr.cols, 576);
  EXPECT_EQ(frame.bgr.rows, 1024);
  EXPECT_EQ(upright.info().width_px, 576);
  // A grey 320x240 clip whose header gives its pixels the ratio `sar`.
  const auto grey_clip = [&](const std::string& name, const std::string& sar) {
    const auto path = dir / name;
    EXPECT_TRUE(test::run_ffmpeg("-f lavfi -i color=c=gray:s=320x240:r=25:d=0.2 -vf setsar=" + sar +
                                 " -c:v libx264 -preset ultrafast " + path.string()));
    return path;
  };
  // Square pixels are read as stored.
  const auto square = grey_clip("square.mp4", "1");
  const VideoInfo sq = probe(square);
  EXPECT_EQ(sq.pixel_aspect_num, 1);
  EXPECT_EQ(sq.pixel_aspect_den, 1);
  EXPECT_EQ(sq.width_px, 320);
  VideoReader plain(square);
  ASSERT_TRUE(plain.next(frame));
  EXPECT_EQ(frame.bgr.cols, 320);
  // A ratio beyond 4:1 is no camera's (a damaged header): taken as square, not a 1600-pixel-wide frame.
  const VideoInfo five = probe(grey_clip("absurd.mp4", "5/1"));
  EXPECT_EQ(five.pixel_aspect_num, 1);
  EXPECT_EQ(five.width_px, 320);
}

// The width in square pixels, by hand: ratios within 1 % of square (x264 itself stores 447:448 as 1:1; other
// writers keep it) leave the width; 1 % and more scale it.
TEST(VideoReader, SquarePixelWidthByHand) {
  VideoInfo v;
  v.stored_width_px = 720;
  const auto width = [&](int num, int den) {
    v.pixel_aspect_num = num, v.pixel_aspect_den = den;
    return square_pixel_width(v);
  };
  EXPECT_EQ(width(1, 1), 720);
  EXPECT_EQ(width(447, 448), 720);   // 0.9978
  EXPECT_EQ(width(64, 45), 1024);    // PAL DV 16:9
  EXPECT_EQ(width(16, 15), 768);     // PAL DV 4:3
  EXPECT_EQ(width(10, 11), 655);     // NTSC DV 4:3: 654.5 rounded
  EXPECT_EQ(width(99, 100), 713);    // exactly 1 % off: scaled (712.8)
  EXPECT_DOUBLE_EQ(square_pixel_scale(v), 0.99);
  EXPECT_EQ(width(0, 1), 720);       // not set
}

ReadResult read_file(const std::filesystem::path& path, const ReadOptions& options = {}) {
  VideoReader reader(path, options);
  return read_all(reader);
}

struct ClipFacts {
  const char* name;
  int64_t frames;
  int width_px;
  int height_px;
  double fps;
  double duration_sec;
};

class EveryFrame : public ::testing::TestWithParam<ClipFacts> {};

TEST_P(EveryFrame, CountTimesAndSizesMatchTheContainer) {
  const ClipFacts c = GetParam();
  PSYFACE_REQUIRE_SHARED(std::string("data/videos/") + c.name);
  const ReadResult r = read_file(shared_video(c.name));
  ASSERT_EQ(static_cast<int64_t>(r.frames.size()), c.frames);
  EXPECT_NEAR(r.frames.front().t_sec, 0.0, 1e-9);
  EXPECT_NEAR(r.frames.back().t_sec, c.duration_sec - 1.0 / c.fps, 0.05);
  for (size_t i = 0; i < r.frames.size(); ++i) {
    const auto& f = r.frames[i];
    ASSERT_EQ(f.frame_index, static_cast<int64_t>(i));
    ASSERT_EQ(f.width_px, c.width_px) << "frame " << i;
    ASSERT_EQ(f.height_px, c.height_px) << "frame " << i;
    ASSERT_EQ(f.type, CV_8UC3) << "frame " << i;
    ASSERT_NEAR(f.t_sec, i / c.fps, 0.002) << "frame " << i;  // these clips are constant-rate
    if (i > 0) {
      ASSERT_GT(f.t_sec, r.frames[i - 1].t_sec) << "frame " << i;
    }
  }
  EXPECT_EQ(r.report.frames_decoded, c.frames);
  EXPECT_EQ(r.report.frames_delivered, c.frames);
  EXPECT_EQ(r.report.decode_errors, 0);
  EXPECT_EQ(r.report.timestamps_repaired, 0);
  EXPECT_FALSE(r.report.truncated) << r.report.first_error;
  EXPECT_FALSE(r.report.frame_index_estimated);
  EXPECT_DOUBLE_EQ(r.report.last_t_sec, r.frames.back().t_sec);
}

INSTANTIATE_TEST_SUITE_P(
    SharedClips, EveryFrame,
    ::testing::Values(ClipFacts{"fer_woman2.mp4", 464, 596, 336, 29.97, 15.482},
                      ClipFacts{"openface_sample_2015-10-15-15-14.avi", 842, 640, 480, 30.0, 28.067},
                      ClipFacts{"pyfeat_WolfgangLanger_Pexels.mp4", 472, 640, 360, 24000.0 / 1001, 19.685}),
    [](const auto& info) { return std::string(info.param.name).substr(0, 6); });

TEST(VideoReader, PicturesMatchOpenCvsOwnDecoder) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  const auto path = shared_video("fer_woman2.mp4");
  cv::VideoCapture capture(path.string(), cv::CAP_FFMPEG);
  if (!capture.isOpened()) GTEST_SKIP() << "OpenCV has no FFmpeg backend here";
  VideoReader reader(path);
  Frame ours;
  cv::Mat theirs;
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(reader.next(ours));
    ASSERT_TRUE(capture.read(theirs));
    ASSERT_EQ(ours.bgr.size(), theirs.size()) << "frame " << i;
    const double mean_abs_diff = cv::norm(ours.bgr, theirs, cv::NORM_L1) / ours.bgr.total() / 3;
    ASSERT_LT(mean_abs_diff, 2.0) << "first mismatch at frame " << i;
  }
}

TEST(VideoReader, SamplingAtFiveFpsFollowsTheGrid) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  const ReadResult r = read_file(shared_video("fer_woman2.mp4"), {.sample_fps = 5, .skip_nonref_when_sampling = false});
  ASSERT_NEAR(static_cast<double>(r.frames.size()), 78.0, 1.0);
  for (size_t i = 0; i < r.frames.size(); ++i) {
    EXPECT_GE(r.frames[i].t_sec, i * 0.2 - 1e-6) << "sample " << i;  // first frame at/after grid point
    EXPECT_LT(r.frames[i].t_sec, i * 0.2 + 1 / 29.97) << "sample " << i;
    if (i > 0) {
      EXPECT_NEAR(r.frames[i].t_sec - r.frames[i - 1].t_sec, 0.2, 1 / 29.97) << "sample " << i;
    }
    EXPECT_EQ(r.frames[i].frame_index, std::llround(r.frames[i].t_sec * 29.97)) << "sample " << i;
  }
  EXPECT_EQ(r.report.frames_decoded, 464);  // all decoded, only the selected converted
  EXPECT_EQ(r.report.frames_delivered, static_cast<int64_t>(r.frames.size()));
  EXPECT_FALSE(r.report.truncated);
}

TEST(VideoReader, SamplingSkipsNonReferenceFramesButKeepsExactTimes) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  const ReadResult all = read_file(shared_video("fer_woman2.mp4"), {});
  const ReadResult r = read_file(shared_video("fer_woman2.mp4"), {.sample_fps = 5});
  ASSERT_NEAR(static_cast<double>(r.frames.size()), 78.0, 1.0);
  EXPECT_LT(r.report.frames_decoded, 464);  // B-frames were not decoded
  EXPECT_FALSE(r.report.frame_index_estimated);  // the skipped frames are counted from their packets
  for (size_t i = 0; i < r.frames.size(); ++i) {
    EXPECT_GE(r.frames[i].t_sec, i * 0.2 - 1e-6) << "sample " << i;
    EXPECT_LT(r.frames[i].t_sec, i * 0.2 + 1 / 29.97) << "sample " << i;  // the frame on or after the grid point
    // the time is that of the real frame with this index: compare with the every-frame read
    const auto k = static_cast<size_t>(r.frames[i].frame_index);
    ASSERT_LT(k, all.frames.size());
    EXPECT_NEAR(all.frames[k].t_sec, r.frames[i].t_sec, 1e-6) << "sample " << i;
  }
  EXPECT_FALSE(r.report.truncated);
}

TEST(VideoReader, StartAndEndRestrictTheRangeAndSeek) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  const double fps = 29.97;
  const ReadResult r = read_file(shared_video("fer_woman2.mp4"), {.start_sec = 5.0, .end_sec = 10.0});
  ASSERT_NEAR(static_cast<double>(r.frames.size()), 5.0 * fps, 1.0);
  EXPECT_GE(r.frames.front().t_sec, 5.0 - 1e-6);
  EXPECT_LT(r.frames.front().t_sec, 5.0 + 1 / fps);
  EXPECT_LT(r.frames.back().t_sec, 10.0);
  EXPECT_GT(r.frames.back().t_sec, 10.0 - 2 / fps);
  for (const auto& f : r.frames) ASSERT_EQ(f.frame_index, std::llround(f.t_sec * fps)) << "t " << f.t_sec;
  EXPECT_TRUE(r.report.frame_index_estimated);
  EXPECT_LT(r.report.frames_decoded, 5.0 * fps + 20);  // seeked to a keyframe near 5 s, not decoded from 0
  EXPECT_FALSE(r.report.truncated) << r.report.first_error;
}

TEST(VideoReader, SamplingWithStartUsesTheAbsoluteGrid) {
  PSYFACE_REQUIRE_SHARED("data/videos/openface_sample_2015-10-15-15-14.avi");
  const ReadResult r = read_file(shared_video("openface_sample_2015-10-15-15-14.avi"),
                                 {.sample_fps = 2, .start_sec = 10.1, .end_sec = 12.0});
  ASSERT_EQ(r.frames.size(), 3u);  // 10.5, 11.0, 11.5 (frames every 1/30 s land on the grid)
  EXPECT_NEAR(r.frames[0].t_sec, 10.5, 1e-6);
  EXPECT_NEAR(r.frames[2].t_sec, 11.5, 1e-6);
  EXPECT_EQ(r.frames[0].frame_index, 315);
}

TEST(VideoReader, DecoderThreadsGiveTheSameFrames) {
  PSYFACE_REQUIRE_SHARED("data/videos/pyfeat_WolfgangLanger_Pexels.mp4");
  const auto path = shared_video("pyfeat_WolfgangLanger_Pexels.mp4");
  const ReadResult one = read_file(path, {.decoder_threads = 1});
  const ReadResult many = read_file(path, {.decoder_threads = 0});
  ASSERT_EQ(one.frames.size(), many.frames.size());
  for (size_t i = 0; i < one.frames.size(); ++i) ASSERT_EQ(one.frames[i].t_sec, many.frames[i].t_sec) << i;
}

TEST(VideoReader, VariableFrameRateTimesFollowThePts) {
  if (!test::have_ffmpeg_cli()) GTEST_SKIP() << "ffmpeg CLI not installed";
  TempDir dir;
  // 60 frames: the first 30 every 1/30 s, the rest every 2/30 s (2.93 s in all).
  const auto clip = dir / "vfr.mkv";
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i testsrc=size=160x120:rate=30 -frames:v 60 "
                               "-vf \"setpts='if(lt(N,30),N,30+(N-30)*2)/30/TB'\" -vsync vfr "
                               "-c:v mpeg4 -q:v 5 " + clip.string()));
  const ReadResult r = read_file(clip);
  ASSERT_EQ(r.frames.size(), 60u);
  for (size_t n = 0; n < 60; ++n) {
    const double expected = (n < 30 ? n : 30 + (n - 30) * 2.0) / 30.0;
    ASSERT_NEAR(r.frames[n].t_sec, expected, 0.002) << "frame " << n;  // mkv stores milliseconds
  }
  EXPECT_NEAR(r.frames[59].t_sec, 88 / 30.0, 0.002);  // index / nominal fps would be far from this
  const ReadResult sampled = read_file(clip, {.sample_fps = 10});
  // 0 .. 0.9 s: 10 grid points on 30 fps; 1.0 .. 2.9 s: 20 grid points on 15 fps frames.
  EXPECT_EQ(sampled.frames.size(), 30u);
}

TEST(VideoReader, TruncatedAviDecodesUpToTheCut) {
  PSYFACE_REQUIRE_SHARED("data/videos/openface_sample_2015-10-15-15-14.avi");
  TempDir dir;
  test::copy_prefix(shared_video("openface_sample_2015-10-15-15-14.avi"), dir / "cut.avi", 0.6);
  const ReadResult r = read_file(dir / "cut.avi");
  EXPECT_GT(r.frames.size(), 400u);
  EXPECT_LT(r.frames.size(), 842u);
  EXPECT_TRUE(r.report.truncated);
  // expected end from the AVI header: 842 frames at 30 fps (its index, with the duration, is cut off)
  EXPECT_NEAR(r.report.undecoded_sec, 842 / 30.0 - r.frames.back().t_sec - 1 / 30.0, 1e-6);
  EXPECT_GT(r.report.undecoded_sec, 5.0);
  EXPECT_FALSE(r.report.first_error.empty());
  for (size_t i = 1; i < r.frames.size(); ++i) ASSERT_GT(r.frames[i].t_sec, r.frames[i - 1].t_sec);
}

TEST(VideoReader, TruncatedFaststartMp4DecodesUpToTheCut) {
  PSYFACE_REQUIRE_SHARED("data/videos/pyfeat_WolfgangLanger_Pexels.mp4");  // moov before mdat
  TempDir dir;
  test::copy_prefix(shared_video("pyfeat_WolfgangLanger_Pexels.mp4"), dir / "cut.mp4", 0.6);
  const ReadResult r = read_file(dir / "cut.mp4");
  EXPECT_GT(r.frames.size(), 150u);
  EXPECT_LT(r.frames.size(), 472u);
  EXPECT_TRUE(r.report.truncated);
  EXPECT_GT(r.report.undecoded_sec, 3.0);
  EXPECT_FALSE(r.report.first_error.empty());
}

TEST(VideoReader, TruncatedMkvMadeHereDecodesUpToTheCut) {
  if (!test::have_ffmpeg_cli()) GTEST_SKIP() << "ffmpeg CLI not installed";
  TempDir dir;
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i testsrc=size=160x120:rate=25 -frames:v 250 -c:v mpeg4 -g 25 " +
                               (dir / "full.mkv").string()));
  test::copy_prefix(dir / "full.mkv", dir / "cut.mkv", 0.5);
  const ReadResult full = read_file(dir / "full.mkv");
  const ReadResult cut = read_file(dir / "cut.mkv");
  ASSERT_EQ(full.frames.size(), 250u);
  EXPECT_FALSE(full.report.truncated);
  EXPECT_GT(cut.frames.size(), 50u);
  EXPECT_LT(cut.frames.size(), 250u);
  EXPECT_TRUE(cut.report.truncated);
  EXPECT_GT(cut.report.undecoded_sec, 2.0);
}

TEST(VideoReader, GarbageAfterAValidHeaderDoesNotThrow) {
  PSYFACE_REQUIRE_SHARED("data/videos/openface_sample_2015-10-15-15-14.avi");
  TempDir dir;
  test::copy_prefix(shared_video("openface_sample_2015-10-15-15-14.avi"), dir / "damaged.avi", 1.0);
  {  // overwrite 200 kB in the middle with a byte pattern
    std::fstream f(dir / "damaged.avi", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1'500'000);
    for (int i = 0; i < 200'000; ++i) f.put(static_cast<char>((i * 131) & 0xff));
  }
  ReadResult r;
  ASSERT_NO_THROW(r = read_file(dir / "damaged.avi"));
  EXPECT_GT(r.frames.size(), 300u);
  for (size_t i = 1; i < r.frames.size(); ++i) ASSERT_GT(r.frames[i].t_sec, r.frames[i - 1].t_sec);
}

TEST(VideoReader, TextFileNamedMp4IsAnInputError) {
  TempDir dir;
  std::ofstream(dir / "session.mp4") << "not a video\n";
  try {
    VideoReader reader(dir / "session.mp4");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("session.mp4"), std::string::npos) << e.what();
  }
}

TEST(VideoReader, InvalidOptionsAreUsageErrors) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  try {
    VideoReader reader(shared_video("fer_woman2.mp4"), {.start_sec = 4, .end_sec = 3});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Usage);
  }
}

TEST(VideoReader, RequestStopEndsTheStream) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  VideoReader reader(shared_video("fer_woman2.mp4"));
  Frame frame;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(reader.next(frame));
  reader.request_stop();
  EXPECT_FALSE(reader.next(frame));
  EXPECT_FALSE(reader.next(frame));
  EXPECT_TRUE(reader.report().cancelled);
  EXPECT_FALSE(reader.report().truncated);
}

}  // namespace
}  // namespace psyface::video
