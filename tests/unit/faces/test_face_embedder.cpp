#include "faces/face_embedder.hpp"

#include <gtest/gtest.h>

#include <opencv2/core/utility.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "../test_paths.hpp"
#include "faces/face_geometry.hpp"
#include "faces/face_tracker.hpp"
#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

constexpr const char* kFaceswapClip = "data/videos/faceswap_test_video_03-2_faces.mp4";
constexpr const char* kOpenFaceClip = "data/videos/openface_sample_2015-10-15-15-14.avi";

std::filesystem::path models_dir() { return test::source_dir() / "models"; }

#define REQUIRE_MODELS(...)                                                                  \
  do {                                                                                       \
    for (const char* m : {"facemesh", "blazeface-back", __VA_ARGS__})                        \
      if (!std::filesystem::exists(models_dir() / m / "model.onnx"))                         \
        GTEST_SKIP() << "models/" << m << " not built (psyface models build)";               \
  } while (0)

struct TrackedFrame {
  int frame_index = 0;
  cv::Mat bgr;
  std::vector<TrackedFace> faces;
};

// Runs a fresh tracker on every frame of [0, last_frame] and keeps the frames listed in keep.
std::vector<TrackedFrame> track_frames(const char* rel, const std::vector<int>& keep) {
  cv::VideoCapture cap((test::shared_dir() / rel).string());
  FaceTracker tracker(models_dir(), TrackerOptions{});
  const double fps = cap.get(cv::CAP_PROP_FPS) > 0 ? cap.get(cv::CAP_PROP_FPS) : 30.0;
  std::vector<TrackedFrame> out;
  cv::Mat f;
  for (int i = 0; i <= keep.back() && cap.read(f); ++i) {
    auto faces = tracker.update(f, i / fps);
    if (std::find(keep.begin(), keep.end(), i) != keep.end()) out.push_back({i, f.clone(), std::move(faces)});
  }
  return out;
}

// The face whose box centre is left (want_left) or right of the others.
const TrackedFace& side_face(const TrackedFrame& fr, bool want_left) {
  const TrackedFace* best = &fr.faces.front();
  for (const auto& face : fr.faces) {
    const float cx = face.box_px.x + 0.5f * face.box_px.width, bx = best->box_px.x + 0.5f * best->box_px.width;
    if (want_left ? cx < bx : cx > bx) best = &face;
  }
  return *best;
}

double norm_of(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

TEST(FaceEmbedderCosine, IsTheNormalisedDotProduct) {
  EXPECT_FLOAT_EQ(FaceEmbedder::cosine({1, 0}, {0, 1}), 0.0f);
  EXPECT_FLOAT_EQ(FaceEmbedder::cosine({1, 1}, {2, 2}), 1.0f);
  EXPECT_NEAR(FaceEmbedder::cosine({1, 0}, {-1, 1}), -1.0 / std::sqrt(2.0), 1e-6);
  EXPECT_FLOAT_EQ(FaceEmbedder::cosine({0, 0}, {1, 0}), 0.0f);
  EXPECT_THROW(FaceEmbedder::cosine({1, 0}, {1, 0, 0}), Error);
}

TEST(FaceEmbedderL2, ScalesToUnitLengthAndLeavesZeros) {
  std::vector<float> v{3, 4};
  l2_normalise(v);
  EXPECT_FLOAT_EQ(v[0], 0.6f);
  EXPECT_FLOAT_EQ(v[1], 0.8f);
  std::vector<float> z{0, 0};
  l2_normalise(z);
  EXPECT_EQ(z, (std::vector<float>{0, 0}));
}

TEST(WorthEmbedding, GatesOnPresenceYawAndSize) {
  EXPECT_TRUE(worth_embedding(0.9f, 10.0f, 100.0f));
  EXPECT_TRUE(worth_embedding(0.75f, -45.0f, 48.0f));
  EXPECT_FALSE(worth_embedding(0.7f, 0.0f, 100.0f));
  EXPECT_FALSE(worth_embedding(0.9f, 50.0f, 100.0f));
  EXPECT_FALSE(worth_embedding(0.9f, -50.0f, 100.0f));
  EXPECT_FALSE(worth_embedding(0.9f, 0.0f, 40.0f));
}

TEST(FaceEmbedder, RejectsAnUnknownModelAndANegativeMargin) {
  try {
    FaceEmbedder e(models_dir(), "arcface");
    FAIL() << "accepted an unknown model";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Usage);
  }
  if (!std::filesystem::exists(models_dir() / "mobilefacenet" / "model.onnx")) GTEST_SKIP();
  EXPECT_THROW(FaceEmbedder(models_dir(), "mobilefacenet", -0.1f), Error);
}

