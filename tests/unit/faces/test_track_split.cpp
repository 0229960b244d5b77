// split_tracks: synthetic identity embeddings (random unit directions per person plus noise, as in
// test_person_identity.cpp) along a track, with the change at a known time.
#include "faces/track_split.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "faces/face_embedder.hpp"

namespace psyface::faces {
namespace {

constexpr int kDim = 128;

std::vector<float> unit(std::mt19937& rng, const std::vector<float>* base = nullptr, float noise = 0.6f) {
  std::normal_distribution<float> n(0.0f, 1.0f);
  std::vector<float> v(kDim);
  for (int i = 0; i < kDim; ++i) v[i] = (base ? (*base)[i] : 0.0f) + (base ? noise / std::sqrt(float(kDim)) : 1.0f) * n(rng);
  l2_normalise(v);
  return v;
}

// A track seen from 0 to `seconds` s at 30 fps with one embedding per second: person a until change_sec,
// then person b (b == a: no change).
TrackEvidence track(int id, const std::vector<float>& a, const std::vector<float>& b, double change_sec, int seconds,
                    std::mt19937& rng) {
  TrackEvidence t;
  t.track_id = id;
  t.present = {{0.0, double(seconds)}};
  t.frames = 30 * seconds + 1;
  t.first_box_px = t.last_box_px = {10, 10, 50, 60};
  for (int s = 0; s < seconds; ++s) {
    const double at = s + 0.5;
    t.embeddings.push_back(unit(rng, at < change_sec ? &a : &b));
    t.embedding_t_sec.push_back(at);
  }
  return t;
}

TEST(TrackSplit, ATrackThatChangesPersonIsSplitBetweenTheSamplesAroundTheChange) {
  std::mt19937 rng(7);
  const auto a = unit(rng), b = unit(rng);
  TrackEvidence later = track(1, a, a, 99, 9, rng);  // person a again, after the first track ended
  later.present = {{20.0, 29.0}};
  for (double& t : later.embedding_t_sec) t += 20;
  const SplitTracks s = split_tracks({track(0, a, b, 4.2, 9, rng), later}, 2);
  ASSERT_EQ(s.splits.size(), 1u);
  EXPECT_EQ(s.splits[0].track_id, 0);
  EXPECT_EQ(s.splits[0].new_face_id, 2);
  EXPECT_DOUBLE_EQ(s.splits[0].t_sec, 4.0);  // between the samples at 3.5 and 4.5 s
  EXPECT_LT(s.splits[0].similarity, kFaceResPersonThreshold);
  ASSERT_EQ(s.tracks.size(), 3u);
  EXPECT_EQ(s.tracks[0].track_id, 0);
  EXPECT_EQ(s.tracks[0].embeddings.size(), 4u);
  EXPECT_LT(s.tracks[0].present.back().end_sec, 4.0);
  EXPECT_EQ(s.tracks[2].track_id, 2);
  EXPECT_EQ(s.tracks[2].embeddings.size(), 5u);
  EXPECT_DOUBLE_EQ(s.tracks[2].present.front().begin_sec, 4.0);
  EXPECT_EQ(s.tracks[0].frames + s.tracks[2].frames, 30 * 9 + 1);
  EXPECT_FALSE(overlaps(s.tracks[0].present, s.tracks[2].present));
  EXPECT_EQ(s.face_id_at(0, 3.99), 0);
  EXPECT_EQ(s.face_id_at(0, 4.0), 2);
  EXPECT_EQ(s.face_id_at(1, 28.0), 1);
  EXPECT_EQ(s.pieces_of(0), (std::vector<int>{0, 2}));
  // The pieces are two persons; the later track of person a joins the first piece.
  const PersonAssignment p = identify_persons(s.tracks);
  EXPECT_EQ(p.persons.size(), 2u);
  EXPECT_NE(p.track_to_person.at(0), p.track_to_person.at(2));
  EXPECT_EQ(p.track_to_person.at(0), p.track_to_person.at(1));
}

TEST(TrackSplit, ThreePeopleOnOneTrackGiveTwoSplits) {
  std::mt19937 rng(11);
  const auto a = unit(rng), b = unit(rng), c = unit(rng);
  TrackEvidence t = track(5, a, b, 3.0, 9, rng);
  for (int s = 6; s < 9; ++s) t.embeddings[static_cast<size_t>(s)] = unit(rng, &c);
  const SplitTracks s = split_tracks({t}, 6);
  ASSERT_EQ(s.splits.size(), 2u);
  EXPECT_DOUBLE_EQ(s.splits[0].t_sec, 3.0);
  EXPECT_DOUBLE_EQ(s.splits[1].t_sec, 6.0);
  EXPECT_EQ(s.face_id_at(5, 7.0), s.splits[1].new_face_id);
  EXPECT_EQ(identify_persons(s.tracks).persons.size(), 3u);
}

TEST(TrackSplit, OneOddSampleOrOneSamplePerSideNeverSplits) {
  std::mt19937 rng(3);
  const auto a = unit(rng), b = unit(rng);
  TrackEvidence odd = track(0, a, a, 99, 8, rng);
  odd.embeddings[4] = unit(rng, &b);  // one bad sample in the middle
  TrackEvidence last = track(1, a, b, 7.0, 8, rng);  // the change only in the last sample
  TrackEvidence untimed = track(2, a, b, 4.0, 8, rng);
  untimed.embedding_t_sec.clear();
  const SplitTracks s = split_tracks({odd, last, untimed}, 3);
  EXPECT_TRUE(s.splits.empty());
  EXPECT_EQ(s.tracks.size(), 3u);
}

}  // namespace
}  // namespace psyface::faces
