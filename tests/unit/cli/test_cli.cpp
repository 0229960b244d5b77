// The psyface executable as a user meets it: help, exit codes, error messages, outputs on disk.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../test_paths.hpp"
#include "cli_test_support.hpp"
#include "util/atomic_file.hpp"

namespace psyface {
namespace {

namespace fs = std::filesystem;

using test::Result;
using test::run;
using test::temp_dir;

int64_t count_lines(const fs::path& p) {
  std::ifstream in(p);
  int64_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

bool models_built() { return fs::exists(test::source_dir() / "models/facemesh/model.onnx"); }

TEST(Cli, HelpOnEveryCommand) {
  for (const char* c : {"", "analyze", "classify", "eval", "models", "models build", "models verify"}) {
    const Result r = run(std::string(c) + " --help");
    EXPECT_EQ(r.exit_code, 0) << c;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << c;
  }
}

// --focal-px takes a focal length of 1 to 10⁶ px, 0 (OpenFace's guess) or -1 (none); anything else is refused before any
// file is opened (a NaN would otherwise pass a range check and write null into the sidecar).
TEST(Cli, FocalLengthMustBeALengthZeroOrMinusOne) {
  // 1e39 would become an infinite float and 1e-50 a float 0 (the guess): both refused, as is 0.5 px.
  for (const char* bad : {"nan", "inf", "-0.5", "-2", "abc", "12px", "1e39", "1e-50", "0.5", "2e6"}) {
    const Result r = run(std::string("analyze /no/such.mp4 --focal-px ") + bad);
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--focal-px must be a focal length in pixels"), std::string::npos) << bad << ": " << r.err;
  }
  for (const char* good : {"0", "-1", "800", "437.5", "1", "1e6"}) {
    const Result r = run(std::string("analyze /no/such.mp4 --focal-px ") + good);
    EXPECT_NE(r.err.find("video not found"), std::string::npos) << good << ": " << r.err;  // got past the option
  }
}

TEST(Cli, UnknownFlagIsAUsageError) {
  const Result r = run("eval /tmp --no-such-flag");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("psyface: error:"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, EvalOfMissingFolderFailsWithInputCode) {
  const Result r = run("eval /nonexistent/faces --quiet");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("/nonexistent/faces"), std::string::npos) << r.err;
}

TEST(Cli, AnalyzeRefusesATextFileNamedMp4) {
  if (!models_built()) GTEST_SKIP() << "models not built";
  const auto dir = temp_dir("text");
  { std::ofstream(dir / "notes.mp4") << "this is not a video\n"; }
  const Result r = run("analyze " + (dir / "notes.mp4").string() + " --out " + (dir / "out").string() + " -q");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("notes.mp4"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out" / "notes.frames.csv"));
  fs::remove_all(dir);
}

TEST(Cli, AnalyzeProcessesATruncatedVideoUpToTheCutAndReportsIt) {
  PSYFACE_REQUIRE_SHARED("data/videos/openface_sample_2015-10-15-15-14.avi");
  if (!models_built()) GTEST_SKIP() << "models not built";
  const auto dir = temp_dir("trunc");
  const std::string bytes = util::read_file(test::shared_dir() / "data/videos/openface_sample_2015-10-15-15-14.avi");
  util::write_file_atomic(dir / "cut.avi", bytes.substr(0, bytes.size() * 6 / 10));
  const Result r = run("analyze " + (dir / "cut.avi").string() + " --out " + dir.string() + " -q --end 60");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
  ASSERT_TRUE(fs::exists(dir / "cut.frames.csv"));
  const auto meta = nlohmann::json::parse(util::read_file(dir / "cut.analysis.json"));
  EXPECT_TRUE(meta["video"]["truncated"].get<bool>());
  const int64_t analysed = meta["video"]["frames_analysed"];
  EXPECT_GT(analysed, 300);
  EXPECT_LT(analysed, 842);
  // one CSV row per analysed frame (one face in this clip) plus the header
  EXPECT_EQ(count_lines(dir / "cut.frames.csv"), analysed + 1);
  fs::remove_all(dir);
}

TEST(Cli, CtrlCKeepsPartialResultsAndExits130) {
  PSYFACE_REQUIRE_SHARED("data/videos/openface_sample_2015-10-15-15-14.avi");
  if (!models_built()) GTEST_SKIP() << "models not built";
  const auto dir = temp_dir("sigint");
  const std::string cmd = test::psyface_bin().string() + " analyze " +
                          (test::shared_dir() / "data/videos/openface_sample_2015-10-15-15-14.avi").string() +
                          " -q --out " + dir.string() +
                          " >/dev/null 2>&1 & pid=$!; "
                          // interrupt once rows are being written (at most 30 s of waiting)
                          "for i in $(seq 300); do f=$(ls " + dir.string() + "/*.tmp-* 2>/dev/null | head -1); "
                          "if [ -n \"$f\" ] && [ $(stat -c%s \"$f\") -gt 20000 ]; then break; fi; sleep 0.1; done; "
                          "kill -INT $pid; wait $pid; exit $?";
  const int status = std::system(("bash -c '" + cmd + "'").c_str());  // cmd has no single quotes
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_FALSE(fs::exists(dir / "openface_sample_2015-10-15-15-14.frames.csv"));  // not passed off as complete
  ASSERT_TRUE(fs::exists(dir / "openface_sample_2015-10-15-15-14.analysis.partial.json"));
  const auto meta = nlohmann::json::parse(util::read_file(dir / "openface_sample_2015-10-15-15-14.analysis.partial.json"));
  EXPECT_TRUE(meta["cancelled"].get<bool>());
  const int64_t analysed = meta["video"]["frames_analysed"];
  EXPECT_GT(analysed, 0);
  EXPECT_LT(analysed, 842);
  EXPECT_EQ(count_lines(dir / "openface_sample_2015-10-15-15-14.frames.partial.csv"), analysed + 1);  // every analysed frame was written
  fs::remove_all(dir);
}

TEST(Cli, AnalyzeWritesCsvAndProvenance) {
  PSYFACE_REQUIRE_SHARED("data/videos/faceswap_test_video_03-2_faces.mp4");
  if (!models_built()) GTEST_SKIP() << "models not built";
  const auto dir = temp_dir("ok");
  const Result r = run("analyze " + (test::shared_dir() / "data/videos/faceswap_test_video_03-2_faces.mp4").string() +
                       " --out " + dir.string() + " -q --landmarks");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto meta = nlohmann::json::parse(util::read_file(dir / "faceswap_test_video_03-2_faces.analysis.json"));
  EXPECT_EQ(meta["video"]["frames_analysed"], 90);
  EXPECT_EQ(meta["video"]["codec"], "h264");
  EXPECT_EQ(meta["models"].size(), 7u);  // two emotion models, detector, face mesh, iris, identity embedding, voice activity
  for (const auto& m : meta["models"]) EXPECT_EQ(m["sha256"].get<std::string>().size(), 64u);
  std::ifstream csv(dir / "faceswap_test_video_03-2_faces.frames.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("frame,face_id,person_id,role,timestamp,success,confidence", 0), 0u);
  EXPECT_NE(header.find(",x_467,"), std::string::npos);
  // The action-unit, head-motion and gaze columns follow the existing face columns, before the landmarks.
  EXPECT_NE(header.find(",flag_reacquired,AU01_r,"), std::string::npos);
  EXPECT_NE(header.find(",AU45_c,head_speed_deg_s,face_speed_iod_s,AU01_r_raw,"), std::string::npos);
  EXPECT_NE(header.find(",gaze_angle_x,gaze_angle_y,x_0,"), std::string::npos);
  int64_t rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  EXPECT_EQ(rows, 180);  // two faces in each of 90 frames
  fs::remove_all(dir);
}

// Mean box width and height of the success rows of a frames table.
std::pair<double, double> mean_box(const fs::path& table) {
  std::ifstream csv(table);
  std::string line;
  std::getline(csv, line);
  double w = 0, h = 0;
  int n = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    if (f.size() < 12 || f[5] != "1") continue;
    w += std::stod(f[10]), h += std::stod(f[11]), ++n;
  }
  return {n ? w / n : 0, n ? h / n : 0};
}

// fer woman2 stored anamorphic (596 columns squeezed into 420, pixels marked 64:45): analysed in square
// pixels, her face box has the width and height it has in the original (it was 70 % as wide before), and
// the sidecar and stderr say what was done.
TEST(Cli, NonSquarePixelsAreAnalysedAsDisplayed) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  if (!models_built() || std::system("ffmpeg -version >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs models and ffmpeg";
  const auto dir = temp_dir("anamorphic");
  const auto v = test::shared_dir() / "data/videos";
  const std::string make = "ffmpeg -nostdin -v error -y -t 2 -i " + (v / "fer_woman2.mp4").string() +
                           " -vf scale=420:336,setsar=64/45 -an -c:v libx264 -preset ultrafast -crf 12 " +
                           (dir / "squeezed.mp4").string();
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  const Result r = run("analyze " + (dir / "squeezed.mp4").string() + " --out " + dir.string() + " -q --fps 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("frames scaled to square pixels: stored 420x336 with pixels 64:45 wide, analysed as 597x336"),
            std::string::npos)
      << r.err;
  const auto meta = nlohmann::json::parse(util::read_file(dir / "squeezed.analysis.json"));
  EXPECT_EQ(meta["video"]["pixel_aspect"], "64:45");
  EXPECT_EQ(meta["video"]["width_px"], 597);
  const Result o = run("analyze " + (v / "fer_woman2.mp4").string() + " --out " + dir.string() + " -q --fps 5 --end 2");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(nlohmann::json::parse(util::read_file(dir / "fer_woman2.analysis.json"))["video"]["pixel_aspect"], "1:1");
  const auto [w, h] = mean_box(dir / "squeezed.frames.csv");
  const auto [w0, h0] = mean_box(dir / "fer_woman2.frames.csv");
  ASSERT_GT(w0, 0);
  EXPECT_NEAR(w / w0, 1.0, 0.05) << w << " against " << w0;
  EXPECT_NEAR(h / h0, 1.0, 0.05) << h << " against " << h0;
  // The control: the same squeezed picture marked square (as it was read before) gives a narrower box.
  const std::string square = "ffmpeg -nostdin -v error -y -i " + (dir / "squeezed.mp4").string() +
                             " -vf setsar=1 -an -c:v libx264 -preset ultrafast -crf 12 " + (dir / "marked_square.mp4").string();
  ASSERT_EQ(std::system(square.c_str()), 0) << square;
  ASSERT_EQ(run("analyze " + (dir / "marked_square.mp4").string() + " --out " + dir.string() + " -q --fps 5").exit_code, 0);
  const auto [ws, hs] = mean_box(dir / "marked_square.frames.csv");
  EXPECT_LT(ws / w0, 0.85) << ws << " against " << w0;
  fs::remove_all(dir);
}

// Two dev clips joined by a hard cut, stored upside down with a rotation tag (-c copy): the sidecar
// records the rotation applied and the cut; --rotation replaces the file's rotation; bad values are usage errors.
TEST(Cli, SidecarCountsRotationAndCuts) {
  PSYFACE_REQUIRE_SHARED("data/videos/fer_woman2.mp4");
  if (!models_built() || std::system("ffmpeg -version >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs models and ffmpeg";
  const auto dir = temp_dir("decisions");
  const auto v = test::shared_dir() / "data/videos";
  const std::string pad = "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=30,setsar=1";
  const std::string make = "ffmpeg -nostdin -v error -y -t 1.5 -i " + (v / "fer_woman2.mp4").string() + " -t 1.5 -i " +
                           (v / "openface_sample_2015-10-15-15-14.avi").string() + " -filter_complex \"[0:v]" + pad +
                           ",vflip,hflip[a];[1:v]" + pad + ",vflip,hflip[b];[a][b]concat=n=2:v=1:a=0\" -an -c:v libx264 "
                           "-preset ultrafast -pix_fmt yuv420p " + (dir / "stored.mp4").string() +
                           " && ffmpeg -nostdin -v error -y -i " + (dir / "stored.mp4").string() +
                           " -c copy -metadata:s:v:0 rotate=180 " + (dir / "session.mp4").string();
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  const Result r = run("analyze " + (dir / "session.mp4").string() + " --out " + dir.string() + " -q --fps 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("rotated 180"), std::string::npos) << r.err;
  const auto meta = nlohmann::json::parse(util::read_file(dir / "session.analysis.json"));
  EXPECT_EQ(meta["video"]["rotation_deg"], 180);
  EXPECT_EQ(meta["video"]["rotation_source"], "display matrix");
  const auto& d = meta["decisions"];
  EXPECT_EQ(d["rotation_deg"], 180);
  ASSERT_EQ(d["shot_cuts"], 1);
  EXPECT_NEAR(d["shot_cut_sec"][0].get<double>(), 1.5, 0.21);
  EXPECT_EQ(d["track_splits"], d["splits"].size());
  EXPECT_TRUE(d.contains("panel_overrides") && d.contains("persons_in_both_panels"));
  EXPECT_EQ(meta["tracking"]["tracks_started"].get<int>(), 2) << "one face per shot, no track across the cut";

  const Result stored = run("analyze " + (dir / "session.mp4").string() + " --out " + dir.string() +
                            " -q --fps 5 --rotation 0 --end 1");
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  const auto meta0 = nlohmann::json::parse(util::read_file(dir / "session.analysis.json"));
  EXPECT_EQ(meta0["decisions"]["rotation_deg"], 0);
  EXPECT_EQ(meta0["decisions"]["rotation_source"], "--rotation");
  EXPECT_EQ(run("analyze " + (dir / "session.mp4").string() + " --out " + dir.string() + " --rotation 45").exit_code, 2);
  fs::remove_all(dir);
}

TEST(Cli, TwoCamerasGiveOneTableWithBothRolesOnOneTimeAxis) {
  PSYFACE_REQUIRE_SHARED("data/videos/pyfeat_WolfgangLanger_Pexels.mp4");
  if (!models_built()) GTEST_SKIP() << "models not built";
  const auto dir = temp_dir("twocam");
  const auto v = test::shared_dir() / "data/videos";
  const Result r = run("analyze --patient-video " + (v / "fer_woman2.mp4").string() + " --therapist-video " +
                       (v / "pyfeat_WolfgangLanger_Pexels.mp4").string() + " --offset-sec 1.5 --end 4 --fps 10 -q --out " +
                       dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto table = dir / "fer_woman2+pyfeat_WolfgangLanger_Pexels.frames.csv";
  ASSERT_TRUE(fs::exists(table)) << r.err;
  std::ifstream csv(table);
  std::string line;
  std::getline(csv, line);
  ASSERT_EQ(line.rfind("camera,frame,face_id,person_id,role,timestamp,", 0), 0u) << line;
  double last_t = -1, min_b = 1e9;
  std::map<std::string, std::set<std::string>> roles;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    const double t = std::stod(f[5]);
    EXPECT_GE(t, last_t) << line;  // one time axis, in order
    last_t = t;
    if (f[6] == "1") roles[f[0]].insert(f[4]);
    if (f[0] == "B") min_b = std::min(min_b, t);
  }
  EXPECT_EQ(roles["A"], std::set<std::string>{"patient"});
  EXPECT_EQ(roles["B"], std::set<std::string>{"therapist"});
  EXPECT_NEAR(min_b, 1.5, 1e-6);  // B's first frame (t = 0) moved by the offset
  fs::remove_all(dir);
}

TEST(Cli, PatientReferenceIsCreatedThenMatchedOrFlagged) {
  PSYFACE_REQUIRE_SHARED("data/videos/pyfeat_WolfgangLanger_Pexels.mp4");
  if (!models_built()) GTEST_SKIP() << "models not built";
  const auto dir = temp_dir("ref");
  const auto v = test::shared_dir() / "data/videos";
  const std::string ref = (dir / "P01.ref.json").string();
  auto status = [&](const std::string& video, const std::string& range) {
    const Result r = run("analyze " + (v / video).string() + " " + range + " --fps 5 -q --patient-ref " + ref +
                         " --out " + dir.string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto meta = nlohmann::json::parse(util::read_file(dir / (fs::path(video).stem().string() + ".analysis.json")));
    return meta["patient_reference"];
  };
  EXPECT_EQ(status("fer_woman2.mp4", "--end 4")["status"], "created");
  ASSERT_TRUE(fs::exists(ref));
  EXPECT_EQ(nlohmann::json::parse(util::read_file(ref)).count("image"), 0u);  // numbers only, no face image
  const auto same = status("fer_woman2.mp4", "--start 9");  // a later "session" of the same person
  EXPECT_EQ(same["status"], "match") << same.dump();
  const auto other = status("pyfeat_WolfgangLanger_Pexels.mp4", "--end 6");
  EXPECT_EQ(other["status"], "mismatch") << other.dump();
  EXPECT_LT(other["similarity"].get<double>(), same["similarity"].get<double>());
  fs::remove_all(dir);
}

TEST(Cli, SynchronyOnATableWithoutRolesFailsClearly) {
  const auto dir = temp_dir("sync");
  { std::ofstream(dir / "x.frames.csv") << "frame,face_id,timestamp,success\n0,0,0.0,1\n"; }
  const Result r = run("synchrony " + (dir / "x.frames.csv").string() + " --out " + dir.string() + " -q");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("no 'role' column"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(Cli, ClassifyWritesOneRowPerImage) {
  if (!fs::exists(test::source_dir() / "models/face-api/model.onnx")) GTEST_SKIP() << "models not built";
  const auto img = test::source_dir() / "node_modules/@vladmandic/face-api/demo/sample1.jpg";
  if (!fs::exists(img)) GTEST_SKIP() << "npm packages not installed";
  const Result r = run("classify " + img.string() + " /nonexistent.png");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("file,model,status,emo_neutral"), std::string::npos);
  EXPECT_NE(r.out.find("/nonexistent.png,ensemble,unreadable,NA"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("cannot read image /nonexistent.png"), std::string::npos);
}

}  // namespace
}  // namespace psyface
