// Picture-in-picture detection on synthetic face boxes (shares of the frame): a corner inset is found in
// each corner; a face that wanders into a corner, a split screen, a single recording, a face entering the
// inset and a large corner face are not insets.
#include "faces/inset_detection.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

constexpr int kFrames = 40;  // 10 s sampled every 0.25 s

InsetFace face(int track, double cx, double cy, double width, double aspect = 16.0 / 9.0) {
  const double h = width * aspect;  // square in pixels on a 16:9 frame
  return {track, cv::Rect2f(static_cast<float>(cx - width / 2), static_cast<float>(cy - h / 2),
                            static_cast<float>(width), static_cast<float>(h))};
}

// The main face (track 1, ~0.2 wide) near the middle, moving a little; a 0.06-wide inset face (track 2)
// centred at (ix, iy), moving a little less. main_every: the main face is seen in one frame of that many.
std::vector<InsetSample> pip(double ix, double iy, int main_every = 1) {
  std::vector<InsetSample> s;
  for (int k = 0; k < kFrames; ++k) {
    InsetSample f{k * 0.25, {}};
    const double wobble = std::sin(k * 0.7);
    if (k % main_every == 0) f.faces.push_back(face(1, 0.45 + 0.05 * wobble, 0.40 + 0.03 * wobble, 0.20));
    f.faces.push_back(face(2, ix + 0.01 * wobble, iy + 0.01 * std::cos(k * 0.9), 0.06));
    s.push_back(f);
  }
  return s;
}

TEST(InsetDetection, AnInsetIsFoundInEachCorner) {
  const struct {
    double x, y;
    const char* corner;
  } cases[] = {{0.12, 0.15, "top-left"}, {0.88, 0.15, "top-right"}, {0.12, 0.85, "bottom-left"}, {0.88, 0.85, "bottom-right"}};
  for (const auto& c : cases) {
    const InsetRegion r = detect_inset(pip(c.x, c.y));
    EXPECT_TRUE(r.found) << c.corner << ": " << r.evidence;
    EXPECT_EQ(r.corner, c.corner) << r.evidence;
    EXPECT_TRUE(r.contains(c.x, c.y)) << r.evidence;
    EXPECT_FALSE(r.contains(0.45, 0.40)) << "the main face's place is not in the inset: " << r.evidence;
    EXPECT_NE(r.evidence.find(std::string("inset ") + c.corner), std::string::npos) << r.evidence;
  }
}

TEST(InsetDetection, AMainFaceSeenInAFifthOfTheFramesStillMakesAnInset) {
  // The main person turns away or covers the face most of the time: the inset is still the inset.
  const InsetRegion r = detect_inset(pip(0.88, 0.85, 5));
  EXPECT_TRUE(r.found) << r.evidence;
}

TEST(InsetDetection, AFaceThatWandersIntoACornerIsNotAnInset) {
  // One person, small (0.06 wide), sits in the bottom-right corner 70 % of the time and walks to the middle
  // and back in between: the corner holds a stable small face most of the time, but it is the same track
  // that is elsewhere too. A larger second person stays in the middle-left.
  std::vector<InsetSample> s;
  for (int k = 0; k < kFrames; ++k) {
    InsetSample f{k * 0.25, {face(1, 0.30, 0.40, 0.20)}};
    const int phase = k % 10;  // 0..6 in the corner, 7..9 walking out and back
    const double away = phase < 7 ? 0 : (phase == 8 ? 0.45 : 0.35);
    f.faces.push_back(face(2, 0.88 - away, 0.85 - away * 0.8, 0.06));
    s.push_back(f);
  }
  const InsetRegion r = detect_inset(s);
  EXPECT_FALSE(r.found) << r.evidence;
  EXPECT_TRUE(r.candidate);
  EXPECT_NE(r.evidence.find("leave"), std::string::npos) << r.evidence;
  // A small face that roams about within the corner (a person in the back of the room): not stable.
  for (int k = 0; k < kFrames; ++k) s[k].faces[1] = face(2, 0.72 + 0.15 * std::sin(k * 0.4), 0.80 + 0.08 * std::cos(k * 0.3), 0.06);
  const InsetRegion roaming = detect_inset(s);
  EXPECT_FALSE(roaming.found) << roaming.evidence;
  EXPECT_NE(roaming.evidence.find("move too much"), std::string::npos) << roaming.evidence;
}

