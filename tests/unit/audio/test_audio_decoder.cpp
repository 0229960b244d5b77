// read_audio (src/audio/audio_decoder.cpp) against the ffmpeg command line, cropping, timing, no audio.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "audio/audio_decoder.hpp"
#include "audio/voice_activity.hpp"
#include "audio_test_support.hpp"
#include "psyface/error.hpp"

namespace psyface::audio {
namespace {

const char* kTalking = "data/videos/sadtalker_result_camera_RD_Radio31.mp4";

std::vector<float> decode(const std::filesystem::path& p, const AudioReadOptions& o, AudioTrackInfo* info = nullptr) {
  std::vector<float> all;
  const AudioTrackInfo i = read_audio(p, o, [&](std::span<const float> s) { all.insert(all.end(), s.begin(), s.end()); });
  if (info) *info = i;
  EXPECT_EQ(i.samples, static_cast<int64_t>(all.size()));
  return all;
}

TEST(AudioDecoder, GivesTheSamplesOfTheFfmpegCommandLine) {
  PSYFACE_REQUIRE_SHARED(kTalking);
  if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg not installed";
  const auto path = test::shared_dir() / kTalking;
  AudioTrackInfo info;
  const std::vector<float> ours = decode(path, {}, &info);
  const std::vector<float> cli = test::ffmpeg_samples({"-i", path.string(), "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "-"});
  ASSERT_TRUE(info.present);
  EXPECT_EQ(info.codec, "aac");
  EXPECT_EQ(info.source_rate_hz, 16000);
  ASSERT_EQ(ours.size(), cli.size());
  double worst = 0;
  for (size_t k = 0; k < ours.size(); ++k) worst = std::max(worst, double(std::fabs(ours[k] - cli[k])));
  EXPECT_LE(worst, 1e-6) << "max |psyface - ffmpeg| over " << ours.size() << " samples";
  EXPECT_NEAR(info.first_sample_sec, 0.0, 1e-3);
}

TEST(AudioDecoder, ResamplesStereo44kToMono16kAndKeepsTheTiming) {
  if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg not installed";
  const auto dir = test::fresh_temp_dir("audio_timing");
  const auto clip = dir / "tone.mp4";
  // 2 s of video; the audio is silent for 1 s, then a 440 Hz tone in both channels (44.1 kHz stereo).
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i testsrc=size=64x64:rate=25 -f lavfi -i "
                               "\"aevalsrc=if(gte(t\\,1)\\,0.5*sin(2*PI*440*t)\\,0)|if(gte(t\\,1)\\,0.5*sin(2*PI*440*t)\\,0):s=44100\" "
                               "-t 2 -c:v mpeg4 -c:a aac -b:a 128k " + clip.string()));
  AudioTrackInfo info;
  const std::vector<float> x = decode(clip, {}, &info);
  ASSERT_TRUE(info.present);
  EXPECT_EQ(info.source_rate_hz, 44100);
  EXPECT_EQ(info.source_channels, 2);
  EXPECT_NEAR(double(x.size()) / 16000, 2.0, 0.05);
  // The tone starts at 1 s on the video's clock: level per 10 ms before and after.
  const auto level_at = [&](double t) {
    const long from = std::lround((t - info.first_sample_sec) * 16000);
    return chunk_level_dbfs(x.data() + from, 160);
  };
  EXPECT_LT(level_at(0.90), -60.0f);
  EXPECT_GT(level_at(1.05), -12.0f);  // 0.5 amplitude sine: RMS 0.35 = -9 dBFS
  std::filesystem::remove_all(dir);
}

TEST(AudioDecoder, CropsToTheAnalysedTimeRange) {
  PSYFACE_REQUIRE_SHARED(kTalking);
  const auto path = test::shared_dir() / kTalking;
  const std::vector<float> all = decode(path, {});
  AudioReadOptions o;
  o.start_sec = 2.0;
  o.end_sec = 5.0;
  AudioTrackInfo info;
  const std::vector<float> part = decode(path, o, &info);
  EXPECT_NEAR(info.first_sample_sec, 2.0, 1.0 / 16000);
  EXPECT_NEAR(double(part.size()), 3.0 * 16000, 2);
  const long from = std::lround(info.first_sample_sec * 16000);
  for (size_t k = 0; k < part.size(); k += 997) ASSERT_NEAR(part[k], all[static_cast<size_t>(from) + k], 1e-6) << k;
}

TEST(AudioDecoder, AVideoWithoutAudioIsNotAnError) {
  if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg not installed";
  const auto dir = test::fresh_temp_dir("audio_none");
  const auto clip = dir / "silent.mp4";
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i testsrc=size=64x64:rate=10 -t 1 -c:v mpeg4 " + clip.string()));
  AudioTrackInfo info;
  EXPECT_TRUE(decode(clip, {}, &info).empty());
  EXPECT_FALSE(info.present);
  EXPECT_EQ(info.note, "no audio stream");
  std::filesystem::remove_all(dir);
}

TEST(AudioDecoder, ANonMediaFileIsAnInputErrorNamingIt) {
  const auto dir = test::fresh_temp_dir("audio_bad");
  const auto bad = dir / "notes.txt";
  std::ofstream(bad) << "not a video\n";
  try {
    read_audio(bad, {}, [](std::span<const float>) {});
    FAIL() << "read a text file as audio";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace psyface::audio
