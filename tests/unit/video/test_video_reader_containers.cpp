// VideoReader on containers other than MP4 (MPEG-TS, MPEG-PS, raw H.264), and the exactness of sampled
// reads: the same picture gets the same time and the same frame index with and without sample_fps.
// Clips are made here with the ffmpeg CLI from the first 6 s of a dev clip (issue 19, items 1-3).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "video/frame_sampler.hpp"
#include "video/video_reader.hpp"
#include "video_test_support.hpp"

namespace psyface::video {
namespace {

using test::TempDir;

constexpr double kFps = 30000.0 / 1001;
constexpr double kFrameSec = 1 / kFps;

struct Picture {
  int64_t frame_index;
  double t_sec;
  double sum;  // sum of all BGR values: the same picture decodes to the same bytes
};

struct Read {
  std::vector<Picture> frames;
  DecodeReport report;
};

Read read_pictures(const std::filesystem::path& path, const ReadOptions& options = {}) {
  VideoReader reader(path, options);
  Read r;
  Frame f;
  while (reader.next(f)) {
    const cv::Scalar s = cv::sum(f.bgr);
    r.frames.push_back({f.frame_index, f.t_sec, s[0] + s[1] + s[2]});
  }
  r.report = reader.report();
  return r;
}

// What a sampled read must deliver: the frames of the every-frame read that FrameSampler takes.
std::vector<Picture> expected_selection(const Read& every_frame, const ReadOptions& options) {
  FrameSampler sampler(options);
  std::vector<Picture> taken;
  for (const Picture& p : every_frame.frames) {
    const auto d = sampler.decide(p.t_sec);
    if (d == FrameSampler::Decision::End) break;
    if (d == FrameSampler::Decision::Take) taken.push_back(p);
  }
  return taken;
}

// 6 s of fer_woman2 (29.97 fps, 180 frames), H.264 with 2 B-frames and a keyframe every 4 s only (0 and
// 4.004 s), as MP4, MPEG-TS and a raw Annex B stream (same coded pictures); MPEG-2 in MPEG-PS (.mpg).
class Containers : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto src = test::shared_video("fer_woman2.mp4");
    if (!test::have_ffmpeg_cli() || !std::filesystem::exists(src)) return;
    dir_ = std::make_unique<TempDir>();
    const std::string d = dir_->path().string() + "/";
    ok_ = test::run_ffmpeg("-i " + src.string() + " -t 6 -an -vf scale=320:-2 -c:v libx264 -preset veryfast "
                           "-x264-params keyint=120:min-keyint=120:scenecut=0:bframes=2 " + d + "gop4.mp4") &&
          test::run_ffmpeg("-i " + d + "gop4.mp4 -c copy " + d + "gop4.ts") &&
          test::run_ffmpeg("-i " + d + "gop4.mp4 -c copy -bsf:v h264_mp4toannexb " + d + "gop4.h264") &&
          test::run_ffmpeg("-i " + d + "gop4.mp4 -c:v mpeg2video -g 120 -bf 2 -q:v 4 " + d + "gop4.mpg");
  }
  static void TearDownTestSuite() { dir_.reset(); }
  void SetUp() override {
    if (!ok_) GTEST_SKIP() << "ffmpeg CLI or data/videos/fer_woman2.mp4 not available";
  }
  static std::filesystem::path clip(const std::string& ext) { return *dir_ / ("gop4." + ext); }

  static inline std::unique_ptr<TempDir> dir_;
  static inline bool ok_ = false;
};

const std::vector<std::pair<std::string, ReadOptions>>& option_sets() {
  static const std::vector<std::pair<std::string, ReadOptions>> sets = {
      {"every frame", {}},
      {"--start 2", {.start_sec = 2}},
      {"--start 2 --end 3", {.start_sec = 2, .end_sec = 3}},
      {"--start 5", {.start_sec = 5}},
      {"--fps 5", {.sample_fps = 5}},
      {"--fps 3", {.sample_fps = 3}},
      {"--fps 5 --start 2 --end 4", {.sample_fps = 5, .start_sec = 2, .end_sec = 4}},
      {"--fps 2 --start 4.5", {.sample_fps = 2, .start_sec = 4.5}},
  };
  return sets;
}

// Issue 19 items 1 and 3: the .ts, .mpg and raw .h264 versions give the MP4's analysed times (within one
// frame) with and without --start/--end and --fps; nothing starts late, nothing is marked truncated.
TEST_F(Containers, OtherContainersGiveTheMp4sTimes) {
  for (const auto& [label, options] : option_sets()) {
    const Read mp4 = read_pictures(clip("mp4"), options);
    ASSERT_FALSE(mp4.frames.empty()) << label;
    for (const std::string ext : {"ts", "mpg", "h264"}) {
      SCOPED_TRACE(ext + " " + label);
      const Read r = read_pictures(clip(ext), options);
      ASSERT_EQ(r.frames.size(), mp4.frames.size()) << "first times " << (r.frames.empty() ? -1 : r.frames[0].t_sec)
                                                    << " vs " << mp4.frames[0].t_sec;
      for (size_t i = 0; i < r.frames.size(); ++i)
        ASSERT_NEAR(r.frames[i].t_sec, mp4.frames[i].t_sec, kFrameSec) << "first mismatch at row " << i;
      EXPECT_FALSE(r.report.truncated) << r.report.first_error;
    }
  }
}