TEST(InsetDetection, AFaceThatEntersTheInsetRegionRejectsIt) {
  std::vector<InsetSample> s = pip(0.88, 0.85);
  for (int k = 0; k < kFrames; k += 8) s[k].faces[0] = face(3, 0.87, 0.80, 0.30);  // another face over it
  const InsetRegion r = detect_inset(s);
  EXPECT_FALSE(r.found) << r.evidence;
  EXPECT_NE(r.evidence.find("enters"), std::string::npos) << r.evidence;
}

TEST(InsetDetection, SplitScreensAndSingleRecordingsAreNotInsets) {
  // Split screen, both faces high in their halves (their boxes fit in the top corners), the same size.
  std::vector<InsetSample> split, single, wide;
  for (int k = 0; k < kFrames; ++k) {
    const double w = 0.01 * std::sin(k * 0.5);
    split.push_back({k * 0.25, {face(1, 0.22 + w, 0.28, 0.14), face(2, 0.78 - w, 0.26, 0.15)}});
    single.push_back({k * 0.25, {face(1, 0.5 + 3 * w, 0.45, 0.25)}});
    // One wide shot: two small persons, one of them sitting in a corner, both the same size.
    wide.push_back({k * 0.25, {face(1, 0.45 + w, 0.5, 0.07), face(2, 0.85, 0.2 + w, 0.07)}});
  }
  const InsetRegion r_split = detect_inset(split);
  EXPECT_FALSE(r_split.found) << r_split.evidence;
  EXPECT_NE(r_split.evidence.find("as wide"), std::string::npos) << r_split.evidence;
  const InsetRegion r_single = detect_inset(single);
  EXPECT_FALSE(r_single.found) << r_single.evidence;
  EXPECT_FALSE(r_single.candidate);
  const InsetRegion r_wide = detect_inset(wide);
  EXPECT_FALSE(r_wide.found) << r_wide.evidence;
}

TEST(InsetDetection, ALargeFaceInACornerOrABriefOneIsNotAnInset) {
  std::vector<InsetSample> big, brief;
  for (int k = 0; k < kFrames; ++k) {
    big.push_back({k * 0.25, {face(1, 0.4, 0.4, 0.3), face(2, 0.8, 0.8, 0.3)}});
    brief.push_back(pip(0.88, 0.85)[k]);
    if (k % 3 != 0) brief.back().faces.pop_back();  // the small face in a third of the frames only
  }
  EXPECT_FALSE(detect_inset(big).found);
  const InsetRegion r = detect_inset(brief);
  EXPECT_FALSE(r.found) << r.evidence;
  EXPECT_NE(r.evidence.find("only"), std::string::npos) << r.evidence;
}

TEST(InsetDetection, FewFramesGiveNoDecisionAndBadOptionsAreRefused) {
  auto s = pip(0.88, 0.85);
  s.resize(5);
  const InsetRegion r = detect_inset(s);
  EXPECT_FALSE(r.found);
  EXPECT_NE(r.evidence.find("no inset decision"), std::string::npos) << r.evidence;
  InsetDetectorOptions bad;
  bad.corner_zone_norm = 0.8;
  EXPECT_THROW(InsetDetector{bad}, Error);
}

TEST(InsetDetection, TheDetectorSamplesFramesAndNormalisesBoxes) {
  InsetDetector d;  // every 0.25 s
  for (int k = 0; k < 300; ++k) {  // 10 s at 30 fps of a 1280 x 720 frame
    const double t = k / 30.0, wobble = std::sin(k * 0.1);
    d.add_frame(t, {{1, cv::Rect2f(500 + 20 * wobble, 200, 250, 250)}, {2, cv::Rect2f(1090, 580, 70, 70)}}, 1280, 720);
  }
  const InsetRegion r = d.result();
  EXPECT_TRUE(r.found) << r.evidence;
  EXPECT_NEAR(r.x0_norm, 1090 / 1280.0, 1e-4);
  EXPECT_NEAR(r.y1_norm, 650 / 720.0, 1e-4);
}

}  // namespace
}  // namespace psyface::faces
