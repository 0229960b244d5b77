// annotate_video on a synthetic clip and table: every frame kept, boxes where the table puts them (held
// over frames without a row, none outside the analysed span), a stop leaves no file; reading tables
// (.csv, .csv.gz, two-camera refusal) and refusing a table of another video.
#include "report/annotated_video.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "../video/video_test_support.hpp"
#include "annotation_test_support.hpp"
#include "psyface/error.hpp"
#include "report/annotation_overlay.hpp"
#include "report/annotation_table.hpp"
#include "study/frames_store.hpp"
#include "util/atomic_file.hpp"
#include "video/video_reader.hpp"

namespace psyface::report {
namespace {

using video::test::TempDir;

const cv::Rect2f kBoxEarly(100, 60, 120, 140), kBoxLate(360, 200, 120, 140);

// A 640x480, 25 fps, 2 s clip of one flat colour.
std::filesystem::path make_clip(const TempDir& dir) {
  const auto clip = dir / "clip.mp4";
  if (!video::test::run_ffmpeg("-f lavfi -i color=c=0x305070:size=640x480:rate=25 -t 2 -c:v libx264 -pix_fmt yuv420p '" +
                               clip.string() + "'"))
    return {};
  return clip;
}

// A frames table analysed at 5 fps from 0.4 s to 1.6 s (frames 10, 15, ..., 40): one patient face, at
// kBoxEarly before 1 s and kBoxLate from 1 s on; frame 20 has no face.
std::string table_text(const std::string& extra_header = "", const std::string& extra_field = "") {
  std::string s = extra_header + "frame,face_id,person_id,role,timestamp,success,box_x,box_y,box_w,box_h,emo_neutral,"
                  "emo_happy,emo_sad,emo_angry,emo_fearful,emo_disgusted,emo_surprised,smile_intensity\n";
  for (int f = 10; f <= 40; f += 5) {
    const cv::Rect2f& b = f < 25 ? kBoxEarly : kBoxLate;
    char row[256];
    if (f == 20) std::snprintf(row, sizeof row, "20,-1,-1,NA,0.8000,0,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA\n");
    else
      std::snprintf(row, sizeof row, "%d,0,0,patient,%.4f,1,%.2f,%.2f,%.2f,%.2f,0.5,0.3,0.05,0.05,0.04,0.03,0.03,0.6\n", f,
                    f / 25.0, b.x, b.y, b.width, b.height);
    s += extra_field + row;
  }
  return s;
}

std::vector<cv::Mat> read_frames(const std::filesystem::path& file, std::vector<double>* times = nullptr) {
  video::VideoReader reader(file);
  std::vector<cv::Mat> frames;
  video::Frame f;
  while (reader.next(f)) {
    frames.push_back(f.bgr);
    if (times) times->push_back(f.t_sec);
  }
  return frames;
}

TEST(AnnotatedVideo, KeepsEveryFrameAndDrawsBoxesOnlyWhereTheTableApplies) {
  TempDir dir;
  const auto clip = make_clip(dir);
  if (clip.empty()) GTEST_SKIP() << "no ffmpeg";
  util::write_file_atomic(dir / "s.frames.csv", table_text());
  const auto table = read_annotation_table(dir / "s.frames.csv");
  ASSERT_EQ(table.frames.size(), 7u);
  const auto out = dir / "out.mp4";
  const auto s = annotate_video(clip, table, out, {}, {});
  EXPECT_EQ(s.frames_written, 50);
  EXPECT_EQ(s.frames_analysed_shown, 7);
  EXPECT_EQ(s.frames_not_analysed, 10 + 2);  // before 0.4 s; after 1.6 s + 1.5 × 0.2 s (frames 48, 49)
  EXPECT_EQ(s.frames_held, 50 - 7 - 12);

  std::vector<double> times;
  const auto frames = read_frames(out, &times);
  ASSERT_EQ(frames.size(), 50u);
  EXPECT_NEAR(times.back(), 49 / 25.0, 1e-3);
  const cv::Scalar patient = role_colour("patient");
  for (int i : {10, 12, 17, 30, 33, 44}) {  // analysed (10, 30) and held frames
    const cv::Rect2f& box = i < 25 ? kBoxEarly : kBoxLate;
    EXPECT_GT(test::outline_share(frames[i], box, patient), 0.9) << "frame " << i;
    EXPECT_LT(test::outline_share(frames[i], test::shrunk(box, 12), patient), 0.1) << "frame " << i;
  }
  for (int i : {0, 9, 20, 23, 48}) {  // not analysed, or analysed without a face (20) and held (23)
    EXPECT_LT(test::outline_share(frames[i], kBoxEarly, patient), 0.1) << "frame " << i;
    EXPECT_LT(test::outline_share(frames[i], kBoxLate, patient), 0.1) << "frame " << i;
  }
}

TEST(AnnotatedVideo, AStopLeavesNoFile) {
  TempDir dir;
  const auto clip = make_clip(dir);
  if (clip.empty()) GTEST_SKIP() << "no ffmpeg";
  util::write_file_atomic(dir / "s.frames.csv", table_text());
  int polled = 0;
  AnnotateCallbacks cb;
  cb.should_stop = [&] { return ++polled > 10; };
  const auto s = annotate_video(clip, read_annotation_table(dir / "s.frames.csv"), dir / "out" / "a.mp4", {}, cb);
  EXPECT_TRUE(s.cancelled);
  EXPECT_EQ(s.frames_written, 10);
  EXPECT_TRUE(!std::filesystem::exists(dir / "out") || std::filesystem::is_empty(dir / "out"))
      << "neither out.mp4 nor its temporary file";
}

TEST(AnnotatedVideo, ReadsAStudysCompressedTableAsThePlainOne) {
  TempDir dir;
  util::write_file_atomic(dir / "s.frames.csv", table_text());
  study::store_frames_table(dir / "s.frames.csv", dir / "s.frames.csv.gz");
  const auto plain = read_annotation_table(dir / "s.frames.csv");
  const auto gz = read_annotation_table(dir / "s.frames.csv.gz");
  ASSERT_EQ(gz.frames.size(), plain.frames.size());
  for (size_t i = 0; i < gz.frames.size(); ++i) {
    EXPECT_EQ(gz.frames[i].t_sec, plain.frames[i].t_sec);
    ASSERT_EQ(gz.frames[i].faces.size(), plain.frames[i].faces.size());
    for (size_t k = 0; k < gz.frames[i].faces.size(); ++k) EXPECT_EQ(gz.frames[i].faces[k].box_px, plain.frames[i].faces[k].box_px);
  }
  EXPECT_EQ(plain.frames[0].faces[0].role, "patient");
  EXPECT_FLOAT_EQ(plain.frames[0].faces[0].smile_intensity, 0.6f);
}

void expect_input_error(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    FAIL() << "expected an error containing '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(AnnotatedVideo, RefusesUnreadableAndTwoCameraTables) {
  TempDir dir;
  util::write_file_atomic(dir / "cam.frames.csv", table_text("camera,", "A,"));
  expect_input_error([&] { read_annotation_table(dir / "cam.frames.csv"); }, "two-camera table");
  util::write_file_atomic(dir / "junk.frames.csv", "hello,world\n1,2\n");
  expect_input_error([&] { read_annotation_table(dir / "junk.frames.csv"); }, "line 1: no column 'frame'");
  util::write_file_atomic(dir / "junk.frames.csv.gz", "not gzip at all");
  expect_input_error([&] { read_annotation_table(dir / "junk.frames.csv.gz"); }, "not a valid gzip file");
  expect_input_error([&] { read_annotation_table(dir / "missing.frames.csv"); }, "missing.frames.csv");
  std::string bad = table_text();
  bad.replace(bad.find("patient,0.4000,1,100.00"), 23, "patient,0.4000,1,abc");
  util::write_file_atomic(dir / "bad.frames.csv", bad);
  expect_input_error([&] { read_annotation_table(dir / "bad.frames.csv"); }, "bad.frames.csv line 2: column box_x");
}

TEST(AnnotatedVideo, RefusesATableOfAnotherVideo) {
  TempDir dir;
  const auto clip = make_clip(dir);
  if (clip.empty()) GTEST_SKIP() << "no ffmpeg";
  util::write_file_atomic(dir / "s.frames.csv", table_text());
  // its sidecar says 720x1280, 3.0 s
  util::write_file_atomic(dir / "s.analysis.json",
                          R"({"video": {"path": "other.mp4", "width_px": 720, "height_px": 1280, "nominal_fps": 29.97,
                               "duration_sec": 3.003}, "options": {"rotation": "auto"}})");
  const auto out = dir / "out.mp4";
  expect_input_error([&] { annotate_video(clip, read_annotation_table(dir / "s.frames.csv"), out, {}, {}); },
                     "was made from a video of 720x1280");
  std::filesystem::remove(dir / "s.analysis.json");
  // no sidecar: times that fall between the clip's frames (a 30 fps table on a 25 fps clip)
  std::string shifted = table_text();
  for (size_t at = shifted.find(",0.4000,"); at != std::string::npos; at = std::string::npos)
    shifted.replace(at, 8, ",0.4167,");
  util::write_file_atomic(dir / "s.frames.csv", shifted);
  expect_input_error([&] { annotate_video(clip, read_annotation_table(dir / "s.frames.csv"), out, {}, {}); },
                     "falls between the frames");
  EXPECT_FALSE(std::filesystem::exists(out));
}

