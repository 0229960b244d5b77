#include "video/probe.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>

#include "psyface/error.hpp"
#include "video_test_support.hpp"

namespace psyface::video {
namespace {

using test::shared_video;
using test::TempDir;

// The Error probe(path) throws; fails the test when it throws nothing.
Error probe_error(const std::filesystem::path& path) {
  try {
    probe(path);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "probe(" << path << ") did not throw";
  return Error(ErrorCode::Internal, "");
}

TEST(Probe, Mp4Header) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  const VideoInfo info = probe(shared_video("fer_woman2.mp4"));
  EXPECT_EQ(info.codec_name, "h264");
  EXPECT_NE(info.container_format.find("mp4"), std::string::npos) << info.container_format;
  EXPECT_EQ(info.width_px, 596);
  EXPECT_EQ(info.height_px, 336);
  EXPECT_NEAR(info.nominal_fps, 29.97, 0.001);
  EXPECT_NEAR(info.duration_sec, 15.482, 0.01);
  EXPECT_EQ(info.frame_count_estimate, 464);
  EXPECT_DOUBLE_EQ(info.start_time_sec, 0.0);
}

TEST(Probe, AviHeader) {
  PSYFACE_REQUIRE_SHARED("data/videos/openface_sample_2015-10-15-15-14.avi");
  const VideoInfo info = probe(shared_video("openface_sample_2015-10-15-15-14.avi"));
  EXPECT_EQ(info.codec_name, "mpeg4");
  EXPECT_EQ(info.container_format, "avi");
  EXPECT_EQ(info.width_px, 640);
  EXPECT_EQ(info.height_px, 480);
  EXPECT_NEAR(info.nominal_fps, 30.0, 1e-9);
  EXPECT_NEAR(info.duration_sec, 28.067, 0.01);
  EXPECT_EQ(info.frame_count_estimate, 842);
}

TEST(Probe, VideoStreamStartingAfterTheContainerKeepsItsOwnDuration) {
  // The Hamilton clip's video starts 0.85 s in and its audio runs longer: the video stream's numbers count.
  PSYFACE_REQUIRE_SHARED("data/videos/face_recognition_short_hamilton_clip.mp4");
  const VideoInfo info = probe(shared_video("face_recognition_short_hamilton_clip.mp4"));
  EXPECT_NEAR(info.start_time_sec, 0.852, 0.001);
  EXPECT_NEAR(info.duration_sec, 9.176, 0.01);
  EXPECT_EQ(info.frame_count_estimate, 275);
}

TEST(Probe, MissingFileIsAnInputErrorNamingTheFile) {
  TempDir dir;
  const Error e = probe_error(dir / "no_such_session.mp4");
  EXPECT_EQ(e.code(), ErrorCode::Input);
  EXPECT_NE(std::string(e.what()).find("no_such_session.mp4"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
}

TEST(Probe, TextFileNamedMp4IsAnInputErrorNamingTheFile) {
  TempDir dir;
  std::ofstream(dir / "notes.mp4") << "Session notes, not a video.\nLine two.\n";
  const Error e = probe_error(dir / "notes.mp4");
  EXPECT_EQ(e.code(), ErrorCode::Input);
  EXPECT_NE(std::string(e.what()).find("notes.mp4"), std::string::npos) << e.what();
}

TEST(Probe, AudioOnlyFileHasNoVideoStream) {
  TempDir dir;
  {  // 0.1 s of 8 kHz 16-bit mono silence as a WAV file
    std::ofstream wav(dir / "audio.wav", std::ios::binary);
    const auto u32 = [&](uint32_t v) { wav.write(reinterpret_cast<const char*>(&v), 4); };
    const auto u16 = [&](uint16_t v) { wav.write(reinterpret_cast<const char*>(&v), 2); };
    const uint32_t data_bytes = 1600;
    wav.write("RIFF", 4), u32(36 + data_bytes), wav.write("WAVEfmt ", 8), u32(16), u16(1), u16(1);
    u32(8000), u32(16000), u16(2), u16(16), wav.write("data", 4), u32(data_bytes);
    wav.write(std::string(data_bytes, '\0').data(), data_bytes);
  }
  const Error e = probe_error(dir / "audio.wav");
  EXPECT_EQ(e.code(), ErrorCode::Input);
  EXPECT_NE(std::string(e.what()).find("no video stream"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace psyface::video
