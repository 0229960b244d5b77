// Two-camera merge on small hand-written tables: order on the common clock, the offset's sign, the
// camera and role columns, and errors that name the file and line.
#include "analysis/two_camera_merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

#include "psyface/error.hpp"
#include "tables/frames_csv.hpp"

namespace psyface::analysis {
namespace {

namespace fs = std::filesystem;

class TwoCameraMerge : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("psyface-merge-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  static std::vector<std::string> lines(const fs::path& p) {
    std::ifstream in(p);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }

  // Runs a merge expected to fail; returns the message (empty when it did not throw Error(Input)).
  std::string merge_error(const CameraFrames& a, const CameraFrames& b, const TwoCameraMergeOptions& o = {}) {
    try {
      merge_two_cameras(a, b, out(), o);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Input) << e.what();
      EXPECT_FALSE(fs::exists(out())) << "a failed merge must leave no output";
      return e.what();
    }
    ADD_FAILURE() << "no error";
    return "";
  }

  fs::path out() const { return dir_ / "merged.csv"; }
  fs::path dir_;
};

const std::string kHeader = "frame,face_id,timestamp,success,valence\n";

// Camera A: a patient (face 0) and, at 0.5 s, a second face (7); one frame without a face.
const std::string kTableA = kHeader +
                            "0,0,0.0000,1,0.1\n"
                            "1,0,0.5000,1,0.2\n"
                            "1,7,0.5000,1,0.3\n"
                            "2,-1,1.0000,0,NA\n";
// Camera B: the therapist (face 3).
const std::string kTableB = kHeader +
                            "0,3,0.0000,1,-0.1\n"
                            "1,3,0.5000,1,-0.2\n";

TEST_F(TwoCameraMerge, InterleavesOnAsClockWithOffsetCameraAndRole) {
  const CameraFrames a{write("a.csv", kTableA), {{0, "patient"}, {7, "other"}}};
  const CameraFrames b{write("b.csv", kTableB), {{3, "therapist"}}};
  TwoCameraMergeOptions o;
  o.offset_sec = 0.25;  // B started 0.25 s after A: B's 0.0 is A's 0.25
  const auto summary = merge_two_cameras(a, b, out(), o);
  EXPECT_EQ(summary.rows_a, 4);
  EXPECT_EQ(summary.rows_b, 2);
  const std::vector<std::string> expected = {
      "camera,role,frame,face_id,timestamp,success,valence",
      "A,patient,0,0,0.0000,1,0.1",
      "B,therapist,0,3,0.2500,1,-0.1",
      "A,patient,1,0,0.5000,1,0.2",
      "A,other,1,7,0.5000,1,0.3",
      "B,therapist,1,3,0.7500,1,-0.2",
      "A,NA,2,-1,1.0000,0,NA",
  };
  EXPECT_EQ(lines(out()), expected);
}

TEST_F(TwoCameraMerge, EqualTimesPutAFirstAndNegativeOffsetsShiftBack) {
  const CameraFrames a{write("a.csv", kTableA), {{0, "patient"}}};
  const CameraFrames b{write("b.csv", kTableB), {{3, "therapist"}}};
  TwoCameraMergeOptions o;
  o.offset_sec = -0.5;  // B started 0.5 s before A: B's 0.5 is A's 0.0
  merge_two_cameras(a, b, out(), o);
  const std::vector<std::string> expected = {
      "camera,role,frame,face_id,timestamp,success,valence",
      "B,therapist,0,3,-0.5000,1,-0.1",
      "A,patient,0,0,0.0000,1,0.1",
      "B,therapist,1,3,0.0000,1,-0.2",
      "A,patient,1,0,0.5000,1,0.2",
      "A,unknown,1,7,0.5000,1,0.3",  // face 7 is not in A's role map
      "A,NA,2,-1,1.0000,0,NA",
  };
  EXPECT_EQ(lines(out()), expected);
}

