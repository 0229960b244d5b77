// analyze_voice (src/audio/voice_activity.cpp): decoding + VAD over a whole track, chunk times and levels.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "audio/voice_activity.hpp"
#include "audio_test_support.hpp"

namespace psyface::audio {
namespace {

std::filesystem::path models_dir() { return test::source_dir() / "models"; }

TEST(VoiceActivity, TalkingFaceTrackMatchesTheReferenceThroughPsyfacesOwnDecoder) {
  PSYFACE_REQUIRE_SHARED("data/videos/sadtalker_result_art2_RD_Radio31.mp4");
  if (!std::filesystem::exists(models_dir() / kVadModelName / "model.onnx")) GTEST_SKIP() << "silero-vad not built";
  SileroVad vad = SileroVad::load(models_dir());
  const VoiceTrack v = analyze_voice(test::shared_dir() / "data/videos/sadtalker_result_art2_RD_Radio31.mp4", vad, {});
  ASSERT_TRUE(v.present) << v.note;
  std::ifstream f(test::source_dir() / "tests/golden/vad/speech_art2.json");
  const auto g = nlohmann::json::parse(f);
  ASSERT_EQ(v.speech_prob.size(), g["probabilities"].size());
  ASSERT_EQ(v.level_dbfs.size(), v.speech_prob.size());
  for (size_t k = 0; k < v.speech_prob.size(); ++k)
    ASSERT_NEAR(v.speech_prob[k], g["probabilities"][k].get<double>(), 1e-4) << "chunk " << k;
  EXPECT_NEAR(v.chunk_sec, 0.032, 1e-12);
  EXPECT_EQ(v.chunk_at(v.first_chunk_sec + 0.0321), 1);
  EXPECT_EQ(v.chunk_at(-1.0), -1);
  EXPECT_EQ(v.chunk_at(100.0), -1);
}

TEST(VoiceActivity, ChunkLevelIsRmsInDecibels) {
  std::vector<float> x(512, 0.5f);
  EXPECT_NEAR(chunk_level_dbfs(x.data(), 512), 20 * std::log10(0.5), 1e-4);
  std::fill(x.begin(), x.end(), 0.0f);
  EXPECT_EQ(chunk_level_dbfs(x.data(), 512), -100.0f);
}

TEST(VoiceActivity, NoAudioGivesANoteNotAnError) {
  if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg not installed";
  if (!std::filesystem::exists(models_dir() / kVadModelName / "model.onnx")) GTEST_SKIP() << "silero-vad not built";
  const auto dir = test::fresh_temp_dir("voice_none");
  ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i testsrc=size=64x64:rate=10 -t 1 -c:v mpeg4 " + (dir / "v.mp4").string()));
  SileroVad vad = SileroVad::load(models_dir());
  const VoiceTrack v = analyze_voice(dir / "v.mp4", vad, {});
  EXPECT_FALSE(v.present);
  EXPECT_EQ(v.note, "no audio stream");
  EXPECT_TRUE(v.speech_prob.empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace psyface::audio