TEST(FaceEmbedder, MissingModelIsAModelError) {
  try {
    FaceEmbedder e(test::binary_dir() / "no-such-models", "mobilefacenet");
    FAIL() << "loaded a model from an empty folder";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Model);
  }
}

class FaceEmbedderOnVideo : public ::testing::TestWithParam<std::pair<const char*, int>> {};

TEST_P(FaceEmbedderOnVideo, EmbeddingIsUnitLengthOfTheModelsDimension) {
  const auto [model, dim] = GetParam();
  REQUIRE_MODELS(model);
  PSYFACE_REQUIRE_SHARED(kOpenFaceClip);
  const auto frames = track_frames(kOpenFaceClip, {0});
  ASSERT_EQ(frames.front().faces.size(), 1u);
  FaceEmbedder embedder(models_dir(), model);
  EXPECT_EQ(embedder.dimension(), dim);
  const auto v = embedder.embed(frames.front().bgr, frames.front().faces.front().landmarks);
  ASSERT_EQ(static_cast<int>(v.size()), dim);
  EXPECT_NEAR(norm_of(v), 1.0, 1e-5);
  EXPECT_EQ(v, embedder.embed(frames.front().bgr, frames.front().faces.front().landmarks));  // deterministic

  // cost per face (one OpenCV thread, as in the pipeline)
  const int saved = cv::getNumThreads();
  cv::setNumThreads(1);
  const int runs = 10;
  const auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < runs; ++k) embedder.embed(frames.front().bgr, frames.front().faces.front().landmarks);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / runs;
  cv::setNumThreads(saved);
  std::printf("[ figures ] %s: %.2f ms per face (crop + network, 1 thread)\n", model, ms);
}

// Two people side by side in faceswap: each person 2 s apart (frames 0 and 60) is more similar to
// themself than the two people are to each other in either frame.
TEST_P(FaceEmbedderOnVideo, SamePersonTwoSecondsApartIsCloserThanTheOtherPerson) {
  const auto [model, dim] = GetParam();
  REQUIRE_MODELS(model);
  PSYFACE_REQUIRE_SHARED(kFaceswapClip);
  const auto frames = track_frames(kFaceswapClip, {0, 60});
  ASSERT_EQ(frames.size(), 2u);
  for (const auto& fr : frames) ASSERT_EQ(fr.faces.size(), 2u) << "frame " << fr.frame_index;
  FaceEmbedder embedder(models_dir(), model);
  std::vector<float> left[2], right[2];
  for (int k = 0; k < 2; ++k) {
    left[k] = embedder.embed(frames[k].bgr, side_face(frames[k], true).landmarks);
    right[k] = embedder.embed(frames[k].bgr, side_face(frames[k], false).landmarks);
  }
  const float same_left = FaceEmbedder::cosine(left[0], left[1]);
  const float same_right = FaceEmbedder::cosine(right[0], right[1]);
  const float different = std::max(FaceEmbedder::cosine(left[0], right[0]), FaceEmbedder::cosine(left[1], right[1]));
  std::printf("[ figures ] %s: same left %.3f, same right %.3f, different (max) %.3f\n", model, same_left,
              same_right, different);
  EXPECT_GT(same_left, different);
  EXPECT_GT(same_right, different);
}

