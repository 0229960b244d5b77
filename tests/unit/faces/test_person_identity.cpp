#include "faces/person_identity.hpp"

#include <gtest/gtest.h>

#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <random>
#include <set>
#include <vector>

#include "../test_paths.hpp"
#include "faces/face_embedder.hpp"
#include "faces/face_geometry.hpp"
#include "faces/face_tracker.hpp"
#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

constexpr int kDim = 192;

std::vector<float> random_unit(std::mt19937& rng) {
  std::normal_distribution<float> n(0.0f, 1.0f);
  std::vector<float> v(kDim);
  for (float& x : v) x = n(rng);
  l2_normalise(v);
  return v;
}

// A sample of a person: their base direction plus isotropic noise of the given total length, normalised.
// noise 0.8 gives samples at cosine ≈ 0.78 to the base and ≈ 0.6 to each other, about what mobilefacenet
// gives for one person across head poses (docs/persons.md).
std::vector<float> noisy(const std::vector<float>& base, float noise, std::mt19937& rng) {
  std::vector<float> n = random_unit(rng), v(kDim);
  for (int i = 0; i < kDim; ++i) v[i] = base[i] + noise * n[i];
  l2_normalise(v);
  return v;
}

TrackEvidence track(int id, double begin_sec, double end_sec, const std::vector<float>* base, int samples,
                    std::mt19937& rng, float noise = 0.8f, cv::Rect2f box = {100, 100, 80, 100}) {
  TrackEvidence t;
  t.track_id = id;
  t.present = {{begin_sec, end_sec}};
  t.frames = static_cast<int64_t>(std::lround((end_sec - begin_sec) * 30)) + 1;
  t.first_box_px = t.last_box_px = box;
  for (int k = 0; base && k < samples; ++k) t.embeddings.push_back(noisy(*base, noise, rng));
  return t;
}

std::vector<float> mean_unit_embedding_of(const TrackEvidence& t) {
  std::vector<float> m(t.embeddings.empty() ? 0 : t.embeddings.front().size(), 0.0f);
  for (const auto& e : t.embeddings)
    for (size_t i = 0; i < e.size(); ++i) m[i] += e[i];
  l2_normalise(m);
  return m;
}

TEST(Overlaps, ClosedIntervalsMergeWalk) {
  EXPECT_TRUE(overlaps({{0, 1}}, {{1, 2}}));  // touching: the same frame
  EXPECT_FALSE(overlaps({{0, 1}}, {{1.01, 2}}));
  EXPECT_FALSE(overlaps({{0, 1}, {3, 4}}, {{1.5, 2.5}, {4.5, 6}}));
  EXPECT_TRUE(overlaps({{0, 1}, {3, 4}}, {{1.5, 2.5}, {3.9, 6}}));
  EXPECT_FALSE(overlaps({}, {{0, 1}}));
}