// Issue 19 item 1: on MPEG-TS/PS the seek to the keyframe before --start landed after it (at 4.004 s).
TEST_F(Containers, StartOnMpegTsAndPsBeginsAtStart) {
  for (const std::string ext : {"ts", "mpg"}) {
    const Read r = read_pictures(clip(ext), {.start_sec = 2, .end_sec = 3});
    ASSERT_FALSE(r.frames.empty()) << ext;
    EXPECT_GE(r.frames.front().t_sec, 2 - 1e-6) << ext;
    EXPECT_LT(r.frames.front().t_sec, 2 + kFrameSec) << ext;
    EXPECT_NEAR(static_cast<double>(r.frames.size()), kFps, 1.0) << ext;
    EXPECT_FALSE(r.report.truncated) << ext << ": " << r.report.first_error;
  }
}

// Issue 19 item 3: without timestamps, skipping B-frames shrank the timeline (6 s ended near 3.7 s).
TEST_F(Containers, RawH264AtFiveFpsKeepsItsLength) {
  const Read r = read_pictures(clip("h264"), {.sample_fps = 5});
  ASSERT_EQ(r.frames.size(), 30u);
  for (size_t i = 0; i < r.frames.size(); ++i) {
    EXPECT_GE(r.frames[i].t_sec, i * 0.2 - 1e-6) << "sample " << i;
    EXPECT_LT(r.frames[i].t_sec, i * 0.2 + kFrameSec) << "sample " << i;
  }
  const Read window = read_pictures(clip("h264"), {.sample_fps = 5, .start_sec = 3, .end_sec = 5});
  EXPECT_EQ(window.frames.size(), 10u);
  EXPECT_FALSE(window.report.truncated) << window.report.first_error;
}

// Issue 19 item 2: a sampled read delivers exactly the frames an every-frame read would take, with the
// same index and the same picture, also when non-reference frames are skipped.
TEST_F(Containers, SampledReadsDeliverTheEveryFrameReadsFramesAndIndexes) {
  for (const std::string ext : {"mp4", "ts"}) {
    const Read all = read_pictures(clip(ext));
    for (const double fps : {2.0, 3.0, 5.0, 7.5}) {
      SCOPED_TRACE(ext + " --fps " + std::to_string(fps));
      const ReadOptions options{.sample_fps = fps};
      const Read r = read_pictures(clip(ext), options);
      const std::vector<Picture> want = expected_selection(all, options);
      EXPECT_LT(r.report.frames_decoded, all.report.frames_decoded);  // still skips non-reference frames
      EXPECT_FALSE(r.report.frame_index_estimated);
      ASSERT_EQ(r.frames.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ(r.frames[i].frame_index, want[i].frame_index) << "first mismatch at row " << i;
        ASSERT_DOUBLE_EQ(r.frames[i].t_sec, want[i].t_sec) << "row " << i;
        ASSERT_DOUBLE_EQ(r.frames[i].sum, want[i].sum) << "row " << i;
      }
    }
  }
}

TEST(SampledIndexes, VariableFrameRateMp4WithBFramesCountsFrames) {
  if (!test::have_ffmpeg_cli()) GTEST_SKIP() << "ffmpeg CLI not installed";
  TempDir dir;
  // 150 frames: 30 fps for the first 60, then 10 fps (13 s in all); nominal rate about 11.5 fps.
  const auto clip = dir / "vfr.mp4";
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i testsrc=size=160x120:rate=30 -frames:v 150 "
                               "-vf \"setpts='if(lt(N,60),N,60+(N-60)*3)/30/TB'\" -vsync vfr "
                               "-c:v libx264 -preset veryfast -bf 2 " + clip.string()));
  const Read all = read_pictures(clip);
  ASSERT_EQ(all.frames.size(), 150u);
  const ReadOptions options{.sample_fps = 3};
  const Read r = read_pictures(clip, options);
  const std::vector<Picture> want = expected_selection(all, options);
  EXPECT_FALSE(r.report.frame_index_estimated);
  ASSERT_EQ(r.frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(r.frames[i].frame_index, want[i].frame_index) << "first mismatch at row " << i;
    ASSERT_DOUBLE_EQ(r.frames[i].t_sec, want[i].t_sec) << "row " << i;
  }
}

TEST(SampledIndexes, AviWithBFramesGivesEachPictureItsEveryFrameIndex) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  if (!test::have_ffmpeg_cli()) GTEST_SKIP() << "ffmpeg CLI not installed";
  TempDir dir;
  const auto clip = dir / "bf.avi";  // MPEG-4 Part 2 with B-frames: AVI stores no pts for I/P frames
  ASSERT_TRUE(test::run_ffmpeg("-i " + test::shared_video("fer_woman2.mp4").string() +
                               " -t 4 -an -vf scale=320:-2 -c:v mpeg4 -bf 2 -q:v 5 " + clip.string()));
  const Read all = read_pictures(clip);
  std::map<double, Picture> by_sum;
  for (const Picture& p : all.frames) by_sum.emplace(p.sum, p);
  const ReadOptions options{.sample_fps = 5};
  const Read r = read_pictures(clip, options);
  ASSERT_EQ(r.frames.size(), expected_selection(all, options).size());
  EXPECT_FALSE(r.report.frame_index_estimated);
  for (size_t i = 0; i < r.frames.size(); ++i) {
    const auto same = by_sum.find(r.frames[i].sum);
    ASSERT_NE(same, by_sum.end()) << "row " << i << ": a picture the every-frame read never gave";
    EXPECT_EQ(r.frames[i].frame_index, same->second.frame_index) << "row " << i;
    EXPECT_DOUBLE_EQ(r.frames[i].t_sec, same->second.t_sec) << "row " << i;
  }
}

}  // namespace
}  // namespace psyface::video
