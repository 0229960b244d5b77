// End-to-end analysis of the shared dev videos (skipped when ../shared is absent): face recall, tracks,
// emotion plausibility, row accounting, sampling.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../test_paths.hpp"
#include "analysis/session_analyzer.hpp"

namespace psyface::analysis {
namespace {

struct AnalysisRun {
  AnalyzeSummary summary;
  std::vector<std::vector<FaceObservation>> frames;
};

const AnalysisRun& analyse(const std::string& video, double fps = 0) {
  static std::map<std::pair<std::string, double>, AnalysisRun> cache;
  auto key = std::make_pair(video, fps);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  AnalyzeOptions o;
  o.read.sample_fps = fps;
  AnalysisRun r;
  AnalyzeCallbacks cb;
  cb.on_frame = [&](const std::vector<FaceObservation>& rows) { r.frames.push_back(rows); };
  r.summary = analyze_video(test::shared_dir() / "data/videos" / video, test::source_dir() / "models", o, cb);
  return cache.emplace(key, std::move(r)).first->second;
}

#define REQUIRE_VIDEO_AND_MODELS(v)                                                         \
  PSYFACE_REQUIRE_SHARED("data/videos/" v);                                                 \
  if (!std::filesystem::exists(test::source_dir() / "models/facemesh/model.onnx"))          \
  GTEST_SKIP() << "models not built"

double face_fraction(const AnalysisRun& r) {
  int64_t with = 0;
  for (const auto& f : r.frames) with += f.front().success ? 1 : 0;
  return r.frames.empty() ? 0 : static_cast<double>(with) / static_cast<double>(r.frames.size());
}

TEST(SessionAnalyzer, FindsTheFaceInAtLeast98PercentOfFrames) {
  REQUIRE_VIDEO_AND_MODELS("fer_woman2.mp4");
  for (const char* v : {"fer_woman2.mp4", "openface_sample_2015-10-15-15-14.avi"}) {
    const AnalysisRun& r = analyse(v);
    EXPECT_GE(face_fraction(r), 0.98) << v;
    std::printf("  %s: face in %.1f %% of %zu frames, %.1f frames/s\n", v, 100 * face_fraction(r), r.frames.size(),
                r.summary.frames_analysed / r.summary.wall_sec);
  }
}

TEST(SessionAnalyzer, EveryFrameGivesRowsAndRowsAddUp) {
  REQUIRE_VIDEO_AND_MODELS("fer_woman2.mp4");
  const AnalysisRun& r = analyse("fer_woman2.mp4");
  EXPECT_EQ(r.summary.frames_analysed, 464);
  EXPECT_EQ(static_cast<int64_t>(r.frames.size()), r.summary.frames_analysed);
  int64_t frames_with_face = 0, no_face_rows = 0, face_rows = 0;
  int64_t last = -1;
  for (const auto& f : r.frames) {
    ASSERT_FALSE(f.empty());
    EXPECT_GT(f.front().frame_index, last);
    last = f.front().frame_index;
    if (f.front().success) {
      ++frames_with_face;
      face_rows += static_cast<int64_t>(f.size());
      for (const auto& o : f) {
        EXPECT_TRUE(o.success);
        EXPECT_EQ(o.frame_index, f.front().frame_index);
        float sum = 0;
        for (float p : o.emotion.p) sum += p;
        EXPECT_NEAR(sum, 1.0f, 1e-3f);
      }
    } else {
      EXPECT_EQ(f.size(), 1u);
      EXPECT_EQ(f.front().track_id, -1);
      ++no_face_rows;
    }
  }
  EXPECT_EQ(frames_with_face + no_face_rows, r.summary.frames_analysed);
  EXPECT_EQ(face_rows, r.summary.face_rows);
  EXPECT_EQ(no_face_rows, r.summary.no_face_rows);
}

TEST(SessionAnalyzer, TwoPeopleGiveTwoTracksWithoutIdSwitch) {
  REQUIRE_VIDEO_AND_MODELS("faceswap_test_video_03-2_faces.mp4");
  const AnalysisRun& r = analyse("faceswap_test_video_03-2_faces.mp4");
  std::set<int> ids;
  int both = 0, order_a = 0, order_b = 0;
  for (const auto& f : r.frames) {
    for (const auto& o : f)
      if (o.success) ids.insert(o.track_id);
    if (f.size() == 2 && f[0].success && f[1].success) {
      ++both;
      const auto& a = f[0].track_id < f[1].track_id ? f[0] : f[1];
      const auto& b = f[0].track_id < f[1].track_id ? f[1] : f[0];
      (a.box_px.x + a.box_px.width / 2 < b.box_px.x + b.box_px.width / 2 ? order_a : order_b)++;
    }
  }
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_GE(both, 85);                           // both faces in nearly all 90 frames
  EXPECT_EQ(std::min(order_a, order_b), 0);      // the lower id stays on the same side: no switch
}

TEST(SessionAnalyzer, LaughingEndIsHappierThanCryingStart) {
  REQUIRE_VIDEO_AND_MODELS("pyfeat_WolfgangLanger_Pexels.mp4");
  const AnalysisRun& r = analyse("pyfeat_WolfgangLanger_Pexels.mp4");
  const size_t third = r.frames.size() / 3;
  auto mean = [&](size_t from, size_t to, auto field) {
    double s = 0;
    int n = 0;
    for (size_t k = from; k < to; ++k)
      for (const auto& o : r.frames[k])
        if (o.success) s += field(o), ++n;
    return n ? s / n : 0.0;
  };
  auto happy = [](const FaceObservation& o) { return o.emotion[Emotion::Happy]; };
  auto smile = [](const FaceObservation& o) { return o.smile_intensity; };
  const double h_first = mean(0, third, happy), h_last = mean(r.frames.size() - third, r.frames.size(), happy);
  EXPECT_GT(h_last, h_first);
  EXPECT_GT(mean(r.frames.size() - third, r.frames.size(), smile), mean(0, third, smile));
  std::printf("  mean emo_happy first third %.3f, last third %.3f\n", h_first, h_last);
}

TEST(SessionAnalyzer, SampledRateAnalysesFewerFramesOnTheTimeGrid) {
  REQUIRE_VIDEO_AND_MODELS("fer_woman2.mp4");
  const AnalysisRun& r = analyse("fer_woman2.mp4", 5.0);
  EXPECT_NEAR(static_cast<double>(r.frames.size()), 78.0, 1.0);
  for (size_t k = 1; k < r.frames.size(); ++k)
    EXPECT_NEAR(r.frames[k].front().t_sec - r.frames[k - 1].front().t_sec, 0.2, 0.101);  // B-frames skipped
  EXPECT_LT(r.summary.decode.frames_decoded, 464);
}

}  // namespace
}  // namespace psyface::analysis