TEST(IdentifyPersons, RecoversThreeNoisyPersonsAndNumbersThemByFirstAppearance) {
  std::mt19937 rng(7);
  const auto a = random_unit(rng), b = random_unit(rng), c = random_unit(rng);
  // A and B are on screen together most of the time (patient and therapist); C comes and goes.
  std::vector<TrackEvidence> tracks = {
      track(10, 0, 10, &b, 10, rng), track(11, 0.5, 9, &a, 9, rng),  track(12, 5, 8, &c, 3, rng),
      track(13, 12, 20, &a, 8, rng), track(14, 11, 15, &b, 4, rng),  track(15, 16, 30, &b, 14, rng),
      track(16, 20.5, 22, &c, 2, rng), track(17, 25, 40, &a, 15, rng), track(18, 31, 40, &b, 9, rng),
      track(19, 35, 38, &c, 3, rng), track(20, 41, 41.5, &c, 1, rng),
  };
  std::shuffle(tracks.begin(), tracks.end(), rng);
  const PersonAssignment out = identify_persons(tracks);
  ASSERT_EQ(out.persons.size(), 3u);
  const std::map<int, int> expected = {{10, 0}, {11, 1}, {12, 2}, {13, 1}, {14, 0}, {15, 0},
                                       {16, 2}, {17, 1}, {18, 0}, {19, 2}, {20, 2}};
  EXPECT_EQ(out.track_to_person, expected);
  EXPECT_EQ(out.persons[2].track_ids, (std::vector<int>{12, 16, 19, 20}));
  EXPECT_EQ(out.persons[2].embeddings, 3 + 2 + 3 + 1);
  EXPECT_DOUBLE_EQ(out.persons[2].first_t_sec, 5);
  EXPECT_DOUBLE_EQ(out.persons[2].last_t_sec, 41.5);
  for (const auto& p : out.persons) {
    ASSERT_EQ(p.mean_embedding.size(), static_cast<size_t>(kDim));
    double norm = 0;
    for (float x : p.mean_embedding) norm += x * x;
    EXPECT_NEAR(norm, 1.0, 1e-5);
  }
  EXPECT_GT(FaceEmbedder::cosine(out.persons[1].mean_embedding, a), 0.9f);
}

TEST(IdentifyPersons, SimultaneousTracksStayApartEvenWithNearlyEqualEmbeddings) {
  std::mt19937 rng(3);
  const auto a = random_unit(rng);
  std::vector<TrackEvidence> tracks = {track(0, 0, 10, &a, 10, rng, 0.05f), track(1, 9.9, 20, &a, 10, rng, 0.05f)};
  ASSERT_GT(FaceEmbedder::cosine(tracks[0].embeddings[0], tracks[1].embeddings[0]), 0.99f);
  PersonAssignment out = identify_persons(tracks);
  EXPECT_EQ(out.persons.size(), 2u);
  EXPECT_NE(out.track_to_person.at(0), out.track_to_person.at(1));
  // The same two tracks one after the other are one person.
  tracks[1].present = {{10.1, 20}};
  out = identify_persons(tracks);
  EXPECT_EQ(out.persons.size(), 1u);
  // A track overlapping both halves of a merged person can join neither half.
  tracks.push_back(track(2, 5, 15, &a, 10, rng, 0.05f));
  out = identify_persons(tracks);
  EXPECT_EQ(out.persons.size(), 2u);
  EXPECT_EQ(out.track_to_person.at(0), out.track_to_person.at(1));
  EXPECT_NE(out.track_to_person.at(0), out.track_to_person.at(2));
}

TEST(IdentifyPersons, TrackThatLeavesAndReEntersGetsOnePerson) {
  std::mt19937 rng(11);
  const auto a = random_unit(rng), b = random_unit(rng);
  // a leaves at 30 s and comes back at 95 s somewhere else on screen; b is there throughout.
  const std::vector<TrackEvidence> tracks = {track(0, 0, 30, &a, 30, rng), track(1, 0, 120, &b, 30, rng),
                                             track(2, 95, 120, &a, 25, rng, 0.8f, {400, 90, 90, 110})};
  const PersonAssignment out = identify_persons(tracks);
  EXPECT_EQ(out.persons.size(), 2u);
  EXPECT_EQ(out.track_to_person.at(0), out.track_to_person.at(2));
  EXPECT_EQ(out.persons[0].track_ids, (std::vector<int>{0, 2}));
  EXPECT_EQ(out.persons[0].frames, tracks[0].frames + tracks[2].frames);
}

TEST(IdentifyPersons, DifferentPeopleOneAfterTheOtherStayApart) {
  std::mt19937 rng(5);
  const auto a = random_unit(rng), b = random_unit(rng);
  const PersonAssignment out = identify_persons({track(0, 0, 30, &a, 30, rng), track(1, 40, 70, &b, 30, rng)});
  EXPECT_EQ(out.persons.size(), 2u);
}

