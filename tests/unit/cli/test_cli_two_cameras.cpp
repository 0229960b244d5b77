// psyface analyze with two cameras, as a user runs it: file names, windows and the merged table.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../test_paths.hpp"
#include "cli_test_support.hpp"
#include "study_cli_support.hpp"
#include "util/atomic_file.hpp"

namespace psyface {
namespace {

namespace fs = std::filesystem;


// The rows of a two-camera table: camera, role, timestamp, success.
struct TableRow {
  std::string camera, role;
  double t_sec = 0;
  bool success = false;
};

std::vector<TableRow> read_dyad(const fs::path& table) {
  std::ifstream csv(table);
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line.rfind("camera,frame,face_id,person_id,role,timestamp,success,", 0), 0u) << line;
  std::vector<TableRow> rows;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    rows.push_back({f[0], f[4], std::stod(f[5]), f[6] == "1"});
  }
  return rows;
}

// Issue 15 item 1: pat/s1.mp4 and ther/s1.mp4 used to write the same s1.frames.csv, so the therapist's
// table replaced the patient's and the merge merged the therapist with himself.
TEST(CliTwoCameras, VideosWithTheSameFileNameKeepBothCameras) {
  PSYFACE_REQUIRE_SHARED("data/videos/pyfeat_WolfgangLanger_Pexels.mp4");
  if (!test::models_ready()) GTEST_SKIP() << "models not built";
  const auto dir = test::temp_dir("twocam_same_name");
  const auto v = test::shared_dir() / "data/videos";
  fs::create_directories(dir / "pat");
  fs::create_directories(dir / "ther");
  fs::create_symlink(v / "fer_woman2.mp4", dir / "pat/s1.mp4");
  fs::create_symlink(v / "pyfeat_WolfgangLanger_Pexels.mp4", dir / "ther/s1.mp4");
  const auto r = test::run("analyze --patient-video " + (dir / "pat/s1.mp4").string() + " --therapist-video " +
                           (dir / "ther/s1.mp4").string() + " --end 3 --fps 5 -q --out " + (dir / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("s1.B.frames.csv"), std::string::npos) << r.err;  // the user is told where B went
  ASSERT_TRUE(fs::exists(dir / "out/s1.frames.csv"));
  ASSERT_TRUE(fs::exists(dir / "out/s1.B.frames.csv"));
  const auto sidecar_a = nlohmann::json::parse(util::read_file(dir / "out/s1.analysis.json"));
  const auto sidecar_b = nlohmann::json::parse(util::read_file(dir / "out/s1.B.analysis.json"));
  EXPECT_EQ(sidecar_a["camera"]["side"], "A");
  EXPECT_EQ(sidecar_b["camera"]["side"], "B");
  EXPECT_NE(sidecar_a["video"]["path"], sidecar_b["video"]["path"]);
  std::map<std::string, std::map<std::string, int>> faces;  // camera -> role -> face rows
  for (const auto& row : read_dyad(dir / "out/s1+s1.frames.csv"))
    if (row.success) ++faces[row.camera][row.role];
  EXPECT_GT(faces["A"]["patient"], 10);
  EXPECT_EQ(faces["A"]["therapist"], 0);
  EXPECT_GT(faces["B"]["therapist"], 10);
  EXPECT_EQ(faces["B"]["patient"], 0);
  fs::remove_all(dir);
}

// The same in a study (the repro): video = pat/s1.mp4, therapist_video = ther/s1.mp4 ended `done`
// with the patient's frames_valid = 0.
TEST(CliTwoCameras, StudySessionWithTheSameFileNameKeepsThePatient) {
  PSYFACE_REQUIRE_SHARED("data/videos/pyfeat_WolfgangLanger_Pexels.mp4");
  if (!test::models_ready()) GTEST_SKIP() << "models not built";
  if (std::system("ffmpeg -version >/dev/null 2>&1") != 0) GTEST_SKIP() << "ffmpeg not installed";
  const auto dir = test::temp_dir("twocam_study");
  fs::create_directories(dir / "pat");
  fs::create_directories(dir / "ther");
  fs::copy_file(test::study_videos() / "cam_patient.mp4", dir / "pat/s1.mp4");
  fs::copy_file(test::study_videos() / "cam_therapist.mp4", dir / "ther/s1.mp4");
  std::ofstream(dir / "sessions.csv")
      << "session_id,patient_id,therapist_id,session_number,date,video,layout,patient,therapist_video,offset_sec\n"
         "P01-S01,P01,T1,1,2024-01-08,pat/s1.mp4,two-cameras,,ther/s1.mp4,0\n";
  std::ofstream(dir / "study.conf") << "synchrony_surrogates = 0\n";
  const auto r = test::run("study run " + dir.string() + " " + test::study_run_args());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(test::run("study export " + dir.string()).exit_code, 0);
  const std::string sessions = util::read_file(dir / "export/sessions.csv");
  EXPECT_GT(std::stod(test::export_value(sessions, "P01-S01", "patient", "valid_share")), 0.9) << sessions;
  EXPECT_GT(std::stod(test::export_value(sessions, "P01-S01", "therapist", "valid_share")), 0.9) << sessions;
  fs::remove_all(dir);
}

// One --focal-px is one camera's focal length: with two cameras whose frames differ (596x336 and 640x360)
// it cannot be both, so it is refused before anything is analysed; 0 (each camera's own guess) is taken.
TEST(CliTwoCameras, OneFocalLengthForTwoDifferentCamerasIsRefused) {
  PSYFACE_REQUIRE_SHARED("data/videos/pyfeat_WolfgangLanger_Pexels.mp4");
  if (!test::models_ready()) GTEST_SKIP() << "models not built";
  const auto dir = test::temp_dir("twocam_focal");
  const auto v = test::shared_dir() / "data/videos";
  const std::string videos = "analyze --patient-video " + (v / "fer_woman2.mp4").string() + " --therapist-video " +
                             (v / "pyfeat_WolfgangLanger_Pexels.mp4").string() + " --end 1 --fps 2 -q --out " + dir.string();
  const auto refused = test::run(videos + " --focal-px 800");
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("--focal-px 800.0 would apply to both cameras, but their frames differ (596x336 and "
                             "640x360)"),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(dir / "fer_woman2.frames.csv"));
  const auto guessed = test::run(videos + " --focal-px 0");
  ASSERT_EQ(guessed.exit_code, 0) << guessed.err;
  for (const char* sidecar : {"fer_woman2.analysis.json", "pyfeat_WolfgangLanger_Pexels.analysis.json"}) {
    const auto j = nlohmann::json::parse(util::read_file(dir / sidecar));
    EXPECT_EQ(j["gaze_camera"]["model"], "pinhole, OpenFace's guess from the frame size") << sidecar;
  }
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(util::read_file(dir / "pyfeat_WolfgangLanger_Pexels.analysis.json"))
                       ["gaze_camera"]["focal_px"].get<double>(),
                   437.5);  // (500·640/640 + 500·360/480) / 2
  fs::remove_all(dir);
}

