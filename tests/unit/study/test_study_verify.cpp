// psyface study verify: every done session's stored per-frame table checked against its checksum and
// decompressed, each unusable one listed with its problem.
#include <gtest/gtest.h>

#include "fake_analyzer.hpp"
#include "study/study_db.hpp"
#include "study/study_verify.hpp"
#include "util/atomic_file.hpp"
#include "util/sha256.hpp"

using namespace psyface;
using namespace psyface::study;
namespace fs = std::filesystem;

// Issue 15 item 8: `study verify` lists every done session whose stored table is unusable: empty (a power
// cut), missing, or a truncated gzip stream whose checksum was recorded as it is (only decompressing
// finds that one).
TEST(StudyVerify, ListsEveryUnusableStoredTable) {
  test::FakeStudy s("verify", {"S1", "S2", "S3", "S4"});
  ASSERT_EQ(run_study(s.dir(), s.options()).analysed, 4);
  EXPECT_TRUE(verify_study(s.dir()).empty());
  std::ofstream(s.dir() / "frames/S1.frames.csv.gz", std::ios::trunc).close();
  fs::remove(s.dir() / "frames/S2.frames.csv.gz");
  const std::string whole = util::read_file(s.dir() / "frames/S3.frames.csv.gz");
  const std::string cut = whole.substr(0, whole.size() / 2);
  util::write_file_atomic(s.dir() / "frames/S3.frames.csv.gz", cut);
  {
    StudyDb db(s.dir() / "study.sqlite", false);
    Statement u(db.raw(), "UPDATE sessions SET frames_sha256=? WHERE session_id='S3'");
    u.bind(1, util::sha256_bytes(cut)).run();
  }
  const auto problems = verify_study(s.dir());
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].session_id, "S1");
  EXPECT_EQ(problems[0].problem, "frames/S1.frames.csv.gz: checksum differs from the study database (file changed or damaged)");
  EXPECT_EQ(problems[1].session_id, "S2");
  EXPECT_EQ(problems[1].problem, "frames/S2.frames.csv.gz: missing");
  EXPECT_EQ(problems[2].session_id, "S3");
  EXPECT_EQ(problems[2].problem, "frames/S3.frames.csv.gz: truncated gzip file");
}