TEST(IdentifyPersons, TracksWithoutEmbeddingsJoinByContinuityOrStandAlone) {
  std::mt19937 rng(2);
  const auto a = random_unit(rng);
  const cv::Rect2f here{100, 100, 80, 100}, nearby{120, 110, 85, 100}, far{400, 100, 80, 100};
  std::vector<TrackEvidence> tracks = {
      track(0, 0, 10, &a, 10, rng),
      track(1, 10.5, 11, nullptr, 0, rng, 0.8f, nearby),  // 0.5 s after track 0 ends, same place: joins
      track(2, 11.8, 12, nullptr, 0, rng, 0.8f, here),    // 0.8 s after track 1: joins the chain
      track(3, 10.2, 10.4, nullptr, 0, rng, 0.8f, far),   // right after, but elsewhere: own person
      track(4, 14, 15, nullptr, 0, rng, 0.8f, here),      // 2 s gap: own person
      track(5, 19.5, 19.9, nullptr, 0, rng, 0.8f, here),  // 0.1 s before track 6 begins: joins it
      track(6, 20, 30, &a, 10, rng),
  };
  const PersonAssignment out = identify_persons(tracks);
  const auto& p = out.track_to_person;
  EXPECT_EQ(p.at(1), p.at(0));
  EXPECT_EQ(p.at(2), p.at(0));
  EXPECT_EQ(p.at(6), p.at(0));  // re-entry by embedding
  EXPECT_EQ(p.at(5), p.at(0));
  EXPECT_NE(p.at(3), p.at(0));
  EXPECT_NE(p.at(4), p.at(0));
  EXPECT_NE(p.at(4), p.at(3));
  EXPECT_EQ(out.persons.size(), 3u);
  EXPECT_EQ(p.at(3), 1);  // numbered by first appearance
  EXPECT_EQ(p.at(4), 2);
  // A short track that overlaps a track of the person it follows stays apart.
  tracks.push_back(track(7, 29.9, 31, nullptr, 0, rng, 0.8f, here));
  tracks.back().present = {{30.5, 31}};
  tracks.push_back(track(8, 30.6, 30.8, nullptr, 0, rng, 0.8f, here));  // overlaps track 7
  const PersonAssignment out2 = identify_persons(tracks);
  EXPECT_EQ(out2.track_to_person.at(7), out2.track_to_person.at(0));
  EXPECT_NE(out2.track_to_person.at(8), out2.track_to_person.at(0));
}

TEST(IdentifyPersons, EmptyInputAndBadInput) {
  EXPECT_TRUE(identify_persons({}).persons.empty());
  std::mt19937 rng(1);
  const auto a = random_unit(rng);
  EXPECT_THROW(identify_persons({track(0, 0, 1, &a, 1, rng), track(0, 2, 3, &a, 1, rng)}), Error);
  auto bad = track(1, 2, 3, &a, 1, rng);
  bad.embeddings.front().resize(10);
  EXPECT_THROW(identify_persons({track(0, 0, 1, &a, 1, rng), bad}), Error);
  auto empty = track(2, 0, 1, &a, 1, rng);
  empty.present.clear();
  EXPECT_THROW(identify_persons({empty}), Error);
}

TEST(TrackEmbeddingCollector, SamplesAtMostOncePerSecondPerTrack) {
  TrackEmbeddingCollector col;
  EXPECT_FALSE(col.wants(0, 0.0));  // not observed yet
  for (int i = 0; i < 100; ++i) {   // 10 s at 10 fps
    const double t = i * 0.1;
    col.observe(0, t, {0, 0, 50, 50});
    if (col.wants(0, t)) col.add(0, t, std::vector<float>(4, static_cast<float>(t)));
  }
  const auto tracks = col.tracks();
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0].frames, 100);
  ASSERT_EQ(tracks[0].embeddings.size(), 10u);
  EXPECT_NEAR(tracks[0].embeddings[3][0], 3.0, 1e-4);
  ASSERT_EQ(tracks[0].present.size(), 1u);
  EXPECT_NEAR(tracks[0].present[0].end_sec, 9.9, 1e-9);
  col.add(0, 9.95, {1, 1, 1, 1});  // not wanted: ignored
  EXPECT_EQ(col.tracks()[0].embeddings.size(), 10u);
}