// Issue 19 item 4: --start/--end were applied to each camera on its own clock; with --offset-sec 4 the
// therapist's rows covered 10-14 s of A's clock for a 6-10 s window.
TEST(CliTwoCameras, StartAndEndSelectTheSameMomentsInBothCameras) {
  PSYFACE_REQUIRE_SHARED("data/videos/pyfeat_WolfgangLanger_Pexels.mp4");
  if (!test::models_ready()) GTEST_SKIP() << "models not built";
  const auto dir = test::temp_dir("twocam_window");
  const auto v = test::shared_dir() / "data/videos";
  const auto r = test::run("analyze --patient-video " + (v / "fer_woman2.mp4").string() + " --therapist-video " +
                           (v / "pyfeat_WolfgangLanger_Pexels.mp4").string() +
                           " --offset-sec 4 --start 6 --end 10 --fps 5 -q --out " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::pair<double, double>> range;  // camera -> first, last time on A's clock
  std::map<std::string, int> rows;
  for (const auto& row : read_dyad(dir / "fer_woman2+pyfeat_WolfgangLanger_Pexels.frames.csv")) {
    auto& [lo, hi] = range.try_emplace(row.camera, 1e9, -1e9).first->second;
    lo = std::min(lo, row.t_sec), hi = std::max(hi, row.t_sec);
    ++rows[row.camera];
  }
  ASSERT_GT(rows["A"], 15);
  ASSERT_GT(rows["B"], 15);
  for (const char* camera : {"A", "B"}) {
    EXPECT_GE(range[camera].first, 6.0 - 1e-6) << camera;
    EXPECT_LT(range[camera].second, 10.0) << camera;
    EXPECT_LT(range[camera].first, 6.3) << camera;   // both start at the window's start ...
    EXPECT_GT(range[camera].second, 9.6) << camera;  // ... and run to its end
  }
  const auto sidecar_b = nlohmann::json::parse(util::read_file(dir / "pyfeat_WolfgangLanger_Pexels.analysis.json"));
  EXPECT_DOUBLE_EQ(sidecar_b["camera"]["start_sec"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(sidecar_b["camera"]["end_sec"].get<double>(), 6.0);
  // A window that ends before camera B starts is refused, not analysed into a one-camera table.
  const auto refused = test::run("analyze --patient-video " + (v / "fer_woman2.mp4").string() + " --therapist-video " +
                                 (v / "pyfeat_WolfgangLanger_Pexels.mp4").string() + " --offset-sec 4 --end 3 -q --out " +
                                 dir.string());
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("--offset-sec 4"), std::string::npos) << refused.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace psyface
