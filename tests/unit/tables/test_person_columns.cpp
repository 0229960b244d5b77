// add_person_columns with columns inserted after the session (action units, head motion).
#include "tables/person_columns.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "psyface/error.hpp"

namespace psyface::tables {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path write_table(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("psyface_person_columns_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / name) << text;
  return dir / name;
}

const char* kTable =
    "frame,face_id,timestamp,success,box_x,box_y,box_w,box_h,a,raw,x_0\n"
    "0,0,0.0,1,1,2,3,4,5,6,7\n"
    "0,1,0.0,1,1,2,3,4,8,9,10\n"
    "1,-1,0.1,0,NA,NA,NA,NA,NA,NA,NA\n";

std::vector<PersonLabel> labels(const std::vector<FrameRowKey>& rows) {
  std::vector<PersonLabel> out;
  for (const auto& r : rows) out.push_back({r.face_id, r.face_id + 10, "patient", "r" + std::to_string(r.face_id) + ",c"});
  return out;
}

TEST(AddPersonColumns, InsertsTheSessionColumnsBeforeTheNamedColumn) {
  const fs::path in = write_table("in.csv", kTable), out = in.parent_path() / "out.csv";
  add_person_columns(in, out, labels, {{"AU01_r", "AU01_c"}, "raw"});
  EXPECT_EQ(read_all(out),
            "frame,face_id,person_id,role,timestamp,success,box_x,box_y,box_w,box_h,a,AU01_r,AU01_c,raw,x_0\n"
            "0,0,10,patient,0.0,1,1,2,3,4,5,r0,c,6,7\n"
            "0,1,11,patient,0.0,1,1,2,3,4,8,r1,c,9,10\n"
            "1,-1,-1,NA,0.1,0,NA,NA,NA,NA,NA,NA,NA,NA,NA\n");
  // Without inserted columns the table is as before.
  add_person_columns(in, out, labels);
  EXPECT_EQ(read_all(out).substr(0, read_all(out).find('\n')),
            "frame,face_id,person_id,role,timestamp,success,box_x,box_y,box_w,box_h,a,raw,x_0");
  EXPECT_EQ(read_all(out).find("r0,c"), std::string::npos);
  fs::remove_all(in.parent_path());
}

TEST(AddPersonColumns, RefusesATableWithoutTheColumnToInsertBefore) {
  const fs::path in = write_table("in2.csv", kTable), out = in.parent_path() / "out2.csv";
  try {
    add_person_columns(in, out, labels, {{"AU01_r"}, "AU01_r_raw"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Input);
    EXPECT_NE(std::string(e.what()).find("AU01_r_raw"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(out));
  fs::remove_all(in.parent_path());
}

}  // namespace
}  // namespace psyface::tables
