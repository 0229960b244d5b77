// Persons and roles on real clips composed with ffmpeg at test time (skipped when ../shared, ffmpeg or
// the models are absent): split-screen roles, swapped clips, a face that leaves and comes back.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>

#include "../test_paths.hpp"
#include "composed_video_support.hpp"
#include "analysis/session_analyzer.hpp"

namespace psyface::analysis {
namespace {

namespace fs = std::filesystem;

fs::path work_dir() { return test::composed_work_dir(); }
bool have_inputs() { return test::have_composed_inputs(); }

// Two dev clips side by side (first 8 s), each scaled to 640x480 and padded.
fs::path side_by_side(const std::string& left, const std::string& right) {
  const fs::path out = work_dir() / (left + "__" + right + ".mp4");
  if (fs::exists(out)) return out;
  const auto v = test::shared_dir() / "data/videos";
  const std::string pad = "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=30";
  const std::string cmd = "ffmpeg -v error -y -i " + (v / left).string() + " -i " + (v / right).string() +
                          " -filter_complex \"[0:v]" + pad + "[a];[1:v]" + pad + "[b];[a][b]hstack=inputs=2\" -t 8 -an " +
                          "-c:v libx264 -preset ultrafast -pix_fmt yuv420p " + out.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return out;
}

struct Rows {
  std::vector<FaceObservation> rows;
  AnalyzeSummary summary;
};

Rows analyse(const fs::path& video, faces::PatientRule::Kind patient, double fps = 10) {
  AnalyzeOptions o;
  o.read.sample_fps = fps;
  o.persons.roles.patient.kind = patient;
  Rows r;
  AnalyzeCallbacks cb;
  cb.on_frame = [&](const std::vector<FaceObservation>& rows) {
    for (const auto& x : rows)
      if (x.success) r.rows.push_back(x);
  };
  r.summary = analyze_video(video, test::source_dir() / "models", o, cb);
  return r;
}

// Share of face rows whose role matches the side of the frame they are on.
double share_right(const Rows& r, faces::Role left_role, faces::Role right_role) {
  int ok = 0;
  for (const auto& x : r.rows) {
    const bool left = x.box_px.x + x.box_px.width / 2 < r.summary.video.width_px / 2.0;
    ok += r.summary.persons.role_of(x.track_id) == (left ? left_role : right_role);
  }
  return r.rows.empty() ? 0 : static_cast<double>(ok) / static_cast<double>(r.rows.size());
}

TEST(PersonsEndToEnd, SplitScreenRolesFollowThePatientSideAndSwapWithTheClips) {
  if (!have_inputs()) GTEST_SKIP() << "needs ../shared, ffmpeg and built models";
  using faces::Role;
  const auto ab = side_by_side("fer_woman2.mp4", "openface_sample_2015-10-15-15-14.avi");
  const auto ba = side_by_side("openface_sample_2015-10-15-15-14.avi", "fer_woman2.mp4");

  const Rows left = analyse(ab, faces::PatientRule::Left);
  ASSERT_GE(left.rows.size(), 150u);  // two faces in most of the 80 analysed frames
  EXPECT_GE(share_right(left, Role::Patient, Role::Therapist), 0.99);
  EXPECT_EQ(left.summary.persons.roles.layout, faces::Layout::Split);

  const Rows right = analyse(ab, faces::PatientRule::Right);
  EXPECT_GE(share_right(right, Role::Therapist, Role::Patient), 0.99);

  // Swapped clips, patient still on the left: the woman of fer_woman2 (patient above) is now therapist.
  const Rows swapped = analyse(ba, faces::PatientRule::Left);
  EXPECT_GE(share_right(swapped, Role::Patient, Role::Therapist), 0.99);
  int woman_as_therapist = 0, rows_right_half = 0;
  for (const auto& x : swapped.rows)
    if (x.box_px.x > swapped.summary.video.width_px / 2.0) {
      ++rows_right_half;
      woman_as_therapist += swapped.summary.persons.role_of(x.track_id) == Role::Therapist;
    }
  EXPECT_GT(rows_right_half, 70);
  EXPECT_EQ(woman_as_therapist, rows_right_half);
}

TEST(PersonsEndToEnd, FaceThatLeavesAndReturnsKeepsItsPerson) {
  if (!have_inputs()) GTEST_SKIP() << "needs ../shared, ffmpeg and built models";
  // fer_woman2 0–4 s, 5 s of black (longer than the tracker keeps a lost id), then fer_woman2 8–12 s.
  const fs::path out = work_dir() / "leave_and_return.mp4";
  const auto v = test::shared_dir() / "data/videos/fer_woman2.mp4";
  const std::string cmd =
      "ffmpeg -v error -y -i " + v.string() +
      " -filter_complex \"[0:v]trim=0:4,setpts=PTS-STARTPTS,fps=30[a];[0:v]trim=8:12,setpts=PTS-STARTPTS,fps=30[c];"
      "color=c=black:s=596x336:r=30:d=5[b];[a][b][c]concat=n=3:v=1:a=0\" -an -c:v libx264 -preset ultrafast "
      "-pix_fmt yuv420p " + out.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const Rows r = analyse(out, faces::PatientRule::Left);
  std::set<int> tracks, persons;
  for (const auto& x : r.rows) {
    tracks.insert(x.track_id);
    persons.insert(r.summary.persons.person_of(x.track_id));
  }
  EXPECT_GE(tracks.size(), 2u) << "the tracker should have lost the face during the black gap";
  EXPECT_EQ(persons.size(), 1u) << "one person across the gap";
  EXPECT_EQ(persons.count(-1), 0u);
}

}  // namespace
}  // namespace psyface::analysis