INSTANTIATE_TEST_SUITE_P(Models, FaceEmbedderOnVideo,
                         ::testing::Values(std::make_pair("mobilefacenet", 192), std::make_pair("faceres", 1024)),
                         [](const auto& info) { return std::string(info.param.first); });


// ---------------------------------------------------------------------------------------------------
// Measurement behind docs/persons.md (slow: tracks every frame of five clips and embeds every 5th frame
// with both models at several margins). Runs only with PSYFACE_MEASURE_PERSONS=1.

struct Config {
  const char* model;
  float margin;
};

struct Sample {
  std::string clip, person;  // person: the clip for one-person clips, clip#left/right, hamilton#track
  int frame_index = 0;
  double t_sec = 0;
  std::vector<std::vector<float>> embedding;  // per Config
};

struct Clip {
  const char* file;
  const char* name;
  bool one_person;  // every face in it is the same person
};

const Clip kClips[] = {
    {"data/videos/fer_woman2.mp4", "fer_woman2", true},
    {"data/videos/openface_sample_2015-10-15-15-14.avi", "openface", true},
    {"data/videos/pyfeat_WolfgangLanger_Pexels.mp4", "pyfeat", true},
    {kFaceswapClip, "faceswap", false},
    {"data/videos/face_recognition_short_hamilton_clip.mp4", "hamilton", false},
};

constexpr int kEveryFrames = 5;

// Faces are embedded when worth_embedding (EmbeddingGate defaults), with PSYFACE_MEASURE_MAX_YAW
// overriding the yaw limit (45°, the pipeline's large-yaw flag).
float max_yaw_deg() {
  const char* env = std::getenv("PSYFACE_MEASURE_MAX_YAW");
  return env ? std::strtof(env, nullptr) : 45.0f;
}

// Who a face is, checked on contact sheets of the sampled crops. hamilton: tracks 0 and 1 are the
// performer until the cut at frame 212, after which the tracker follows track 1 onto an audience member
// (a man in profile); track 2 is a woman in the audience beside him; tracks 3 and 4 are further audience.
std::string person_label(const Clip& clip, const TrackedFace& face, int frame_index, int frame_cols) {
  const std::string name = clip.name;
  if (clip.one_person) return name;
  if (name == "faceswap") return name + (face.box_px.x + 0.5f * face.box_px.width < 0.5f * frame_cols ? "#left" : "#right");
  if (frame_index < 212) return name + "#performer";
  if (face.track_id == 1) return name + "#audience_man";
  if (face.track_id == 2) return name + "#audience_woman";
  return name + "#track" + std::to_string(face.track_id);
}

