// psyface study verify and study export on a study whose stored per-frame table was damaged: verify lists
// it (exit 1), export warns, leaves that session out, exports the others and exits 1. The study is made
// through the study API (two sessions done with small synthetic tables), so no video is analysed.
#include <gtest/gtest.h>

#include "../study/fake_analyzer.hpp"
#include "cli_test_support.hpp"
#include "measures/affect_measures.hpp"
#include "study/frames_store.hpp"
#include "study/manifest.hpp"
#include "study/study_db.hpp"
#include "util/atomic_file.hpp"

namespace psyface {
namespace {
namespace fs = std::filesystem;

// S1 and S2 done, each with its table in frames/; measures marked as of other options, so the export
// recomputes them from the tables.
void make_done_study(const test::FakeStudy& s) {
  study::StudyDb db(s.dir() / "study.sqlite", true);
  db.sync_sessions(study::read_sessions_csv(s.dir()));
  for (const std::string id : {"S1", "S2"}) {
    const std::string table = test::fake_frames_table(id == "S1" ? 8 : 6, 0.7);
    util::write_file_atomic(s.dir() / "table.csv", table);
    study::AnalysisOutcome o;
    o.fingerprint = o.options_hash = "synthetic";
    o.options_json = "{}";
    o.frames_file = "frames/" + id + ".frames.csv.gz";
    o.frames_sha256 = study::store_frames_table(s.dir() / "table.csv", s.dir() / o.frames_file);
    const auto rows = measures::compute_measures(measures::read_role_table(table, "table.csv"), {}, {});
    const int64_t run = db.claim(id, "", {"tok" + id, "test", 1, 0}, o.options_hash, o.options_json);
    ASSERT_GT(run, 0);
    ASSERT_TRUE(db.finish_done(id, run, o, "other-options", rows, 0));
  }
}

TEST(StudyCli, VerifyAndExportReportAnUnusableTable) {
  test::FakeStudy s("verify-cli", {"S1", "S2"});
  make_done_study(s);
  const std::string dir = s.dir().string();
  const auto fine = test::run("study verify " + dir);
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
  EXPECT_EQ(fine.out, "");

  s.write("frames/S1.frames.csv.gz", "");  // empty, as a power cut can leave it
  const auto bad = test::run("study verify " + dir);
  EXPECT_EQ(bad.exit_code, 1) << bad.err;
  EXPECT_EQ(bad.out, "S1\tframes/S1.frames.csv.gz: checksum differs from the study database (file changed or damaged)\n");
  EXPECT_NE(bad.err.find("1 stored per-frame tables unusable"), std::string::npos) << bad.err;

  const auto exp = test::run("study export " + dir);
  EXPECT_EQ(exp.exit_code, 1) << exp.err;
  EXPECT_NE(exp.err.find("psyface: warning: S1: "), std::string::npos) << exp.err;
  EXPECT_NE(exp.err.find("S1.frames.csv.gz"), std::string::npos) << exp.err;
  EXPECT_NE(exp.err.find("export incomplete: 1 done sessions left out"), std::string::npos) << exp.err;
  const std::string sessions = util::read_file(s.dir() / "export/sessions.csv");
  EXPECT_NE(sessions.find("\nS2,"), std::string::npos) << sessions;
  EXPECT_EQ(sessions.find("\nS1,"), std::string::npos) << sessions;
}

}  // namespace
}  // namespace psyface