TEST_F(TwoCameraMerge, EmptyTablesAndTheUnlistedRole) {
  const CameraFrames a{write("a.csv", kHeader), {}};
  CameraFrames b{write("b.csv", kTableB), {}, "other"};
  const auto summary = merge_two_cameras(a, b, out());
  EXPECT_EQ(summary.rows_a, 0);
  EXPECT_EQ(summary.rows_b, 2);
  const auto l = lines(out());
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[1], "B,other,0,3,0.0000,1,-0.1");
}

TEST_F(TwoCameraMerge, QuotedFieldsAndCrlfSurvive) {
  const std::string header = "frame,face_id,timestamp,note\r\n";
  const CameraFrames a{write("a.csv", header + "0,0,0.0000,\"a, b\"\r\n"), {{0, "patient"}}};
  const CameraFrames b{write("b.csv", header + "0,1,0.1000,\"say \"\"hi\"\"\"\r\n"), {{1, "therapist"}}};
  merge_two_cameras(a, b, out());
  const auto l = lines(out());
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[1], "A,patient,0,0,0.0000,\"a, b\"");
  EXPECT_EQ(l[2], "B,therapist,0,1,0.1000,\"say \"\"hi\"\"\"");
}

TEST_F(TwoCameraMerge, IdColumnIsAnOption) {
  const std::string header = "frame,face_id,person,timestamp\n";
  const CameraFrames a{write("a.csv", header + "0,4,0,0.0000\n"), {{0, "patient"}}};
  const CameraFrames b{write("b.csv", header + "0,9,0,0.0000\n"), {{0, "therapist"}}};
  TwoCameraMergeOptions o;
  o.id_column = "person";
  merge_two_cameras(a, b, out(), o);
  const auto l = lines(out());
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[1], "A,patient,0,4,0,0.0000");
  EXPECT_EQ(l[2], "B,therapist,0,9,0,0.0000");
}

TEST_F(TwoCameraMerge, InputRoleColumnIsKeptNotDuplicated) {
  // Tables that already went through add_person_columns: frame, face_id, person_id, role, then the rest.
  const std::string header = "frame,face_id,person_id,role,timestamp\n";
  const CameraFrames a{write("a.csv", header + "0,0,0,patient,0.0000\n1,-1,-1,NA,0.5000\n"), {}};
  const CameraFrames b{write("b.csv", header + "0,5,0,therapist,0.2000\n"), {}};
  merge_two_cameras(a, b, out());
  EXPECT_EQ(lines(out()), (std::vector<std::string>{"camera,frame,face_id,person_id,role,timestamp",
                                                    "A,0,0,0,patient,0.0000", "B,0,5,0,therapist,0.2000",
                                                    "A,1,-1,-1,NA,0.5000"}));
  // A role map given for a camera replaces that camera's input roles.
  const CameraFrames b_mapped{b.frames_csv, {{5, "other"}}};
  merge_two_cameras(a, b_mapped, out());
  EXPECT_EQ(lines(out())[2], "B,0,5,0,other,0.2000");
}

TEST_F(TwoCameraMerge, MissingColumnNamesFileAndColumn) {
  const CameraFrames a{write("a.csv", kTableA), {}};
  const CameraFrames b{write("no_time.csv", "frame,face_id,time\n0,3,0.0\n"), {}};
  const std::string msg = merge_error(a, b);
  EXPECT_NE(msg.find("no_time.csv line 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"timestamp\""), std::string::npos) << msg;
}

TEST_F(TwoCameraMerge, BadTimestampNamesFileAndLine) {
  const CameraFrames a{write("bad_time.csv", kHeader + "0,0,0.0000,1,0.1\n1,0,0.5000,1,0.2\n2,0,zero,1,0.3\n"), {}};
  const CameraFrames b{write("b.csv", kTableB), {}};
  const std::string msg = merge_error(a, b);
  EXPECT_NE(msg.find("bad_time.csv line 4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unparsable timestamp \"zero\""), std::string::npos) << msg;
}

