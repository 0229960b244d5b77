// The per-frame table of every dev video is the same with the XNNPACK engine as with OpenCV DNN (the
// reference path): the same frames, faces and tracks, every emotion probability within 1e-3.
#include <gtest/gtest.h>

#include <cmath>

#include "../test_paths.hpp"
#include "analysis/session_analyzer.hpp"
#include "models/dnn_model.hpp"

namespace psyface::analysis {
namespace {

std::vector<std::vector<FaceObservation>> analyse_with(models::Engine engine, const std::filesystem::path& video) {
  const models::Engine saved = models::default_engine();
  models::set_default_engine(engine);
  std::vector<std::vector<FaceObservation>> frames;
  AnalyzeCallbacks cb;
  cb.on_frame = [&](const std::vector<FaceObservation>& rows) { frames.push_back(rows); };
  try {
    analyze_video(video, test::source_dir() / "models", AnalyzeOptions{}, cb);
  } catch (...) {
    models::set_default_engine(saved);
    throw;
  }
  models::set_default_engine(saved);
  return frames;
}

class EngineEquivalence : public ::testing::TestWithParam<std::string> {};

TEST_P(EngineEquivalence, PerFrameTableMatchesOpenCvWithin1e3) {
  PSYFACE_REQUIRE_SHARED("data/videos/" + GetParam());
  if (!std::filesystem::exists(test::source_dir() / "models/facemesh/model.onnx")) GTEST_SKIP() << "models not built";
  const auto video = test::shared_dir() / "data/videos" / GetParam();
  const auto ref = analyse_with(models::Engine::OpenCV, video);
  const auto xnn = analyse_with(models::Engine::Xnnpack, video);
  ASSERT_EQ(xnn.size(), ref.size());
  ASSERT_GT(ref.size(), 50u);
  double max_p = 0, max_landmark_shift = 0;
  int64_t faces = 0;
  for (size_t f = 0; f < ref.size(); ++f) {
    ASSERT_EQ(xnn[f].size(), ref[f].size()) << "frame " << f << ": rows differ";
    for (size_t r = 0; r < ref[f].size(); ++r) {
      const FaceObservation &a = ref[f][r], &b = xnn[f][r];
      ASSERT_EQ(a.frame_index, b.frame_index);
      ASSERT_EQ(a.success, b.success) << "frame " << f;
      ASSERT_EQ(a.track_id, b.track_id) << "frame " << f;
      if (!a.success) continue;
      ++faces;
      for (int k = 0; k < kEmotionCount; ++k) {
        const double d = std::fabs(double(a.emotion.p[k]) - b.emotion.p[k]);
        max_p = std::max(max_p, d);
        EXPECT_LT(d, 1e-3) << "frame " << a.frame_index << " track " << a.track_id << " emotion " << kEmotionNames[k];
      }
      max_landmark_shift = std::max({max_landmark_shift, std::fabs(double(a.box_px.x) - b.box_px.x),
                                     std::fabs(double(a.box_px.y) - b.box_px.y)});
    }
  }
  std::printf("  %s: %zu frames, %lld faces; max |p_xnnpack - p_opencv| %.2g; max face-box shift %.3g px\n",
              GetParam().c_str(), ref.size(), static_cast<long long>(faces), max_p, max_landmark_shift);
  EXPECT_GT(faces, 0);
}

INSTANTIATE_TEST_SUITE_P(DevVideos, EngineEquivalence,
                         ::testing::Values("fer_woman2.mp4", "pyfeat_WolfgangLanger_Pexels.mp4",
                                           "face_recognition_short_hamilton_clip.mp4",
                                           "faceswap_test_video_03-2_faces.mp4",
                                           "openface_sample_2015-10-15-15-14.avi"),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.find('.'));
                           for (auto& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace psyface::analysis
