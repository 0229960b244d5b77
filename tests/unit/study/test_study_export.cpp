// Measure refresh and export against stored tables that changed underneath: a refresh beside a
// re-analysis keeps the newer measures, an unreadable table is reported and the other sessions exported.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "fake_analyzer.hpp"
#include "measures/affect_measures.hpp"
#include "study/frames_store.hpp"
#include "study/study_db.hpp"
#include "study/study_export.hpp"
#include "util/atomic_file.hpp"

using namespace psyface;
using namespace psyface::study;
namespace fs = std::filesystem;

namespace {

int64_t session_measure(StudyDb& db, const std::string& id, const std::string& column) {
  Statement q(db.raw(), "SELECT " + column + " FROM measures WHERE session_id=? AND window_kind='session' AND role='patient'");
  q.bind(1, id);
  const int64_t v = q.step() ? q.integer(0) : -1;
  q.run();
  return v;
}

// The session done through the database calls of a run, its table stored at frames/S1.frames.csv.gz.
int64_t finish(StudyDb& db, const fs::path& dir, const std::string& table, const std::string& measures_hash,
               const std::string& gz_name = "frames/S1.frames.csv.gz") {
  util::write_file_atomic(dir / "table.csv", table);
  AnalysisOutcome out;
  out.fingerprint = out.options_hash = "x";
  out.options_json = "{}";
  out.frames_file = "frames/S1.frames.csv.gz";
  out.frames_sha256 = store_frames_table(dir / "table.csv", dir / gz_name);
  const auto rows = measures::compute_measures(measures::read_role_table(table, "table.csv"), {}, {});
  const auto st = db.session("S1");
  const int64_t run = db.claim("S1", st->claim_token, {new_token(), "h", 1, unix_now() + 600}, "x", "{}");
  EXPECT_TRUE(db.finish_done("S1", run, out, measures_hash, rows, 0));
  return run;
}

}  // namespace

// Issue 15 item 6: refresh_measures read the session list once and stored measures without checking that
// the session still had the table they came from. Here the refresh reads S1's table through a FIFO, so it
// is held exactly between reading the list and storing; meanwhile S1 is analysed again (8 -> 5 frames).
TEST(StudyRefresh, ARefreshBesideAReanalysisKeepsTheNewerMeasures) {
  test::FakeStudy s("refresh-race", {"S1"});
  StudyDb db(s.dir() / "study.sqlite", true);
  db.sync_sessions(read_sessions_csv(s.dir()));
  // done with 8 frames and measures of other options; its stored table, kept aside, is served by a FIFO
  finish(db, s.dir(), test::fake_frames_table(8, 0.7), "old-options", "old.gz");
  const std::string old_gz = util::read_file(s.dir() / "old.gz");
  fs::create_directories(s.dir() / "frames");
  ASSERT_EQ(::mkfifo((s.dir() / "frames/S1.frames.csv.gz").c_str(), 0644), 0);
  std::string refresh_error;
  std::thread refresh([&] {
    try {
      refresh_measures(s.dir());
    } catch (const std::exception& e) {
      refresh_error = e.what();
    }
  });
  int fd = -1;  // opens once the refresh reads the table
  for (int i = 0; i < 1000 && fd < 0; ++i) {
    fd = ::open((s.dir() / "frames/S1.frames.csv.gz").c_str(), O_WRONLY | O_NONBLOCK);
    if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GE(fd, 0) << "the refresh never read the stored table";
  ::fcntl(fd, F_SETFL, 0);
  {
    StudyDb other(s.dir() / "study.sqlite", false);  // the re-analysis, as another process
    finish(other, s.dir(), test::fake_frames_table(5, 0.7), "new-analysis", "new.gz");
  }
  EXPECT_EQ(::write(fd, old_gz.data(), old_gz.size()), static_cast<ssize_t>(old_gz.size()));
  ::close(fd);
  refresh.join();
  EXPECT_EQ(refresh_error, "");
  EXPECT_EQ(db.session("S1")->measures_hash, "new-analysis");
  EXPECT_EQ(session_measure(db, "S1", "frames_analysed"), 5) << "the refresh stored the old table's measures";
}

// Issue 19 item 10: one unreadable stored table stopped `study export` for every session.
TEST(StudyExport, AnUnreadableStoredTableIsReportedAndTheOthersExported) {
  test::FakeStudy s("export-damaged", {"S1", "S2"});
  ASSERT_EQ(run_study(s.dir(), s.options()).analysed, 2);
  s.write("study.conf", "smile_threshold = 0.05\n");  // measures must be recomputed from the tables
  s.write("frames/S1.frames.csv.gz", "damaged");
  ExportSummary e;
  try {
    e = export_study(s.dir(), {});
  } catch (const std::exception& ex) {
    FAIL() << "export_study threw: " << ex.what();
  }
  const std::string sessions = util::read_file(s.dir() / "export/sessions.csv");
  EXPECT_NE(sessions.find("\nS2,"), std::string::npos) << sessions;
  EXPECT_EQ(sessions.find("\nS1,"), std::string::npos) << "S1's measures of the old options exported:\n" << sessions;
}