TEST_F(TwoCameraMerge, WrongFieldCountBadIdAndBackwardsTimeAreErrors) {
  const CameraFrames a{write("a.csv", kTableA), {}};
  const CameraFrames short_row{write("short.csv", kHeader + "0,3,0.0000,1\n"), {}};
  std::string msg = merge_error(a, short_row);
  EXPECT_NE(msg.find("short.csv line 2: 4 fields, the header has 5"), std::string::npos) << msg;
  const CameraFrames bad_id{write("bad_id.csv", kHeader + "0,3,0.0000,1,0.1\n1,x3,0.5000,1,0.1\n"), {}};
  msg = merge_error(a, bad_id);
  EXPECT_NE(msg.find("bad_id.csv line 3: unparsable face_id \"x3\""), std::string::npos) << msg;
  const CameraFrames backwards{write("back.csv", kHeader + "0,3,1.0000,1,0.1\n1,3,0.5000,1,0.1\n"), {}};
  msg = merge_error(a, backwards);
  EXPECT_NE(msg.find("back.csv line 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("time order"), std::string::npos) << msg;
}

TEST_F(TwoCameraMerge, DifferentHeadersMissingAndEmptyFiles) {
  const CameraFrames a{write("a.csv", kTableA), {}};
  const CameraFrames other{write("other.csv", "frame,face_id,timestamp,success,smile_intensity\n"), {}};
  std::string msg = merge_error(a, other);
  EXPECT_NE(msg.find("other.csv line 1: column 5"), std::string::npos) << msg;
  msg = merge_error(a, {dir_ / "missing.csv", {}});
  EXPECT_NE(msg.find("missing.csv"), std::string::npos) << msg;
  msg = merge_error({write("empty.csv", ""), {}}, a);
  EXPECT_NE(msg.find("empty.csv"), std::string::npos) << msg;
}

TEST_F(TwoCameraMerge, FailedMergeKeepsAnEarlierResult) {
  const CameraFrames a{write("a.csv", kTableA), {}};
  const CameraFrames b{write("b.csv", kTableB), {}};
  merge_two_cameras(a, b, out());
  const auto before = lines(out());
  const CameraFrames bad{write("bad.csv", kHeader + "0,3,0.0000,1,0.1\n1,3,oops,1,0.1\n"), {}};
  EXPECT_THROW(merge_two_cameras(a, bad, out()), Error);
  EXPECT_EQ(lines(out()), before);
}

TEST_F(TwoCameraMerge, TablesWrittenByFramesCsvWriterMerge) {
  // The real frames.csv format: full header, no-face rows with NA in every measure.
  auto table = [&](const std::string& name, int track, double t0) {
    tables::FramesCsvWriter w(dir_ / name, false);
    for (int i = 0; i < 3; ++i) {
      FaceObservation o;
      o.frame_index = i;
      o.t_sec = t0 + 0.04 * i;
      o.track_id = i == 1 ? -1 : track;
      o.success = i != 1;
      o.emotion.p[0] = 1;
      w.write_frame({o});
    }
    w.commit();
    return dir_ / name;
  };
  const CameraFrames a{table("a.frames.csv", 0, 0.0), {{0, "patient"}}};
  const CameraFrames b{table("b.frames.csv", 2, 0.0), {{2, "therapist"}}};
  TwoCameraMergeOptions o;
  o.offset_sec = 0.02;
  merge_two_cameras(a, b, out(), o);
  const auto l = lines(out());
  ASSERT_EQ(l.size(), 7u);
  const size_t columns = tables::frames_csv_columns(false).size() + 2;
  for (const auto& row : l) EXPECT_EQ(static_cast<size_t>(std::count(row.begin(), row.end(), ',')) + 1, columns) << row;
  std::vector<std::string> order;
  for (size_t k = 1; k < l.size(); ++k) order.push_back(l[k].substr(0, l[k].find(',', 2)));
  EXPECT_EQ(order, (std::vector<std::string>{"A,patient", "B,therapist", "A,NA", "B,NA", "A,patient", "B,therapist"}));
  EXPECT_NE(l[2].find(",0.0200,"), std::string::npos) << l[2];
}

}  // namespace
}  // namespace psyface::analysis
