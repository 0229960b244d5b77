// Trustworthy rows in real recordings (issue 9), on dev clips composed with ffmpeg at test time (skipped
// when ../shared, ffmpeg or the models are absent): display rotation, hard cuts, identity along a track,
// panel = role.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "../test_paths.hpp"
#include "composed_video_support.hpp"
#include "analysis/row_labeler.hpp"
#include "analysis/session_analyzer.hpp"
#include "video/probe.hpp"

namespace psyface::analysis {
namespace {

namespace fs = std::filesystem;

fs::path work_dir() { return test::composed_work_dir(); }
bool have_inputs() { return test::have_composed_inputs(); }

std::string clip(const std::string& name) { return (test::shared_dir() / "data/videos" / name).string(); }

void ffmpeg(const std::string& args) {
  const std::string cmd = "ffmpeg -nostdin -v error -y " + args;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// Every analysed frame's rows, labelled at the end as `psyface analyze` labels its table.
struct Labelled {
  std::vector<std::vector<FaceObservation>> frames;
  std::vector<std::vector<RowLabel>> labels;
  AnalyzeSummary summary;
  LabelReport report;
  std::set<int> face_ids() const { return collect(&RowLabel::face_id); }
  std::set<int> persons() const { return collect(&RowLabel::person_id); }
  std::set<int> collect(int RowLabel::*member) const {  // over face rows
    std::set<int> s;
    for (const auto& f : labels)
      for (const auto& l : f)
        if (l.face_id >= 0) s.insert(l.*member);
    return s;
  }
};

Labelled analyse(const fs::path& video, double fps, faces::PatientRule::Kind patient = faces::PatientRule::Left,
                 int rotation_deg = -1) {
  AnalyzeOptions o;
  o.read.sample_fps = fps;
  o.read.rotation_deg = rotation_deg;
  o.persons.roles.patient.kind = patient;
  Labelled r;
  AnalyzeCallbacks cb;
  cb.on_frame = [&](const std::vector<FaceObservation>& rows) { r.frames.push_back(rows); };
  r.summary = analyze_video(video, test::source_dir() / "models", o, cb);
  RowLabeler labeler(r.summary.persons);
  for (const auto& rows : r.frames) {
    std::vector<RowKey> keys;
    for (const auto& x : rows) keys.push_back({x.success ? x.track_id : -1, x.t_sec, x.box_px});
    r.labels.push_back(labeler.label_frame(keys));
  }
  r.report = labeler.report();
  return r;
}

// --- display rotation -------------------------------------------------------------------------------

// A stored copy turned so that the file's rotation metadata (written by `-c copy`, pixels untouched) turns
// it back upright. Lossless RGB, so the upright frames equal the reference's to the byte.
fs::path rotated_copy(const fs::path& reference, int tag) {
  const auto probe_copy = work_dir() / ("probe" + std::to_string(tag) + ".mp4");
  ffmpeg("-i " + reference.string() + " -c copy -metadata:s:v:0 rotate=" + std::to_string(tag) + " " + probe_copy.string());
  const int cw = video::probe(probe_copy).orientation.rotation_cw_deg;  // what the reader will apply
  const std::string undo = cw == 90 ? "transpose=cclock" : cw == 270 ? "transpose=clock" : "hflip,vflip";
  const auto stored = work_dir() / ("stored" + std::to_string(tag) + ".mp4");
  ffmpeg("-i " + reference.string() + " -vf " + undo + " -c:v libx264rgb -qp 0 -preset ultrafast " + stored.string());
  const auto out = work_dir() / ("rotated" + std::to_string(tag) + ".mp4");
  ffmpeg("-i " + stored.string() + " -c copy -metadata:s:v:0 rotate=" + std::to_string(tag) + " " + out.string());
  return out;
}

TEST(IdentityEndToEnd, RotatedCopiesGiveTheSameRowsAsTheUprightClip) {
  if (!have_inputs()) GTEST_SKIP() << "needs ../shared, ffmpeg and built models";
  const auto reference = work_dir() / "upright.mp4";
  ffmpeg("-i " + clip("fer_woman2.mp4") + " -t 2 -an -c:v libx264rgb -qp 0 -preset ultrafast " + reference.string());
  const Labelled upright = analyse(reference, 5);
  ASSERT_GE(upright.frames.size(), 9u);
  for (int tag : {90, 180, 270}) {
    const auto rotated = rotated_copy(reference, tag);
    const Labelled r = analyse(rotated, 5);
    EXPECT_NE(r.summary.video.orientation.rotation_cw_deg, 0) << tag;
    EXPECT_EQ(r.summary.video.width_px, upright.summary.video.width_px) << tag;
    ASSERT_EQ(r.frames.size(), upright.frames.size()) << tag;
    for (size_t f = 0; f < r.frames.size(); ++f) {
      ASSERT_EQ(r.frames[f].size(), upright.frames[f].size()) << "rotate=" << tag << " frame " << f;
      for (size_t k = 0; k < r.frames[f].size(); ++k) {
        const auto &a = r.frames[f][k], &b = upright.frames[f][k];
        ASSERT_EQ(a.success, b.success);
        if (!a.success) continue;
        EXPECT_NEAR(a.box_px.x, b.box_px.x, 0.5) << tag;
        EXPECT_NEAR(a.box_px.y, b.box_px.y, 0.5) << tag;
        EXPECT_NEAR(a.box_px.width, b.box_px.width, 0.5) << tag;
        EXPECT_NEAR(a.roll_deg, b.roll_deg, 2.0) << tag;
        for (int e = 0; e < kEmotionCount; ++e) EXPECT_NEAR(a.emotion.p[e], b.emotion.p[e], 1e-3) << tag;
      }
    }
  }
  // --rotation 0 analyses the stored, sideways picture: the frame keeps its stored size.
  const Labelled sideways = analyse(work_dir() / "rotated90.mp4", 5, faces::PatientRule::Left, 0);
  EXPECT_EQ(sideways.summary.video.width_px, upright.summary.video.height_px);
}

// --- hard cuts and identity along a track ----------------------------------------------------------

// Segments of dev clips, each scaled and padded to 640x480, joined with hard cuts.
fs::path concatenated(const std::string& name, const std::vector<std::pair<std::string, double>>& segments,
                      double seconds) {
  const auto out = work_dir() / (name + ".mp4");
  std::string inputs, filter, labels;
  for (size_t k = 0; k < segments.size(); ++k) {
    inputs += " -ss " + std::to_string(segments[k].second) + " -t " + std::to_string(seconds) + " -i " +
              clip(segments[k].first);
    filter += "[" + std::to_string(k) + ":v]scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:"
              "(oh-ih)/2,fps=30,setsar=1[v" + std::to_string(k) + "];";
    labels += "[v" + std::to_string(k) + "]";
  }
  ffmpeg(inputs + " -filter_complex \"" + filter + labels + "concat=n=" + std::to_string(segments.size()) +
         ":v=1:a=0\" -an -c:v libx264 -preset ultrafast -pix_fmt yuv420p " + out.string());
  return out;
}

TEST(IdentityEndToEnd, ThreePeopleJoinedByHardCutsAreThreeTracksAndThreePersons) {
  if (!have_inputs()) GTEST_SKIP() << "needs ../shared, ffmpeg and built models";
  const auto video = concatenated("three_people", {{"fer_woman2.mp4", 0}, {"openface_sample_2015-10-15-15-14.avi", 0},
                                                   {"pyfeat_WolfgangLanger_Pexels.mp4", 14}}, 3);
  const Labelled r = analyse(video, 10);
  ASSERT_EQ(r.summary.shot_cut_sec.size(), 2u);
  EXPECT_NEAR(r.summary.shot_cut_sec[0], 3.0, 0.15);
  EXPECT_NEAR(r.summary.shot_cut_sec[1], 6.0, 0.15);
  EXPECT_EQ(r.face_ids().size(), 3u);
  EXPECT_EQ(r.persons().size(), 3u);
  // No face id and no person spans a cut.
  std::map<int, std::set<int>> segments_of_person, segments_of_face;
  for (size_t f = 0; f < r.frames.size(); ++f)
    for (size_t k = 0; k < r.frames[f].size(); ++k)
      if (r.labels[f][k].face_id >= 0) {
        const double t = r.frames[f][k].t_sec;
        const int segment = (t >= r.summary.shot_cut_sec[0]) + (t >= r.summary.shot_cut_sec[1]);
        segments_of_person[r.labels[f][k].person_id].insert(segment);
        segments_of_face[r.labels[f][k].face_id].insert(segment);
      }
  for (const auto& [person, segs] : segments_of_person) EXPECT_EQ(segs.size(), 1u) << "person " << person;
  for (const auto& [face, segs] : segments_of_face) EXPECT_EQ(segs.size(), 1u) << "face " << face;
}

TEST(IdentityEndToEnd, ACutToTheSamePersonKeepsOnePerson) {
  if (!have_inputs()) GTEST_SKIP() << "needs ../shared, ffmpeg and built models";
  const auto video = concatenated("same_twice", {{"fer_woman2.mp4", 0}, {"fer_woman2.mp4", 0}}, 3);
  const Labelled r = analyse(video, 10);
  EXPECT_EQ(r.persons().size(), 1u);
  EXPECT_GE(r.face_ids().size(), 1u);
}

// Without cut detection (as for a cut it misses), the tracker follows the box across the cut into the
// next person; the identity embeddings along the track split it there.
TEST(IdentityEndToEnd, ATrackThatPassesToAnotherPersonIsSplit) {
  if (!have_inputs()) GTEST_SKIP() << "needs ../shared, ffmpeg and built models";
  const auto video = concatenated("two_people", {{"fer_woman2.mp4", 0}, {"pyfeat_WolfgangLanger_Pexels.mp4", 14}}, 4);
  AnalyzeOptions o;
  o.read.sample_fps = 10;
  o.read.detect_shot_cuts = false;
  std::vector<FaceObservation> rows;
  AnalyzeCallbacks cb;
  cb.on_frame = [&](const std::vector<FaceObservation>& f) {
    for (const auto& x : f)
      if (x.success) rows.push_back(x);
  };
  const AnalyzeSummary s = analyze_video(video, test::source_dir() / "models", o, cb);
  ASSERT_TRUE(s.shot_cut_sec.empty());
  ASSERT_EQ(s.persons.splits.splits.size(), 1u);
  EXPECT_NEAR(s.persons.splits.splits[0].t_sec, 4.0, 1.1);  // within one embedding interval of the cut
  std::set<int> persons_before, persons_after;
  for (const auto& x : rows) {
    if (std::fabs(x.t_sec - 4.0) < 1.1) continue;  // rows between the samples around the change
    const int face = s.persons.splits.face_id_at(x.track_id, x.t_sec);
    (x.t_sec < 4.0 ? persons_before : persons_after).insert(s.persons.person_of(face));
  }
  EXPECT_EQ(persons_before.size(), 1u);
  EXPECT_EQ(persons_after.size(), 1u);
  EXPECT_NE(*persons_before.begin(), *persons_after.begin());
}

// --- panel = role ------------------------------------------------------------------------------------

// Left panel: A then B; right panel: B then A (4 s each), both 640x480, side by side.
fs::path crossed_split(const std::string& a, const std::string& b) {
  const auto out = work_dir() / "crossed.mp4";
  if (fs::exists(out)) return out;
  const std::string pad = "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=30,setsar=1";
  ffmpeg("-t 8 -i " + clip(a) + " -t 8 -i " + clip(b) +
         " -filter_complex \"[0:v]" + pad + ",split[a1][a2];[1:v]" + pad + ",split[b1][b2];"
         "[a1]trim=0:4,setpts=PTS-STARTPTS[la];[b1]trim=0:4,setpts=PTS-STARTPTS[lb];[la][lb]concat=n=2:v=1:a=0[left];"
         "[b2]trim=4:8,setpts=PTS-STARTPTS[rb];[a2]trim=4:8,setpts=PTS-STARTPTS[ra];[rb][ra]concat=n=2:v=1:a=0[right];"
         "[left][right]hstack=inputs=2\" -an -c:v libx264 -preset ultrafast -pix_fmt yuv420p " + out.string());
  return out;
}

double share_by_panel(const Labelled& r, faces::Role left, faces::Role right, int& face_rows) {
  int ok = 0;
  face_rows = 0;
  for (size_t f = 0; f < r.frames.size(); ++f)
    for (size_t k = 0; k < r.frames[f].size(); ++k) {
      const auto& x = r.frames[f][k];
      if (!x.success) continue;
      ++face_rows;
      const bool in_left = x.box_px.x + x.box_px.width / 2 < r.summary.video.width_px / 2.0;
      ok += r.labels[f][k].role == (in_left ? left : right);
    }
  return face_rows ? static_cast<double>(ok) / face_rows : 0.0;
}

TEST(IdentityEndToEnd, SamePeopleInBothPanelsTakeThePanelsRole) {
  if (!have_inputs()) GTEST_SKIP() << "needs ../shared, ffmpeg and built models";
  using faces::Role;
  const auto video = crossed_split("fer_woman2.mp4", "openface_sample_2015-10-15-15-14.avi");
  int rows = 0;
  const Labelled left = analyse(video, 5, faces::PatientRule::Left);
  EXPECT_GE(share_by_panel(left, Role::Patient, Role::Therapist, rows), 0.99);
  EXPECT_GE(rows, 60);
  EXPECT_EQ(left.summary.persons.roles.layout, faces::Layout::Split);
  EXPECT_FALSE(left.report.persons_in_both_panels.empty()) << "the same people appear in both panels";
  // Both halves switch at 4 s: the same colours in new places, a cut by the layout test.
  ASSERT_EQ(left.summary.shot_cut_sec.size(), 1u);
  EXPECT_NEAR(left.summary.shot_cut_sec[0], 4.0, 0.21);
  const Labelled right = analyse(video, 5, faces::PatientRule::Right);
  EXPECT_GE(share_by_panel(right, Role::Therapist, Role::Patient, rows), 0.99);
}

}  // namespace
}  // namespace psyface::analysis
