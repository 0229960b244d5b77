// psyface annotate end to end on the two-person dev clip (3 s, 90 frames, 720x1280): the annotated video
// has the input's frame count and duration (ffprobe), its boxes lie where the frames table puts them (in
// the role's colour), with --blur-faces psyface's own analysis finds no face in it, and bad inputs give
// clear errors and a non-zero exit with nothing written. Skipped when ../shared, ffmpeg or the models
// are absent.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "../report/annotation_test_support.hpp"
#include "../test_paths.hpp"
#include "cli_test_support.hpp"
#include "report/annotation_overlay.hpp"
#include "report/annotation_table.hpp"
#include "tables/csv_reader.hpp"
#include "video/video_reader.hpp"

namespace psyface {
namespace {

namespace fs = std::filesystem;

const char* kClip = "data/videos/faceswap_test_video_03-2_faces.mp4";
const char* kOtherClip = "data/videos/fer_woman2.mp4";

struct Probe {
  long frames = -1;
  double duration_sec = -1;
};

Probe ffprobe(const fs::path& file) {
  const std::string cmd = "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
                          "stream=duration,nb_read_frames -of default=nw=1:nk=1 '" + file.string() + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  Probe p;
  if (pipe && std::fscanf(pipe.get(), "%lf %ld", &p.duration_sec, &p.frames) != 2) p = {};
  return p;
}

std::vector<cv::Mat> frames_of(const fs::path& file) {
  video::VideoReader reader(file);
  std::vector<cv::Mat> out;
  video::Frame f;
  while (reader.next(f)) out.push_back(f.bgr);
  return out;
}

// Rows with success = 1 in a frames table, and all rows.
std::pair<int, int> face_rows(const fs::path& table) {
  tables::CsvReader csv(table);
  const size_t success = csv.column("success");
  int faces = 0, rows = 0;
  while (csv.next()) {
    ++rows;
    faces += csv.fields()[success] == "1";
  }
  return {faces, rows};
}

class AnnotateCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (test::shared_dir().empty() || !fs::exists(test::shared_dir() / kClip) ||
        !fs::exists(test::source_dir() / "models/facemesh/model.onnx") || std::system("ffprobe -version >/dev/null 2>&1"))
      return;
    dir_ = new fs::path(test::temp_dir("annotate"));
    const auto analysed = test::run("analyze " + clip().string() + " --out " + (*dir_ / "a").string() + " -q");
    ASSERT_EQ(analysed.exit_code, 0) << analysed.err;
    table_ = new fs::path(*dir_ / "a" / "faceswap_test_video_03-2_faces.frames.csv");
  }
  static void TearDownTestSuite() {
    if (dir_) fs::remove_all(*dir_);
  }
  void SetUp() override {
    if (!table_) GTEST_SKIP() << "needs ../shared, the models and ffprobe";
  }
  static fs::path clip() { return test::shared_dir() / kClip; }
  static fs::path out(const std::string& name) { return *dir_ / name; }

  static inline fs::path* dir_ = nullptr;
  static inline fs::path* table_ = nullptr;
};