TEST(TrackEmbeddingCollector, BoundedSamplesStaySpreadOverALongTrack) {
  TrackEmbeddingCollector col;  // 30 per track
  for (int i = 0; i < 3000 * 5; ++i) {  // 50 min at 5 fps
    const double t = i * 0.2;
    col.observe(4, t, {0, 0, 50, 50});
    if (col.wants(4, t)) col.add(4, t, {static_cast<float>(t)});
  }
  const auto e = col.tracks()[0].embeddings;
  ASSERT_LE(e.size(), 30u);
  ASSERT_GE(e.size(), 15u);
  EXPECT_NEAR(e.front()[0], 0.0, 1e-6);
  EXPECT_GT(e.back()[0], 2500.0);  // the last part of the session is represented
  for (size_t k = 1; k < e.size(); ++k) EXPECT_GT(e[k][0], e[k - 1][0]);
}

// Reserving samples and giving their embeddings later, late and out of order (as the pipeline's embedding
// thread does), keeps exactly what add() keeps, through many halvings; a dropped ticket is ignored.
TEST(TrackEmbeddingCollector, ReserveAndLateFulfilKeepWhatAddKeeps) {
  TrackEmbeddingCollector now, later;
  std::vector<std::pair<int64_t, float>> owed;
  for (int i = 0; i < 600 * 5; ++i) {  // 10 min at 5 fps, two tracks
    const double t = i * 0.2;
    for (int track : {1, 2}) {
      const cv::Rect2f box(0, 0, 50, 50);
      now.observe(track, t, box);
      later.observe(track, t, box);
      const float value = static_cast<float>(track * 10000 + t);
      if (now.wants(track, t)) now.add(track, t, {value});
      const int64_t ticket = later.reserve(track, t);
      EXPECT_EQ(ticket >= 0, now.tracks()[static_cast<size_t>(track - 1)].embedding_t_sec.back() == t);
      if (ticket >= 0) owed.push_back({ticket, value});
    }
    if (owed.size() >= 7) {  // the worker catches up now and then, newest first
      for (auto it = owed.rbegin(); it != owed.rend(); ++it) later.fulfil(it->first, {it->second});
      owed.clear();
    }
  }
  ASSERT_GT(later.pending(), 0u);
  EXPECT_THROW(later.tracks(), Error);  // embeddings still owed
  for (const auto& [ticket, value] : owed) later.fulfil(ticket, {value});
  later.fulfil(0, {-1.0f});  // track 1's first sample, given already: ignored
  later.fulfil(2, {-1.0f});  // its second, dropped at the first halving: ignored
  EXPECT_EQ(later.pending(), 0u);
  const auto a = now.tracks(), b = later.tracks();
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(a[k].embedding_t_sec, b[k].embedding_t_sec);
    EXPECT_EQ(a[k].embeddings, b[k].embeddings);
    EXPECT_LE(a[k].embeddings.size(), 30u);
    EXPECT_GE(a[k].embeddings.size(), 15u);
  }
}

