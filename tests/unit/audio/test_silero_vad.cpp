// Silero VAD in C++ (src/audio/silero_vad.cpp) against onnxruntime-node's goldens (tests/reference/
// make_vad_golden.mjs): the talking faces' speech, the Hamilton clip's music, silence, white and pink noise.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "audio/silero_vad.hpp"
#include "audio_test_support.hpp"
#include "psyface/error.hpp"
#include "util/mapped_file.hpp"

namespace psyface::audio {
namespace {

std::filesystem::path models_dir() { return test::source_dir() / "models"; }

bool vad_built() { return std::filesystem::exists(models_dir() / kVadModelName / "model.onnx"); }

nlohmann::json read_golden(const std::string& name) {
  std::ifstream f(test::source_dir() / "tests/golden/vad" / (name + ".json"));
  return nlohmann::json::parse(f);
}

// Runs the golden's ffmpeg command, checks the input is the reference's, compares every chunk.
void check_case(const std::string& name) {
  if (!vad_built()) GTEST_SKIP() << "models/silero-vad not built (psyface models build --only silero-vad)";
  if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg not installed";
  const nlohmann::json g = read_golden(name);
  std::vector<std::string> args;
  for (const auto& a : g["ffmpeg_args"]) {
    std::string s = a.get<std::string>();
    if (s.find("$SHARED") != std::string::npos) {
      if (test::shared_dir().empty()) GTEST_SKIP() << "../shared not available";
      s.replace(s.find("$SHARED"), 7, test::shared_dir().string());
    }
    args.push_back(s);
  }
  const std::vector<float> x = test::ffmpeg_samples(args);
  ASSERT_EQ(static_cast<int64_t>(x.size()), g["samples"].get<int64_t>()) << "ffmpeg gave other samples than the reference's";
  double sum = 0;
  for (float v : x) sum += v;
  ASSERT_NEAR(sum, g["sample_sum"].get<double>(), 1e-6 * std::max(1.0, std::fabs(sum)));

  SileroVad vad = SileroVad::load(models_dir());
  ASSERT_EQ(vad.manifest().sha256, g["model_sha256"].get<std::string>()) << "models/silero-vad is not the reference's file";
  const auto& ref = g["probabilities"];
  ASSERT_EQ(ref.size(), x.size() / SileroVad::kChunkSamples);
  double worst = 0;
  size_t worst_at = 0;
  for (size_t k = 0; k < ref.size(); ++k) {
    const float p = vad.process(std::span<const float>(x.data() + k * SileroVad::kChunkSamples, SileroVad::kChunkSamples));
    const double err = std::fabs(p - ref[k].get<double>());
    if (err > worst) worst = err, worst_at = k;
    ASSERT_LE(err, 1e-4) << name << ": first mismatch at chunk " << k << ": C++ " << p << ", onnxruntime " << ref[k];
  }
  std::printf("%-16s %zu chunks, max |C++ - onnxruntime| = %.2e (chunk %zu)\n", name.c_str(), ref.size(), worst, worst_at);
}

TEST(SileroVad, EqualsOnnxRuntimeOnTalkingFaceSpeechCamera) { check_case("speech_camera"); }
TEST(SileroVad, EqualsOnnxRuntimeOnTalkingFaceSpeechArt2) { check_case("speech_art2"); }
TEST(SileroVad, EqualsOnnxRuntimeOnHamiltonMusic) { check_case("music_hamilton"); }
TEST(SileroVad, EqualsOnnxRuntimeOnSilence) { check_case("silence"); }
TEST(SileroVad, EqualsOnnxRuntimeOnWhiteNoise) { check_case("noise_white"); }
TEST(SileroVad, EqualsOnnxRuntimeOnPinkNoise) { check_case("noise_pink"); }

TEST(SileroVad, ResetStartsTheStreamAgain) {
  if (!vad_built()) GTEST_SKIP() << "models/silero-vad not built";
  SileroVad vad = SileroVad::load(models_dir());
  std::vector<float> chunk(SileroVad::kChunkSamples);
  for (size_t k = 0; k < chunk.size(); ++k) chunk[k] = 0.3f * std::sin(0.05f * float(k * k % 997));
  const float first = vad.process(chunk);
  const float second = vad.process(chunk);
  vad.reset();
  EXPECT_EQ(vad.process(chunk), first);
  EXPECT_NE(first, second);  // the state carries over between calls
}

TEST(SileroVad, RefusesAModelWithoutItsWeightsNamingTheInitializer) {
  if (!vad_built()) GTEST_SKIP() << "models/silero-vad not built";
  const util::MappedFile file(models_dir() / kVadModelName / "model.onnx");
  onnx::ModelProto m;
  ASSERT_TRUE(m.ParseFromArray(file.bytes().data(), static_cast<int>(file.bytes().size())));
  auto* inits = m.mutable_graph()->mutable_initializer();
  for (int k = 0; k < inits->size(); ++k)
    if (inits->Get(k).name() == "model.decoder.rnn.weight_hh") inits->DeleteSubrange(k, 1);
  const std::string bytes = m.SerializeAsString();
  try {
    SileroVad vad(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), "cut.onnx");
    FAIL() << "accepted a model without weight_hh";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Model);
    EXPECT_NE(std::string(e.what()).find("cut.onnx: initializer model.decoder.rnn.weight_hh"), std::string::npos) << e.what();
  }
}

TEST(SileroVad, ChecksTheModelFileAgainstItsManifest) {
  if (!vad_built()) GTEST_SKIP() << "models/silero-vad not built";
  const auto dir = test::fresh_temp_dir("vad_models");
  std::filesystem::create_directories(dir / kVadModelName);
  std::filesystem::copy_file(models_dir() / kVadModelName / "manifest.json", dir / kVadModelName / "manifest.json");
  std::ofstream(dir / kVadModelName / "model.onnx") << "not the model";
  try {
    SileroVad::load(dir);
    FAIL() << "loaded a file that does not match its checksum";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Model);
    EXPECT_NE(std::string(e.what()).find("does not match its manifest"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace psyface::audio

namespace psyface::audio {
namespace {

TEST(SileroVadManifest, AudioInputIsCheckedAndImageFieldsAreNotAskedFor) {
  if (!vad_built()) GTEST_SKIP() << "models/silero-vad not built";
  const models::Manifest m = models::read_manifest(models_dir() / kVadModelName);
  EXPECT_EQ(m.input_sample_rate_hz, 16000);
  EXPECT_NO_THROW(models::validate_manifest(m, "m.json"));
  const auto refused = [&](auto change, const std::string& field) {
    models::Manifest bad = m;
    change(bad);
    try {
      models::validate_manifest(bad, "m.json");
      ADD_FAILURE() << field << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("m.json: field " + field), std::string::npos) << e.what();
    }
  };
  refused([](models::Manifest& x) { x.input_sample_rate_hz = 8000; }, "input.sample_rate_hz");
  refused([](models::Manifest& x) { x.input_width = 256; }, "input.width");
  refused([](models::Manifest& x) { x.layout = "NCHW"; }, "input.layout");
  // An image model with a sample rate is refused: the field belongs to audio models.
  refused([](models::Manifest& x) { x.output_kind = "landmarks"; x.input_width = 192; x.input_height = 192;
                                    x.input_channels = 3; x.layout = "NCHW"; x.resize = "bilinear";
                                    x.mean = {0, 0, 0}; }, "input.sample_rate_hz");
  // The JSON round trip keeps the field.
  EXPECT_EQ(models::manifest_from_json(models::manifest_to_json(m), "m.json").input_sample_rate_hz, 16000);
}

}  // namespace
}  // namespace psyface::audio
