#include "video/async_frame_source.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "psyface/error.hpp"
#include "video/video_reader.hpp"
#include "video_test_support.hpp"

namespace psyface::video {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::shared_video;

// A synthetic source: `count` frames (-1 = endless) of 64×48, optionally throwing after `throw_after`,
// optionally taking `delay` per frame. Counts what it produced so tests can check what is held in memory.
class FakeSource final : public FrameSource {
 public:
  FakeSource(int64_t count, int64_t throw_after = -1, std::chrono::milliseconds delay = 0ms)
      : count_(count), throw_after_(throw_after), delay_(delay) {}
  bool next(Frame& frame) override {
    if (stop_.load() || produced_.load() == count_) return false;
    if (produced_.load() == throw_after_) throw Error(ErrorCode::Input, "fake: damaged beyond repair");
    std::this_thread::sleep_for(delay_);
    frame.frame_index = produced_.load();
    frame.t_sec = frame.frame_index / 25.0;
    frame.bgr = cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(static_cast<double>(frame.frame_index % 256)));
    ++produced_;
    return true;
  }
  DecodeReport report() const override {
    DecodeReport r;
    r.frames_decoded = r.frames_delivered = produced_.load();
    return r;
  }
  const VideoInfo& info() const override { return info_; }
  void request_stop() noexcept override { stop_ = true; }
  const std::atomic<int64_t>& produced() const { return produced_; }

 private:
  int64_t count_, throw_after_;
  std::chrono::milliseconds delay_;
  std::atomic<int64_t> produced_{0};
  std::atomic<bool> stop_{false};
  VideoInfo info_;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(AsyncFrameSource, DeliversAllFramesInOrder) {
  AsyncFrameSource source(std::make_unique<FakeSource>(200), 4);
  Frame frame;
  int64_t expected = 0;
  while (source.next(frame)) {
    ASSERT_EQ(frame.frame_index, expected);
    ASSERT_EQ(frame.bgr.at<cv::Vec3b>(0, 0)[0], expected % 256);
    ++expected;
  }
  EXPECT_EQ(expected, 200);
  EXPECT_FALSE(source.next(frame));
  EXPECT_EQ(source.report().frames_delivered, 200);
  EXPECT_FALSE(source.report().cancelled);
}

TEST(AsyncFrameSource, SlowConsumerNeverHasMoreThanCapacityFramesQueued) {
  auto fake = std::make_unique<FakeSource>(60);
  const FakeSource& producer = *fake;
  const size_t capacity = 3;
  AsyncFrameSource source(std::move(fake), capacity);
  Frame frame;
  int64_t consumed = 0;
  while (source.next(frame)) {
    ++consumed;
    std::this_thread::sleep_for(5ms);  // analysis is slower than decoding
    // Frames alive outside the consumer: the queue plus at most the one the decoder is filling.
    ASSERT_LE(producer.produced().load() - consumed, static_cast<int64_t>(capacity) + 1);
  }
  EXPECT_EQ(consumed, 60);
  EXPECT_LE(source.max_queue_depth(), capacity);
  EXPECT_EQ(source.max_queue_depth(), capacity);  // the decoder did run ahead and then waited
}

TEST(AsyncFrameSource, DecoderExceptionReachesTheConsumerAfterEarlierFrames) {
  AsyncFrameSource source(std::make_unique<FakeSource>(100, 3), 8);
  Frame frame;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(source.next(frame)) << i;
  try {
    source.next(frame);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos);
  }
  EXPECT_FALSE(source.next(frame));
}

TEST(AsyncFrameSource, StopFromAnotherThreadWakesABlockedConsumer) {
  AsyncFrameSource source(std::make_unique<FakeSource>(-1, -1, 200ms), 2);  // slow decoder
  Frame frame;
  ASSERT_TRUE(source.next(frame));
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    source.stop();
  });
  const auto start = Clock::now();
  while (source.next(frame)) {
  }
  const double waited_sec = seconds_since(start);
  stopper.join();
  EXPECT_LT(waited_sec, 1.0);
  EXPECT_TRUE(source.report().cancelled);
}

TEST(AsyncFrameSource, StopMidStreamOnARealVideoIsPrompt) {
  PSYFACE_REQUIRE_SHARED("data/videos/pyfeat_WolfgangLanger_Pexels.mp4");
  AsyncFrameSource source(shared_video("pyfeat_WolfgangLanger_Pexels.mp4"), {.queue_capacity = 4});
  Frame frame;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(source.next(frame));
  const auto start = Clock::now();
  source.stop();
  EXPECT_LT(seconds_since(start), 0.5);
  EXPECT_FALSE(source.next(frame));
  const DecodeReport r = source.report();
  EXPECT_TRUE(r.cancelled);
  EXPECT_FALSE(r.truncated);
  EXPECT_LT(r.frames_decoded, 472);
  source.stop();  // idempotent
}

TEST(AsyncFrameSource, DestructorMidStreamJoinsPromptly) {
  PSYFACE_REQUIRE_SHARED("data/videos/openface_sample_2015-10-15-15-14.avi");
  const auto start = Clock::now();
  {
    AsyncFrameSource source(shared_video("openface_sample_2015-10-15-15-14.avi"));
    Frame frame;
    ASSERT_TRUE(source.next(frame));
  }
  EXPECT_LT(seconds_since(start), 1.0);
}

TEST(AsyncFrameSource, SameFramesAsTheSynchronousReader) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  const auto path = shared_video("fer_woman2.mp4");
  VideoReader reader(path, {.sample_fps = 10});
  const auto sync = test::read_all(reader);
  AsyncFrameSource source(path, {.sample_fps = 10, .queue_capacity = 2});
  EXPECT_EQ(source.info().width_px, 596);
  const auto async = test::read_all(source);
  ASSERT_EQ(async.frames.size(), sync.frames.size());
  for (size_t i = 0; i < sync.frames.size(); ++i) {
    ASSERT_EQ(async.frames[i].frame_index, sync.frames[i].frame_index);
    ASSERT_EQ(async.frames[i].t_sec, sync.frames[i].t_sec);
  }
  EXPECT_LE(source.max_queue_depth(), 2u);
  EXPECT_EQ(async.report.frames_decoded, 464);
  EXPECT_EQ(async.report.frames_delivered, static_cast<int64_t>(sync.frames.size()));
  EXPECT_FALSE(async.report.truncated);
  EXPECT_FALSE(async.report.cancelled);
}

TEST(AsyncFrameSource, BadFileThrowsAtConstruction) {
  test::TempDir dir;
  EXPECT_THROW(AsyncFrameSource(dir / "missing.avi"), Error);
}

}  // namespace
}  // namespace psyface::video