TEST(TrackEmbeddingCollector, PresenceIntervalsSplitAtGapsAndStayBounded) {
  CollectorOptions o;
  o.max_intervals = 3;
  TrackEmbeddingCollector col(o);
  for (double t : {0.0, 0.2, 0.4, 2.0, 2.2, 5.0, 5.1, 5.3}) col.observe(1, t, {0, 0, 10, 10});
  col.observe(2, 0.0, {50, 0, 10, 10});
  auto tr = col.tracks();
  ASSERT_EQ(tr.size(), 2u);
  ASSERT_EQ(tr[0].present.size(), 3u);
  EXPECT_DOUBLE_EQ(tr[0].present[1].begin_sec, 2.0);
  EXPECT_DOUBLE_EQ(tr[0].present[1].end_sec, 2.2);
  EXPECT_EQ(tr[0].first_box_px, cv::Rect2f(0, 0, 10, 10));
  col.observe(1, 7.0, {5, 5, 10, 10});  // a fourth interval: the two closest (gap 1.6 s) merge
  tr = col.tracks();
  ASSERT_EQ(tr[0].present.size(), 3u);
  EXPECT_DOUBLE_EQ(tr[0].present[0].end_sec, 2.2);
  EXPECT_DOUBLE_EQ(tr[0].present[1].begin_sec, 5.0);
  EXPECT_DOUBLE_EQ(tr[0].present[2].begin_sec, 7.0);
  EXPECT_EQ(tr[0].last_box_px, cv::Rect2f(5, 5, 10, 10));
  EXPECT_THROW(TrackEmbeddingCollector(CollectorOptions{0.0, 30, 0.5, 64}), Error);
}

// ---------------------------------------------------------------------------------------------------
// Real video: the pipeline's use of the collector, with the tracker and the default embedding model.

std::filesystem::path models_dir() { return test::source_dir() / "models"; }

#define REQUIRE_PERSON_MODELS(embedding_model)                                               \
  do {                                                                                       \
    for (const char* m : {"facemesh", "blazeface-back", embedding_model})                    \
      if (!std::filesystem::exists(models_dir() / m / "model.onnx"))                         \
        GTEST_SKIP() << "models/" << m << " not built (psyface models build)";               \
  } while (0)

// Runs a fresh tracker over frames [first, last] of a clip and feeds the collector as the pipeline
// should: every tracked face observed, faces that pass worth_embedding embedded when wanted. Track ids
// are shifted by id_offset; keep(face, frame width) picks the faces to feed (all when empty).
void collect(const char* rel, int first, int last, int id_offset, FaceEmbedder& embedder,
             TrackEmbeddingCollector& col, const std::function<bool(const TrackedFace&, int)>& keep = {}) {
  cv::VideoCapture cap((test::shared_dir() / rel).string());
  const double fps = cap.get(cv::CAP_PROP_FPS) > 0 ? cap.get(cv::CAP_PROP_FPS) : 30.0;
  FaceTracker tracker(models_dir(), TrackerOptions{});
  cv::Mat f;
  for (int i = 0; i <= last && cap.read(f); ++i) {
    if (i < first) continue;
    const double t = i / fps;
    for (const auto& face : tracker.update(f, t)) {
      if (keep && !keep(face, f.cols)) continue;
      const int id = face.track_id + id_offset;
      col.observe(id, t, face.box_px);
      const float yaw = measure_geometry(face.landmarks).yaw_deg;
      if (worth_embedding(face.landmarks.presence, yaw, face.box_px.width) && col.wants(id, t))
        col.add(id, t, embedder.embed(f, face.landmarks));
    }
  }
}

std::string describe(const PersonAssignment& a) {
  std::string s;
  for (const auto& [track, person] : a.track_to_person) s += std::to_string(track) + "->" + std::to_string(person) + " ";
  return s;
}

class IdentifyPersonsOnVideo : public ::testing::TestWithParam<const char*> {
 protected:
  PersonOptions options() const {
    PersonOptions o;
    o.min_similarity = person_threshold(GetParam());
    return o;
  }
};