// A table made before psyface scaled non-square pixels (its sidecar has no video.pixel_aspect and the stored
// size) is refused with that reason, not as "a table of another video"; with pixel_aspect recorded the
// usual size check speaks.
TEST(AnnotatedVideo, ATableMadeBeforeSquarePixelsIsRefusedWithTheReason) {
  TempDir dir;
  const auto clip = dir / "dv.mp4";  // 640x480 stored, pixels 4:3 wide: 853x480 displayed
  if (!video::test::run_ffmpeg("-f lavfi -i color=c=0x305070:size=640x480:rate=25 -t 2 -vf setsar=4/3 -c:v libx264 "
                               "-pix_fmt yuv420p '" + clip.string() + "'"))
    GTEST_SKIP() << "no ffmpeg";
  util::write_file_atomic(dir / "s.frames.csv", table_text());
  util::write_file_atomic(dir / "s.analysis.json",
                          R"({"video": {"path": "dv.mp4", "width_px": 640, "height_px": 480, "nominal_fps": 25,
                               "duration_sec": 2.0}, "options": {"rotation": "auto"}})");
  const auto out = dir / "out.mp4";
  expect_input_error([&] { annotate_video(clip, read_annotation_table(dir / "s.frames.csv"), out, {}, {}); },
                     "before psyface scaled non-square pixels to square ones: " + clip.string() +
                         " has pixels 4:3 wide and is now analysed as 853x480");
  util::write_file_atomic(dir / "s.analysis.json",
                          R"({"video": {"path": "dv.mp4", "width_px": 640, "height_px": 480, "pixel_aspect": "1:1",
                               "nominal_fps": 25, "duration_sec": 2.0}, "options": {"rotation": "auto"}})");
  expect_input_error([&] { annotate_video(clip, read_annotation_table(dir / "s.frames.csv"), out, {}, {}); },
                     "was made from a video of 640x480");
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace psyface::report
