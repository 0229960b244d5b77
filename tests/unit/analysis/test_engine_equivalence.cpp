// Every dev video analysed with the XNNPACK engine and with OpenCV DNN (the reference path): the same
// frames, rows and tracks, and every per-frame probability within 1e-3 (issue 10).
//
// The two engines agree to ~1e-6 on the same input (the goldens, and the same crops: test_xnn_engine.cpp).
// That this carries through the recurrent tracker (each frame's mesh places the next frame's region) takes
// three things, each of which once broke it: every pixel of the decoded frame written (AvFrameToBgr; a
// 596-px-wide video had 4 stale columns), crops continuous in the landmarks (crop_region, no 1/32-px steps),
// and a stable mesh ↔ region loop (TrackerOptions::region_follow = 0.5; at 1 the loop amplified 1e-5 px to
// 2.6 px over 40 frames of the pyfeat clip). Measured figures are printed and listed in docs/models.md.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <map>

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

struct EquivalenceCase {
  std::string video;
};
void PrintTo(const EquivalenceCase& c, std::ostream* os) { *os << c.video; }

class EngineEquivalence : public ::testing::TestWithParam<EquivalenceCase> {};

TEST_P(EngineEquivalence, SameRowsAndTracksAndEveryProbabilityWithin1e3OfOpenCv) {
  const std::string video_name = GetParam().video;
  PSYFACE_REQUIRE_SHARED("data/videos/" + video_name);
  if (!std::filesystem::exists(test::source_dir() / "models/facemesh/model.onnx")) GTEST_SKIP() << "models not built";
  const auto video = test::shared_dir() / "data/videos" / video_name;
  const auto ref = analyse_with(models::Engine::OpenCV, video);
  const auto xnn = analyse_with(models::Engine::Xnnpack, video);
  ASSERT_EQ(xnn.size(), ref.size());
  ASSERT_GT(ref.size(), 50u);
  // Per frame: the same rows and tracks. Probabilities: see the header comment.
  double max_p = 0, sum_p = 0, max_box = 0;
  size_t max_p_frame = 0;
  int64_t faces = 0;
  std::map<int, std::array<double, kEmotionCount>> mean_ref, mean_xnn;
  std::map<int, int64_t> count;
  size_t frames_differing = 0, first_differing = 0;
  for (size_t f = 0; f < ref.size(); ++f) {
    ASSERT_FALSE(ref[f].empty() || xnn[f].empty());
    ASSERT_EQ(ref[f][0].frame_index, xnn[f][0].frame_index) << "frame " << f;
    bool same = xnn[f].size() == ref[f].size();
    for (size_t r = 0; same && r < ref[f].size(); ++r)
      same = ref[f][r].success == xnn[f][r].success && ref[f][r].track_id == xnn[f][r].track_id;
    if (!same) {
      if (frames_differing++ == 0) first_differing = f;
      continue;
    }
    for (size_t r = 0; r < ref[f].size(); ++r) {
      const FaceObservation &a = ref[f][r], &b = xnn[f][r];
      if (!a.success) continue;
      ++faces;
      ++count[a.track_id];
      for (int k = 0; k < kEmotionCount; ++k) {
        const double d = std::fabs(double(a.emotion.p[k]) - b.emotion.p[k]);
        if (d > max_p) max_p = d, max_p_frame = f;
        sum_p += d;
        mean_ref[a.track_id][k] += a.emotion.p[k];
        mean_xnn[a.track_id][k] += b.emotion.p[k];
      }
      max_box = std::max({max_box, std::fabs(double(a.box_px.x) - b.box_px.x), std::fabs(double(a.box_px.y) - b.box_px.y),
                          std::fabs(double(a.box_px.width) - b.box_px.width)});
    }
  }
  double max_mean = 0;  // over tracks of at least 100 faces
  for (const auto& [track, n] : count)
    for (int k = 0; k < kEmotionCount && n >= 100; ++k)
      max_mean = std::max(max_mean, std::fabs(mean_ref[track][k] - mean_xnn[track][k]) / static_cast<double>(n));
  std::printf("  %s: %zu frames (%zu with other rows or tracks, first at %zu), %lld faces, %zu tracks; "
              "|p_xnnpack - p_opencv| per frame: max %.3g (frame %zu), mean %.2g; track mean (>= 100 faces): max %.2g; "
              "face box: max shift %.3g px\n",
              video_name.c_str(), ref.size(), frames_differing, first_differing, static_cast<long long>(faces),
              count.size(), max_p, max_p_frame, faces ? sum_p / (faces * kEmotionCount) : 0.0, max_mean, max_box);
  EXPECT_EQ(frames_differing, 0u) << "first differing frame " << first_differing;
  EXPECT_GT(faces, 0);
  EXPECT_LT(max_p, 1e-3) << "at frame " << max_p_frame;
  EXPECT_LT(max_mean, 1e-4);
}

// Two runs of the same video with the same options give the same bits: no stale pixels (the 596-px-wide
// clip), no batch made up by thread timing (the two-face clip).
TEST(AnalysisDeterminism, TwoRunsGiveIdenticalRows) {
  for (const std::string name : {"fer_woman2.mp4", "faceswap_test_video_03-2_faces.mp4"}) {
    PSYFACE_REQUIRE_SHARED("data/videos/" + name);
    if (!std::filesystem::exists(test::source_dir() / "models/facemesh/model.onnx")) GTEST_SKIP() << "models not built";
    const auto video = test::shared_dir() / "data/videos" / name;
    const auto a = analyse_with(models::Engine::Xnnpack, video);
    const auto b = analyse_with(models::Engine::Xnnpack, video);
    ASSERT_EQ(a.size(), b.size()) << name;
    size_t faces = 0;
    for (size_t f = 0; f < a.size(); ++f) {
      ASSERT_EQ(a[f].size(), b[f].size()) << name << " frame " << f;
      for (size_t r = 0; r < a[f].size(); ++r) {
        ASSERT_EQ(a[f][r].track_id, b[f][r].track_id) << name << " frame " << f;
        faces += a[f][r].success;
        for (int k = 0; k < kEmotionCount; ++k)
          ASSERT_EQ(a[f][r].emotion.p[k], b[f][r].emotion.p[k]) << name << " frame " << f << " class " << k;
        ASSERT_EQ(a[f][r].box_px, b[f][r].box_px) << name << " frame " << f;
        ASSERT_EQ(a[f][r].smile_intensity, b[f][r].smile_intensity) << name << " frame " << f;
      }
    }
    EXPECT_GT(faces, a.size() / 2) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(DevVideos, EngineEquivalence,
                         ::testing::Values(EquivalenceCase{"fer_woman2.mp4"},
                                           EquivalenceCase{"pyfeat_WolfgangLanger_Pexels.mp4"},
                                           EquivalenceCase{"face_recognition_short_hamilton_clip.mp4"},
                                           EquivalenceCase{"faceswap_test_video_03-2_faces.mp4"},
                                           EquivalenceCase{"openface_sample_2015-10-15-15-14.avi"}),
                         [](const auto& info) {
                           std::string n = info.param.video.substr(0, info.param.video.find('.'));
                           for (auto& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace psyface::analysis
