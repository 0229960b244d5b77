// psyface study + psyface stats end to end on a REAL study database made by the study code: `study init`,
// a sessions.csv of 8 sessions, each session done through the study API with a small synthetic per-frame
// table (stored in DIR/frames/ like an analysis would), then `stats import ratings|outcomes --study` and
// `stats agreement|outcomes --study`, compared value for value with the CSV route (`study export` ->
// `--segments/--sessions`). Also: rated segments get measures, an unknown session leaves the database
// byte-unchanged, a newer schema version is refused.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"
#include "study_stats_support.hpp"
#include "measures/affect_measures.hpp"
#include "psyface/records.hpp"
#include "tables/csv_reader.hpp"
#include "study/frames_store.hpp"
#include "study/manifest.hpp"
#include "study/study_db.hpp"
#include "study/study_paths.hpp"
#include "util/atomic_file.hpp"

namespace psyface {
namespace {
namespace fs = std::filesystem;

constexpr int kSessions = 8;  // 4 patients x 2 sessions
using test::patient_id;
using test::session_id;
using test::store_done_session;

// Every *.csv table of two stats output folders: same files, headers and rows; numbers equal within
// 1e-6 relative (the CSV route reads the export's 9 significant digits, the database route full
// doubles); text cells identical.
void expect_same_tables(const fs::path& a, const fs::path& b) {
  std::set<std::string> names_a, names_b;
  for (const auto& e : fs::directory_iterator(a))
    if (e.path().extension() == ".csv") names_a.insert(e.path().filename().string());
  for (const auto& e : fs::directory_iterator(b))
    if (e.path().extension() == ".csv") names_b.insert(e.path().filename().string());
  ASSERT_FALSE(names_a.empty());
  ASSERT_EQ(names_a, names_b);
  for (const auto& name : names_a) {
    tables::CsvReader ca(a / name), cb(b / name);
    ASSERT_EQ(ca.header(), cb.header()) << name;
    int rows = 0;
    while (true) {
      const bool more_a = ca.next(), more_b = cb.next();
      ASSERT_EQ(more_a, more_b) << name << ": different row counts after " << rows << " rows";
      if (!more_a) break;
      ++rows;
      for (size_t c = 0; c < ca.header().size(); ++c) {
        const std::string& x = ca.fields()[c];
        const std::string& y = cb.fields()[c];
        char *ex = nullptr, *ey = nullptr;
        const double vx = std::strtod(x.c_str(), &ex), vy = std::strtod(y.c_str(), &ey);
        if (!x.empty() && !y.empty() && *ex == '\0' && *ey == '\0' && std::isfinite(vx) && std::isfinite(vy)) {
          EXPECT_NEAR(vx, vy, 1e-6 * std::max({1.0, std::fabs(vx), std::fabs(vy)}))
              << name << " row " << rows << " column " << ca.header()[c];
        } else {
          EXPECT_EQ(x, y) << name << " row " << rows << " column " << ca.header()[c];
        }
      }
    }
    EXPECT_GT(rows, 0) << name;
  }
}

std::string file_bytes(const fs::path& p) { return fs::exists(p) ? util::read_file(p) : std::string("<absent>"); }

TEST(StudyStatsCli, RealStudyDatabaseEqualsTheCsvRoute) {
  const fs::path dir = test::temp_dir("study_stats");
  ASSERT_EQ(test::run("study init " + dir.string()).exit_code, 0);
  // sessions.csv (videos only need to exist: the sessions are stored as analysed), study.conf with a
  // segments file whose one segment per session is also rated
  std::string sessions = "session_id,patient_id,therapist_id,session_number,date,video\n";
  std::string segments = "session_id,start,end,label\n";
  for (int k = 0; k < kSessions; ++k) {
    util::write_file_atomic(dir / "videos" / (session_id(k) + ".mp4"), "not analysed in this test");
    sessions += session_id(k) + "," + patient_id(k) + ",T1," + std::to_string(k % 2 + 1) + ",2024-03-0" +
                std::to_string(k % 9 + 1) + ",videos/" + session_id(k) + ".mp4\n";
    segments += session_id(k) + ",10,40,opening\n";
  }
  util::write_file_atomic(dir / "sessions.csv", sessions);
  util::write_file_atomic(dir / "segments.csv", segments);
  util::write_file_atomic(dir / "study.conf", "segments = segments.csv\nsynchrony_surrogates = 20\n");
  {
    const auto manifest = study::read_sessions_csv(dir);
    const auto config = study::read_study_config(dir);
    const auto segs = study::read_segments_csv(dir / "segments.csv", manifest);
    study::StudyDb db(dir / "study.sqlite", true);
    db.sync_sessions(manifest);
    for (int k = 0; k < kSessions; ++k) store_done_session(db, dir, k, segs, config);
  }
  // ratings: three segments per session (10-40 s is the segments file's, 40-70 and 70-100 s are not),
  // two raters; outcomes: four patients, one dropout, lower scores better
  std::string ratings = "session_id,start,end,rater,ceas_mode,ceas_peak,primary_emotion\n";
  const char* emotions[] = {"joy", "sadness", "hurt", "fear"};
  for (int k = 0; k < kSessions; ++k)
    for (int s = 0; s < 3; ++s)
      for (int r = 0; r < 2; ++r) {
        const int mode = 1 + (k * 3 + s * 2 + r + k * s) % 6;
        const int peak = std::min(7, mode + (s * r + k) % 3);
        const std::string start = s == 2 ? "00:01:10" : std::to_string(10 + 30 * s);
        ratings += session_id(k) + "," + start + "," + std::to_string(40 + 30 * s) + ",R" + std::to_string(r + 1) + "," +
                   std::to_string(mode) + "," + std::to_string(peak) + "," + emotions[(k + s + r) % 4] + "\n";
      }
  util::write_file_atomic(dir / "ratings.csv", ratings);
  util::write_file_atomic(dir / "outcomes.csv",
                          "patient_id,pre,post,dropout,age\nP1,30,18,0,40\nP2,28,25,1,33\nP3,35,20,0,51\nP4,25,24,0,29\n");

  const std::string study = " --study " + dir.string();
  auto r = test::run("stats import ratings" + study + " " + (dir / "ratings.csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("imported 48 ratings"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("recomputed for 8 sessions"), std::string::npos) << r.err;
  r = test::run("stats import outcomes --lower-is-better" + study + " " + (dir / "outcomes.csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // every rated segment has a measure row per role: the file's segment once, the others as "rated"
  ASSERT_EQ(test::run("study export " + dir.string()).exit_code, 0);
  {
    tables::CsvReader seg(dir / "export" / "segments.csv");
    std::map<std::string, int> labels;
    int patient_rows = 0;
    while (seg.next()) {
      if (seg.fields()[seg.column("role")] != "patient") continue;
      ++patient_rows;
      ++labels[seg.fields()[seg.column("segment_label")]];
      EXPECT_GT(seg.number(seg.column("frames_analysed")), 50) << seg.fields()[seg.column("start_sec")];
    }
    EXPECT_EQ(patient_rows, kSessions * 3);
    EXPECT_EQ(labels["opening"], kSessions);
    EXPECT_EQ(labels["rated"], kSessions * 2);
  }

  // agreement and outcomes: the database route equals the CSV route
  const std::string measures = " --measures smile_share,expressivity,mean_p_happy,valence_sd";
  r = test::run("stats agreement" + measures + study + " -o " + (dir / "agree_db").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = test::run("stats agreement" + measures + " --ratings " + (dir / "ratings.csv").string() + " --segments " +
                (dir / "export" / "segments.csv").string() + " -o " + (dir / "agree_csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_same_tables(dir / "agree_db", dir / "agree_csv");
  const auto agreement = nlohmann::json::parse(util::read_file(dir / "agree_db" / "agreement.json"));
  EXPECT_EQ(agreement.dump().find("\"matched_segments\":24") != std::string::npos, true) << agreement.dump().substr(0, 2000);

  r = test::run("stats outcomes" + measures + study + " -o " + (dir / "out_db").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = test::run("stats outcomes --lower-is-better" + measures + " --outcomes " + (dir / "outcomes.csv").string() +
                " --sessions " + (dir / "export" / "sessions.csv").string() + " --sessions " +
                (dir / "export" / "windows.csv").string() + " -o " + (dir / "out_csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_same_tables(dir / "out_db", dir / "out_csv");

  // an unknown session: file:line, exit 3, database byte-unchanged
  const std::string before = file_bytes(dir / "study.sqlite"), before_wal = file_bytes(dir / "study.sqlite-wal");
  util::write_file_atomic(dir / "more.csv",
                          "session_id,start,end,rater,ceas_mode,ceas_peak\nS1,100,110,R3,2,3\nS99,0,10,R3,2,3\n");
  r = test::run("stats import ratings" + study + " " + (dir / "more.csv").string());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("more.csv:3: column session_id: session \"S99\" is not in the study"), std::string::npos) << r.err;
  EXPECT_TRUE(file_bytes(dir / "study.sqlite") == before) << "study.sqlite changed";
  EXPECT_TRUE(file_bytes(dir / "study.sqlite-wal") == before_wal) << "study.sqlite-wal changed";

  // videos archived after analysis: exports and statistics work from frames/ and still run
  fs::remove_all(dir / "videos");
  r = test::run("study export " + dir.string() + " -o " + (dir / "export_archived").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(file_bytes(dir / "export_archived" / "segments.csv") == file_bytes(dir / "export" / "segments.csv"));
  r = test::run("stats outcomes" + measures + study + " -o " + (dir / "out_archived").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_same_tables(dir / "out_archived", dir / "out_db");

  // a database of a newer schema version is refused by every stats command, unchanged
  {
    study::SqliteDb raw(dir / "study.sqlite", false);
    raw.exec("PRAGMA user_version=2");
  }
  const std::string newer = file_bytes(dir / "study.sqlite");
  for (const std::string cmd : {"stats agreement" + study + " -o " + (dir / "x").string(),
                                "stats import ratings" + study + " " + (dir / "ratings.csv").string()}) {
    r = test::run(cmd);
    EXPECT_EQ(r.exit_code, 3) << cmd;
    EXPECT_NE(r.err.find("psyface: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("has study schema version 2; this psyface reads version 1 (made by a newer psyface: upgrade "
                         "psyface)"),
              std::string::npos)
        << r.err;
  }
  EXPECT_TRUE(file_bytes(dir / "study.sqlite") == newer);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace psyface