TEST_F(AnnotateCli, KeepsFrameCountAndDurationAndDrawsTheTablesBoxes) {
  const auto r = test::run("annotate " + clip().string() + " --frames " + table_->string() + " --out " +
                           out("ann.mp4").string() + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Probe in = ffprobe(clip()), annotated = ffprobe(out("ann.mp4"));
  EXPECT_EQ(in.frames, 90);
  EXPECT_EQ(annotated.frames, in.frames);
  EXPECT_NEAR(annotated.duration_sec, in.duration_sec, 1001.0 / 30000) << "within one frame";

  const auto table = report::read_annotation_table(*table_);
  const auto drawn = frames_of(out("ann.mp4")), original = frames_of(clip());
  ASSERT_EQ(drawn.size(), 90u);
  ASSERT_EQ(table.frames.size(), 90u) << "the table has every frame";
  int checked = 0;
  for (size_t i = 0; i < table.frames.size(); i += 9) {
    const auto& f = table.frames[i];
    for (const auto& face : f.faces) {
      const cv::Scalar colour = report::role_colour(face.role);
      EXPECT_GT(report::test::outline_share(drawn[f.frame], face.box_px, colour), 0.8)
          << "frame " << f.frame << " " << face.role;
      EXPECT_LT(report::test::outline_share(drawn[f.frame], report::test::shrunk(face.box_px, 20), colour), 0.2)
          << "frame " << f.frame << " " << face.role;
      EXPECT_LT(report::test::outline_share(original[f.frame], face.box_px, colour), 0.2) << "not in the input";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 20) << "two faces on each of 10 frames";
}

TEST_F(AnnotateCli, BlurredFacesAreNotFoundByPsyfacesOwnAnalysis) {
  for (const std::string blur : {"", " --blur-faces"}) {
    const auto name = blur.empty() ? "plain" : "blurred";
    const auto r = test::run("annotate " + clip().string() + " --frames " + table_->string() + " --out " +
                             out(std::string(name) + ".mp4").string() + blur + " -q");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto a = test::run("analyze " + out(std::string(name) + ".mp4").string() + " --fps 10 --out " +
                             out(std::string(name) + "-analysis").string() + " -q");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    const auto [faces, rows] = face_rows(out(std::string(name) + "-analysis") / (std::string(name) + ".frames.csv"));
    EXPECT_GE(rows, 30);
    if (blur.empty()) EXPECT_GE(faces, rows) << "control: both faces are found in the annotated video";
    else EXPECT_EQ(faces, 0) << "a face was found in the blurred video";
  }
}

TEST_F(AnnotateCli, WithoutATableAnalysesFirstAndHoldsBoxesBetweenAnalysedFrames) {
  const auto r = test::run("annotate " + clip().string() + " --fps 5 --out " + out("fps5.mp4").string() + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ffprobe(out("fps5.mp4")).frames, 90);
  EXPECT_NE(r.err.find("90 frames, libx264, 180 face boxes; 75 frames show the nearest earlier analysed frame, 0 "
                       "frames were not analysed"),
            std::string::npos)
      << r.err;  // 15 analysed frames (0, 0.2, ... 2.8 s) with both faces, each held over the next 5 frames
}

TEST_F(AnnotateCli, BadInputsGiveClearErrorsAndWriteNothing) {
  const auto missing = test::run("annotate " + (*dir_ / "nope.mp4").string() + " --frames " + table_->string() +
                                 " --out " + out("x.mp4").string());
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("video not found: " + (*dir_ / "nope.mp4").string()), std::string::npos) << missing.err;

  const auto other = test::run("annotate " + (test::shared_dir() / kOtherClip).string() + " --frames " +
                               table_->string() + " --out " + out("x.mp4").string());
  EXPECT_EQ(other.exit_code, 3);
  EXPECT_NE(other.err.find("was made from a video of 720x1280"), std::string::npos) << other.err;
  EXPECT_NE(other.err.find("596x336"), std::string::npos) << other.err;

  const auto no_sidecar = *dir_ / "copy" / "t.frames.csv";  // the same table without its sidecar
  fs::create_directories(no_sidecar.parent_path());
  fs::copy_file(*table_, no_sidecar, fs::copy_options::overwrite_existing);
  const auto other2 = test::run("annotate " + (test::shared_dir() / kOtherClip).string() + " --frames " +
                                no_sidecar.string() + " --out " + out("x.mp4").string());
  EXPECT_EQ(other2.exit_code, 3);
  EXPECT_NE(other2.err.find("outside the 596x336 picture"), std::string::npos) << other2.err;

  util::write_file_atomic(*dir_ / "notes.mp4", "this is not a video\n");
  const auto text = test::run("annotate " + (*dir_ / "notes.mp4").string() + " --frames " + table_->string() +
                              " --out " + out("x.mp4").string());
  EXPECT_EQ(text.exit_code, 3);
  EXPECT_NE(text.err.find("notes.mp4"), std::string::npos) << text.err;

  util::write_file_atomic(*dir_ / "junk.frames.csv", "this is not a table\n");
  const auto junk = test::run("annotate " + clip().string() + " --frames " + (*dir_ / "junk.frames.csv").string() +
                              " --out " + out("x.mp4").string());
  EXPECT_EQ(junk.exit_code, 3);
  EXPECT_NE(junk.err.find("junk.frames.csv line 1: no column 'frame'"), std::string::npos) << junk.err;

  const auto avi = test::run("annotate " + clip().string() + " --frames " + table_->string() + " --out " +
                             out("x.avi").string());
  EXPECT_EQ(avi.exit_code, 2) << avi.err;
  const auto fps = test::run("annotate " + clip().string() + " --frames " + table_->string() + " --fps 5 --out " +
                             out("x.mp4").string());
  EXPECT_EQ(fps.exit_code, 2) << fps.err;
  EXPECT_NE(fps.err.find("without --frames"), std::string::npos) << fps.err;
  EXPECT_FALSE(fs::exists(out("x.mp4")));
  EXPECT_FALSE(fs::exists(out("x.avi")));
}

TEST(AnnotateCliHelp, SaysTheOutputShowsFaces) {
  const auto r = test::run("annotate --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("PRIVACY: the output shows the faces"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--blur-faces"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--frames"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace psyface