// fer_woman2 split into two tracks by resetting the tracker (frames 0–150 and 250–464): one person.
TEST_P(IdentifyPersonsOnVideo, OneWomanSplitIntoTwoTracksIsOnePerson) {
  REQUIRE_PERSON_MODELS(GetParam());
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  FaceEmbedder embedder(models_dir(), GetParam());
  TrackEmbeddingCollector col;
  collect("data/videos/fer_woman2.mp4", 0, 150, 0, embedder, col);
  collect("data/videos/fer_woman2.mp4", 250, 464, 100, embedder, col);
  const auto tracks = col.tracks();
  ASSERT_EQ(tracks.size(), 2u);
  for (const auto& t : tracks) EXPECT_GE(t.embeddings.size(), 4u) << "track " << t.track_id;
  const PersonAssignment out = identify_persons(tracks, options());
  std::printf("[ figures ] %s, fer_woman2 halves: cosine of track means %.3f (threshold %.2f)\n", GetParam(),
              FaceEmbedder::cosine(mean_unit_embedding_of(tracks[0]), mean_unit_embedding_of(tracks[1])),
              options().min_similarity);
  EXPECT_EQ(out.persons.size(), 1u) << describe(out);
  EXPECT_EQ(out.track_to_person.at(tracks[0].track_id), 0);
  EXPECT_EQ(out.track_to_person.at(tracks[1].track_id), 0);
}

// The two faceswap people, fed as if one left the picture (frames 0–40, left face only) and the other
// came in (frames 50–89, right face only): no time overlap, so only the embeddings keep them apart.
TEST_P(IdentifyPersonsOnVideo, TwoPeopleOneAfterTheOtherAreTwoPersons) {
  REQUIRE_PERSON_MODELS(GetParam());
  const char* clip = "data/videos/faceswap_test_video_03-2_faces.mp4";
  PSYFACE_REQUIRE_SHARED(clip);
  FaceEmbedder embedder(models_dir(), GetParam());
  TrackEmbeddingCollector col;
  auto side = [](bool left) {
    return [left](const TrackedFace& f, int cols) { return (f.box_px.x + 0.5f * f.box_px.width < 0.5f * cols) == left; };
  };
  collect(clip, 0, 40, 0, embedder, col, side(true));
  collect(clip, 50, 89, 100, embedder, col, side(false));
  const auto tracks = col.tracks();
  ASSERT_EQ(tracks.size(), 2u);
  const PersonAssignment out = identify_persons(tracks, options());
  std::printf("[ figures ] %s, faceswap left then right: cosine of track means %.3f (threshold %.2f)\n", GetParam(),
              FaceEmbedder::cosine(mean_unit_embedding_of(tracks[0]), mean_unit_embedding_of(tracks[1])),
              options().min_similarity);
  EXPECT_EQ(out.persons.size(), 2u) << describe(out);
}

// Both faceswap people at once, the whole clip tracked normally: two persons.
TEST_P(IdentifyPersonsOnVideo, TwoPeopleTogetherAreTwoPersons) {
  REQUIRE_PERSON_MODELS(GetParam());
  const char* clip = "data/videos/faceswap_test_video_03-2_faces.mp4";
  PSYFACE_REQUIRE_SHARED(clip);
  FaceEmbedder embedder(models_dir(), GetParam());
  TrackEmbeddingCollector col;
  collect(clip, 0, 89, 0, embedder, col);
  const PersonAssignment out = identify_persons(col.tracks(), options());
  EXPECT_EQ(out.persons.size(), 2u) << describe(out);
}

INSTANTIATE_TEST_SUITE_P(Models, IdentifyPersonsOnVideo, ::testing::Values("faceres", "mobilefacenet"),
                         [](const auto& info) { return std::string(info.param); });

TEST(PersonThreshold, OnePerModel) {
  EXPECT_FLOAT_EQ(person_threshold("faceres"), kFaceResPersonThreshold);
  EXPECT_FLOAT_EQ(person_threshold("mobilefacenet"), kMobileFaceNetPersonThreshold);
  EXPECT_FLOAT_EQ(PersonOptions{}.min_similarity, person_threshold(kDefaultEmbeddingModel));
  EXPECT_THROW(person_threshold("arcface"), Error);
}

}  // namespace
}  // namespace psyface::faces