std::vector<Sample> sample_clip(const Clip& clip, std::vector<FaceEmbedder>& embedders, std::vector<double>& ms) {
  cv::VideoCapture cap((test::shared_dir() / clip.file).string());
  FaceTracker tracker(models_dir(), TrackerOptions{});
  const double fps = cap.get(cv::CAP_PROP_FPS) > 0 ? cap.get(cv::CAP_PROP_FPS) : 30.0;
  std::vector<Sample> out;
  cv::Mat f;
  for (int i = 0; cap.read(f); ++i) {
    const auto faces = tracker.update(f, i / fps);
    if (i % kEveryFrames != 0) continue;
    for (const auto& face : faces) {
      EmbeddingGate gate;
      gate.max_abs_yaw_deg = max_yaw_deg();
      if (!worth_embedding(face.landmarks.presence, measure_geometry(face.landmarks).yaw_deg, face.box_px.width, gate))
        continue;
      Sample s{clip.name, person_label(clip, face, i, f.cols), i, i / fps, {}};
      for (size_t c = 0; c < embedders.size(); ++c) {
        const auto t0 = std::chrono::steady_clock::now();
        s.embedding.push_back(embedders[c].embed(f, face.landmarks));
        ms[c] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

enum class Pair { Same, Different, Unknown };

// Every label is a known person except hamilton's unchecked "#track" ones.
Pair relation(const Sample& a, const Sample& b) {
  if (a.person.find("#track") != std::string::npos || b.person.find("#track") != std::string::npos) return Pair::Unknown;
  return a.person == b.person ? Pair::Same : Pair::Different;
}

struct Stats {
  std::vector<float> v;
  void add(float x) { v.push_back(x); }
  float q(double p) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(std::lround(p * (v.size() - 1)))];
  }
  double mean() const { return v.empty() ? NAN : std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }
  double sd() const {
    const double m = mean();
    double s = 0;
    for (float x : v) s += (x - m) * (x - m);
    return v.size() > 1 ? std::sqrt(s / (v.size() - 1)) : 0.0;
  }
};

// Mean embedding (normalised) of each person's samples in consecutive 3-s windows: what a track mean is.
std::vector<Sample> window_means(const std::vector<Sample>& all, size_t configs) {
  std::map<std::pair<std::string, int>, Sample> windows;
  for (const auto& s : all) {
    Sample& w = windows[{s.person, static_cast<int>(s.t_sec / 3.0)}];
    if (w.embedding.empty()) w = Sample{s.clip, s.person, s.frame_index, s.t_sec, std::vector<std::vector<float>>(configs)};
    for (size_t c = 0; c < configs; ++c) {
      if (w.embedding[c].empty()) w.embedding[c].assign(s.embedding[c].size(), 0.0f);
      for (size_t i = 0; i < s.embedding[c].size(); ++i) w.embedding[c][i] += s.embedding[c][i];
    }
  }
  std::vector<Sample> out;
  for (auto& [key, w] : windows) {
    for (auto& e : w.embedding) l2_normalise(e);
    out.push_back(std::move(w));
  }
  return out;
}

void report(const std::vector<Sample>& all, const std::vector<Sample>& windows, const std::vector<Config>& configs,
            size_t c) {
  Stats same, same_2s, diff, diff_faceswap, diff_hamilton, diff_clips, win_same, win_diff;
  std::map<std::string, Stats> per_person, per_person_windows;
  for (size_t a = 0; a < all.size(); ++a)
    for (size_t b = a + 1; b < all.size(); ++b) {
      const float cs = FaceEmbedder::cosine(all[a].embedding[c], all[b].embedding[c]);
      const Pair r = relation(all[a], all[b]);
      if (r == Pair::Same) {
        same.add(cs);
        per_person[all[a].person].add(cs);
        if (std::fabs(all[a].t_sec - all[b].t_sec) >= 2.0) same_2s.add(cs);
      } else if (r == Pair::Different) {
        diff.add(cs);
        (all[a].clip != all[b].clip ? diff_clips : all[a].clip == "faceswap" ? diff_faceswap : diff_hamilton).add(cs);
      }
    }
  std::map<std::string, float> pair_max;  // most similar windows of each pair of different persons
  for (size_t a = 0; a < windows.size(); ++a)
    for (size_t b = a + 1; b < windows.size(); ++b) {
      const Pair r = relation(windows[a], windows[b]);
      const float cs = FaceEmbedder::cosine(windows[a].embedding[c], windows[b].embedding[c]);
      if (r == Pair::Same) {
        win_same.add(cs);
        per_person_windows[windows[a].person].add(cs);
      } else if (r == Pair::Different) {
        win_diff.add(cs);
        const auto key = std::min(windows[a].person, windows[b].person) + " / " + std::max(windows[a].person, windows[b].person);
        pair_max[key] = std::max(pair_max.count(key) ? pair_max[key] : -2.0f, cs);
      }
    }
  std::printf("\n== %s margin %.2f ==\n", configs[c].model, configs[c].margin);
  for (auto& [p, st] : per_person) {
    auto& w = per_person_windows[p];
    std::printf("  same %-24s frames: n=%5zu mean %.3f p05 %.3f min %.3f | 3-s windows: n=%3zu min %.3f\n", p.c_str(),
                st.v.size(), st.mean(), st.q(0.05), st.q(0), w.v.size(), w.q(0));
  }
  std::printf("  same all        n=%6zu mean %.3f p01 %.3f min %.3f | >=2 s apart: mean %.3f min %.3f\n", same.v.size(),
              same.mean(), same.q(0.01), same.q(0), same_2s.mean(), same_2s.q(0));
  std::printf("  diff faceswap   n=%6zu mean %.3f max %.3f\n", diff_faceswap.v.size(), diff_faceswap.mean(), diff_faceswap.q(1));
  std::printf("  diff hamilton   n=%6zu mean %.3f max %.3f\n", diff_hamilton.v.size(), diff_hamilton.mean(), diff_hamilton.q(1));
  std::printf("  diff clips      n=%6zu mean %.3f p99 %.3f max %.3f\n", diff_clips.v.size(), diff_clips.mean(),
              diff_clips.q(0.99), diff_clips.q(1));
  std::printf("  frames: d' %.2f  gap p01(same) - p99(diff) %.3f  gap min - max %.3f\n",
              (same.mean() - diff.mean()) / std::sqrt(0.5 * (same.sd() * same.sd() + diff.sd() * diff.sd())),
              same.q(0.01) - diff.q(0.99), same.q(0) - diff.q(1));
  std::printf("  3-s window means: same n=%zu min %.3f | diff n=%zu max %.3f | gap %.3f\n", win_same.v.size(),
              win_same.q(0), win_diff.v.size(), win_diff.q(1), win_same.q(0) - win_diff.q(1));
  std::vector<std::pair<float, std::string>> top;
  for (const auto& [k, v] : pair_max) top.emplace_back(v, k);
  std::sort(top.rbegin(), top.rend());
  for (size_t k = 0; k < top.size() && k < 6; ++k) std::printf("    diff windows max %.3f  %s\n", top[k].first, top[k].second.c_str());
}

TEST(FaceEmbedderMeasurement, SameVersusDifferentPersonSimilarity) {
  if (!std::getenv("PSYFACE_MEASURE_PERSONS")) GTEST_SKIP() << "set PSYFACE_MEASURE_PERSONS=1 to run";
  REQUIRE_MODELS("mobilefacenet", "faceres");
  for (const auto& clip : kClips) PSYFACE_REQUIRE_SHARED(clip.file);
  const int saved = cv::getNumThreads();
  cv::setNumThreads(1);
  std::vector<Config> configs;
  std::vector<FaceEmbedder> embedders;
  for (const Config& c : {Config{"mobilefacenet", 0.0f}, Config{"mobilefacenet", 0.1f}, Config{"mobilefacenet", 0.25f},
                          Config{"mobilefacenet", 0.45f}, Config{"faceres", 0.1f}, Config{"faceres", 0.2f},
                          Config{"faceres", 0.25f}, Config{"faceres", 0.3f}}) {
    configs.push_back(c);
    embedders.emplace_back(models_dir(), c.model, c.margin);
  }
  std::vector<double> ms(configs.size(), 0.0);
  std::vector<Sample> all;
  for (const auto& clip : kClips) {
    auto s = sample_clip(clip, embedders, ms);
    std::printf("%s: %zu face samples\n", clip.name, s.size());
    all.insert(all.end(), std::make_move_iterator(s.begin()), std::make_move_iterator(s.end()));
  }
  cv::setNumThreads(saved);
  ASSERT_FALSE(all.empty());
  const auto windows = window_means(all, configs.size());
  for (size_t c = 0; c < configs.size(); ++c) {
    report(all, windows, configs, c);
    std::printf("  %.2f ms per face (1 thread)\n", ms[c] / all.size());
  }
}

}  // namespace
}  // namespace psyface::faces
